"""Form D annual reports: the draft generated from incidents, notifications and legitimate
requirements; regeneration keeping what was entered by hand; the workflow's steps and
refusals; submitted versions; visibility; the API; the pages; the exports."""

import datetime
import decimal
import io
import json

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from drugcontrol.core.errors import Conflict, PermissionDenied, ValidationFailed
from drugcontrol.core.models import Alert, AuditEvent
from drugcontrol.core.visibility import visible
from drugcontrol.entities.models import Party
from drugcontrol.incidents import services as incident_services
from drugcontrol.precursors import services
from drugcontrol.precursors.models import (
    AnnualReport,
    AnnualReportRow,
    RowOrigin,
)
from drugcontrol.substances.models import SurveillanceChemical
from drugcontrol.substances.selectors import find_by_name
from tests.precursors.conftest import draft

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1


def day(month=6, day_of_month=15) -> str:
    return datetime.date(YEAR, month, day_of_month).isoformat()


def seizure(actor, substances, *, distribution="country", concealment="", origin="IND", **extra):
    raw = {
        "kind": "seizure",
        "occurred_on": day(),
        "distribution": distribution,
        "countries": [{"country": origin, "role": "origin"}, {"country": "CHN", "role": "seizure"}],
        "substances": substances,
        "concealment": concealment,
        **extra,
    }
    data = incident_services.validate_incident(raw, visible_parties=visible(Party, actor))
    return incident_services.incident_create(actor=actor, data=data)


@pytest.fixture
def form_d_world(registry, make_user, make_org):
    """China's authority and police with seizures, notifications and a requirement in YEAR;
    Australia answers; the secretariat decides."""
    chn = make_org(country="CHN", name="China precursor authority")
    aus = make_org(country="AUS", name="Australia precursor authority")
    people = {
        "officer": make_user(organisation=chn, role="officer", email="cn@example.org"),
        "viewer": make_user(organisation=chn, role="viewer"),
        "police": make_user(country="CHN", kind="law_enforcement", role="officer"),
        "aus": make_user(organisation=aus, role="officer"),
        "mex": make_user(country="MEX", role="officer"),
        "intl": make_user(kind="international", role="officer", email="intl@example.org"),
        "intl_viewer": make_user(kind="international", role="viewer"),
    }
    ephedrine, acetone = find_by_name("Ephedrine"), find_by_name("Acetone")
    SurveillanceChemical.objects.create(name="Benzaldehyde", edition="2026")
    police = people["police"]
    seizure(
        police,
        [
            {"substance_id": ephedrine.pk, "quantity": "120", "unit": "kg"},
            {"substance_id": acetone.pk, "quantity": "300", "unit": "l"},
            {"description": "Benzaldehyde", "quantity": "50", "unit": "kg"},
            {"description": "white powder", "quantity": "2", "unit": "kg"},
        ],
        concealment="hidden in drums declared as cleaning agent",
    )
    seizure(
        police,
        [{"substance_id": ephedrine.pk, "quantity": "500", "unit": "g"}],
        concealment="hidden in drums declared as cleaning agent",
    )
    # Seen only by the police organisation: not in the authority's draft.
    seizure(
        police,
        [{"substance_id": ephedrine.pk, "quantity": "999", "unit": "kg"}],
        distribution="organisation",
    )
    # Another year: left out.
    seizure(
        police,
        [{"substance_id": ephedrine.pk, "quantity": "7", "unit": "kg"}],
        occurred_on=datetime.date(YEAR - 1, 5, 1).isoformat(),
    )
    officer = people["officer"]
    at = timezone.make_aware(datetime.datetime(YEAR, 3, 1, 10))
    dispatch = datetime.date(YEAR, 4, 1).isoformat()
    shipped = draft(officer, expected_dispatch=dispatch, transit_countries=[])
    shipped = services.notification_submit(actor=officer, notification=shipped, at=at)
    services.notification_answer(actor=people["aus"], notification=shipped, decision="clear", at=at)
    objected = services.notification_create(
        actor=people["aus"],
        data=services.validate_notification(
            {
                "importing_country": "CHN",
                "expected_dispatch": dispatch,
                "point_of_entry": "Shanghai",
                "lines": [{"substance_id": ephedrine.pk, "quantity": "40", "unit": "kg"}],
                "parties": [
                    {"role": "exporter", "name": "Sydney Fine Chemicals", "country": "AUS",
                     "address": "1 George St"},
                    {"role": "importer", "name": "Shanghai Pharma", "country": "CHN",
                     "address": "2 Nanjing Rd"},
                ],
            },
            exporting_country_id="AUS",
            visible_parties=visible(Party, people["aus"]),
        ),
        submit=True,
        at=at,
    )  # fmt: skip
    services.notification_answer(
        actor=officer,
        notification=objected,
        decision="object",
        ground="no_licence",
        at=at + datetime.timedelta(days=2),
    )
    services.requirement_set(
        actor=officer,
        country=officer.organisation.country,
        substance=ephedrine,
        year=YEAR,
        quantity_kg="800",
    )
    people["ephedrine"], people["acetone"] = ephedrine, acetone
    return people


