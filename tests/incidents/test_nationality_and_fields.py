"""The nationality trigger (PICS's rule: a country hears of an incident naming a party
registered in it or one of its nationals), and the place of seizure and payment method
through the form, the API and the import."""

import datetime

import pytest

from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.imports import import_now
from drugcontrol.core.models import Alert
from drugcontrol.core.visibility import visible
from drugcontrol.entities.models import Party
from drugcontrol.incidents import selectors, services
from drugcontrol.incidents.models import Incident

from .conftest import report

pytestmark = pytest.mark.django_db

YESTERDAY = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()


@pytest.fixture
def focal(make_user):
    return {code: make_user(country=code, role="focal_point") for code in ("GBR", "NGA", "MEX")}


def person(name, nationality, country=None):
    return {
        "role": "person_involved",
        "kind": "person",
        "name": name,
        "country": country,
        "nationality": nationality,
    }


def named(scenario, **extra):
    """A CHN incident naming only China in a role; a company registered in the UK and a
    Nigerian courier among its parties."""
    return report(
        scenario["a_officer"],
        countries=[{"country": "CHN", "role": "seizure"}],
        parties=[
            {
                "role": "exporter",
                "kind": "company",
                "name": "Thames Fine Chemicals Ltd",
                "country": "GBR",
            },
            person("Chinedu Okafor", "NGA"),
        ],
        **extra,
    )


def test_registered_country_and_nationality_both_alert(scenario, focal):
    incident = named(scenario)
    for code in ("GBR", "NGA"):
        alerts = Alert.objects.filter(recipient=focal[code])
        assert alerts.count() == 1 and alerts.get().kind == "national_named"
        assert alerts.get().message_key == "incidents.national_named"
        # ... and the country can open what it was told of.
        assert selectors.incident_get(user=focal[code], incident_id=incident.pk) == incident
    assert ("NGA", "nationality") in set(incident.audience.values_list("country_id", "reason"))
    assert not Alert.objects.filter(recipient=focal["MEX"]).exists()
    assert not Alert.objects.filter(recipient__organisation__country_id="CHN").exists()
    party = incident.parties.get(role="person_involved")
    assert party.nationality_id == "NGA"


def test_narrow_distributions_tell_nobody_outside(scenario, focal):
    for distribution in ("country", "organisation"):
        incident = named(scenario, distribution=distribution)
        assert not Alert.objects.exists()
        assert not incident.audience.filter(reason="nationality").exists()
        assert not visible(Incident, focal["NGA"]).filter(pk=incident.pk).exists()


def test_own_nationals_raise_nothing(scenario, focal):
    report(
        scenario["a_officer"],
        countries=[{"country": "CHN", "role": "seizure"}],
        parties=[person("Li Wei", "CHN", country="CHN")],
    )
    assert not Alert.objects.filter(kind="national_named").exists()


def test_one_alert_per_country_per_event(scenario, make_user):
    gbr = make_user(country="GBR", role="focal_point")
    report(
        scenario["a_officer"],
        countries=[{"country": "GBR", "role": "destination"}],
        parties=[person("John Smith", "GBR", country="GBR")],
    )
    assert list(Alert.objects.filter(recipient=gbr).values_list("kind", flat=True)) == [
        "country_named"
    ]


def test_adding_a_party_alerts_its_country(scenario, focal):
    incident = report(scenario["a_officer"], countries=[{"country": "CHN", "role": "seizure"}])
    Alert.objects.all().delete()
    data = services.validate_incident(
        {"kind": "seizure", "occurred_on": YESTERDAY, "parties": [person("Ana Ruiz", "MEX")]},
        visible_parties=visible(Party, scenario["a_officer"]),
    )
    services.incident_add_party(
        actor=scenario["a_officer"], incident=incident, entry=data.parties[0]
    )
    alerts = Alert.objects.all()
    assert {(a.recipient.country_id, a.kind) for a in alerts} == {("MEX", "national_named")}
    assert focal["MEX"] in {a.recipient for a in alerts}
    assert selectors.incident_get(user=focal["MEX"], incident_id=incident.pk)


def test_a_nationality_is_a_person_s_and_a_known_country(scenario):
    raw = {
        "kind": "seizure",
        "occurred_on": YESTERDAY,
        "parties": [
            {"role": "exporter", "kind": "company", "name": "Acme", "nationality": "GBR"},
            person("X", "QQQ"),
        ],
    }
    with pytest.raises(ValidationFailed) as error:
        services.validate_incident(raw)
    assert set(error.value.details) == {"parties.0.nationality", "parties.1.nationality"}


# --- place of seizure, payment method ---------------------------------------------------------


