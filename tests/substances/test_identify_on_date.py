"""Identification answers for a day: the listings in force on that day (service, CLI, API and
page), from one index for every date."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from drugcontrol.core.errors import PermissionDenied, ValidationFailed
from drugcontrol.core.models import AuditEvent
from drugcontrol.substances import selectors, services
from drugcontrol.substances.identification import public
from drugcontrol.substances.listing_periods import listing_period
from drugcontrol.substances.models import (
    Listing,
    ListingOrigin,
    RegistryState,
    Substance,
    Synonym,
)
from drugcontrol.substances.names import normalize_name
from drugcontrol.substances.reference_rules import load_families

from ..conftest import signed_in

pytestmark = pytest.mark.django_db

# An invented fentanyl analogue (2-fluoro-4-chloro on the anilide, thiophene for the phenyl of
# the phenethyl): in no list.
INVENTED = "CCC(=O)N(c1ccc(Cl)cc1F)C1CCN(CCc2cccs2)CC1"
IN_FORCE = datetime.date(2025, 3, 10)
DAY_BEFORE = IN_FORCE - datetime.timedelta(days=1)


@pytest.fixture
def analogue(db):
    structure = services.structure_fields(INVENTED, load_families())
    substance = Substance.objects.create(
        name_en="Invented fentanyl analogue (test)",
        kind="other",
        structure_kind="defined",
        smiles=structure.smiles,
        inchi=structure.inchi,
        inchikey=structure.inchikey,
        skeleton_key=structure.skeleton_key,
        formula=structure.formula,
        families=structure.families,
    )
    name = substance.name_en
    Synonym.objects.create(substance=substance, name=name, normalized=normalize_name(name))
    return substance


@pytest.fixture
def listed(analogue, intl_admin):
    services.listing_add(
        actor=intl_admin,
        substance=analogue,
        instrument="1961",
        schedule="I",
        in_force=IN_FORCE,
        decision="CND 68/1",
    )
    return analogue


def statuses(on):
    result = selectors.identify(smiles=INVENTED, on=on)
    return result["status"], result["on"]


# --- the periods --------------------------------------------------------------------------


def test_listing_periods_as_documented():
    day = datetime.date
    assert listing_period("", "") == (None, None)  # since before the records
    assert listing_period("not a date", "") == (None, None)
    assert listing_period("2016", "") == (day(2016, 1, 1), None)
    assert listing_period("2016-03", "") == (day(2016, 3, 1), None)
    assert listing_period("2016-03-15", "2020-06-01") == (day(2016, 3, 15), day(2020, 6, 1))
    # A partial removal counts to the end of its year or month.
    assert listing_period("", "2019") == (None, day(2020, 1, 1))
    assert listing_period("", "2019-12") == (None, day(2020, 1, 1))
    # A removal without a date counts on no day.
    assert listing_period("1971", "removed") == (day(1971, 1, 1), datetime.date.min)


def test_a_year_only_listing_counts_from_the_first_day_of_that_year():
    # Acetylfentanyl: 1961 Schedules I and IV, in force "2016" in the reference file.
    def status(on):
        return selectors.identify(name="Acetylfentanyl", on=on)["status"]

    assert status(datetime.date(2015, 12, 31)) == "not_controlled"
    assert status(datetime.date(2016, 1, 1)) == "controlled"
    # A listing with no date counts on every day (since before the system's records).
    assert selectors.identify(name="Acetorphine", on=datetime.date(1900, 1, 1))["status"] == (
        "controlled"
    )


def test_a_dated_removal_stops_counting_on_that_day(analogue, intl_admin):
    listing = services.listing_add(
        actor=intl_admin,
        substance=analogue,
        instrument="1971",
        schedule="II",
        in_force=datetime.date(2020, 1, 1),
        decision="CND 63/1",
    )
    Listing.objects.filter(pk=listing.pk).update(removed="2023-05-01")
    services._bump_registry()
    assert statuses(datetime.date(2023, 4, 30))[0] == "controlled"
    assert statuses(datetime.date(2023, 5, 1))[0] == "not_controlled"
    match = selectors.identify(smiles=INVENTED, on=datetime.date(2021, 1, 1))["matches"][0]
    assert (match["instrument"], match["schedules"]) == ("1971", ["II"])


def test_only_the_schedules_in_force_on_the_day_are_named(listed, intl_admin):
    services.listing_add(
        actor=intl_admin,
        substance=listed,
        instrument="1961",
        schedule="IV",
        in_force=datetime.date(2026, 1, 1),
        decision="CND 69/2",
    )
    [match] = selectors.identify(smiles=INVENTED, on=datetime.date(2025, 6, 1))["matches"]
    assert match["schedules"] == ["I"]
    [match] = selectors.identify(smiles=INVENTED, on=datetime.date(2026, 1, 1))["matches"]
    assert match["schedules"] == ["I", "IV"]


# --- the service and the index --------------------------------------------------------------


def test_controlled_from_entry_into_force_and_not_the_day_before(analogue, intl_admin):
    assert statuses(IN_FORCE)[0] == "not_controlled"
    stamp = RegistryState.objects.get().stamp
    events = AuditEvent.objects.count()
    listing = services.listing_add(
        actor=intl_admin,
        substance=analogue,
        instrument="1961",
        schedule="I",
        in_force=IN_FORCE,
        decision="CND 68/1",
    )
    assert listing.origin == ListingOrigin.DECISION and listing.in_force == "2025-03-10"
    assert RegistryState.objects.get().stamp != stamp  # every process rebuilds its index
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.latest("pk").action == "substances.listing_added"
    assert statuses(IN_FORCE) == ("controlled", "2025-03-10")
    assert statuses(DAY_BEFORE) == ("not_controlled", "2025-03-09")
    analogue.refresh_from_db()
    assert analogue.kind == "narcotic_drug"


def test_one_index_answers_every_date(listed, monkeypatch):
    selectors.identify(smiles=INVENTED, on=IN_FORCE)
    built = []
    original = selectors.build_index
    monkeypatch.setattr(
        selectors, "build_index", lambda version: built.append(1) or original(version)
    )
    for day in (DAY_BEFORE, IN_FORCE, datetime.date(1990, 1, 1), datetime.date(2100, 1, 1)):
        selectors.identify(smiles=INVENTED, on=day)
    assert built == []


def test_the_default_day_is_today(listed):
    result = selectors.identify(smiles=INVENTED)
    assert result["on"] == selectors.today().isoformat()
    assert public(result)["on"] == result["on"]


def test_listing_add_refuses_bad_input(analogue, intl_admin, chn_officer, intl_viewer):
    def add(actor=intl_admin, **changes):
        values = {
            "instrument": "1961",
            "schedule": "I",
            "in_force": IN_FORCE,
            "decision": "CND 68/1",
        } | changes
        return services.listing_add(actor=actor, substance=analogue, **values)

    for actor in (chn_officer, intl_viewer):
        with pytest.raises(PermissionDenied):
            add(actor=actor)
    cases = {
        "schedule": {"schedule": "Table I"},
        "instrument": {"instrument": "national"},
        "in_force": {"in_force": "2025-03-10"},
        "decision": {"decision": "  "},
    }
    for field, change in cases.items():
        with pytest.raises(ValidationFailed) as refused:
            add(**change)
        assert field in refused.value.details, field
    with pytest.raises(ValidationFailed) as refused:
        add(instrument="1988", schedule="V")
    assert "Table I, Table II" in refused.value.details["schedule"][0]
    add()
    with pytest.raises(ValidationFailed) as refused:
        add()
    assert "already in Schedule I of the 1961" in refused.value.details["schedule"][0]
    assert Listing.objects.filter(substance=analogue).count() == 1


def test_a_list_file_load_keeps_a_listing_recorded_from_a_decision(intl_admin):
    # Ephedrine is in the 1988 file under Table I only; a decision adds Table II.
    ephedrine = Substance.objects.get(name_en="Ephedrine")
    services.listing_add(
        actor=intl_admin,
        substance=ephedrine,
        instrument="1988",
        schedule="Table II",
        in_force=IN_FORCE,
        decision="CND 68/9",
    )
    # The file's row for ephedrine, synchronised as a load does.
    [row], errors = services.parse_list(
        "name,schedules,in_force\nEphedrine,Table I,1992\n", instrument="1988"
    )
    assert not errors
    services._sync_listings(ephedrine, "1988", None, row)
    added = Listing.objects.get(substance=ephedrine, instrument="1988", schedule="Table II")
    assert added.removed == ""


# --- the command line ---------------------------------------------------------------------------


def run(*args):
    out = io.StringIO()
    call_command("identify", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_cli_answers_for_the_day_asked(listed):
    answer = json.loads(run("--smiles", INVENTED, "--on", "2025-03-10"))
    assert (answer["status"], answer["on"]) == ("controlled", "2025-03-10")
    assert answer["matches"][0]["substance"] == "Invented fentanyl analogue (test)"
    answer = json.loads(run("--smiles", INVENTED, "--on", "2025-03-09"))
    assert (answer["status"], answer["on"]) == ("not_controlled", "2025-03-09")
    assert "controlled on 2025-03-10" in run(
        "--name", "Invented fentanyl analogue (test)", "--on", "2025-03-10", "--format", "text"
    )
    assert json.loads(run("--smiles", INVENTED))["on"] == selectors.today().isoformat()


def test_cli_refuses_a_bad_day():
    with pytest.raises(CommandError, match="--on: '2025-02-30' is not a date"):
        run("--smiles", INVENTED, "--on", "2025-02-30")


# --- the API --------------------------------------------------------------------------------------


def post(client, payload):
    return client.post("/api/v1/substances/identify", payload, content_type="application/json")


def test_api_answers_for_the_day_asked(listed, chn_officer):
    client = signed_in(chn_officer)
    answer = post(client, {"smiles": INVENTED, "on": "2025-03-10"}).json()
    assert (answer["status"], answer["on"]) == ("controlled", "2025-03-10")
    answer = post(client, {"smiles": INVENTED, "on": "2025-03-09"}).json()
    assert (answer["status"], answer["on"]) == ("not_controlled", "2025-03-09")
    answer = post(client, {"smiles": INVENTED}).json()
    assert answer["on"] == selectors.today().isoformat()


def test_api_refuses_a_bad_day_naming_on(chn_officer):
    client = signed_in(chn_officer)
    for bad in ("2025-02-30", "yesterday", 20250310):
        response = post(client, {"smiles": INVENTED, "on": bad})
        assert response.status_code == 422, bad
        assert list(response.json()["error"]["details"]) == ["on"], bad


def test_the_openapi_document_describes_on():
    from drugcontrol.api import api

    schemas = api.get_openapi_schema()["components"]["schemas"]
    assert schemas["IdentifyIn"]["properties"]["on"]["anyOf"][0]["format"] == "date"
    assert "on" in schemas["IdentifyOut"]["required"]


# --- the page -------------------------------------------------------------------------------------


def test_page_answers_for_the_day_asked(listed, chn_officer):
    client = signed_in(chn_officer)
    form = client.get("/substances/identify/").content.decode()
    assert f'name="on" value="{selectors.today().isoformat()}"' in form
    page = client.post("/substances/identify/", {"structure": INVENTED, "on": "2025-03-10"})
    page = page.content.decode()
    assert 'data-status="controlled"' in page and 'data-on="2025-03-10"' in page
    page = client.post("/substances/identify/", {"structure": INVENTED, "on": "2025-03-09"})
    assert 'data-status="not_controlled"' in page.content.decode()


def test_page_refuses_a_bad_day(chn_officer):
    page = signed_in(chn_officer).post(
        "/substances/identify/", {"structure": INVENTED, "on": "2025-02-30"}
    )
    text = page.content.decode()
    assert 'data-testid="identify-result"' not in text and "Enter a valid date" in text