def generated(people) -> AnnualReport:
    return services.annual_report_generate(actor=people["officer"], year=YEAR)


def rows_of(report, section):
    return list(report.rows.filter(section=section).order_by("position"))


def test_the_draft_is_generated_from_what_the_authority_may_see(form_d_world):
    people = form_d_world
    report = generated(people)
    assert report.status == "draft" and report.country_id == "CHN" and report.year == YEAR
    (ephedrine,) = rows_of(report, "seizures_scheduled")[:1]
    scheduled = {row.substance_id: row for row in rows_of(report, "seizures_scheduled")}
    ephedrine = scheduled[people["ephedrine"].pk]
    # 120 kg + 500 g; the organisation-only seizure and last year's are left out.
    assert ephedrine.quantity == decimal.Decimal("120.500") and ephedrine.unit == "kg"
    assert ephedrine.count == 2 and ephedrine.country_id == "IND"
    acetone = scheduled[people["acetone"].pk]
    assert acetone.unit == "l" and acetone.quantity == decimal.Decimal("300.000")
    (other,) = rows_of(report, "seizures_other")
    assert other.chemical_name == "Benzaldehyde" and other.surveillance_chemical_id
    (method,) = rows_of(report, "methods")
    assert method.count == 2 and "cleaning agent" in method.text
    assert method.reference.count("-") >= 2  # cites the incidents' references
    (stopped,) = rows_of(report, "stopped")
    assert stopped.reason == "no_licence" and stopped.country_id == "AUS"
    assert stopped.quantity == decimal.Decimal("40.000")
    (trade,) = rows_of(report, "trade")
    assert (trade.direction, trade.country_id, trade.quantity) == ("export", "AUS", 25)
    (requirement,) = rows_of(report, "requirements")
    assert requirement.quantity == 800 and not requirement.is_preparation
    assert all(row.origin == RowOrigin.GENERATED for row in report.rows.all())
    event = AuditEvent.objects.get(action="precursors.annual_report_generated")
    assert event.object_id == str(report.pk)


def test_a_second_draft_for_the_same_year_is_a_conflict_naming_the_first(form_d_world):
    report = generated(form_d_world)
    with pytest.raises(Conflict) as raised:
        services.annual_report_generate(actor=form_d_world["officer"], year=YEAR)
    assert raised.value.details["id"] == report.pk


@pytest.mark.parametrize("year", [1989, timezone.localdate().year + 1, "last", None])
def test_a_year_out_of_range_is_refused(form_d_world, year):
    with pytest.raises(ValidationFailed) as raised:
        services.annual_report_generate(actor=form_d_world["officer"], year=year or "")
    assert "year" in raised.value.details


@pytest.mark.parametrize("who", ["viewer", "police", "intl", "mex"])
def test_only_the_countrys_authority_officers_generate(form_d_world, who):
    with pytest.raises(PermissionDenied):
        services.annual_report_generate(actor=form_d_world[who], year=YEAR, country="CHN")


