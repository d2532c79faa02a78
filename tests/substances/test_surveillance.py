"""The special surveillance list as substance reference data: who reads it, who loads it,
and that a new edition keeps every entry a record points at, whichever app holds it."""

import datetime

import pytest

from drugcontrol.core.errors import PermissionDenied
from drugcontrol.core.models import AuditEvent
from drugcontrol.core.visibility import visible
from drugcontrol.entities.models import Party
from drugcontrol.incidents import services as incident_services
from drugcontrol.precursors import services as precursor_services
from drugcontrol.substances import selectors, services
from drugcontrol.substances.models import SurveillanceChemical

pytestmark = pytest.mark.django_db

LIST = b"name,cas,hs_code,notes\nBenzyl cyanide,140-29-4,2926.90,\nNitroethane,79-24-3,,\n"


def test_the_list_reads_for_authorities_and_the_secretariat_only(make_user):
    secretariat = make_user(kind="international", role="officer")
    services.surveillance_load(actor=secretariat, content=LIST, edition="2026")
    readers = [
        make_user(country="CHN", kind="competent_authority", role="viewer"),
        make_user(country="CHN", kind="law_enforcement", role="viewer"),
        make_user(kind="international", role="viewer"),
    ]
    others = [
        make_user(country="DEU", kind="operator", role="officer"),
        make_user(country="NLD", kind="fiu", role="officer"),
        make_user(country="CHN", kind="forensic_lab", role="officer"),
    ]
    for user in readers:
        assert selectors.surveillance_readable(user)
        assert selectors.surveillance_list(user=user).count() == 2
    for user in others:
        assert not selectors.surveillance_readable(user)
        assert selectors.surveillance_list(user=user).count() == 0
    # The table keeps the name it had in the precursors app (its rows were not moved).
    assert SurveillanceChemical._meta.db_table == "precursors_surveillancechemical"


def test_only_the_secretariat_loads_and_the_load_is_audited_here(make_user):
    authority = make_user(country="CHN", role="admin")
    with pytest.raises(PermissionDenied):
        services.surveillance_load(actor=authority, content=LIST, edition="2026")
    secretariat = make_user(kind="international", role="officer")
    # The precursors pages reach the same loader.
    assert precursor_services.surveillance_load is services.surveillance_load
    result = precursor_services.surveillance_load(actor=secretariat, content=LIST, edition="2026")
    assert result == {"loaded": 2, "edition": "2026"}
    event = AuditEvent.objects.get(action="substances.surveillance_loaded")
    assert event.object_type == "substances.surveillancechemical"
    assert event.after == {"entries": 2, "edition": "2026"}


def test_a_new_edition_keeps_the_entries_records_point_at(make_user, registry):
    """Before, only entries named on notification lines were kept: an entry a Form D row
    or an incident pointed at was deleted, which PROTECT refused (a 500)."""
    from drugcontrol.precursors.models import AnnualReport, AnnualReportRow

    secretariat = make_user(kind="international", role="officer")
    services.surveillance_load(actor=secretariat, content=LIST, edition="2026")
    officer = make_user(country="CHN", kind="law_enforcement", role="officer")
    raw = {
        "kind": "seizure",
        "occurred_on": datetime.date.today() - datetime.timedelta(days=2),
        "countries": [{"country": "CHN", "role": "seizure"}],
        "substances": [{"description": "benzyl cyanide", "quantity": "40", "unit": "kg"}],
    }
    data = incident_services.validate_incident(raw, visible_parties=visible(Party, officer))
    incident = incident_services.incident_create(actor=officer, data=data)
    assert incident.substances.get().surveillance_chemical.name == "Benzyl cyanide"
    report = AnnualReport.objects.create(country_id="CHN", year=2025, created_by=officer)
    AnnualReportRow.objects.create(
        report=report,
        section="seizures_other",
        chemical_name="Nitroethane",
        surveillance_chemical=SurveillanceChemical.objects.get(name="Nitroethane"),
    )
    services.surveillance_load(
        actor=secretariat, content=b"name,cas\nSafrole oil,\n", edition="2027"
    )
    names = set(SurveillanceChemical.objects.values_list("name", "edition"))
    assert names == {("Benzyl cyanide", "2026"), ("Nitroethane", "2026"), ("Safrole oil", "2027")}


def test_a_typed_chemical_matches_by_name_or_cas_but_never_a_controlled_substance(
    make_user, registry
):
    from drugcontrol.substances.selectors import find_by_name

    secretariat = make_user(kind="international", role="officer")
    ephedrine = find_by_name("Ephedrine")
    content = LIST + f"Ephedrine (listed by mistake),{ephedrine.cas},,\n".encode()
    services.surveillance_load(actor=secretariat, content=content, edition="2026")
    assert selectors.surveillance_match("BENZYL CYANIDE").name == "Benzyl cyanide"
    assert selectors.surveillance_match(" 79-24-3 ").name == "Nitroethane"
    assert selectors.surveillance_match("white powder") is None
    assert selectors.surveillance_match("") is None
    assert selectors.surveillance_match("x" * 400) is None
    assert selectors.surveillance_match("Nitro\x00ethane") is None
    assert selectors.surveillance_match("Nitro\ud800ethane") is None
    # A substance of the conventions' tables is reported as itself, not as a list entry.
    assert selectors.surveillance_match("", substance=ephedrine) is None