def test_fields_through_the_api(scenario, client_for):
    client = client_for(scenario["a_officer"])
    body = {
        "kind": "seizure",
        "occurred_on": YESTERDAY,
        "place_of_seizure": "Port of Rotterdam, Maasvlakte II",
        "seizure_locode": "nl rtm",
        "payment_method": "cryptocurrency",
        "parties": [
            {
                "role": "person_involved",
                "kind": "person",
                "name": "Jan Visser",
                "nationality": "NLD",
            }
        ],
    }
    created = client.post("/api/v1/incidents", body, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["seizure_locode"] == "NLRTM" and data["payment_method"] == "cryptocurrency"
    assert data["place_of_seizure"] == "Port of Rotterdam, Maasvlakte II"
    assert data["parties"][0]["nationality"] == "NLD"
    listed = client.get("/api/v1/incidents?payment_method=cryptocurrency&place=rotterdam").json()
    assert [item["id"] for item in listed["items"]] == [data["id"]]
    assert client.get("/api/v1/incidents?place=NLRTM").json()["count"] == 1
    assert client.get("/api/v1/incidents?payment_method=cash").json()["count"] == 0
    for field, value in (
        ("seizure_locode", "ROTTERDAM"),
        ("seizure_locode", "1LRTM"),
        ("payment_method", "barter"),
        ("place_of_seizure", "x" * 201),
    ):
        refused = client.post(
            "/api/v1/incidents", {**body, field: value}, content_type="application/json"
        )
        assert refused.status_code == 422, (field, value)
        assert field in refused.json()["error"]["details"], refused.json()
    changed = client.patch(
        f"/api/v1/incidents/{data['id']}",
        {"payment_method": "cash", "seizure_locode": ""},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["payment_method"] == "cash"


def test_fields_through_the_form(scenario, client_for):
    client = client_for(scenario["a_officer"])
    page = client.post(
        "/incidents/new/",
        {
            "kind": "seizure",
            "occurred_on": YESTERDAY,
            "distribution": "country",
            "place_of_seizure": "Yantian container terminal",
            "seizure_locode": "CNYTN",
            "payment_method": "money_value_transfer",
            "party-role-0": "person_involved",
            "party-kind-0": "person",
            "party-0": "Nguyen Van An",
            "party-nationality-0": "VNM",
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    incident = Incident.objects.get()
    assert (incident.seizure_locode, incident.payment_method) == ("CNYTN", "money_value_transfer")
    assert incident.parties.get().nationality_id == "VNM"
    detail = client.get(page["Location"]).content.decode()
    assert "Yantian container terminal" in detail and "Money or value transfer service" in detail
    assert "Viet" in detail  # the nationality's name
    bad = client.post(
        "/incidents/new/",
        {"kind": "seizure", "occurred_on": YESTERDAY, "seizure_locode": "C-YTN"},
    )
    assert bad.status_code == 422 and 'data-field="seizure_locode"' in bad.content.decode()


def test_fields_through_the_import(scenario):
    header = "kind,date,place_of_seizure,seizure_locode,payment_method\n"
    good = header + f"seizure,{YESTERDAY},Felixstowe,GBFXT,cash_on_delivery\n"
    result = import_now(
        actor=scenario["a_officer"], kind="incidents.incidents", name="i.csv", content=good.encode()
    )
    assert result["imported"] == 1
    incident = Incident.objects.get()
    assert (incident.place_of_seizure, incident.seizure_locode) == ("Felixstowe", "GBFXT")
    assert incident.payment_method == "cash_on_delivery"
    bad = header + f"seizure,{YESTERDAY},Felixstowe,FELIXSTOWE,barter\n"
    with pytest.raises(ValidationFailed) as error:
        import_now(
            actor=scenario["a_officer"],
            kind="incidents.incidents",
            name="i.csv",
            content=bad.encode(),
        )
    (row,) = error.value.details.values()
    assert set(row) == {"seizure_locode", "payment_method"}


def test_a_person_and_nationality_through_the_import(scenario, focal):
    header = "kind,date,seizure_country,exporter,exporter_country,person,person_nationality\n"
    good = header + f"seizure,{YESTERDAY},CHN,Thames Fine Chemicals Ltd,GBR,Chinedu Okafor,NGA\n"
    result = import_now(
        actor=scenario["a_officer"], kind="incidents.incidents", name="i.csv", content=good.encode()
    )
    assert result["imported"] == 1
    incident = Incident.objects.get()
    courier = incident.parties.get(role="person_involved")
    assert (courier.party.kind, courier.party.name, courier.nationality_id) == (
        "person",
        "Chinedu Okafor",
        "NGA",
    )
    # The country of nationality is alerted as when the incident is reported on the page.
    for code in ("GBR", "NGA"):
        assert Alert.objects.filter(recipient=focal[code], kind="national_named").count() == 1
    assert not Alert.objects.filter(recipient=focal["MEX"]).exists()
    # A bad nationality is named by its row and its own column; nothing is imported.
    bad = header + f"seizure,{YESTERDAY},CHN,Acme,GBR,Ana Ruiz,QQQ\n"
    with pytest.raises(ValidationFailed) as error:
        import_now(
            actor=scenario["a_officer"],
            kind="incidents.incidents",
            name="i.csv",
            content=bad.encode(),
        )
    (row,) = error.value.details.values()
    assert set(row) == {"person_nationality"}
    assert Incident.objects.count() == 1
