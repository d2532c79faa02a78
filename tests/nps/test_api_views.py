"""The API and pages of reports, the register, toxicology cases and the watch list: each
record kind's scope (check_scope), writes through the API and the forms, field errors."""

import pytest
from django.test import Client

from drugcontrol.core.testing import ScopeTarget, check_scope
from drugcontrol.nps import services
from drugcontrol.nps.models import IdentificationReport, ToxicologyCase
from tests.conftest import signed_in
from tests.nps.conftest import INVENTED_FENTANYL, MEPHEDRONE, case_raw, report_raw

pytestmark = pytest.mark.django_db
V1 = "/api/v1/nps"


@pytest.fixture
def intl_viewer_nps(make_user):
    return make_user(kind="international", role="viewer")


@pytest.fixture
def deu_police(make_user):
    return make_user(country="DEU", kind="law_enforcement", role="viewer")


def test_report_scope(chn_lab, chn_police, deu_police, intl_viewer_nps):
    report = services.report_submit(actor=chn_lab, raw=report_raw())
    check_scope(
        ScopeTarget(
            record_id=report.pk,
            list_url=f"{V1}/reports",
            detail_url=f"{V1}/reports/{report.pk}",
            page_url=f"/nps/reports/{report.pk}/",
            list_page_url="/nps/reports/",
            page_marker=report.reference,
        ),
        own_country_user=chn_police,
        other_country_user=deu_police,
        international_user=intl_viewer_nps,
    )


def test_a_report_about_another_country_is_seen_there_too(chn_lab, deu_police, make_user):
    report = services.report_submit(actor=chn_lab, raw=report_raw(country="DEU"))
    assert signed_in(deu_police).get(f"{V1}/reports/{report.pk}").status_code == 200
    fra = make_user(country="FRA", kind="forensic_lab", role="viewer")
    assert signed_in(fra).get(f"{V1}/reports/{report.pk}").status_code == 404
    operator = make_user(country="DEU", kind="operator", role="admin")
    assert signed_in(operator).get(f"{V1}/reports/{report.pk}").status_code == 404


def test_case_scope(chn_lab, chn_police, deu_police, intl_viewer_nps):
    case = services.case_report(actor=chn_lab, raw=case_raw())
    check_scope(
        ScopeTarget(
            record_id=case.pk,
            list_url=f"{V1}/toxicology",
            detail_url=f"{V1}/toxicology/{case.pk}",
            page_url=f"/nps/toxicology/{case.pk}/",
            list_page_url="/nps/toxicology/",
            page_marker=case.reference,
        ),
        own_country_user=chn_police,
        other_country_user=deu_police,
        international_user=intl_viewer_nps,
    )


def test_register_is_shared_and_its_aggregates_reveal_no_report(
    chn_lab, chn_police, deu_police, intl_viewer_nps, make_user
):
    """The rule of docs/nps.md: every reader of the register sees the reporting countries and
    first months (deliberately shared), never the reports it may not open; toxicology counts
    only the cases the reader may see."""
    report = services.report_submit(actor=chn_lab, raw=report_raw())
    services.case_report(actor=chn_lab, raw=case_raw(substance=report.substance.name_en))
    sid = report.substance_id
    check_scope(
        ScopeTarget(
            record_id=sid,
            list_url=f"{V1}/substances",
            detail_url=f"{V1}/substances/{sid}",
            page_url=f"/nps/substances/{sid}/",
            list_page_url="/nps/",
            page_marker=report.substance.name_en,
        ),
        own_country_user=chn_police,
        other_country_user=deu_police,
        international_user=intl_viewer_nps,
        other_countries_see=True,
    )
    deu = signed_in(deu_police)
    detail = deu.get(f"{V1}/substances/{sid}").json()
    assert detail["reporting_countries"] == [
        {"country": "CHN", "first_reported": report.sampled_on.strftime("%Y-%m")}
    ]
    assert detail["family"] == "fentanyl"
    assert detail["toxicology"]["cases"] == 0  # the CHN case is not Germany's to count
    assert signed_in(chn_police).get(f"{V1}/substances/{sid}").json()["toxicology"]["cases"] == 1
    page = deu.get(f"/nps/substances/{sid}/").content.decode()
    assert report.reference not in page and f"/nps/reports/{report.pk}/" not in page
    operator = make_user(country="CHN", kind="operator", role="officer")
    assert signed_in(operator).get(f"{V1}/substances/{sid}").status_code == 404


