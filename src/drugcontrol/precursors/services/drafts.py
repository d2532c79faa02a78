"""Creating and changing a notification while it is a draft."""

from django.db import transaction
from django.utils import timezone

from drugcontrol.core.audit import record_event, snapshot
from drugcontrol.core.bounds import (
    check_instances,
)
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.core.permissions import require
from drugcontrol.core.sequences import create_with_reference
from drugcontrol.core.versioning import versioned_change
from drugcontrol.entities import services as entity_services
from drugcontrol.entities.models import Audience
from drugcontrol.precursors.models import (
    RECORD_TYPE,
    Notification,
    NotificationKind,
    NotificationLine,
    NotificationParty,
    NotificationTransit,
    Status,
)
from drugcontrol.precursors.services.base import NOTIFICATION_FIELDS, dated
from drugcontrol.precursors.services.exchange import notification_submit
from drugcontrol.precursors.services.validation import (
    NotificationInput,
)
from drugcontrol.precursors.workflow import check_step, implements, require_step, transition


def _write_contents(notification: Notification, actor, data: NotificationInput) -> None:
    notification.transits.all().delete()
    notification.lines.all().delete()
    notification.parties.all().delete()
    NotificationTransit.objects.bulk_create(
        [
            NotificationTransit(notification=notification, country=country, sequence=index)
            for index, country in enumerate(data.transit_countries)
        ]
    )
    year = (data.expected_dispatch or timezone.localdate()).year
    lines = [
        NotificationLine(
            notification=notification,
            substance=line.substance,
            surveillance_chemical=line.surveillance_chemical,
            is_preparation=line.is_preparation,
            concentration=line.concentration,
            quantity=line.quantity,
            unit=line.unit,
            density=line.density,
            quantity_kg=line.quantity_kg,
            hs_code=line.hs_code,
            cas=line.cas,
            description=line.description,
            importing_country=data.importing_country,
            year=year,
        )
        for line in data.lines
    ]
    check_instances(lines, "lines")
    NotificationLine.objects.bulk_create(lines)
    # A draft's parties are seen by whoever sees the draft: the exporting country's readers.
    entity_services.record_links_clear(record_type=RECORD_TYPE, record_id=notification.pk)
    for entry in data.parties:
        party = entry.party or entity_services.party_register(actor=actor, data=entry.data)
        reported_name = entry.name_as_reported  # as typed, else the party's own name
        NotificationParty.objects.create(
            notification=notification,
            party=party,
            role=entry.role,
            reported_name=reported_name,
            address=entry.address,
        )
        entity_services.party_link(
            party=party,
            record_type=RECORD_TYPE,
            record_id=notification.pk,
            organisation=notification.exporting_authority,
            audience=Audience.COUNTRY,
            role=entry.role,
            reported_name=reported_name,
        )


def _contents_snapshot(data: NotificationInput) -> dict:
    return {
        "transit_countries": [c.iso3 for c in data.transit_countries],
        "lines": [
            {
                "substance": line.substance.pk if line.substance else None,
                "surveillance_chemical": line.surveillance_chemical.pk
                if line.surveillance_chemical
                else None,
                "quantity": str(line.quantity),
                "unit": line.unit,
                "quantity_kg": str(line.quantity_kg),
            }
            for line in data.lines
        ],
        "parties": [{"role": e.role, "name": e.name_as_reported} for e in data.parties],
    }


def notification_create(
    *, actor, data: NotificationInput, submit: bool = False, at=None
) -> Notification:
    """Save a draft, seen only by the exporting country until it is submitted. `at` dates
    the step for records imported from history (default: now); so do the other steps'.

    `submit=True` saves and submits in one transaction, for the page and the API alike:
    the draft is created (its audit event written) and then submitted as
    `notification_submit` does; when the submission is refused, nothing is saved and its
    error is raised: a `ValidationFailed` naming each missing field as
    `submission_problems` does (`parties.importer.address`, `expected_dispatch`, ...), or
    the refusal of the permission or status check."""
    if submit:
        with transaction.atomic():
            notification = notification_create(actor=actor, data=data, at=at)
            return notification_submit(
                actor=actor,
                notification=notification,
                expected_version=notification.version,
                at=at,
            )
    require(actor, "precursors.notification_draft")
    if data.importing_country is None:
        raise ValidationFailed({"importing_country": [_("Choose the importing country.")]})
    organisation = actor.organisation
    now = at or timezone.now()
    prefix = "PEN" if data.kind == NotificationKind.SCHEDULED else "VN"
    prefix = f"{prefix}-{organisation.country_id}-{timezone.localdate(now).year}-"

    def create(reference: str) -> Notification:
        notification = Notification.objects.create(
            reference=reference,
            kind=data.kind,
            status=Status.DRAFT,
            exporting_country_id=organisation.country_id,
            exporting_authority=organisation,
            importing_country=data.importing_country,
            invoice_number=data.invoice_number,
            import_permit_number=data.import_permit_number,
            import_permit_date=data.import_permit_date,
            reply_deadline=data.reply_deadline,
            transport_mode=data.transport_mode,
            point_of_exit=data.point_of_exit,
            point_of_entry=data.point_of_entry,
            expected_dispatch=data.expected_dispatch,
            remarks=data.remarks,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        _write_contents(notification, actor, data)
        record_event(
            actor=actor,
            action="precursors.notification_created",
            obj=notification,
            after=dated(
                {**snapshot(notification, NOTIFICATION_FIELDS), **_contents_snapshot(data)}, at
            ),
        )
        return notification

    return create_with_reference(Notification, prefix, create)


@implements("edit")
def notification_update(
    *,
    actor,
    notification: Notification,
    data: NotificationInput,
    expected_version: int | None,
    submit: bool = False,
) -> Notification:
    """Replace a draft's contents (the exporting authority, before submission).

    `submit=True` saves and submits in one transaction, as `notification_create` does:
    when the submission is refused, the draft keeps its former contents and version and
    the submission's error is raised (its fields named)."""
    require_step(actor, notification, "edit")
    if data.importing_country is None:
        raise ValidationFailed({"importing_country": [_("Choose the importing country.")]})
    with transaction.atomic():
        with versioned_change(
            notification,
            expected_version=expected_version,
            actor=actor,
            action=transition("edit").audit,
            fields=NOTIFICATION_FIELDS,
        ) as change:
            current = change.record
            check_step("edit", current)
            _write_contents(current, actor, data)
            current.kind = data.kind
            current.importing_country = data.importing_country
            current.invoice_number = data.invoice_number
            current.import_permit_number = data.import_permit_number
            current.import_permit_date = data.import_permit_date
            current.reply_deadline = data.reply_deadline
            current.transport_mode = data.transport_mode
            current.point_of_exit = data.point_of_exit
            current.point_of_entry = data.point_of_entry
            current.expected_dispatch = data.expected_dispatch
            current.remarks = data.remarks
            change.after = {
                **snapshot(current, NOTIFICATION_FIELDS),
                **_contents_snapshot(data),
            }
        current = change.record
        if submit:
            current = notification_submit(
                actor=actor, notification=current, expected_version=current.version
            )
    return current
