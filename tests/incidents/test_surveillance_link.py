"""A chemical of the special surveillance list in an incident: typed on the form, in an
import file or through the API (by name or CAS number), it is linked to the list's entry;
the incident page shows it with a badge and the API names it, to readers of the list only;
Form D's second section counts the linked rows."""

import datetime

import pytest

from drugcontrol.incidents.imports import incidents_import
from drugcontrol.incidents.models import Incident
from drugcontrol.precursors import services as precursor_services
from drugcontrol.precursors.models import AnnualReportRow
from drugcontrol.substances import services as substance_services
from drugcontrol.substances.models import SurveillanceChemical

from ..conftest import signed_in
from .conftest import report

pytestmark = pytest.mark.django_db

LIST = b"name,cas,hs_code,notes\nBenzyl cyanide,140-29-4,2926.90,\nNitroethane,79-24-3,,\n"
DAY = datetime.date.today() - datetime.timedelta(days=1)


@pytest.fixture
def listed(make_user):
    secretariat = make_user(kind="international", role="officer")
    substance_services.surveillance_load(actor=secretariat, content=LIST, edition="2026")
    return {c.name: c for c in SurveillanceChemical.objects.all()}


def line(description, **extra):
    return {"description": description, "quantity": "40", "unit": "kg", **extra}


def test_the_service_links_a_typed_name_or_cas_number(scenario, listed, registry):
    from drugcontrol.substances.selectors import find_by_name

    ephedrine = find_by_name("Ephedrine")
    incident = report(
        scenario["a_officer"],
        substances=[
            line("benzyl cyanide"),
            line("79-24-3"),
            line("white powder"),
            {"substance_id": ephedrine.pk, "quantity": "3", "unit": "kg"},
        ],
    )
    linked = [row.surveillance_chemical for row in incident.substances.order_by("pk")]
    assert linked == [listed["Benzyl cyanide"], listed["Nitroethane"], None, None]


def test_the_form_links_the_chemical_and_the_page_shows_the_badge(scenario, listed, make_user):
    client = signed_in(scenario["a_officer"])
    response = client.post(
        "/incidents/new/",
        {
            "kind": "seizure",
            "occurred_on": DAY.isoformat(),
            "distribution": "all",
            "transport_mode": "sea",
            "country-0": "CHN",
            "country-role-0": "departure",
            "substance-0": "Benzyl Cyanide",
            "quantity-0": "800",
            "unit-0": "kg",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.substances.get().surveillance_chemical == listed["Benzyl cyanide"]
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="surveillance-badge"' in page and "special surveillance list" in page
    assert "not identified" not in page
    # A financial intelligence unit reads the incident (shared with all), not the list.
    fiu = signed_in(make_user(country="NLD", kind="fiu", role="officer"))
    page = fiu.get(response["Location"]).content.decode()
    assert "Benzyl Cyanide" in page and 'data-testid="surveillance-badge"' not in page


def test_an_import_row_links_the_chemical(scenario, listed):
    content = (
        "kind,date,distribution,substance,quantity,unit,seizure_country\n"
        f"seizure,{DAY.isoformat()},countries_involved,140-29-4,25,kg,CHN\n"
        f"seizure,{DAY.isoformat()},countries_involved,Nitroethane,5,l,CHN\n"
    ).encode()
    incidents_import(actor=scenario["a_officer"], name="batch.csv", content=content)
    chemicals = [
        incident.substances.get().surveillance_chemical
        for incident in Incident.objects.order_by("pk")
    ]
    assert chemicals == [listed["Benzyl cyanide"], listed["Nitroethane"]]


def test_the_api_links_and_names_the_chemical_for_readers_of_the_list(scenario, listed, make_user):
    client = signed_in(scenario["a_officer"])
    body = {
        "kind": "seizure",
        "occurred_on": DAY.isoformat(),
        "distribution": "all",
        "countries": [{"country": "CHN", "role": "seizure"}],
        "substances": [
            {"description": "Nitroethane", "quantity": "5", "unit": "l"},
            {"description": "unknown liquid", "quantity": "1", "unit": "l"},
        ],
    }
    response = client.post("/api/v1/incidents", body, content_type="application/json")
    assert response.status_code == 201, response.content
    substances = response.json()["substances"]
    chemical = listed["Nitroethane"]
    assert substances[0]["surveillance_chemical_id"] == chemical.pk
    assert substances[0]["surveillance_chemical"] == "Nitroethane"
    assert substances[1]["surveillance_chemical_id"] is None
    url = f"/api/v1/incidents/{response.json()['id']}"
    listed_rows = signed_in(scenario["b_focal"]).get("/api/v1/incidents").json()["items"]
    assert listed_rows[0]["substances"][0]["surveillance_chemical"] == "Nitroethane"
    fiu = signed_in(make_user(country="NLD", kind="fiu", role="officer"))
    hidden = fiu.get(url).json()["substances"][0]
    assert hidden["description"] == "Nitroethane"
    assert hidden["surveillance_chemical_id"] is None and hidden["surveillance_chemical"] is None


def test_form_d_counts_the_linked_rows_as_non_scheduled_seizures(scenario, listed):
    """A row typed as a CAS number names no chemical by its name: only the link tells."""
    officer = scenario["a_officer"]
    for quantity in ("25", "15"):
        report(
            officer,
            occurred_on=DAY,
            distribution="country",
            substances=[{"description": "140-29-4", "quantity": quantity, "unit": "kg"}],
        )
    generated = precursor_services.annual_report_generate(actor=officer, year=DAY.year)
    row = AnnualReportRow.objects.get(report=generated, section="seizures_other")
    assert row.surveillance_chemical == listed["Benzyl cyanide"]
    assert row.chemical_name == "Benzyl cyanide"
    assert (row.quantity, row.unit, row.count) == (40, "kg", 2)
