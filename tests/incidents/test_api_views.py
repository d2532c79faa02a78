import datetime

import pytest

from drugcontrol.core.models import Alert
from drugcontrol.core.testing import ScopeTarget, check_scope
from drugcontrol.incidents.models import Incident

from ..conftest import signed_in
from .conftest import report

pytestmark = pytest.mark.django_db


def test_scope_incidents(scenario, intl_viewer):
    incident = report(scenario["a_officer"])
    target = ScopeTarget(
        record_id=incident.pk,
        list_url="/api/v1/incidents",
        detail_url=f"/api/v1/incidents/{incident.pk}",
        page_url=f"/incidents/{incident.pk}/",
        list_page_url="/incidents/",
        page_marker=f'href="/incidents/{incident.pk}/"',
    )
    check_scope(
        target,
        own_country_user=scenario["a_officer"],
        other_country_user=scenario["c_focal"],
        international_user=intl_viewer,
    )
    # B sees it because its party correlates.
    check_scope(
        target,
        own_country_user=scenario["b_focal"],
        other_country_user=scenario["c_focal"],
    )


def test_scope_home_only_incident(scenario, intl_viewer):
    incident = report(scenario["a_officer"], distribution="country")
    check_scope(
        ScopeTarget(
            record_id=incident.pk,
            list_url="/api/v1/incidents",
            detail_url=f"/api/v1/incidents/{incident.pk}",
            page_url=f"/incidents/{incident.pk}/",
        ),
        own_country_user=scenario["a_officer"],
        other_country_user=scenario["b_focal"],
        international_user=intl_viewer,
        international_sees=False,
    )


def test_scope_alerts(scenario):
    incident = report(scenario["a_officer"])
    alert = Alert.objects.get(recipient=scenario["b_focal"])
    check_scope(
        ScopeTarget(
            record_id=alert.pk,
            list_url="/api/v1/alerts",
            detail_url=f"/api/v1/alerts/{alert.pk}",
            list_page_url="/incidents/alerts/",
            page_marker=incident.reference,
        ),
        own_country_user=scenario["b_focal"],
        other_country_user=scenario["c_focal"],
    )