def test_watch_list_scope_and_series(chn_lab, chn_police, deu_police, intl_viewer_nps, make_user):
    intl = make_user(kind="international", role="officer")
    entry = services.watch_add(
        actor=intl,
        raw={
            "substance": "Ketamine",
            "smiles": "CNC1(CCCCC1=O)c1ccccc1Cl",
            "reason": "Diverted from veterinary use.",
        },
    )
    services.report_submit(actor=chn_lab, raw=report_raw(structure="Ketamine"))
    sid = entry.substance_id
    check_scope(
        ScopeTarget(
            record_id=sid,
            list_url=f"{V1}/watch-list",
            detail_url=f"{V1}/watch-list/{sid}",
            page_url=f"/nps/watch-list/{sid}/",
            list_page_url="/nps/watch-list/",
            page_marker="Ketamine",
        ),
        own_country_user=chn_police,
        other_country_user=deu_police,
        international_user=intl_viewer_nps,
        other_countries_see=True,
    )
    years = signed_in(chn_police).get(f"{V1}/watch-list/{sid}").json()["years"]
    assert sum(row["reports"] for row in years) == 1
    assert (
        sum(
            r["reports"]
            for r in signed_in(deu_police).get(f"{V1}/watch-list/{sid}").json()["years"]
        )
        == 0
    )
    csv = signed_in(chn_police).get(f"/nps/watch-list/{sid}/?format=csv").content.decode()
    assert csv.splitlines()[0] == "year,seizures,identification_reports,toxicology_cases"
    page = signed_in(chn_police).get(f"/nps/watch-list/{sid}/").content.decode()
    assert 'class="chart"' in page


