import datetime
import json
import re

import pytest
from openpyxl import Workbook

from drugcontrol.core.models import Country
from drugcontrol.core.testing import ScopeTarget, check_scope
from drugcontrol.precursors import services
from drugcontrol.precursors.models import Notification, Status
from drugcontrol.substances.selectors import find_by_name

from ..conftest import signed_in
from .conftest import draft, future, notification_raw, submitted

pytestmark = pytest.mark.django_db


def target(notification) -> ScopeTarget:
    return ScopeTarget(
        record_id=notification.pk,
        list_url="/api/v1/precursors/notifications",
        detail_url=f"/api/v1/precursors/notifications/{notification.pk}",
        page_url=f"/precursors/{notification.pk}/",
        list_page_url="/precursors/",
        page_marker=f'href="/precursors/{notification.pk}/"',
    )


def test_scope_of_a_submitted_notification(people, intl_viewer):
    notification = submitted(people["exporter"])
    for reader in (people["exporter"], people["importer"], people["transit"]):
        check_scope(
            target(notification),
            own_country_user=reader,
            other_country_user=people["third"],
            international_user=intl_viewer,
        )
    check_scope(
        target(notification),
        own_country_user=people["importer"],
        other_country_user=people["operator"],  # industry does not read notifications
    )


def test_scope_of_a_draft(people, intl_viewer):
    notification = draft(people["exporter"])
    check_scope(
        target(notification),
        own_country_user=people["exporter"],
        other_country_user=people["importer"],
        international_user=intl_viewer,
        international_sees=False,
    )


def test_scope_of_the_inbox(people):
    notification = submitted(people["exporter"])
    check_scope(
        ScopeTarget(
            record_id=notification.pk,
            list_url="/api/v1/precursors/inbox",
            list_page_url="/precursors/inbox/",
            page_marker=notification.reference,
        ),
        own_country_user=people["importer"],
        other_country_user=people["transit"],
    )


def test_scope_of_suspicious_orders(people, intl_viewer):
    order = services.suspicious_order_report(
        actor=people["operator"],
        raw={
            "received_on": datetime.date.today().isoformat(),
            "chemical": "Ephedrine",
            "customer_name": "Blue Harbour Trading",
            "reasons": "asked for cash payment",
        },
    )
    check_scope(
        ScopeTarget(
            record_id=order.pk,
            page_url=f"/precursors/orders/{order.pk}/",
            list_page_url="/precursors/orders/",
            page_marker=order.reference,
        ),
        own_country_user=people["exporter"],
        other_country_user=people["importer"],
        international_user=intl_viewer,
        international_sees=False,
    )