def test_report_through_the_api(scenario):
    client = signed_in(scenario["a_officer"])
    body = {
        "kind": "stopped_shipment",
        "occurred_on": datetime.date.today().isoformat(),
        "countries": [
            {"country": "IND", "role": "origin"},
            {"country": "MEX", "role": "destination"},
        ],
        "substances": [
            {"substance_id": None, "description": "unknown liquid", "quantity": "200", "unit": "l"}
        ],
        "parties": [{"role": "exporter", "name": "Mumbai Fine Chem Pvt Ltd", "country": "IND"}],
    }
    response = client.post("/api/v1/incidents", body, content_type="application/json")
    assert response.status_code == 201
    created = response.json()
    assert created["countries"] == [
        {"country": "IND", "role": "origin"},
        {"country": "MEX", "role": "destination"},
    ]
    assert created["parties"][0]["reported_name"] == "Mumbai Fine Chem Pvt Ltd"
    assert Alert.objects.filter(recipient=scenario["c_focal"], kind="country_named").exists()
    bad = client.post(
        "/api/v1/incidents",
        {**body, "countries": [{"country": "ZZZ", "role": "origin"}]},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "countries.0.country" in bad.json()["error"]["details"]
    url = f"/api/v1/incidents/{created['id']}"
    patched = client.patch(
        url, {"version": 1, "concealment": "drums"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["version"] == 2
    stale = client.patch(
        url, {"version": 1, "concealment": "boxes"}, content_type="application/json"
    )
    assert stale.status_code == 409
    other = signed_in(scenario["c_focal"]).patch(
        url, {"concealment": "x"}, content_type="application/json"
    )
    assert other.status_code == 403
    added = client.post(
        f"{url}/parties",
        {"role": "consignee", "name": "Guadalajara Quimica SA de CV", "country": "MEX"},
        content_type="application/json",
    )
    assert added.status_code == 201 and len(added.json()["parties"]) == 2


def test_alert_read_and_acknowledge(scenario):
    report(scenario["a_officer"])
    alert = Alert.objects.get(recipient=scenario["b_focal"])
    client = signed_in(scenario["b_focal"])
    assert client.get("/api/v1/alerts?unread=true").json()["count"] == 1
    answer = client.post(
        f"/api/v1/alerts/{alert.pk}/read", {"acknowledge": True}, content_type="application/json"
    ).json()
    assert answer["read_at"] and answer["acknowledged_at"]
    assert client.get("/api/v1/alerts?unread=true").json()["count"] == 0


def test_broadcast(scenario, intl_admin):
    client = signed_in(intl_admin)
    response = client.post(
        "/api/v1/alerts/broadcast",
        {"title": "New fentanyl precursor route", "countries": ["DEU"]},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["recipients"] == 1
    assert Alert.objects.get(kind="broadcast").recipient == scenario["b_focal"]
    assert (
        signed_in(scenario["b_focal"])
        .post("/api/v1/alerts/broadcast", {"title": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    bad = client.post(
        "/api/v1/alerts/broadcast",
        {"title": "", "countries": ["QQQ"]},
        content_type="application/json",
    )
    assert bad.status_code == 422 and set(bad.json()["error"]["details"]) == {"title", "countries"}


def test_report_form_page(scenario):
    client = signed_in(scenario["a_officer"])
    assert client.get("/incidents/new/").status_code == 200
    response = client.post(
        "/incidents/new/",
        {
            "kind": "seizure",
            "occurred_on": datetime.date.today().isoformat(),
            "distribution": "countries_involved",
            "transport_mode": "air",
            "country-0": "CHN",
            "country-role-0": "departure",
            "country-1": "AUS",
            "country-role-1": "destination",
            "substance-0": "Ephedrine",
            "quantity-0": "3",
            "unit-0": "kg",
            "party-0": "Guangzhou Tianhe Huagong",
            "party-role-0": "exporter",
            "party-kind-0": "company",
            "party-country-0": "CHN",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.substances.get().substance.name_en == "Ephedrine"
    page = client.get(response["Location"]).content.decode()
    assert incident.reference in page and 'data-testid="related"' in page
    bad = client.post(
        "/incidents/new/",
        {"kind": "seizure", "occurred_on": "", "country-0": "QQQ", "country-role-0": "origin"},
    )
    assert bad.status_code == 422
    html = bad.content.decode()
    assert 'data-field="occurred_on"' in html and 'data-field="countries.0.country"' in html
    assert 'value="QQQ"' in html, "what was typed is kept"


def test_suggestions_as_you_type(scenario):
    client = signed_in(scenario["b_focal"])
    options = client.get("/parties/suggest/?party-0=广州天河化工").content.decode()
    party = scenario["b_party"]
    assert f'value="Guangzhou Tianhe Huagong Youxian Gongsi" data-id="{party.pk}"' in options
    assert "[#" not in options, "a suggestion is the name, its id apart"
    old = client.get("/incidents/suggest/parties/?party-0=广州天河化工").content.decode()
    assert f"Guangzhou Tianhe Huagong Youxian Gongsi [#{party.pk}]" in old, "the first shape"
    options = client.get("/incidents/suggest/substances/?substance-0=ephed").content.decode()
    assert 'value="Ephedrine"' in options and "麻黄素" in options


def test_party_chosen_from_the_suggestions_is_reused(scenario):
    client = signed_in(scenario["b_focal"])
    party = scenario["b_party"]
    client.post(
        "/incidents/new/",
        {
            "kind": "suspicious_order",
            "occurred_on": datetime.date.today().isoformat(),
            "distribution": "country",
            "party-0": f"{party.name} [#{party.pk}]",
            "party-role-0": "consignee",
        },
    )
    assert Incident.objects.get().parties.get().party_id == party.pk


def test_list_filters_and_map(scenario):
    incident = report(scenario["a_officer"])
    client = signed_in(scenario["a_officer"])
    assert incident.reference in client.get("/incidents/?country=NLD&role=transit").content.decode()
    assert (
        incident.reference not in client.get("/incidents/?country=NLD&role=origin").content.decode()
    )
    assert incident.reference in client.get("/incidents/?party=天河").content.decode()
    assert (
        incident.reference not in client.get("/incidents/?kind=illicit_laboratory").content.decode()
    )
    page = client.get("/incidents/map/").content.decode()
    assert 'data-testid="route-map"' in page
    assert "(CHN)</td><td>" in page and '(NLD)</td><td class="num">1</td>' in page
    assert "China → Netherlands: 1 incident" in page, "the leg is drawn on the map"


def test_alert_inbox_page(scenario):
    report(scenario["a_officer"])
    client = signed_in(scenario["b_focal"])
    home = client.get("/").content.decode()
    assert 'data-testid="unread-count">1<' in home
    alert = Alert.objects.get(recipient=scenario["b_focal"])
    response = client.post("/incidents/alerts/", {"id": alert.pk, "action": "open"})
    assert response["Location"] == f"/incidents/{alert.record_id}/"
    assert 'data-testid="unread-count"' not in client.get("/").content.decode()


def test_route_map_shows_only_routes_the_user_may_see(scenario):
    report(scenario["a_officer"], distribution="country")
    leg = "China → Netherlands"
    assert leg in signed_in(scenario["a_officer"]).get("/incidents/map/").content.decode()
    for outsider in (scenario["b_focal"], scenario["c_focal"]):
        assert leg not in signed_in(outsider).get("/incidents/map/").content.decode()


def test_attachments_are_checked_and_served_only_to_the_audience(scenario, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    incident = report(scenario["a_officer"])
    client = signed_in(scenario["a_officer"])
    url = f"/incidents/{incident.pk}/attachments/"
    client.post(url, {"file": SimpleUploadedFile("lab report.pdf", b"%PDF-1.7 test")})
    attachment = incident.attachments.get()
    assert attachment.content_type == "application/pdf" and attachment.size == 13
    download = f"{url}{attachment.pk}/"
    response = signed_in(scenario["b_focal"]).get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"
    assert signed_in(scenario["c_focal"]).get(download).status_code == 404
    for name, content in (
        ("tool.exe", b"MZ..."),
        ("photo.png", b"not a png"),
        ("notes.txt", b"\xff\xfe\x00"),
        ("empty.pdf", b""),
        ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)),
    ):
        client.post(url, {"file": SimpleUploadedFile(name, content)})
    assert incident.attachments.count() == 1
    signed_in(scenario["b_focal"]).post(url, {"file": SimpleUploadedFile("x.pdf", b"%PDF-")})
    assert incident.attachments.count() == 1, "only the reporting organisation attaches"
