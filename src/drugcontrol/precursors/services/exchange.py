"""The exchange between the exporting and the importing authority: submission,
acknowledgement, the answer, shipment, withdrawal or cancellation, the outcome and
messages. Each step is a row of the workflow table (`precursors/workflow.py`): the service
checks its permission and status through the table, and takes it in one transaction with
the row's audit event and alerts."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drugcontrol.core.alerts import alerts_raise
from drugcontrol.core.audit import record_event
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.entities import services as entity_services
from drugcontrol.entities.models import Audience
from drugcontrol.precursors import risk
from drugcontrol.precursors.models import (
    RECORD_TYPE,
    Finding,
    Notification,
    NotificationMessage,
    ObjectionGround,
    Outcome,
)
from drugcontrol.precursors.selectors import importing_authority, reply_terms
from drugcontrol.precursors.services.base import dated, notification_url, step_change
from drugcontrol.precursors.services.validation import submission_problems
from drugcontrol.precursors.workflow import check_step, implements, require_step


@implements("submit")
def notification_submit(
    *, actor, notification: Notification, expected_version: int | None = None, at=None
) -> Notification:
    """Send the notification to the importing country: sets the reply deadline, computes the
    risk findings, links the parties for correlation and alerts the importing and transit
    countries."""
    require_step(actor, notification, "submit")
    with step_change(
        "submit", notification, actor=actor, expected_version=expected_version, at=at
    ) as (change, step, now):
        current = change.record
        risk.load(current)
        problems = submission_problems(current, today=timezone.localdate(now))
        if problems:
            raise ValidationFailed(
                problems, message=_("The notification lacks what article 12(10)(a) requires.")
            )
        days, explicit = reply_terms(current.importing_country_id)
        # The rules read what is on file besides this notification, so they may run first.
        findings = risk.evaluate(current, today=timezone.localdate(now))
        current.status = step.target
        current.submitted_at = now
        current.reply_deadline = timezone.localdate(now) + datetime.timedelta(days=days)
        current.explicit_clearance = explicit
        current.importing_authority = importing_authority(current.importing_country_id)
        current.highest_severity = max(
            (f.severity for f in findings if f.rule not in risk.READER_DEPENDENT), default=0
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
        _alert_submitted(current, countries[2:], events=step.alerts)
        change.after = dated(
            {
                "status": current.status,
                "reply_deadline": current.reply_deadline.isoformat(),
                "explicit_clearance": explicit,
                "findings": [f"{f.rule}:{f.severity}" for f in findings],
            },
            at,
        )
    return change.record


def _alert_submitted(notification: Notification, transit_codes, *, events) -> None:
    # Raw values: the text is rendered in each reader's language (precursors/alerts.py).
    params = {
        "reference": notification.reference,
        "country": notification.exporting_country_id,
        "deadline": notification.reply_deadline.isoformat(),
    }
    received, transit = events
    for event, countries in (
        (received, [notification.importing_country_id]),
        (transit, transit_codes),
    ):
        if countries:
            alerts_raise(
                record_kind=RECORD_TYPE,
                event=event,
                country_codes=countries,
                message_key=f"precursors.{event}",
                params=params,
                record_id=notification.pk,
                url=notification_url(notification),
                sender_organisation=notification.exporting_authority,
            )


def _moved(action, notification, *, actor, expected_version, at, stamp: str) -> Notification:
    """A step that only moves the notification to the row's next status, with the moment
    of the step in the field `stamp`."""
    with step_change(
        action, notification, actor=actor, expected_version=expected_version, at=at
    ) as (change, step, now):
        change.record.status = step.target
        setattr(change.record, stamp, now)
        change.after = dated({"status": step.target}, at)
    return change.record


@implements("acknowledge")
def notification_acknowledge(
    *, actor, notification: Notification, expected_version: int | None = None, at=None
) -> Notification:
    """The importing authority confirms receipt."""
    require_step(actor, notification, "acknowledge")
    return _moved(
        "acknowledge",
        notification,
        actor=actor,
        expected_version=expected_version,
        at=at,
        stamp="acknowledged_at",
    )


@implements("clear", "object", argument="decision")
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
    require_step(actor, notification, "clear", "object")
    if decision not in ("clear", "object"):
        raise ValidationFailed({"decision": [_("Answer with clear or object.")]})
    if decision == "object" and ground not in ObjectionGround.values:
        raise ValidationFailed({"ground": [_("Give the ground for the objection.")]})
    if decision == "object" and ground == ObjectionGround.OTHER and not detail.strip():
        raise ValidationFailed({"detail": [_("Explain the ground for the objection.")]})
    with step_change(
        decision, notification, actor=actor, expected_version=expected_version, at=at
    ) as (change, step, now):
        current = change.record
        hours = int((now - current.submitted_at).total_seconds() // 3600)
        current.status = step.target
        current.answered_at = now
        current.response_hours = max(hours, 0)
        current.answered_late = timezone.localdate(now) > current.reply_deadline
        current.acknowledged_at = current.acknowledged_at or now
        current.objection_ground = ground if decision == "object" else ""
        current.objection_detail = detail.strip() if decision == "object" else ""
        params = {"reference": current.reference, "country": current.importing_country_id}
        if decision == "object":
            params["ground"] = ground
        (event,) = step.alerts
        alerts_raise(
            record_kind=RECORD_TYPE,
            event=event,
            country_codes=[current.exporting_country_id],
            message_key="precursors.notification_cleared"
            if decision == "clear"
            else "precursors.notification_objected",
            params=params,
            record_id=current.pk,
            url=notification_url(current),
            sender_organisation=actor.organisation,
        )
        change.after = dated(
            {
                "status": current.status,
                "objection_ground": current.objection_ground,
                "response_hours": current.response_hours,
            },
            at,
        )
    return change.record


@implements("ship")
def notification_ship(
    *, actor, notification: Notification, expected_version: int | None = None, at=None
) -> Notification:
    """The exporting authority records the dispatch (see `workflow.may_ship`)."""
    require_step(actor, notification, "ship")
    return _moved(
        "ship",
        notification,
        actor=actor,
        expected_version=expected_version,
        at=at,
        stamp="closed_at",
    )


@implements("withdraw", "cancel", argument="action")
def notification_close(
    *,
    actor,
    notification: Notification,
    action: str,
    expected_version: int | None = None,
    at=None,
) -> Notification:
    """`withdraw` before the importing country answers; `cancel` the shipment after."""
    require_step(actor, notification, "withdraw", "cancel")
    if action not in ("withdraw", "cancel"):
        raise ValidationFailed({"action": [_("Unknown action.")]})
    return _moved(
        action,
        notification,
        actor=actor,
        expected_version=expected_version,
        at=at,
        stamp="closed_at",
    )


@implements("outcome")
def notification_record_outcome(
    *,
    actor,
    notification: Notification,
    outcome: str,
    expected_version: int | None = None,
    at=None,
) -> Notification:
    """After shipment, either authority records what became of it."""
    require_step(actor, notification, "outcome")
    if outcome not in Outcome.values:
        raise ValidationFailed({"outcome": [_("Unknown outcome.")]})
    with step_change(
        "outcome", notification, actor=actor, expected_version=expected_version, at=at
    ) as (change, _step, now):
        change.before = {"outcome": change.record.outcome}
        change.record.outcome = outcome
        change.record.outcome_at = now
        change.record.parties.update(outcome=outcome)
        change.after = dated({"outcome": outcome}, at)
    return change.record


@implements("message")
def message_post(*, actor, notification: Notification, body: str) -> NotificationMessage:
    """A message between the exporting and the importing authority."""
    require_step(actor, notification, "message")
    side = actor.organisation.country_id
    step = check_step("message", notification)
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
        (event,) = step.alerts
        alerts_raise(
            record_kind=RECORD_TYPE,
            event=event,
            country_codes=[other],
            message_key="precursors.notification_message",
            params={"reference": notification.reference, "message": body[:500]},
            record_id=notification.pk,
            url=notification_url(notification),
            sender_organisation=actor.organisation,
        )
        record_event(
            actor=actor,
            action=step.audit,
            obj=notification,
            after={"message": message.pk, "length": len(body)},
        )
    return message