def test_the_exchange_through_the_api(people):
    exporter, importer = signed_in(people["exporter"]), signed_in(people["importer"])
    body = notification_raw()
    body["lines"] = [{"substance": "Pseudoephedrine", "quantity": "40", "unit": "kg"}]
    response = exporter.post(
        "/api/v1/precursors/notifications",
        {**body, "submit": True},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "submitted"
    assert created["exporting_country"] == "CHN"
    assert created["importing_country"] == "AUS"
    assert created["transit_countries"] == ["SGP"]
    assert created["lines"][0]["quantity_kg"] == "40.000"
    assert {f["rule"] for f in created["findings"]} >= {"first_for_importer"}
    url = f"/api/v1/precursors/notifications/{created['id']}"
    inbox = importer.get("/api/v1/precursors/inbox").json()
    assert [item["id"] for item in inbox["items"]] == [created["id"]]
    detail = importer.get(url).json()
    assert set(detail["actions"]) == {"acknowledge", "answer", "message"}
    version = detail["version"]
    ok = importer.post(f"{url}/clear", {"version": version}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "cleared"
    again = importer.post(
        f"{url}/object",
        {"version": version, "ground": "no_licence"},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"
    shipped = exporter.post(f"{url}/ship", {}, content_type="application/json")
    assert shipped.json()["status"] == "shipped"
    message = importer.post(f"{url}/messages", {"body": "Arrived"}, content_type="application/json")
    assert message.status_code == 201
    assert message.json()["messages"][0]["body"] == "Arrived"


def test_api_names_bad_fields(people):
    client = signed_in(people["exporter"])
    body = notification_raw(importing_country="CHN")
    body["lines"] = [{"substance": "Ephedrine", "quantity": "0", "unit": "kg"}]
    response = client.post(
        "/api/v1/precursors/notifications", body, content_type="application/json"
    )
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert {"importing_country", "lines.0.quantity"} <= set(details)
    assert Notification.objects.count() == 0
    late = notification_raw(expected_dispatch="2020-01-01")
    response = client.post(
        "/api/v1/precursors/notifications",
        {**late, "submit": True},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "expected_dispatch" in response.json()["error"]["details"]
    assert Notification.objects.count() == 0  # the draft went with the failed submission


def test_reference_endpoints(people, intl_admin):
    aus = Country.objects.get(iso3="AUS")
    services.requirement_set(
        actor=people["importer"],
        country=aus,
        substance=find_by_name("Ephedrine"),
        year=2027,
        quantity_kg="250",
    )
    services.invocation_add(
        actor=people["secretariat"], country=aus, scope="all", since=datetime.date(1995, 1, 1)
    )
    client = signed_in(people["operator"])  # published figures: every participant reads them
    requirements = client.get("/api/v1/precursors/legitimate-requirements?country=aus").json()
    assert [(r["country"], r["quantity_kg"], r["year"]) for r in requirements["items"]] == [
        ("AUS", "250.000", 2027)
    ]
    invocations = client.get("/api/v1/precursors/invocations").json()["items"]
    assert [(i["country"], i["scope"]) for i in invocations] == [("AUS", "all")]
    admin = signed_in(intl_admin)
    response = admin.put(
        "/api/v1/precursors/reply-terms/nzl",
        {"reply_days": 30, "explicit_clearance": True},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["reply_days"] == 30
    response = signed_in(people["exporter"]).post(
        "/api/v1/precursors/legitimate-requirements",
        {
            "country": "AUS",
            "substance_id": find_by_name("Ephedrine").pk,
            "year": 2027,
            "quantity_kg": "1",
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert client.get("/api/v1/precursors/statistics").status_code == 403


def test_statistics_page_chart_and_csv(people):
    notification = submitted(people["exporter"])
    services.notification_answer(
        actor=people["importer"],
        notification=notification,
        decision="object",
        ground="no_licence",
    )
    client = signed_in(people["third"])
    page = client.get("/precursors/statistics/")
    assert page.status_code == 200
    assert b"<svg" in page.content and b"AUS" in page.content
    csv_response = client.get("/precursors/statistics/?format=csv")
    lines = csv_response.content.decode().splitlines()
    assert lines[0].startswith("importing_country,received,answered")
    assert lines[1].startswith("AUS,1,1,1.000,0.0,1,1.000,0,0")
    assert signed_in(people["operator"]).get("/precursors/statistics/").status_code == 404
    api = client.get("/api/v1/precursors/statistics").json()
    assert api[0]["country"] == "AUS" and api[0]["objected"] == 1


def test_statistics_charts_read_in_the_readers_language(people):
    """The charts name each country in the reader's language (never its code), and their
    titles, tooltips and units are translated: a Chinese page's charts hold no English."""
    notification = submitted(people["exporter"])
    services.notification_answer(
        actor=people["importer"], notification=notification, decision="clear"
    )
    client = signed_in(people["third"])
    for language, country, other in (
        ("en", "Australia", "澳大利亚"),
        ("zh-hans", "澳大利亚", "Australia"),
    ):
        client.cookies["django_language"] = language
        page = client.get("/precursors/statistics/").content.decode()
        charts = re.findall(r'<svg class="chart".*?</svg>', page, flags=re.S)
        assert len(charts) == 2, language
        for chart in charts:
            labels = re.findall(r'class="chart-label">([^<]*)<', chart)
            tooltips = re.findall(r"<rect[^>]*><title>([^<]*)</title>", chart)
            assert labels == [country] and tooltips[0].startswith(f"{country}: ")
            assert "AUS" not in chart and other not in chart
            if language == "zh-hans":
                texts = re.findall(r">([^<>]+)<", chart) + re.findall(
                    r'aria-label="([^"]*)"', chart
                )
                assert not [t for t in texts if re.search(r"[A-Za-z]", t)], texts
    assert "天" in charts[1]  # the unit of the median days


def test_a_long_country_name_is_cut_to_fit_its_label():
    from drugcontrol.core.charts import LABEL_WIDTH, _text_width, bar_chart, fitted

    long_name = "Micronesia (Federated States of), and a good deal more than fits"
    assert (
        fitted("China") == "China"
        and fitted("大不列颠及北爱尔兰联合王国") == "大不列颠及北爱尔兰联合王国"
    )
    cut = fitted(long_name)
    assert cut.endswith("…") and _text_width(cut) <= LABEL_WIDTH - 10
    chart = bar_chart([(long_name, 3)], title="t")
    assert f">{cut}</text>" in chart and f"<title>{long_name}: 3" in chart


def test_the_form_saves_a_draft_and_submits_it(people):
    client = signed_in(people["exporter"])
    form = {
        "kind": "scheduled",
        "importing_country": "aus",
        "transit_countries": "sgp",
        "point_of_entry": "Port of Melbourne",
        "expected_dispatch": future(),
        "line-substance-0": "Ephedrine",
        "line-quantity-0": "12",
        "line-unit-0": "kg",
        "party-exporter": "Jiangsu Hengrui Pharmaceutical Co., Ltd.",
        "party-exporter-address": "7 Kunlunshan Road",
        "party-importer": "Southern Cross Pharma Pty Ltd",
        "party-importer-country": "AUS",
        "party-importer-address": "12 Collins Street",
    }
    response = client.post("/precursors/new/", {**form, "save": "1"})
    notification = Notification.objects.get()
    assert response.status_code == 302 and notification.status == Status.DRAFT
    edit = client.get(f"/precursors/{notification.pk}/edit/")
    assert b"Southern Cross Pharma" in edit.content
    # A bad change to a draft keeps what was typed, with the field named.
    bad_change = client.post(
        f"/precursors/{notification.pk}/edit/",
        {**form, "version": notification.version, "line-quantity-0": "-2", "invoice_number": "X-9"},
    )
    assert bad_change.status_code == 422 and b"X-9" in bad_change.content
    assert b'data-field="lines.0.quantity"' in bad_change.content
    response = client.post(
        f"/precursors/{notification.pk}/edit/",
        {**form, "version": notification.version, "line-quantity-0": "15", "submit": "1"},
    )
    notification.refresh_from_db()
    assert notification.status == Status.SUBMITTED
    assert notification.lines.get().quantity_kg == 15
    # Errors name the fields on the form and keep what was typed.
    bad = client.post("/precursors/new/", {**form, "line-quantity-0": "-1", "party-importer": ""})
    assert bad.status_code == 422
    assert b'data-field="lines.0.quantity"' in bad.content
    assert b"Jiangsu Hengrui" in bad.content


def test_the_page_actions_run_the_workflow(people):
    notification = submitted(people["exporter"])
    importer = signed_in(people["importer"])
    page = importer.get(f"/precursors/{notification.pk}/")
    assert b'data-testid="object-form"' in page.content
    importer.post(
        f"/precursors/{notification.pk}/action/",
        {"action": "acknowledge", "version": notification.version},
    )
    notification.refresh_from_db()
    response = importer.post(
        f"/precursors/{notification.pk}/action/",
        {
            "action": "object",
            "ground": "suspected_diversion",
            "detail": "Known front company",
            "version": notification.version,
        },
    )
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.status == Status.OBJECTED
    exporter_page = signed_in(people["exporter"]).get(f"/precursors/{notification.pk}/")
    assert b"Known front company" in exporter_page.content
    transit_page = signed_in(people["transit"]).get(f"/precursors/{notification.pk}/")
    assert b'data-testid="actions"' not in transit_page.content
    # A stale version is refused with a message, not applied.
    stale = importer.post(
        f"/precursors/{notification.pk}/action/", {"action": "clear", "version": 1}, follow=True
    )
    assert b"changed by someone else" in stale.content
    notification.refresh_from_db()
    assert notification.status == Status.OBJECTED


def _xlsx(rows) -> bytes:
    import io

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_import_is_all_or_nothing_with_a_row_report(people):
    from drugcontrol.precursors import imports

    header = [
        "group",
        "importing_country",
        "point_of_entry",
        "expected_dispatch",
        "substance",
        "quantity",
        "unit",
        "exporter",
        "exporter_address",
        "importer",
        "importer_address",
        "submit",
    ]
    good = [
        "A",
        "AUS",
        "Melbourne",
        future(),
        "Ephedrine",
        "10",
        "kg",
        "Hengrui",
        "Lianyungang",
        "Southern Cross Pharma",
        "Melbourne",
        "yes",
    ]
    second_line = ["A", "AUS", "", "", "Pseudoephedrine", "5", "kg", "", "", "", "", ""]
    bad = [
        "",
        "AUS",
        "Sydney",
        future(),
        "Ephedrine",
        "-3",
        "kg",
        "Hengrui",
        "Lianyungang",
        "Harbour Labs",
        "Sydney",
        "no",
    ]
    worse = ["", "CHN", "", "", "Unobtainium", "1", "kg", "", "", "", "", ""]
    with pytest.raises(services.ValidationFailed) as caught:
        imports.notifications_import(
            actor=people["exporter"],
            name="batch.xlsx",
            content=_xlsx([header, good, second_line, bad, worse]),
        )
    report = caught.value.details
    assert report["row 4"] == {"quantity": ["Must be greater than zero."]}
    assert set(report["row 5"]) == {"importing_country", "substance"}
    assert Notification.objects.count() == 0
    result = imports.notifications_import(
        actor=people["exporter"], name="batch.xlsx", content=_xlsx([header, good, second_line])
    )
    assert result["imported"] == 1 and result["submitted"] == 1
    assert Notification.objects.get().lines.count() == 2
    as_json = json.dumps([{**notification_raw(), "submit": False}]).encode()
    assert (
        imports.notifications_import(actor=people["exporter"], name="n.json", content=as_json)[
            "imported"
        ]
        == 1
    )


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_requirements_csv_import(people):
    from drugcontrol.precursors import imports

    good = b"country,substance,form,year,quantity_kg\nAUS,Ephedrine,substance,2027,300\n"
    assert imports.requirements_import(actor=people["importer"], content=good) == {"imported": 1}
    bad = good + b"AUS,Nothing,substance,2027,1\nAUS,Ephedrine,substance,20x7,1\n"
    with pytest.raises(services.ValidationFailed) as caught:
        imports.requirements_import(actor=people["importer"], content=bad)
    assert set(caught.value.details) == {"row 3", "row 4"}
    page = signed_in(people["importer"]).get("/precursors/requirements/?country=AUS")
    assert page.content.count(b'data-testid="requirement-row"') == 1


def test_pages_answer(people, intl_admin):
    submitted(people["exporter"])
    for user in (people["exporter"], people["importer"], intl_admin):
        client = signed_in(user)
        for url in (
            "/precursors/",
            "/precursors/inbox/",
            "/precursors/invocations/",
            "/precursors/requirements/",
            "/precursors/surveillance/",
            "/precursors/statistics/",
        ):
            assert client.get(url).status_code == 200, (url, user)
    operator = signed_in(people["operator"])
    assert operator.get("/precursors/orders/new/").status_code == 200
    assert operator.get("/precursors/surveillance/").status_code == 404
    response = operator.post("/precursors/orders/new/", {"chemical": ""})
    assert response.status_code == 422
    assert b'data-field="customer_name"' in response.content