def _entries(report):
    rows = []
    for row in report.rows.order_by("position", "pk"):
        raw = {
            "id": row.pk,
            "section": row.section,
            "substance_id": row.substance_id,
            "surveillance_chemical_id": row.surveillance_chemical_id,
            "chemical_name": row.chemical_name,
            "is_preparation": row.is_preparation,
            "quantity": None if row.quantity is None else str(row.quantity),
            "unit": row.unit,
            "count": row.count,
            "country": row.country_id,
            "other_country": row.other_country_id,
            "direction": row.direction,
            "reason": row.reason,
            "reference": row.reference,
            "text": row.text,
            "remarks": row.remarks,
        }
        rows.append(raw)
    return rows


def test_regenerating_keeps_entries_added_or_corrected_by_hand(form_d_world):
    people = form_d_world
    report = generated(people)
    entries = _entries(report)
    trade = next(entry for entry in entries if entry["section"] == "trade")
    trade["quantity"] = "30"  # corrected: the generated entry becomes manual
    entries.append(
        {"section": "methods", "text": "Diversion through a licensed pharmacy chain", "count": 1}
    )
    report = services.annual_report_update(
        actor=people["officer"],
        report=report,
        rows=services.validate_report_rows(entries),
        expected_version=report.version,
    )
    corrected = report.rows.get(section="trade")
    assert corrected.origin == RowOrigin.MANUAL and corrected.quantity == 30
    before = report.rows.count()
    report = services.annual_report_regenerate(
        actor=people["officer"], report=report, expected_version=report.version
    )
    # The corrected entry is not generated again beside itself; the added one stays.
    assert report.rows.filter(section="trade").count() == 1
    assert report.rows.get(section="trade").quantity == 30
    assert report.rows.filter(text__startswith="Diversion through").exists()
    assert report.rows.count() == before


def test_a_generated_entry_removed_by_hand_stays_removed_until_restored(form_d_world):
    people = form_d_world
    report = generated(people)
    entries = _entries(report)
    removed = next(entry for entry in entries if entry["section"] == "trade")
    removed_key = report.rows.get(pk=removed["id"]).key
    assert removed_key, "a generated entry carries its key"
    kept = [entry for entry in entries if entry is not removed]
    report = services.annual_report_update(
        actor=people["officer"],
        report=report,
        rows=services.validate_report_rows(kept),
        expected_version=report.version,
    )
    assert report.removed_keys == [removed_key]
    for _again in range(2):  # generating again, twice, does not bring it back
        report = services.annual_report_regenerate(
            actor=people["officer"], report=report, expected_version=report.version
        )
        assert not report.rows.filter(key=removed_key).exists()
        assert report.rows.count() == len(kept)
    page = _client(people["officer"]).get(f"/precursors/annual-reports/{report.pk}/")
    assert 'data-testid="restore-removed"' in page.content.decode()
    api_url = f"/api/v1/precursors/annual-reports/{report.pk}"
    assert _client(people["officer"]).get(api_url).json()["removed_generated"] == 1
    answer = _client(people["officer"]).post(
        f"{api_url}/regenerate",
        {"version": report.version, "restore_removed": "perhaps"},
        content_type="application/json",
    )
    assert answer.status_code == 422 and "restore_removed" in json.dumps(answer.json())
    # Asked to restore, the page's checkbox brings it back, once, and forgets the removal.
    response = _client(people["officer"]).post(
        f"/precursors/annual-reports/{report.pk}/action/",
        {"action": "regenerate", "version": report.version, "restore_removed": "1"},
    )
    assert response.status_code == 302, response.content
    report.refresh_from_db()
    assert report.rows.filter(key=removed_key, origin=RowOrigin.GENERATED).count() == 1
    assert report.removed_keys == []
    assert AuditEvent.objects.filter(
        action="precursors.annual_report_regenerated", after__restored=1
    ).exists()


def test_bad_entries_are_named_by_row_and_field(form_d_world):
    ephedrine = form_d_world["ephedrine"]
    with pytest.raises(ValidationFailed) as raised:
        services.validate_report_rows(
            [
                {"section": "seizures_scheduled", "substance_id": ephedrine.pk,
                 "quantity": "1e30", "unit": "kg"},
                {"section": "trade", "substance_id": ephedrine.pk, "quantity": "5"},
                {"section": "methods", "text": "x" * 5001},
                {"section": "seizures_scheduled", "substance_id": find_by_name("Heroin").pk},
                {"section": "nowhere"},
                {"section": "stopped", "substance_id": ephedrine.pk, "country": "ZZZ"},
            ]
        )  # fmt: skip
    details = raised.value.details
    assert "rows.0.quantity" in details
    assert {"rows.1.direction", "rows.1.country"} <= set(details)
    assert "rows.2.text" in details
    assert "rows.3.substance_id" in details
    assert "rows.4.section" in details
    assert "rows.5.country" in details


