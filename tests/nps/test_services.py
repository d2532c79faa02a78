"""Identification reports classified on submission, the register they feed, bad input."""

import pytest

from drugcontrol.core.errors import PermissionDenied, ValidationFailed
from drugcontrol.core.models import AuditEvent
from drugcontrol.nps import selectors, services
from drugcontrol.nps.models import IdentificationReport, RegisterEntry, ToxicologyCase
from drugcontrol.substances.models import Substance
from tests.nps.conftest import MEPHEDRONE, case_raw, report_raw

pytestmark = pytest.mark.django_db


def test_a_controlled_substance_is_classified_with_its_listing(chn_lab):
    report = services.report_submit(actor=chn_lab, raw=report_raw(structure=MEPHEDRONE))
    assert report.classification == "controlled"
    assert report.substance.name_en == "Mephedrone"
    assert report.matches[0]["instrument"] == "1971"
    assert report.matches[0]["schedules"] == ["II"]
    assert report.matches[0]["basis"] in ("exact", "racemate")
    assert report.family == "cathinone"
    assert not RegisterEntry.objects.filter(substance=report.substance).exists()
    assert report.reference.startswith(f"NPS-CHN-{report.sampled_on.year}-")


def test_an_invented_fentanyl_analogue_is_new_enters_the_register_then_is_known(chn_lab, deu_lab):
    before = Substance.objects.count()
    report = services.report_submit(actor=chn_lab, raw=report_raw())
    assert report.classification == "new_substance"
    assert report.family == "fentanyl"
    assert report.analogues and report.analogues[0]["similarity"] >= 0.4
    assert Substance.objects.count() == before + 1
    substance = report.substance
    assert substance.kind == "nps" and substance.name_en == "cycloheptyl fentanyl"
    assert "fentanyl" in substance.families
    assert RegisterEntry.objects.filter(substance=substance).exists()
    assert set(
        AuditEvent.objects.filter(object_id__in=[str(report.pk), str(substance.pk)]).values_list(
            "action", flat=True
        )
    ) >= {"nps.report_submitted", "substances.substance_registered"}
    # The same structure from another country, written another way and by name: known.
    again = services.report_submit(
        actor=deu_lab,
        raw=report_raw(structure="c1ccccc1N(C(=O)C1CCCCCC1)C1CCN(CCc2ccccc2)CC1"),
    )
    by_name = services.report_submit(
        actor=deu_lab, raw=report_raw(structure="cycloheptyl fentanyl")
    )
    assert again.classification == by_name.classification == "known_nps"
    assert again.substance == by_name.substance == substance
    assert Substance.objects.count() == before + 1
    entries = selectors.with_aggregates(selectors.register_list(user=deu_lab))
    entry = next(e for e in entries if e.substance_id == substance.pk)
    assert set(entry.reporting_countries) == {"CHN", "DEU"}
    assert entry.first_reported == report.sampled_on.strftime("%Y-%m")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"structure": "C1CC(N"}, "structure"),
        ({"structure": "no such substance anywhere"}, "structure"),
        ({"structure": "InChI=1S/garbage"}, "structure"),
        ({"country": "XXX"}, "country"),
        ({"purity": "120"}, "purity"),
        ({"purity": "-3"}, "purity"),
        ({"purity": "NaN"}, "purity"),
        ({"place": "x" * 201}, "place"),
        ({"reported_name": "y" * 301}, "reported_name"),
        ({"form": "capsule"}, "form"),
        ({"techniques": ["gc_ms", "smell"]}, "techniques"),
        ({"sampled_on": "2999-01-01"}, "sampled_on"),
        ({"incident_id": "999999"}, "incident_id"),
        # a mixture
        ({"structure": "Cn1cnc2c1c(=O)n(C)c(=O)n2C.CN1CCC[C@H]1c1cccnc1"}, "structure"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_stored(chn_lab, change, field):
    substances, events = Substance.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as raised:
        services.report_submit(actor=chn_lab, raw=report_raw(**change))
    assert field in raised.value.details, raised.value.details
    assert IdentificationReport.objects.count() == 0
    assert RegisterEntry.objects.count() == 0
    assert Substance.objects.count() == substances
    assert AuditEvent.objects.count() == events


def test_who_may_submit(make_user):
    for kind, role in (("operator", "officer"), ("fiu", "officer"), ("forensic_lab", "viewer")):
        with pytest.raises(PermissionDenied):
            services.report_submit(actor=make_user(kind=kind, role=role), raw=report_raw())
    police = make_user(kind="law_enforcement", role="officer")
    assert services.report_submit(actor=police, raw=report_raw(structure=MEPHEDRONE)).pk


def test_an_incident_the_reporter_may_not_see_cannot_be_linked(chn_lab, chn_police, make_user):
    from drugcontrol.core.visibility import visible
    from drugcontrol.entities.models import Party
    from drugcontrol.incidents import services as incident_services

    raw = {
        "kind": "seizure",
        "occurred_on": "2026-01-05",
        "distribution": "country",
        "countries": [{"country": "CHN", "role": "seizure"}],
        "substances": [{"description": "white powder", "quantity": "1", "unit": "kg"}],
    }
    data = incident_services.validate_incident(raw, visible_parties=visible(Party, chn_police))
    incident = incident_services.incident_create(actor=chn_police, data=data)
    with pytest.raises(ValidationFailed) as raised:  # a laboratory sees only its own incidents
        services.report_submit(actor=chn_lab, raw=report_raw(incident_id=str(incident.pk)))
    assert "incident_id" in raised.value.details
    colleague = make_user(country="CHN", kind="competent_authority", role="officer")
    report = services.report_submit(
        actor=colleague, raw=report_raw(structure=MEPHEDRONE, incident_id=incident.pk)
    )
    assert report.incident == incident


def test_toxicology_case_and_counts_only_of_cases_the_reader_sees(chn_lab, deu_lab, intl_officer):
    report = services.report_submit(actor=chn_lab, raw=report_raw())
    name = report.substance.name_en
    services.case_report(actor=chn_lab, raw=case_raw(substance=name))
    services.case_report(actor=deu_lab, raw=case_raw(substance=name, outcome="recovered"))
    services.case_report(actor=deu_lab, raw=case_raw(substance="Fentanyl"))
    chn = selectors.register_case_counts(user=chn_lab, substance=report.substance)
    world = selectors.register_case_counts(user=intl_officer, substance=report.substance)
    assert (chn["substance"], chn["fatal"]) == (1, 1)
    assert (world["substance"], world["fatal"]) == (2, 1)
    assert chn["family"] == "fentanyl" and chn["family_count"] == 1
    assert world["family_count"] == 3


def test_a_bad_toxicology_case_names_its_row_and_stores_nothing(chn_lab):
    bad = case_raw(
        findings=[
            {"substance": "Mephedrone", "matrix": "blood"},
            {"substance": "Unobtainium", "concentration": "1e40", "matrix": "sweat"},
        ]
    )
    with pytest.raises(ValidationFailed) as raised:
        services.case_report(actor=chn_lab, raw=bad)
    assert {"findings.1.substance", "findings.1.concentration", "findings.1.matrix"} <= set(
        raised.value.details
    )
    assert ToxicologyCase.objects.count() == 0


def test_effect_group_is_set_by_the_secretariat_with_a_version(chn_lab, intl_officer):
    from drugcontrol.core.errors import Conflict

    report = services.report_submit(actor=chn_lab, raw=report_raw())
    entry = selectors.register_get(user=intl_officer, substance_id=report.substance_id)
    with pytest.raises(PermissionDenied):
        services.register_effect_group_set(actor=chn_lab, entry=entry, effect_group="opioid")
    changed = services.register_effect_group_set(
        actor=intl_officer, entry=entry, effect_group="opioid", expected_version=entry.version
    )
    assert changed.effect_group == "opioid" and changed.version == entry.version + 1
    with pytest.raises(Conflict):
        services.register_effect_group_set(
            actor=intl_officer, entry=entry, effect_group="other", expected_version=entry.version
        )
    with pytest.raises(ValidationFailed):
        services.register_effect_group_set(actor=intl_officer, entry=changed, effect_group="x")


def test_watch_list_takes_a_new_structure_and_refuses_a_controlled_one(intl_officer):
    tramadol = "CN(C)CC1CCCCC1(O)c1cccc(OC)c1"
    entry = services.watch_add(
        actor=intl_officer,
        raw={"substance": "Tramadol", "smiles": tramadol, "reason": "Non-medical use."},
    )
    assert entry.substance.name_en == "Tramadol" and entry.substance.kind == "other"
    with pytest.raises(ValidationFailed):
        services.watch_add(actor=intl_officer, raw={"substance": "Tramadol", "reason": "again"})
    with pytest.raises(ValidationFailed):
        services.watch_add(actor=intl_officer, raw={"substance": "Fentanyl", "reason": "x"})


def test_an_inchi_and_a_mol_block_are_read_as_the_smiles_is(chn_lab):
    from rdkit import Chem

    from tests.nps.conftest import INVENTED_FENTANYL

    molecule = Chem.MolFromSmiles(INVENTED_FENTANYL)
    first = services.report_submit(
        actor=chn_lab, raw=report_raw(structure=Chem.MolToInchi(molecule))
    )
    second = services.report_submit(
        actor=chn_lab, raw=report_raw(structure=Chem.MolToMolBlock(molecule))
    )
    assert (first.classification, second.classification) == ("new_substance", "known_nps")
    assert first.substance == second.substance
    assert first.inchikey == second.inchikey == Chem.MolToInchiKey(molecule)


def test_a_salt_of_a_new_substance_is_the_same_register_substance(chn_lab):
    from tests.nps.conftest import INVENTED_FENTANYL

    base = services.report_submit(actor=chn_lab, raw=report_raw())
    salt = services.report_submit(
        actor=chn_lab, raw=report_raw(structure=INVENTED_FENTANYL + ".Cl")
    )
    assert salt.classification == "known_nps" and salt.substance == base.substance


@pytest.mark.parametrize(
    "structure", ["[Na+].[Cl-]", "[U]", "O=C=O", "CCO", "C[13C]", "CCCCC[Hg]CCCC"]
)
def test_what_is_no_psychoactive_substance_does_not_enter_the_register(chn_lab, structure):
    before = (Substance.objects.count(), RegisterEntry.objects.count())
    with pytest.raises(ValidationFailed) as refused:
        services.report_submit(actor=chn_lab, raw=report_raw(structure=structure))
    assert "structure" in refused.value.details
    assert (Substance.objects.count(), RegisterEntry.objects.count()) == before
    assert not IdentificationReport.objects.exists()
