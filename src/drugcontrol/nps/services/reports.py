"""Identification reports: checked, classified by the substances app's identification engine
on submission, and a substance not under international control entered in the NPS register
(registered in the substances registry first when it is new to the system)."""

from dataclasses import dataclass, field

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from drugcontrol.core.audit import record_event, snapshot
from drugcontrol.core.bounds import model_field, read_decimal, read_int, read_text
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.permissions import require
from drugcontrol.core.sequences import create_with_reference
from drugcontrol.nps import selectors
from drugcontrol.nps.models import IdentificationReport, RegisterEntry
from drugcontrol.nps.report_choices import (
    Classification,
    SampleForm,
    SampleKind,
    Technique,
)
from drugcontrol.nps.services.common import read_choice, read_country, read_date
from drugcontrol.substances import selectors as substance_selectors
from drugcontrol.substances import services as substance_services

STRUCTURE_MAX = 20000  # a MOL block of the largest molecule identification accepts


@dataclass
class Identified:
    """What the engine answered, reduced to what a report keeps."""

    status: str
    parent_smiles: str = ""
    inchikey: str = ""
    formula: str = ""
    substance_name: str = ""  # the registry substance a name named
    families: list = field(default_factory=list)
    matches: list = field(default_factory=list)
    analogues: list = field(default_factory=list)

    @property
    def family(self) -> str:
        if self.families:
            return self.families[0]
        return next((a["family"] for a in self.analogues if a.get("family")), "")


def identify_given(text: str) -> Identified:
    """Identify what a reporter gave: a registry name (or synonym, or CAS number) first, else
    a MOL block, an InChI or a SMILES. A `ValidationFailed` on `structure` for what cannot be
    read, a name the registry does not know, or a mixture."""
    if "M  END" in text:
        result = substance_selectors.identify(molblock=text)
    elif text.strip().startswith("InChI="):
        result = substance_selectors.identify(inchi=text)
    elif substance_selectors.find_by_name(text) is not None:
        result = substance_selectors.identify(name=text)
    else:
        result = substance_selectors.identify(smiles=text)
        if result["errors"]:
            raise ValidationFailed(
                {
                    "structure": [
                        _(
                            "Neither a structure that can be read (SMILES, InChI or MOL block: "
                            "%(reason)s) nor the name of a substance in the registry."
                        )
                        % {"reason": "; ".join(result["errors"])}
                    ]
                }
            )
    if result["errors"]:
        raise ValidationFailed(
            {
                "structure": [
                    _("The structure cannot be read: %(reason)s.")
                    % {"reason": "; ".join(result["errors"])}
                ]
            }
        )
    if len(result.get("components") or []) > 1:
        raise ValidationFailed(
            {
                "structure": [
                    _(
                        "The structure has %(count)s components: report one substance per "
                        "report (counter-ions and solvents are set aside by themselves)."
                    )
                    % {"count": len(result["components"])}
                ]
            }
        )
    query = result["query"]
    return Identified(
        status=result["status"],
        parent_smiles=query.get("parent_smiles", ""),
        inchikey=query.get("inchikey", ""),
        formula=query.get("formula", ""),
        substance_name=query.get("substance", ""),
        families=list(result["families"]),
        matches=[
            {
                "substance": m["substance"],
                "substance_zh": m.get("substance_zh", ""),
                "substance_id": m.get("substance_id"),
                "instrument": m["instrument"],
                "schedules": m["schedules"],
                "basis": m["basis"],
            }
            for m in result["matches"]
        ],
        analogues=[
            {
                "substance": a["substance"],
                "substance_zh": a.get("substance_zh", ""),
                "substance_id": a.get("substance_id"),
                "similarity": a["similarity"],
                "family": a.get("family"),
            }
            for a in result["analogues"]
        ],
    )


@dataclass
class ReportInput:
    sample_kind: str
    form: str
    sampled_on: object
    place: str
    country: object
    structure: str
    reported_name: str
    purity: object
    techniques: list
    incident: object
    notes: str
    identified: Identified


def validate_report(raw: dict, *, actor) -> ReportInput:
    """Every field checked at once, the structure identified; a `ValidationFailed` naming
    each bad field."""
    errors: dict[str, list] = {}
    sample_kind = read_choice(raw, "sample_kind", errors, SampleKind)
    form = read_choice(raw, "form", errors, SampleForm)
    sampled_on = read_date(raw, "sampled_on", errors)
    place = read_text(raw, "place", errors, max_length=200)
    country = read_country(raw, "country", errors, actor=actor)
    structure = read_text(raw, "structure", errors, max_length=STRUCTURE_MAX, required=True)
    if "M  END" in structure and "structure" not in errors:
        structure = raw["structure"]  # a MOL block's first lines may be blank: kept as given
    reported_name = read_text(raw, "reported_name", errors, max_length=300)
    purity = read_decimal(
        raw.get("purity"),
        "purity",
        errors,
        field=model_field(IdentificationReport, "purity"),
        positive=True,
        maximum=100,
    )
    techniques = raw.get("techniques") or []
    if isinstance(techniques, str):
        techniques = [t.strip() for t in techniques.split(",") if t.strip()]
    if not isinstance(techniques, list | tuple) or any(
        t not in Technique.values for t in techniques
    ):
        errors["techniques"] = [
            _("Choose among: %(choices)s.") % {"choices": ", ".join(Technique.values)}
        ]
        techniques = []
    techniques = list(dict.fromkeys(techniques))
    incident = None
    if raw.get("incident_id") not in (None, ""):
        number = read_int(
            raw.get("incident_id"), "incident_id", errors, minimum=1, maximum=2**63 - 1
        )
        if number is not None:
            try:
                incident = selectors.incident_for_link(user=actor, incident_id=number)
            except Http404:
                errors["incident_id"] = [_("No incident you may see has this number.")]
    notes = read_text(raw, "notes", errors, max_length=10000)
    identified = None
    if structure and "structure" not in errors:
        try:
            identified = identify_given(structure)
        except ValidationFailed as failed:
            errors.update(failed.details)
    if errors:
        raise ValidationFailed(errors)
    return ReportInput(
        sample_kind=sample_kind,
        form=form,
        sampled_on=sampled_on,
        place=place,
        country=country,
        structure=structure,
        reported_name=reported_name,
        purity=purity,
        techniques=techniques,
        incident=incident,
        notes=notes,
        identified=identified,
    )