def test_submit_keeps_a_version_and_alerts_the_secretariat(form_d_world):
    people = form_d_world
    report = generated(people)
    with pytest.raises(PermissionDenied):
        services.annual_report_submit(
            actor=people["viewer"], report=report, expected_version=report.version
        )
    with pytest.raises(Conflict):
        services.annual_report_submit(
            actor=people["officer"], report=report, expected_version=report.version - 1 or 99
        )
    report = services.annual_report_submit(
        actor=people["officer"], report=report, expected_version=report.version
    )
    assert report.status == "submitted" and report.submitted_by == people["officer"]
    (submission,) = report.submissions.all()
    assert submission.number == 1 and len(submission.rows) == report.rows.count()
    assert Alert.objects.filter(
        recipient=people["intl"], message_key="precursors.annual_report_submitted"
    ).exists()
    assert not Alert.objects.filter(recipient=people["intl_viewer"]).exists()
    with pytest.raises(Conflict):
        services.annual_report_update(
            actor=people["officer"], report=report, rows=[], expected_version=report.version
        )


def test_return_then_resubmit_then_accept_locks_the_report(form_d_world):
    people = form_d_world
    report = generated(people)
    report = services.annual_report_submit(
        actor=people["officer"], report=report, expected_version=report.version
    )
    with pytest.raises(PermissionDenied):
        services.annual_report_decide(
            actor=people["officer"], report=report, decision="accept", expected_version=None
        )
    with pytest.raises(ValidationFailed) as raised:
        services.annual_report_decide(
            actor=people["intl"], report=report, decision="return", expected_version=None
        )
    assert "comment" in raised.value.details
    report = services.annual_report_decide(
        actor=people["intl"],
        report=report,
        decision="return",
        comment="Section 5: give the imports too.",
        expected_version=report.version,
    )
    assert report.status == "returned" and report.return_comment.startswith("Section 5")
    assert Alert.objects.filter(
        recipient=people["officer"], message_key="precursors.annual_report_returned"
    ).exists()
    assert report.submissions.get(number=1).decision == "returned"
    report = services.annual_report_update(
        actor=people["officer"],
        report=report,
        rows=services.validate_report_rows(
            [*_entries(report), {"section": "methods", "text": "Imports by courier"}]
        ),
        expected_version=report.version,
    )
    report = services.annual_report_submit(
        actor=people["officer"], report=report, expected_version=report.version
    )
    report = services.annual_report_decide(
        actor=people["intl"], report=report, decision="accept", expected_version=report.version
    )
    assert report.status == "accepted"
    assert [s.number for s in report.submissions.all()] == [2, 1]
    assert (
        len(report.submissions.get(number=2).rows) == len(report.submissions.get(number=1).rows) + 1
    )
    for action in ("edit", "regenerate", "submit"):
        with pytest.raises(Conflict):
            services.annual_report_regenerate(
                actor=people["officer"], report=report, expected_version=report.version
            ) if action == "regenerate" else services.annual_report_submit(
                actor=people["officer"], report=report, expected_version=report.version
            )
    with pytest.raises(Conflict):
        services.annual_report_decide(
            actor=people["intl"], report=report, decision="return", comment="x",
            expected_version=report.version,
        )  # fmt: skip