def test_api_creates_a_report_and_names_bad_fields(chn_lab):
    client = signed_in(chn_lab)
    body = {**report_raw(), "purity": 42.5}
    answer = client.post(f"{V1}/reports", body, content_type="application/json")
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["classification"] == "new_substance" and data["family"] == "fentanyl"
    assert data["analogues"] and data["incident_id"] is None
    bad = client.post(
        f"{V1}/reports",
        {**report_raw(), "structure": "C1CC(N", "purity": 150},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert {"structure", "purity"} <= set(bad.json()["error"]["details"])
    assert IdentificationReport.objects.count() == 1
    listed = client.get(f"{V1}/reports?classification=new_substance&country=CHN").json()
    assert [item["id"] for item in listed["items"]] == [data["id"]]
    assert client.get(f"{V1}/reports?classification=controlled").json()["items"] == []


def test_api_toxicology_and_effect_group(chn_lab, make_user):
    client = signed_in(chn_lab)
    answer = client.post(
        f"{V1}/toxicology",
        {**case_raw(), "findings": [{"substance": "Mephedrone", "matrix": "urine"}]},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["findings"][0]["substance"] == "Mephedrone"
    bad = client.post(
        f"{V1}/toxicology",
        {**case_raw(), "findings": [{"substance": "Nothingol", "matrix": "blood"}]},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "findings.0.substance" in bad.json()["error"]["details"]
    assert ToxicologyCase.objects.count() == 1
    report = services.report_submit(actor=chn_lab, raw=report_raw())
    url = f"{V1}/substances/{report.substance_id}"
    assert (
        client.patch(url, {"effect_group": "opioid"}, content_type="application/json").status_code
        == 403
    )
    intl = signed_in(make_user(kind="international", role="officer"))
    changed = intl.patch(
        url, {"effect_group": "opioid", "version": 1}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["effect_group"] == "opioid"
    stale = intl.patch(
        url, {"effect_group": "other", "version": 1}, content_type="application/json"
    )
    assert stale.status_code == 409


def test_report_page_form_and_the_amber_warning(chn_lab):
    client = signed_in(chn_lab)
    assert client.get("/nps/reports/new/").status_code == 200
    form = {**report_raw(), "country": "CHN"}
    answer = client.post("/nps/reports/new/", form)
    assert answer.status_code == 302, answer.content.decode()[-2000:]
    report = IdentificationReport.objects.get()
    page = client.get(answer["Location"]).content.decode()
    assert 'data-testid="verdict"' in page and 'class="status analogue"' in page
    assert 'data-value="new_substance"' in page
    bad = client.post(
        "/nps/reports/new/", {**form, "structure": "not a molecule at all", "purity": "101"}
    )
    assert bad.status_code == 422
    text = bad.content.decode()
    assert 'data-field="structure"' in text and 'data-field="purity"' in text
    assert IdentificationReport.objects.count() == 1 and report.pk
    mephedrone = client.post("/nps/reports/new/", {**form, "structure": MEPHEDRONE})
    page = client.get(mephedrone["Location"]).content.decode()
    assert 'class="status controlled"' in page and 'data-testid="reason"' in page


def test_case_page_form_puts_row_errors_on_the_row(chn_lab):
    client = signed_in(chn_lab)
    assert client.get("/nps/toxicology/new/").status_code == 200
    form = {
        "kind": "clinical",
        "occurred_on": "2025-05-01",
        "outcome": "recovered",
        "finding-0-substance": "Mephedrone",
        "finding-0-matrix": "blood",
        "finding-1-substance": "Nothingol",
        "finding-1-matrix": "urine",
    }
    bad = client.post("/nps/toxicology/new/", form)
    assert bad.status_code == 422 and 'data-field="finding-1-substance"' in bad.content.decode()
    form["finding-1-substance"] = "Fentanyl"
    assert client.post("/nps/toxicology/new/", form).status_code == 302
    assert ToxicologyCase.objects.get().findings.count() == 2


def test_pages_refuse_forms_to_those_who_may_not(make_user):
    viewer = signed_in(make_user(country="CHN", kind="forensic_lab", role="viewer"))
    assert viewer.get("/nps/reports/new/").status_code == 403
    assert viewer.get("/nps/toxicology/new/").status_code == 403
    assert viewer.get("/nps/").status_code == 200
    assert Client().get("/nps/").status_code == 302


def test_invented_fentanyl_in_chinese(chn_lab):
    services.report_submit(actor=chn_lab, raw=report_raw(structure=INVENTED_FENTANYL))
    client = signed_in(chn_lab)
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/nps/").content.decode()
    assert "芬太尼" in page or "（无中文名称）" in page


def test_the_report_page_and_the_api_give_the_same_rows_for_one_filter(chn_lab, deu_lab):
    new = services.report_submit(actor=chn_lab, raw=report_raw())
    controlled = services.report_submit(actor=chn_lab, raw=report_raw(structure=MEPHEDRONE))
    services.report_submit(actor=deu_lab, raw=report_raw(structure=MEPHEDRONE))
    client = signed_in(chn_lab)
    for query, expected in (
        ("classification=controlled", {controlled.reference}),
        ("family=fentanyl", {new.reference}),
        ("country=CHN&form=powder", {new.reference, controlled.reference}),
    ):
        api = {item["reference"] for item in client.get(f"{V1}/reports?{query}").json()["items"]}
        page = client.get(f"/nps/reports/?{query}").content.decode()
        shown = {ref for ref in (new.reference, controlled.reference) if ref in page}
        assert api == shown == expected, query


@pytest.mark.parametrize("day", [0, "0", 1700000000, True, "2024-1-2", "02/01/2024"])
def test_a_day_is_written_yyyy_mm_dd_and_nothing_is_stored_otherwise(chn_lab, day):
    # 0 and "0" were read as 1970-01-01 (Unix time) and stored.
    client = signed_in(chn_lab)
    answer = client.post(
        f"{V1}/reports", {**report_raw(), "sampled_on": day}, content_type="application/json"
    )
    assert answer.status_code == 422
    assert "sampled_on" in answer.json()["error"]["details"]
    assert not IdentificationReport.objects.exists()
    identify = client.post(
        "/api/v1/substances/identify",
        {"smiles": "CCO", "on": day},
        content_type="application/json",
    )
    assert identify.status_code == 422 and "on" in identify.json()["error"]["details"]


def test_true_is_no_id_nor_version(chn_lab):
    client = signed_in(chn_lab)
    finding = {k: v for k, v in case_raw()["findings"][0].items() if k != "substance"}
    answer = client.post(
        f"{V1}/toxicology",
        {**case_raw(), "findings": [{**finding, "substance_id": True}]},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert "findings.0.substance_id" in answer.json()["error"]["details"]
    assert not ToxicologyCase.objects.exists()
