"""The exchange between the exporting and the importing authority: submission,
acknowledgement, the answer, shipment, withdrawal or cancellation, the outcome and
messages. Each step is one transaction with one audit event."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drugcontrol.core.alerts import alerts_raise
from drugcontrol.core.audit import record_event
from drugcontrol.core.errors import Conflict, ValidationFailed
from drugcontrol.core.permissions import require
from drugcontrol.entities import services as entity_services
from drugcontrol.entities.models import Audience
from drugcontrol.precursors import risk
from drugcontrol.precursors.models import (
    AWAITING_ANSWER,
    RECORD_TYPE,
    Finding,
    Notification,
    NotificationMessage,
    ObjectionGround,
    Outcome,
    Status,
)
from drugcontrol.precursors.selectors import (
    importing_authority,
    reply_terms,
)
from drugcontrol.precursors.services.base import (
    _dated,
    _locked,
    _moved,
    _require_status,
    _save,
    _url,
)
from drugcontrol.precursors.services.validation import (
    submission_problems,
)
from drugcontrol.precursors.workflow import may_ship


def notification_submit(
    *, actor, notification: Notification, expected_version: int | None = None, at=None
) -> Notification:
    """Send the notification to the importing country: sets the reply deadline, computes the
    risk findings, links the parties for correlation and alerts the importing and transit
    countries."""
    require(actor, "precursors.notification_export_step", notification)
    with transaction.atomic():
        current = _locked(notification, expected_version)
        _require_status(current, (Status.DRAFT,), _("This notification was already submitted."))
        now = at or timezone.now()
        risk.load(current)
        problems = submission_problems(current, today=timezone.localdate(now))
        if problems:
            raise ValidationFailed(
                problems, message=_("The notification lacks what article 12(10)(a) requires.")
            )
        days, explicit = reply_terms(current.importing_country_id)
        # The rules read what is on file besides this notification, so they may run first.
        findings = risk.evaluate(current, today=timezone.localdate(now))
        current = _save(
            current,
            now=now,
            status=Status.SUBMITTED,
            submitted_at=now,
            reply_deadline=timezone.localdate(now) + datetime.timedelta(days=days),
            explicit_clearance=explicit,
            importing_authority=importing_authority(current.importing_country_id),
            highest_severity=max(
                (f.severity for f in findings if f.rule not in risk.READER_DEPENDENT), default=0
            ),
        )
        Finding.objects.bulk_create(
            [
                Finding(
                    notification=current,
                    rule=f.rule,
                    severity=f.severity,
                    facts=f.facts,
                    created_at=now,
                )
                for f in findings
            ]
        )
        countries = [
            current.exporting_country_id,
            current.importing_country_id,
            *(transit.country_id for transit in current.transits.all()),
        ]
        # The draft's links give way to links for every country the notification involves.
        entity_services.record_links_clear(record_type=RECORD_TYPE, record_id=current.pk)
        for item in current.parties.all():
            entity_services.party_link(
                party=item.party,
                record_type=RECORD_TYPE,
                record_id=current.pk,
                organisation=current.exporting_authority,
                audience=Audience.COUNTRIES_INVOLVED,
                countries=countries,
                role=item.role,
                reported_name=item.reported_name,
            )
        _alert_submitted(current, countries[2:])
        record_event(
            actor=actor,
            action="precursors.notification_submitted",
            obj=current,
            after=_dated(
                {
                    "status": current.status,
                    "reply_deadline": current.reply_deadline.isoformat(),
                    "explicit_clearance": explicit,
                    "findings": [f"{f.rule}:{f.severity}" for f in findings],
                },
                at,
            ),
        )
    return current


def _alert_submitted(notification: Notification, transit_codes) -> None:
    # Raw values: the text is rendered in each reader's language (precursors/alerts.py).
    params = {
        "reference": notification.reference,
        "country": notification.exporting_country_id,
        "deadline": notification.reply_deadline.isoformat(),
    }
    for event, countries in (
        ("notification_received", [notification.importing_country_id]),
        ("notification_transit", transit_codes),
    ):
        if countries:
            alerts_raise(
                record_kind=RECORD_TYPE,
                event=event,
                country_codes=countries,
                message_key=f"precursors.{event}",
                params=params,
                record_id=notification.pk,
                url=_url(notification),
                sender_organisation=notification.exporting_authority,
            )


def notification_acknowledge(
    *, actor, notification: Notification, expected_version: int | None = None, at=None
) -> Notification:
    require(actor, "precursors.notification_answer", notification)
    with transaction.atomic():
        current = _locked(notification, expected_version)
        _require_status(
            current, (Status.SUBMITTED,), _("Only a newly submitted notification is acknowledged.")
        )
        now = at or timezone.now()
        return _moved(
            current,
            actor=actor,
            action="precursors.notification_acknowledged",
            at=at,
            now=now,
            status=Status.ACKNOWLEDGED,
            acknowledged_at=now,
        )


def notification_answer(
    *,
    actor,
    notification: Notification,
    decision: str,
    ground: str = "",
    detail: str = "",
    expected_version: int | None = None,
    at=None,
) -> Notification:
    """Clear or object (with a ground). The first answer wins: a second one, even from an
    officer who read the same version, is a conflict."""
    require(actor, "precursors.notification_answer", notification)
    if decision not in ("clear", "object"):
        raise ValidationFailed({"decision": [_("Answer with clear or object.")]})
    if decision == "object" and ground not in ObjectionGround.values:
        raise ValidationFailed({"ground": [_("Give the ground for the objection.")]})
    if decision == "object" and ground == ObjectionGround.OTHER and not detail.strip():
        raise ValidationFailed({"detail": [_("Explain the ground for the objection.")]})
    with transaction.atomic():
        current = _locked(notification, expected_version)
        _require_status(current, AWAITING_ANSWER, _("This notification was already answered."))
        now = at or timezone.now()
        hours = int((now - current.submitted_at).total_seconds() // 3600)
        current = _save(
            current,
            now=now,
            status=Status.CLEARED if decision == "clear" else Status.OBJECTED,
            answered_at=now,
            response_hours=max(hours, 0),
            answered_late=timezone.localdate(now) > current.reply_deadline,
            acknowledged_at=current.acknowledged_at or now,
            objection_ground=ground if decision == "object" else "",
            objection_detail=detail.strip() if decision == "object" else "",
        )
        params = {"reference": current.reference, "country": current.importing_country_id}
        if decision == "object":
            params["ground"] = ground
        alerts_raise(
            record_kind=RECORD_TYPE,
            event="notification_answered",
            country_codes=[current.exporting_country_id],
            message_key="precursors.notification_cleared"
            if decision == "clear"
            else "precursors.notification_objected",
            params=params,
            record_id=current.pk,
            url=_url(current),
            sender_organisation=actor.organisation,
        )
        record_event(
            actor=actor,
            action="precursors.notification_cleared"
            if decision == "clear"
            else "precursors.notification_objected",
            obj=current,
            after=_dated(
                {
                    "status": current.status,
                    "objection_ground": current.objection_ground,
                    "response_hours": current.response_hours,
                },
                at,
            ),
        )
    return current


def notification_ship(
    *, actor, notification: Notification, expected_version: int | None = None, at=None
) -> Notification:
    require(actor, "precursors.notification_export_step", notification)
    with transaction.atomic():
        current = _locked(notification, expected_version)
        now = at or timezone.now()
        if not may_ship(current, today=timezone.localdate(now)):
            raise Conflict(
                _(
                    "The shipment may leave only once cleared, or after the deadline when the "
                    "importing country does not require explicit clearance."
                ),
                details={"status": current.status},
            )
        return _moved(
            current,
            actor=actor,
            action="precursors.notification_shipped",
            at=at,
            now=now,
            status=Status.SHIPPED,
            closed_at=now,
        )


def notification_close(
    *,
    actor,
    notification: Notification,
    action: str,
    expected_version: int | None = None,
    at=None,
) -> Notification:
    """`withdraw` before the importing country answers; `cancel` the shipment after."""
    require(actor, "precursors.notification_export_step", notification)
    allowed = {
        "withdraw": (AWAITING_ANSWER, Status.WITHDRAWN),
        "cancel": ((Status.CLEARED, Status.OBJECTED), Status.CANCELLED),
    }
    if action not in allowed:
        raise ValidationFailed({"action": [_("Unknown action.")]})
    statuses, target = allowed[action]
    with transaction.atomic():
        current = _locked(notification, expected_version)
        _require_status(
            current,
            statuses,
            _("A notification is withdrawn before it is answered and cancelled after.")
            if action == "withdraw"
            else _("Only a cleared or objected notification is cancelled."),
        )
        now = at or timezone.now()
        return _moved(
            current,
            actor=actor,
            action=f"precursors.notification_{target}",
            at=at,
            now=now,
            status=target,
            closed_at=now,
        )


def notification_record_outcome(
    *,
    actor,
    notification: Notification,
    outcome: str,
    expected_version: int | None = None,
    at=None,
) -> Notification:
    """After shipment, either authority records what became of it."""
    require(actor, "precursors.notification_follow_up", notification)
    if outcome not in Outcome.values:
        raise ValidationFailed({"outcome": [_("Unknown outcome.")]})
    with transaction.atomic():
        current = _locked(notification, expected_version)
        _require_status(current, (Status.SHIPPED,), _("Record the outcome after shipment."))
        before = current.outcome
        now = at or timezone.now()
        current = _save(current, now=now, outcome=outcome, outcome_at=now)
        current.parties.update(outcome=outcome)
        record_event(
            actor=actor,
            action="precursors.outcome_recorded",
            obj=current,
            before={"outcome": before},
            after=_dated({"outcome": outcome}, at),
        )
    return current


def message_post(*, actor, notification: Notification, body: str) -> NotificationMessage:
    """A message between the exporting and the importing authority."""
    require(actor, "precursors.notification_follow_up", notification)
    side = actor.organisation.country_id
    if notification.status == Status.DRAFT:
        raise Conflict(_("Submit the notification before writing to the importing country."))
    body = (body or "").strip()
    if not body:
        raise ValidationFailed({"body": [_("Write a message.")]})
    if len(body) > 5000:
        raise ValidationFailed({"body": [_("The message is longer than 5,000 characters.")]})
    other = (
        notification.importing_country_id
        if side == notification.exporting_country_id
        else notification.exporting_country_id
    )
    with transaction.atomic():
        message = NotificationMessage.objects.create(
            notification=notification, author=actor, organisation=actor.organisation, body=body
        )
        alerts_raise(
            record_kind=RECORD_TYPE,
            event="notification_message",
            country_codes=[other],
            message_key="precursors.notification_message",
            params={"reference": notification.reference, "message": body[:500]},
            record_id=notification.pk,
            url=_url(notification),
            sender_organisation=actor.organisation,
        )
        record_event(
            actor=actor,
            action="precursors.message_posted",
            obj=notification,
            after={"message": message.pk, "length": len(body)},
        )
    return message