def test_visibility_own_country_always_secretariat_once_submitted(form_d_world):
    people = form_d_world
    report = generated(people)

    def sees(who):
        return visible(AnnualReport, people[who]).filter(pk=report.pk).exists()

    assert sees("officer") and sees("viewer")
    assert not sees("intl") and not sees("mex") and not sees("police") and not sees("aus")
    services.annual_report_submit(
        actor=people["officer"], report=report, expected_version=report.version
    )
    assert sees("intl") and sees("intl_viewer") and not sees("mex")


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_api_generate_change_submit_accept_and_export(form_d_world):
    people = form_d_world
    chn, intl = _client(people["officer"]), _client(people["intl"])
    base = "/api/v1/precursors/annual-reports"
    response = chn.post(base, {"year": YEAR}, content_type="application/json")
    assert response.status_code == 201, response.content
    report = response.json()
    assert set(report["actions"]) == {"edit", "regenerate", "submit"}
    assert chn.post(base, {"year": YEAR}, content_type="application/json").status_code == 409
    url = f"{base}/{report['id']}"
    # international never sees a draft that was never submitted
    assert intl.get(url).status_code == 404
    assert _client(people["mex"]).get(url).status_code == 404
    rows = [
        {k: v for k, v in row.items() if k not in ("origin", "substance", "surveillance_chemical")}
        for row in report["rows"]
    ]
    rows.append({"section": "methods", "text": "Rebranded drums"})
    bad = [*rows, {"section": "trade", "quantity": "NaN"}]
    answer = chn.patch(
        url, {"version": report["version"], "rows": bad}, content_type="application/json"
    )
    assert answer.status_code == 422
    assert f"rows.{len(rows)}.quantity" in answer.json()["error"]["details"]
    answer = chn.patch(
        url, {"version": report["version"], "rows": rows}, content_type="application/json"
    )
    assert answer.status_code == 200, answer.content
    changed = answer.json()
    stale = chn.patch(
        url, {"version": report["version"], "rows": rows}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert (
        chn.post(
            f"{url}/submit", {"version": changed["version"]}, content_type="application/json"
        ).status_code
        == 200
    )
    listed = intl.get(f"{base}?year={YEAR}&status=submitted").json()
    assert [item["id"] for item in listed["items"]] == [report["id"]]
    accepted = intl.post(f"{url}/accept", {}, content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    versions = chn.get(f"{url}/versions").json()
    assert versions["items"][0]["number"] == 1 and versions["items"][0]["decision"] == "accepted"
    export = chn.get(f"{url}/export?format=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxml"
    )
    csv_export = chn.get(f"{url}/export?format=csv&version=1")
    assert csv_export.status_code == 200 and "Rebranded drums" in csv_export.content.decode()
    assert chn.get(f"{url}/export?format=pdf").status_code == 422
    assert chn.get(f"{url}/export?version=7").status_code == 404


def test_the_xlsx_is_laid_out_like_the_form(form_d_world):
    people = form_d_world
    report = generated(people)
    name, content = __import__(
        "drugcontrol.precursors.selectors", fromlist=["x"]
    ).annual_report_export(report=report, kind="xlsx")
    assert name == f"form-d-CHN-{YEAR}.xlsx"
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    texts = [str(row[0]) for row in cells if row and row[0] is not None]
    assert texts[0].startswith("Form D")
    assert [str(v) for v in cells[2][:3]] == ["Country", "China", "CHN"]
    assert cells[3][:2] == ("Year", YEAR)
    titles = [t for t in texts if t[:2] in ("1.", "2.", "3.", "4.", "5.", "6.")]
    assert len(titles) == 6 and titles[0].startswith("1. Seizures of substances in Table I")
    start = next(i for i, row in enumerate(cells) if str(row[0]).startswith("1. "))
    assert cells[start + 1][:4] == ("Substance", "Quantity", "Unit", "Number of seizures")
    ephedrine_row = next(row for row in cells[start + 2 :] if row[0] == "Ephedrine")
    assert ephedrine_row[1] == pytest.approx(120.5) and ephedrine_row[2] == "kg"
    assert ephedrine_row[3] == 2 and ephedrine_row[4] == "India"
    assert any(str(t).startswith("Part two") for t in texts)


def test_pages_list_detail_edit_version_and_export(form_d_world):
    people = form_d_world
    chn = _client(people["officer"])
    page = chn.get("/precursors/annual-reports/")
    assert page.status_code == 200 and b"Generate the draft" in page.content
    response = chn.post("/precursors/annual-reports/", {"year": str(YEAR)})
    assert response.status_code == 302
    report = AnnualReport.objects.get()
    detail = chn.get(response["Location"])
    assert detail.status_code == 200 and b"Ephedrine" in detail.content
    assert b'value="submit"' in detail.content
    edit = chn.get(f"/precursors/annual-reports/{report.pk}/edit/")
    assert edit.status_code == 200
    ephedrine = people["ephedrine"]
    # a new entry in section 1's first blank row, after the generated ones
    generated_rows = report.rows.filter(section="seizures_scheduled").count()
    data = {"version": report.version}
    for section in (
        "seizures_scheduled",
        "seizures_other",
        "methods",
        "stopped",
        "trade",
        "requirements",
    ):
        for index, row in enumerate(rows_of(report, section)):
            data[f"{section}-{index}-id"] = row.pk
            for name, value in _entries_for_form(row).items():
                data[f"{section}-{index}-{name}"] = value
    new = f"seizures_scheduled-{generated_rows}"
    data.update({f"{new}-substance": ephedrine.pk, f"{new}-quantity": "abc", f"{new}-unit": "kg"})
    refused = chn.post(f"/precursors/annual-reports/{report.pk}/edit/", data)
    assert refused.status_code == 422 and f'data-field="{new}-quantity"'.encode() in refused.content
    data[f"{new}-quantity"] = "12"
    data[f"{new}-country"] = "MMR"
    saved = chn.post(f"/precursors/annual-reports/{report.pk}/edit/", data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert report.rows.filter(origin="manual", country_id="MMR", quantity=12).exists()
    report.refresh_from_db()
    step = chn.post(
        f"/precursors/annual-reports/{report.pk}/action/",
        {"action": "submit", "version": report.version},
    )
    assert step.status_code == 302
    assert chn.get(f"/precursors/annual-reports/{report.pk}/versions/1/").status_code == 200
    assert chn.get(f"/precursors/annual-reports/{report.pk}/versions/2/").status_code == 404
    export = chn.get(f"/precursors/annual-reports/{report.pk}/export/?format=csv")
    assert export.status_code == 200 and b"MMR" in export.content
    intl = _client(people["intl"])
    returned = intl.post(
        f"/precursors/annual-reports/{report.pk}/action/",
        {"action": "return", "version": report.version + 1, "comment": ""},
    )
    assert (
        returned.status_code == 422 and b"Say what the country should correct." in returned.content
    )
    assert _client(people["mex"]).get(f"/precursors/annual-reports/{report.pk}/").status_code == 404
    assert _client(people["police"]).get("/precursors/annual-reports/").status_code == 404


def _entries_for_form(row) -> dict:
    from drugcontrol.precursors.forms.annual_reports import row_initial

    values = row_initial(row)
    values.pop("id")
    return {
        name: ("on" if value is True else value)
        for name, value in values.items()
        if value not in (None, False)
    }


def test_the_alerts_render_in_the_readers_language(form_d_world):
    people = form_d_world
    report = generated(people)
    services.annual_report_submit(
        actor=people["officer"], report=report, expected_version=report.version
    )
    alert = Alert.objects.get(recipient=people["intl"])
    from django.utils import translation

    from drugcontrol.core.alerts import alert_text

    with translation.override("en"):
        assert alert_text(alert)[0] == f"China submitted its Form D for {YEAR}"
    assert json.loads(json.dumps(alert.params)) == {"year": YEAR, "country": "CHN"}
    assert AnnualReportRow.objects.filter(report=report).exists()


def test_the_demo_reports_are_in_every_state_and_made_once(registry, make_user):
    from types import SimpleNamespace

    from drugcontrol.precursors import demo

    for username, country in (
        ("chn_officer", "CHN"),
        ("deu_officer", "DEU"),
        ("mex_officer", "MEX"),
    ):
        make_user(username=username, country=country, role="officer")
    make_user(username="intl_admin", kind="international", role="admin")
    result = SimpleNamespace(created=0)
    demo._annual_reports(result, timezone.localdate())
    assert result.created == 4
    statuses = dict(AnnualReport.objects.values_list("country_id", "status").order_by("year"))
    assert set(AnnualReport.objects.values_list("status", flat=True)) == {
        "accepted", "draft", "submitted", "returned"
    }  # fmt: skip
    assert statuses["MEX"] == "returned"
    demo._annual_reports(result, timezone.localdate())
    assert result.created == 4 and AnnualReport.objects.count() == 4
