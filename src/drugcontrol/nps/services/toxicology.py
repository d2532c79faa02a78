"""Toxicology cases: post-mortem, driving and clinical cases and the substances found."""

from django.db import transaction
from django.utils.translation import gettext as _

from drugcontrol.core.audit import record_event, snapshot
from drugcontrol.core.bounds import model_field, read_decimal, read_text
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.permissions import require
from drugcontrol.core.sequences import create_with_reference
from drugcontrol.nps.models import ToxicologyCase, ToxicologyFinding
from drugcontrol.nps.report_choices import CaseKind, ConcentrationUnit, Matrix, Outcome
from drugcontrol.nps.services.common import (
    read_choice,
    read_country,
    read_date,
    read_substance,
)

MAX_FINDINGS = 20


def _findings(raw_findings, errors: dict) -> list[ToxicologyFinding]:
    if not isinstance(raw_findings, list | tuple) or not raw_findings:
        errors["findings"] = [_("Name at least one substance detected.")]
        return []
    if len(raw_findings) > MAX_FINDINGS:
        errors["findings"] = [_("At most %(limit)s substances a case.") % {"limit": MAX_FINDINGS}]
        return []
    findings = []
    concentration_field = model_field(ToxicologyFinding, "concentration")
    for position, item in enumerate(raw_findings):
        where = f"findings.{position}"
        if not isinstance(item, dict):
            errors[where] = [_("Give the substance, concentration, unit and matrix.")]
            continue
        row: dict = {}
        substance = read_substance(item, row, "substance")
        concentration = read_decimal(
            item.get("concentration"),
            "concentration",
            row,
            field=concentration_field,
            positive=True,
        )
        unit = read_choice(item, "unit", row, ConcentrationUnit, required=False)
        if concentration is not None and not unit:
            row["unit"] = [_("Choose the unit of the concentration.")]
        matrix = read_choice(item, "matrix", row, Matrix)
        for name, messages in row.items():
            errors[f"{where}.{name}"] = messages
        if not row:
            findings.append(
                ToxicologyFinding(
                    substance=substance,
                    concentration=concentration,
                    unit=unit if concentration is not None else "",
                    matrix=matrix,
                )
            )
    return findings


def case_report(*, actor, raw: dict) -> ToxicologyCase:
    """Report a toxicology case with its findings; all or nothing."""
    require(actor, "nps.case_report")
    errors: dict[str, list] = {}
    kind = read_choice(raw, "kind", errors, CaseKind)
    occurred_on = read_date(raw, "occurred_on", errors)
    outcome = read_choice(raw, "outcome", errors, Outcome)
    country = read_country(raw, "country", errors, actor=actor)
    notes = read_text(raw, "notes", errors, max_length=10000)
    findings = _findings(raw.get("findings"), errors)
    if errors:
        raise ValidationFailed(errors)
    organisation = actor.organisation
    with transaction.atomic():
        case = create_with_reference(
            ToxicologyCase,
            f"TOX-{country.iso3}-{occurred_on.year}-",
            lambda reference: ToxicologyCase.objects.create(
                reference=reference,
                reporting_organisation=organisation,
                reporting_country_id=organisation.country_id,
                country=country,
                kind=kind,
                occurred_on=occurred_on,
                outcome=outcome,
                notes=notes,
                created_by=actor,
            ),
        )
        for finding in findings:
            finding.case = case
        ToxicologyFinding.objects.bulk_create(findings)
        after = snapshot(case, ["reference", "country", "kind", "occurred_on", "outcome"])
        after["substances"] = [finding.substance_id for finding in findings]
        record_event(
            actor=actor,
            action="nps.case_reported",
            obj=case,
            after=after,
            owner_organisation=organisation,
        )
    return case
