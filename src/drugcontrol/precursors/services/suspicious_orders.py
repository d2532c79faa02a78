"""Suspicious order reports from industry and their review by the national authority."""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from drugcontrol.core.alerts import alerts_raise
from drugcontrol.core.audit import record_event, snapshot
from drugcontrol.core.bounds import (
    model_field,
    read_decimal,
)
from drugcontrol.core.errors import Conflict, ValidationFailed
from drugcontrol.core.permissions import require
from drugcontrol.core.quantities import MEASURED_UNITS
from drugcontrol.core.sequences import create_with_reference
from drugcontrol.core.versioning import versioned_change
from drugcontrol.entities import services as entity_services
from drugcontrol.entities.models import Audience, Party, PartyKind
from drugcontrol.precursors.models import ORDER_RECORD_TYPE
from drugcontrol.precursors.services.validation import country_from_code


def suspicious_order_report(*, actor, raw: dict):
    """An operator tells its national authority about an order or inquiry it found odd."""
    from drugcontrol.precursors.models import SuspiciousOrder
    from drugcontrol.substances.selectors import find_by_name

    require(actor, "precursors.order_report")
    organisation = actor.organisation
    errors: dict[str, list[str]] = {}
    received = raw.get("received_on") or ""
    try:
        received = (
            received
            if isinstance(received, datetime.date)
            else datetime.date.fromisoformat(received.strip())
        )
        if received > timezone.localdate():
            errors["received_on"] = [_("The date is in the future.")]
    except ValueError:
        errors["received_on"] = [_("Give the date as YYYY-MM-DD.")]
    chemical = (raw.get("chemical") or "").strip()
    if not chemical:
        errors["chemical"] = [_("Name the chemical asked for.")]
    quantity = read_decimal(
        raw.get("quantity"),
        "quantity",
        errors,
        field=model_field(SuspiciousOrder, "quantity"),
        positive=True,
    )
    unit = raw.get("unit") or ""
    if quantity is not None and unit not in MEASURED_UNITS:
        errors["unit"] = [_("Choose a unit.")]
    customer = (raw.get("customer_name") or "").strip()
    if not customer:
        errors["customer_name"] = [_("Name the customer.")]
    customer_country = country_from_code(raw.get("customer_country"), "customer_country", errors)
    reasons = (raw.get("reasons") or "").strip()
    if not reasons:
        errors["reasons"] = [_("Say why the order is suspicious.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        party = entity_services.party_register(
            actor=actor,
            data=entity_services.validate_party(
                kind=PartyKind.COMPANY,
                name=customer,
                country_code=customer_country.iso3 if customer_country else None,
            ),
        )
        order = create_with_reference(
            SuspiciousOrder,
            f"SOR-{organisation.country_id}-{received.year}-",
            lambda reference: SuspiciousOrder.objects.create(
                reference=reference,
                reporting_organisation=organisation,
                country_id=organisation.country_id,
                received_on=received,
                substance=find_by_name(chemical),
                chemical_description=chemical,
                quantity=quantity,
                unit=unit if quantity is not None else "",
                customer_name=customer,
                customer_country=customer_country,
                customer_party=party,
                reasons=reasons,
                created_by=actor,
            ),
        )
        # The customer is seen by whoever may read the report (its country's authority).
        entity_services.party_link(
            party=party,
            record_type=ORDER_RECORD_TYPE,
            record_id=order.pk,
            organisation=organisation,
            audience=Audience.COUNTRY,
            role="customer",
            reported_name=order.customer_name,
        )
        alerts_raise(
            record_kind="precursors.suspiciousorder",
            event="suspicious_order",
            country_codes=[organisation.country_id],
            message_key="precursors.suspicious_order",
            params={"organisation": organisation.name, "reference": order.reference},
            record_id=order.pk,
            url=settings.SITE_URL.rstrip("/") + reverse("precursors:order", args=[order.pk]),
            sender_organisation=organisation,
        )
        record_event(
            actor=actor,
            action="precursors.suspicious_order_reported",
            obj=order,
            after=snapshot(
                order, ["reference", "received_on", "chemical_description", "customer_name"]
            ),
        )
    return order


def suspicious_order_review(*, actor, order, decision: str, expected_version: int | None = None):
    """The national authority closes a report (`dismiss`) or turns it into a suspicious-order
    incident (`incident`), which then follows the incidents module's alerts and matching."""
    from drugcontrol.incidents import services as incident_services
    from drugcontrol.precursors.models import SuspiciousOrderStatus

    require(actor, "precursors.order_review", order)
    if decision not in ("dismiss", "incident"):
        raise ValidationFailed({"decision": [_("Unknown decision.")]})
    with versioned_change(
        order,
        expected_version=expected_version,
        actor=actor,
        action="precursors.suspicious_order_reviewed",
    ) as change:
        current = change.record
        if current.status != SuspiciousOrderStatus.NEW:
            raise Conflict(_("This report was already reviewed."))
        incident = None
        if decision == "incident":
            data = incident_services.validate_incident(
                {
                    "kind": "suspicious_order",
                    "occurred_on": current.received_on,
                    "distribution": Audience.COUNTRIES_INVOLVED,
                    "description": current.reasons,
                    "countries": [{"country": current.customer_country_id, "role": "destination"}]
                    if current.customer_country_id
                    else [],
                    "substances": [
                        {
                            "substance_id": current.substance_id,
                            "description": ""
                            if current.substance_id
                            else current.chemical_description,
                            "quantity": current.quantity,
                            "unit": current.unit,
                        }
                    ],
                    "parties": [{"role": "consignee", "party_id": current.customer_party_id}],
                },
                visible_parties=Party.objects.filter(pk=current.customer_party_id),
            )
            incident = incident_services.incident_create(actor=actor, data=data)
        current.status = (
            SuspiciousOrderStatus.INCIDENT if incident else SuspiciousOrderStatus.REVIEWED
        )
        current.incident_id = incident.pk if incident else None
        change.after = {"status": current.status, "incident": current.incident_id}
    return change.record
