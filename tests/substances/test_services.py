import pytest

from drugcontrol.core.errors import PermissionDenied, ValidationFailed
from drugcontrol.core.models import AuditEvent
from drugcontrol.substances import selectors, services
from drugcontrol.substances.cas import cas_is_valid
from drugcontrol.substances.identification import public
from drugcontrol.substances.models import Listing, RegistryState, Substance

pytestmark = pytest.mark.django_db

NATIONAL = (
    "name,cas,smiles,schedules,in_force,decision,kind,notes\n"
    "Tramadol,27203-92-5,CN(C)C[C@H]1CCCC[C@@]1(O)c1cccc(OC)c1,Category II,2008-01-01,"
    "National list 2008,narcotic_drug,\n"
    "Ephedrine,299-42-3,,Category I,2005-11-01,Precursor regulations,precursor,\n"
)


def test_reference_lists_load_is_idempotent():
    events = AuditEvent.objects.count()
    stamp = RegistryState.objects.get().stamp
    summary = services.reference_lists_load()
    assert summary["substances_changed"] == 0 and summary["listings_changed"] == 0
    assert AuditEvent.objects.count() == events
    assert RegistryState.objects.get().stamp == stamp


def test_cas_check_digit():
    assert cas_is_valid("57-27-2")
    assert not cas_is_valid("57-27-3")
    assert not cas_is_valid("5727-2")


def test_list_rows_report_every_problem_by_line():
    text = (
        "name,cas,smiles,schedules,kind\n"
        "Good,64-17-5,CCO,I,narcotic_drug\n"
        ",64-17-4,C1CC,Table IX,weird\n"
        "No schedule,,,,narcotic_drug\n"
    )
    rows, errors = services.parse_list(text, instrument="1961")
    assert [row.name for row in rows] == ["Good"]
    assert set(errors) == {3, 4}
    assert len(errors[3]) == 5  # name, schedule, CAS, SMILES, kind


def test_national_list_joins_existing_substances_and_is_audited(countries, chn_admin):
    summary = services.national_list_load(
        actor=chn_admin, country_code="chn", content=NATIONAL.encode(), source="test.csv"
    )
    assert summary == {
        "country": "CHN",
        "rows": 2,
        "listings_changed": 2,
        "source": "test.csv",
    }
    ephedrine = Substance.objects.get(name_en="Ephedrine")
    assert ephedrine.listings.filter(instrument="national", country_id="CHN").exists()
    tramadol = Substance.objects.get(name_en="Tramadol")
    assert tramadol.inchikey and "national" in tramadol.source
    assert (
        AuditEvent.objects.order_by("-sequence").first().action == "substances.national_list_loaded"
    )
    result = public(selectors.identify(smiles="CN(C)C[C@H]1CCCC[C@@]1(O)c1cccc(OC)c1.Cl"))
    assert result["status"] == "not_controlled"
    assert result["national"] == [
        {
            "substance": "Tramadol",
            "instrument": "national",
            "schedules": ["Category II"],
            "basis": "salt",
            "country": "CHN",
        }
    ]


def test_national_list_is_all_or_nothing(countries, chn_admin):
    bad = NATIONAL + "Broken,12-34-5,C1CC,Category I,,,narcotic_drug,\n"
    with pytest.raises(ValidationFailed) as error:
        services.national_list_load(
            actor=chn_admin, country_code="CHN", content=bad.encode(), source="x"
        )
    assert "row 4" in error.value.details
    assert not Listing.objects.filter(instrument="national").exists()
    for other in ("XXX", "DEU"):  # a country loads only its own list
        with pytest.raises(PermissionDenied):
            services.national_list_load(
                actor=chn_admin, country_code=other, content=NATIONAL.encode(), source="x"
            )
    with pytest.raises(ValidationFailed):
        services.national_list_load(
            actor=chn_admin, country_code="CHN", content=b"name,schedules\n", source="x"
        )


def test_removed_schedules_stay_as_history(countries, chn_admin):
    services.national_list_load(
        actor=chn_admin, country_code="CHN", content=NATIONAL.encode(), source="a"
    )
    moved = NATIONAL.replace("Category II", "Category I")
    services.national_list_load(
        actor=chn_admin, country_code="CHN", content=moved.encode(), source="b"
    )
    tramadol = Substance.objects.get(name_en="Tramadol")
    listings = tramadol.listings.filter(country_id="CHN")
    history = {(listing.schedule, listing.removed) for listing in listings}
    assert history == {("Category II", "removed"), ("Category I", "")}


def test_substance_search(chn_officer):
    def names(**filters):
        return {s.name_en for s in selectors.substance_list(user=chn_officer, **filters)}

    assert "Ephedrine" in names(search="麻黄素")
    assert "Ephedrine" in names(search="299-42-3")
    assert "Ephedrine" in names(search="ephed")
    assert names(instrument="1988", schedule="table ii") >= {"Acetone", "Toluene"}
    assert "Ephedrine" in names(family="phenethylamine")
    assert "Acetone" in names(kind="solvent_reagent")
    assert not selectors.substance_list(user=None).exists()
