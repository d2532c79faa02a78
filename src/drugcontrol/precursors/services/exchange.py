"""The exchange between the exporting and the importing authority: submission,
acknowledgement, the answer, shipment, withdrawal or cancellation, the outcome and
messages. Each step is a row of the workflow table (`precursors/workflow.py`): the service
checks its permission and status through the table, and takes it in one transaction with
the row's audit event and alerts."""

import datetime

from django.db import transaction
from django.utils import timezone

from drugcontrol.core.alerts import alerts_raise
from drugcontrol.core.audit import record_event
from drugcontrol.core.errors import Conflict, ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.entities import services as entity_services
from drugcontrol.entities.models import Audience
from drugcontrol.precursors import risk, selectors
from drugcontrol.precursors.models import (
    RECORD_TYPE,
    Finding,
    MessageKind,
    Notification,
    NotificationKind,
    NotificationMessage,
    ObjectionGround,
    Outcome,
)
from drugcontrol.precursors.selectors import country_terms, importing_authority, reply_terms
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
        light = current.kind == NotificationKind.LIGHT
        if light:  # answers are voluntary: no deadline, no silence rule, never overdue
            current.reply_deadline, explicit, silence = None, False, False
        else:
            # The exporting authority's own deadline (checked against the terms by
            # `submission_problems`), or the importing country's term.
            current.reply_deadline = current.reply_deadline or (
                timezone.localdate(now) + datetime.timedelta(days=days)
            )
            silence = country_terms(current.exporting_country_id).silence_allows_shipment
        current.explicit_clearance = explicit
        current.silence_rule = silence
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
                "reply_deadline": current.reply_deadline.isoformat()
                if current.reply_deadline
                else None,
                "explicit_clearance": explicit,
                "silence_rule": silence,
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
        "deadline": notification.reply_deadline.isoformat() if notification.reply_deadline else "",
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
    considered_findings: list[int] | None = None,
    expected_version: int | None = None,
    at=None,
) -> Notification:
    """Clear or object (with a ground). The first answer wins: a second one, even from an
    officer who read the same version, is a conflict. Clearing a shipment with findings of
    high severity names each of them as considered (`considered_findings`, their ids; see
    `_high_findings_considered`); the audit event keeps which."""
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
        considered = (
            _high_findings_considered(actor, current, considered_findings)
            if decision == "clear"
            else []
        )
        hours = int((now - current.submitted_at).total_seconds() // 3600)
        current.status = step.target
        current.answered_at = now
        current.response_hours = max(hours, 0)
        current.answered_late = (
            current.reply_deadline is not None and timezone.localdate(now) > current.reply_deadline
        )
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
        after = {
            "status": current.status,
            "objection_ground": current.objection_ground,
            "response_hours": current.response_hours,
        }
        # The evidence the decision was taken on, as far as every reader of the notification
        # (and so of its audit log) may see it: a reader-dependent finding rests on records
        # only some readers see (a party flagged by a restricted incident), so the log
        # names none of those.
        shared = [row for row in considered if row["rule"] not in risk.READER_DEPENDENT]
        if shared:
            after["high_findings_considered"] = [
                {"id": row["id"], "rule": row["rule"]} for row in shared
            ]
        change.after = dated(after, at)
    return change.record


def _high_findings_considered(actor, notification: Notification, considered) -> list[dict]:
    """The high findings the actor sees on the notification now, each of which the actor
    must have named as considered before clearing (`considered`: the ids of the findings
    the page or the API showed). None given while there are some: a 422 naming them. A list
    that leaves one out (it appeared, or became visible to the actor, since the
    notification was read; an empty list says none was shown): a 409 naming it, so the
    decision is taken again on what is on file. Ids of other findings are ignored."""
    high = selectors.high_findings(selectors.findings(user=actor, notification=notification))
    named = set(considered or ())
    missing = [row for row in high if row["id"] not in named]
    if not missing:
        return high
    listing = " ".join(row["text"] for row in missing)
    if considered is None:
        raise ValidationFailed(
            {
                "considered_findings": [
                    _(
                        "This notification has findings of high severity. Confirm that you "
                        "have considered each of them before clearing the shipment: "
                        "%(findings)s"
                    )
                    % {"findings": listing}
                ]
            }
        )
    raise Conflict(
        _(
            "A finding of high severity appeared since you read the notification: "
            "%(findings)s Read it, then decide again."
        )
        % {"findings": listing},
        details={"unconsidered": {"finding_ids": [row["id"] for row in missing]}},
    )


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


def _checked_body(body: str, *, required: bool = True) -> str:
    body = (body or "").strip()
    if required and not body:
        raise ValidationFailed({"body": [_("Write a message.")]})
    if len(body) > 5000:
        raise ValidationFailed({"body": [_("The message is longer than 5,000 characters.")]})
    return body


def _thread_entry(
    action: str, *, actor, notification: Notification, body: str, kind: str, countries, params
) -> NotificationMessage:
    """One entry of the notification's thread, its alert to `countries` (the row's event)
    and its audit event, in one transaction; the status is checked on the locked row."""
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        step = check_step(action, locked)
        message = NotificationMessage.objects.create(
            notification=locked,
            kind=kind,
            author=actor,
            organisation=actor.organisation,
            body=body,
        )
        (event,) = step.alerts
        alerts_raise(
            record_kind=RECORD_TYPE,
            event=event,
            country_codes=countries,
            message_key=f"precursors.{event}",
            params={"reference": locked.reference, **params},
            record_id=locked.pk,
            url=notification_url(locked),
            sender_organisation=actor.organisation,
        )
        record_event(
            actor=actor,
            action=step.audit,
            obj=locked,
            after={"message": message.pk, "kind": kind, "length": len(body)},
        )
    return message


@implements("message")
def message_post(*, actor, notification: Notification, body: str) -> NotificationMessage:
    """A message between the exporting and the importing authority."""
    require_step(actor, notification, "message")
    side = actor.organisation.country_id
    check_step("message", notification)
    body = _checked_body(body)
    other = (
        notification.importing_country_id
        if side == notification.exporting_country_id
        else notification.exporting_country_id
    )
    return _thread_entry(
        "message",
        actor=actor,
        notification=notification,
        body=body,
        kind=MessageKind.MESSAGE,
        countries=[other],
        params={"message": body[:500]},
    )


@implements("question")
def question_post(*, actor, notification: Notification, body: str) -> NotificationMessage:
    """The secretariat asks a question on any submitted notification, in its thread: both
    authorities are told."""
    require_step(actor, notification, "question")
    check_step("question", notification)
    body = _checked_body(body)
    return _thread_entry(
        "question",
        actor=actor,
        notification=notification,
        body=body,
        kind=MessageKind.QUESTION,
        countries=[notification.exporting_country_id, notification.importing_country_id],
        params={"message": body[:500]},
    )


@implements("remind")
def reminder_send(*, actor, notification: Notification, body: str = "") -> NotificationMessage:
    """The secretariat reminds the importing country of an overdue notification: an entry
    of kind reminder in the thread, an alert to the importing authority's handlers. Refused
    (409) when the notification is not overdue."""
    require_step(actor, notification, "remind")
    check_step("remind", notification)
    body = _checked_body(body, required=False)
    return _thread_entry(
        "remind",
        actor=actor,
        notification=notification,
        body=body,
        kind=MessageKind.REMINDER,
        countries=[notification.importing_country_id],
        params={"deadline": notification.reply_deadline.isoformat(), "message": body[:500]},
    )
