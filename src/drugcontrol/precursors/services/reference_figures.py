"""What importing countries publish: reply terms, invocations of article 12(10)(a) and
annual legitimate requirements (every figure kept)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drugcontrol.core.audit import record_event, snapshot
from drugcontrol.core.bounds import (
    model_field,
    read_decimal,
    read_int,
)
from drugcontrol.core.errors import Conflict, ValidationFailed
from drugcontrol.core.models import Country
from drugcontrol.core.permissions import require
from drugcontrol.core.versioning import versioned_change
from drugcontrol.precursors.models import (
    ImportingCountryPolicy,
    Invocation,
    InvocationScope,
    LegitimateRequirement,
    LegitimateRequirementRevision,
    RequirementForm,
)
from drugcontrol.precursors.selectors import (
    is_scheduled,
)
from drugcontrol.substances.models import Substance

POLICY_FIELDS = (
    "reply_days",
    "explicit_clearance",
    "import_permit_required",
    "silence_allows_shipment",
    "law_enforcement_reads",
)


def policy_set(
    *,
    actor,
    country: Country,
    reply_days: int | None = None,
    explicit_clearance: bool | None = None,
    import_permit_required: bool | None = None,
    silence_allows_shipment: bool | None = None,
    law_enforcement_reads: bool | None = None,
    expected_version: int | None = None,
) -> ImportingCountryPolicy:
    """A country's terms and settings: as importer, its reply days, whether it requires
    explicit clearance and an import permit; as exporter, whether its law allows shipment
    after the deadline without an answer; whether its law-enforcement users read the
    notifications involving it. A setting given as None keeps what is on file (default:
    15 days, no). `expected_version`: the version read (0: none was on file), a 409 when
    someone changed or first set the terms since."""
    require(actor, "precursors.reference_keep", country.iso3)
    values: dict = {}
    if reply_days is not None:
        errors: dict = {}
        reply_days = read_int(reply_days, "reply_days", errors, minimum=1, maximum=90)
        if reply_days is None:
            raise ValidationFailed(errors or {"reply_days": [_("Between 1 and 90 days.")]})
        values["reply_days"] = int(reply_days)
    for name, value in (
        ("explicit_clearance", explicit_clearance),
        ("import_permit_required", import_permit_required),
        ("silence_allows_shipment", silence_allows_shipment),
        ("law_enforcement_reads", law_enforcement_reads),
    ):
        if value is not None:
            values[name] = bool(value)
    fields = [*POLICY_FIELDS]
    with transaction.atomic():
        policy, created = ImportingCountryPolicy.objects.select_for_update().get_or_create(
            country=country, defaults=values
        )
        if created:
            record_event(
                actor=actor,
                action="precursors.policy_set",
                obj=policy,
                after=snapshot(policy, fields),
            )
            return policy
        with versioned_change(
            policy,
            expected_version=expected_version,
            actor=actor,
            action="precursors.policy_set",
            fields=fields,
        ) as change:
            for name, value in values.items():
                setattr(change.record, name, value)
    return change.record


def invocation_add(
    *,
    actor,
    country: Country,
    scope: str,
    substance: Substance | None = None,
    since: datetime.date,
    requested_on: datetime.date | None = None,
    notes: str = "",
) -> Invocation:
    """The secretariat records a country's invocation of article 12(10)(a), at that
    country's request of `requested_on` (default: `since`); published to every user."""
    require(actor, "precursors.invocation_record")
    errors = {}
    if scope not in InvocationScope.values:
        errors["scope"] = [_("Unknown scope.")]
    if scope == InvocationScope.SUBSTANCE and substance is None:
        errors["substance"] = [_("Choose the substance.")]
    if scope == InvocationScope.SUBSTANCE and substance is not None and not is_scheduled(substance):
        errors["substance"] = [_("Only substances in Table I or II can be invoked.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        invocation, created = Invocation.objects.get_or_create(
            country=country,
            scope=scope,
            substance=substance if scope == InvocationScope.SUBSTANCE else None,
            defaults={
                "since": since,
                "requested_on": requested_on or since,
                "notes": notes.strip(),
                "recorded_by": actor if getattr(actor, "pk", None) else None,
            },
        )
        if not created:
            raise Conflict(_("This invocation is already on file."))
        record_event(
            actor=actor,
            action="precursors.invocation_added",
            obj=invocation,
            after=snapshot(
                invocation,
                ["country_id", "scope", "substance_id", "since", "requested_on", "notes"],
            ),
        )
    return invocation


def invocation_remove(*, actor, invocation: Invocation) -> None:
    require(actor, "precursors.invocation_record")
    with transaction.atomic():
        record_event(
            actor=actor,
            action="precursors.invocation_removed",
            obj=invocation,
            before=snapshot(invocation, ["country_id", "scope", "substance_id", "since"]),
        )
        invocation.delete()


def requirement_set(
    *,
    actor,
    country: Country,
    substance: Substance,
    year: int,
    quantity_kg,
    form: str = RequirementForm.SUBSTANCE,
    updated_on: datetime.date | None = None,
    source: str = "",
    expected_version: int | None = None,
) -> LegitimateRequirement:
    """Record (or revise) a country's annual requirement; every figure is kept."""
    require(actor, "precursors.reference_keep", country.iso3)
    errors: dict = {}
    quantity = read_decimal(
        quantity_kg,
        "quantity_kg",
        errors,
        field=model_field(LegitimateRequirement, "quantity_kg"),
    )
    if quantity is None and "quantity_kg" not in errors:
        errors["quantity_kg"] = [_("A quantity is required.")]
    if form not in RequirementForm.values:
        errors["form"] = [_("Unknown form.")]
    year = read_int(year, "year", errors, minimum=1990, maximum=2100)
    if year is None and "year" not in errors:
        errors["year"] = [_("Not a plausible year.")]
    if errors:
        raise ValidationFailed(errors)
    updated_on = updated_on or timezone.localdate()
    after = {
        "country": country.iso3,
        "substance": substance.pk,
        "form": form,
        "year": int(year),
        "quantity_kg": str(quantity),
    }

    def revision(requirement: LegitimateRequirement) -> None:
        LegitimateRequirementRevision.objects.create(
            requirement=requirement,
            quantity_kg=quantity,
            updated_on=updated_on,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )

    with transaction.atomic():
        requirement, created = LegitimateRequirement.objects.select_for_update().get_or_create(
            country=country,
            substance=substance,
            form=form,
            year=int(year),
            defaults={"quantity_kg": quantity, "updated_on": updated_on, "source": source},
        )
        if created:
            revision(requirement)
            record_event(
                actor=actor, action="precursors.requirement_set", obj=requirement, after=after
            )
            return requirement
        with versioned_change(
            requirement,
            expected_version=expected_version,
            actor=actor,
            action="precursors.requirement_set",
        ) as change:
            current = change.record
            change.before = {"quantity_kg": str(current.quantity_kg)}
            current.quantity_kg = quantity
            current.updated_on = updated_on
            current.source = source or current.source
            revision(current)
            change.after = after
    return change.record