MIN_HEAVY_ATOMS = 6  # the smallest new psychoactive substances have about ten


def _refuse_what_is_no_psychoactive_substance(smiles: str) -> None:
    """A structure new to the system enters the shared register only as an organic molecule
    of MIN_HEAVY_ATOMS heavy atoms or more: a salt, a metal, an atom or carbon dioxide
    reported by mistake would be early-warning noise for every country."""
    from rdkit import Chem

    molecule = Chem.MolFromSmiles(smiles) if smiles else None
    symbols = [atom.GetSymbol() for atom in molecule.GetAtoms()] if molecule else []
    organic = {"C", "H", "N", "O", "S", "P", "F", "Cl", "Br", "I", "B", "Si", "Se"}
    if (
        "C" not in symbols
        or len(symbols) < MIN_HEAVY_ATOMS
        or any(symbol not in organic for symbol in symbols)
    ):
        raise ValidationFailed(
            {
                "structure": [
                    _(
                        "Not a psychoactive substance the register can hold: an organic "
                        "molecule of at least %(count)s atoms besides hydrogen."
                    )
                    % {"count": MIN_HEAVY_ATOMS}
                ]
            }
        )


def _classify(actor, identified: Identified, reported_name: str):
    """(classification, substance, entered the register now): controlled or possibly
    controlled as the engine says; otherwise a known NPS when the substance is already in the
    register, else new: registered in the substances registry if it is not there yet, and
    entered in the register. Runs inside the report's transaction."""
    substance = selectors.registry_substance_with_key(identified.inchikey)
    if substance is None and identified.substance_name:
        substance = substance_selectors.find_by_name(identified.substance_name)
    if identified.status in ("controlled", "possibly_controlled"):
        if substance is None and identified.matches:
            substance = substance_selectors.find_by_name(identified.matches[0]["substance"])
        classification = (
            Classification.CONTROLLED
            if identified.status == "controlled"
            else Classification.POSSIBLY_CONTROLLED
        )
        return classification, substance, False
    if substance is not None and selectors.registered(substance.pk):
        return Classification.KNOWN_NPS, substance, False
    _refuse_what_is_no_psychoactive_substance(identified.parent_smiles)
    if substance is None:
        substance, _created = substance_services.unlisted_substance_register(
            actor=actor, smiles=identified.parent_smiles, name=reported_name
        )
    _entry, created = RegisterEntry.objects.get_or_create(substance=substance)
    if not created:  # another report entered it a moment ago
        return Classification.KNOWN_NPS, substance, False
    return Classification.NEW_SUBSTANCE, substance, True


def report_submit(*, actor, raw: dict) -> IdentificationReport:
    """A laboratory (or an authority) reports an identification: checked, classified, stored
    with what the engine answered; all or nothing."""
    require(actor, "nps.report_submit")
    data = validate_report(raw, actor=actor)
    identified = data.identified
    organisation = actor.organisation
    with transaction.atomic():
        classification, substance, entered = _classify(actor, identified, data.reported_name)
        report = create_with_reference(
            IdentificationReport,
            f"NPS-{data.country.iso3}-{data.sampled_on.year}-",
            lambda reference: IdentificationReport.objects.create(
                reference=reference,
                reporting_organisation=organisation,
                reporting_country_id=organisation.country_id,
                country=data.country,
                sampled_on=data.sampled_on,
                place=data.place,
                sample_kind=data.sample_kind,
                form=data.form,
                structure_given=data.structure,
                reported_name=data.reported_name,
                purity=data.purity,
                techniques=data.techniques,
                incident=data.incident,
                notes=data.notes,
                substance=substance,
                classification=classification,
                status=identified.status,
                parent_smiles=identified.parent_smiles,
                inchikey=identified.inchikey,
                formula=identified.formula,
                family=identified.family,
                families=identified.families,
                matches=identified.matches,
                analogues=identified.analogues,
                created_by=actor,
            ),
        )
        after = snapshot(
            report,
            [
                "reference",
                "country",
                "sampled_on",
                "form",
                "substance",
                "classification",
                "family",
            ],
        )
        after["entered_register"] = entered
        record_event(
            actor=actor,
            action="nps.report_submitted",
            obj=report,
            after=after,
            owner_organisation=organisation,
        )
        transaction.on_commit(lambda: _queue_signals(report.pk))
    return report


def _queue_signals(report_id: int) -> None:
    """The emergence signals' rules run for the new report in the worker."""
    from drugcontrol.nps.tasks import signals_for_report

    signals_for_report.enqueue(report_id=report_id)
