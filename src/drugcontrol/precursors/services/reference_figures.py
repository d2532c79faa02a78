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
from drugcontrol.core.errors import Conflict, ValidationFailed, check_version
from drugcontrol.core.models import Country
from drugcontrol.core.permissions import require
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


def policy_set(
    *,
    actor,
    country: Country,
    reply_days: int,
    explicit_clearance: bool,
    expected_version: int | None = None,
) -> ImportingCountryPolicy:
    require(actor, "precursors.reference_keep", country.iso3)
    errors: dict = {}
    reply_days = read_int(reply_days, "reply_days", errors, minimum=1, maximum=90)
    if reply_days is None:
        raise ValidationFailed(errors or {"reply_days": [_("Between 1 and 90 days.")]})
    with transaction.atomic():
        policy, created = ImportingCountryPolicy.objects.select_for_update().get_or_create(
            country=country
        )
        if not created:
            check_version(policy, expected_version)
        before = snapshot(policy, ["reply_days", "explicit_clearance"])
        policy.reply_days = int(reply_days)
        policy.explicit_clearance = bool(explicit_clearance)
        policy.updated_at = timezone.now()
        policy.version = 1 if created else policy.version + 1
        policy.save()
        record_event(
            actor=actor,
            action="precursors.policy_set",
            object_type="precursors.importingcountrypolicy",
            object_id=country.iso3,
            before=None if created else before,
            after=snapshot(policy, ["reply_days", "explicit_clearance"]),
        )
    return policy


def invocation_add(
    *,
    actor,
    country: Country,
    scope: str,
    substance: Substance | None = None,
    since: datetime.date,
    notes: str = "",
) -> Invocation:
    require(actor, "precursors.reference_keep", country.iso3)
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
            defaults={"since": since, "notes": notes.strip()},
        )
        if not created:
            raise Conflict(_("This invocation is already on file."))
        record_event(
            actor=actor,
            action="precursors.invocation_added",
            obj=invocation,
            after=snapshot(invocation, ["country_id", "scope", "substance_id", "since", "notes"]),
        )
    return invocation


def invocation_remove(*, actor, invocation: Invocation) -> None:
    require(actor, "precursors.reference_keep", invocation.country_id)
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
    with transaction.atomic():
        requirement, created = LegitimateRequirement.objects.select_for_update().get_or_create(
            country=country,
            substance=substance,
            form=form,
            year=int(year),
            defaults={"quantity_kg": quantity, "updated_on": updated_on, "source": source},
        )
        before = None
        if not created:
            check_version(requirement, expected_version)
            before = {"quantity_kg": str(requirement.quantity_kg)}
            requirement.quantity_kg = quantity
            requirement.updated_on = updated_on
            requirement.source = source or requirement.source
            requirement.version += 1
            requirement.save()
        LegitimateRequirementRevision.objects.create(
            requirement=requirement,
            quantity_kg=quantity,
            updated_on=updated_on,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        record_event(
            actor=actor,
            action="precursors.requirement_set",
            obj=requirement,
            before=before,
            after={
                "country": country.iso3,
                "substance": substance.pk,
                "form": form,
                "year": int(year),
                "quantity_kg": str(quantity),
            },
        )
    return requirement
