"""The notification workflow as one table: from which statuses each action may be taken, who
may take it (a permission of `permissions.py`), the status it leads to, the audit event it
writes and the alerts it raises. Form D's annual reports have a table of their own in the
same style (`REPORT_TABLE`); each table is a `Workflow`.

The table drives every surface of the exchange:

- the services check their step through it (`require_step` before anything is read,
  `check_step` on the locked row) and write its audit action and alert events;
- `selectors.allowed_actions` offers exactly the rows whose status and permission allow
  them (`offered`), which is what the page's buttons and the API's `actions` show;
- the API has one route per row (`route`, below the notification's own address), generated
  from the table;
- `perform(action, ...)` takes any row's step through the service registered for it
  (`@implements`), for the page and the API alike.

This module imports no service (services import it), so the selectors may read it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.errors import Conflict, ValidationFailed
from drugcontrol.core.permissions import can, require
from drugcontrol.precursors.models import AWAITING_ANSWER, Notification, NotificationKind, Status
from drugcontrol.precursors.models import AnnualReportStatus as ReportStatus
from drugcontrol.precursors.permissions import (
    ANSWER,
    EXPORT_STEP,
    FOLLOW_UP,
    OVERSEE,
    REPORT_DECIDE,
    REPORT_KEEP,
)


def _past_deadline(notification: Notification, today) -> bool:
    return (
        notification.status in AWAITING_ANSWER
        and notification.reply_deadline is not None
        and notification.reply_deadline < today
    )


def may_ship(notification: Notification, today=None) -> bool:
    """Cleared; or past the deadline without an answer where the exporting country's law
    allows shipment then (its silence rule, recorded at submission) and the importing
    country does not require explicit clearance. Silence is never consent otherwise. A
    voluntary (PEN Light) notification asks for no answer: it may ship once sent."""
    today = today or timezone.localdate()
    if notification.status == Status.CLEARED:
        return True
    if notification.kind == NotificationKind.LIGHT:
        return notification.status in AWAITING_ANSWER
    return (
        _past_deadline(notification, today)
        and notification.silence_rule
        and not notification.explicit_clearance
    )


def is_overdue(notification: Notification, today=None) -> bool:
    """Awaiting an answer past its deadline, with no silence rule letting it proceed."""
    today = today or timezone.localdate()
    return _past_deadline(notification, today) and not (
        notification.silence_rule and not notification.explicit_clearance
    )


@dataclass(frozen=True)
class Transition:
    sources: frozenset  # the statuses the action may start from
    action: str
    permission: str  # who may take it: an action of permissions.py
    target: str | None  # the status it leads to (None: the status stays)
    audit: str  # the audit event's action
    alerts: tuple[str, ...]  # the alert events it raises (routes in precursors/alerts.py)
    offered: str  # the name `allowed_actions` offers it under (clear and object: "answer")
    label: str  # the button
    refusal: str  # the 409's message when the status does not allow it
    route: str  # the API route below /precursors/notifications/{id} ("": the record itself)
    guard: Callable | None = None  # a further condition on the record: (notification, today)
    versioned: bool = True  # takes the version the caller read

    def allows(self, notification: Notification, today=None) -> bool:
        """Whether the record's status (and the guard) allow the step now."""
        if notification.status not in self.sources:
            return False
        return self.guard is None or self.guard(notification, today)


SENT = frozenset(Status) - {Status.DRAFT, Status.OVERDUE, Status.NO_OBJECTION}
ANSWERED = frozenset({Status.CLEARED, Status.OBJECTED})
ALREADY_ANSWERED = _("This notification was already answered.")

# fmt: off
TABLE = (
    # from statuses, action, who may, next status, audit action, alerts
    Transition(frozenset({Status.DRAFT}), "edit", EXPORT_STEP.name, Status.DRAFT,
               "precursors.notification_updated", (),
               offered="edit", label=_("Edit the draft"),
               refusal=_("Only a draft can be changed."), route=""),
    Transition(frozenset({Status.DRAFT}), "submit", EXPORT_STEP.name, Status.SUBMITTED,
               "precursors.notification_submitted",
               ("notification_received", "notification_transit"),
               offered="submit", label=_("Submit to the importing country"),
               refusal=_("This notification was already submitted."), route="submit"),
    Transition(frozenset({Status.SUBMITTED}), "acknowledge", ANSWER.name, Status.ACKNOWLEDGED,
               "precursors.notification_acknowledged", (),
               offered="acknowledge", label=_("Acknowledge receipt"),
               refusal=_("Only a newly submitted notification is acknowledged."),
               route="acknowledge"),
    Transition(frozenset(AWAITING_ANSWER), "clear", ANSWER.name, Status.CLEARED,
               "precursors.notification_cleared", ("notification_answered",),
               offered="answer", label=_("Clear the shipment"),
               refusal=ALREADY_ANSWERED, route="clear"),
    Transition(frozenset(AWAITING_ANSWER), "object", ANSWER.name, Status.OBJECTED,
               "precursors.notification_objected", ("notification_answered",),
               offered="answer", label=_("Object"),
               refusal=ALREADY_ANSWERED, route="object"),
    Transition(frozenset({Status.CLEARED, *AWAITING_ANSWER}), "ship", EXPORT_STEP.name,
               Status.SHIPPED, "precursors.notification_shipped", (),
               offered="ship", label=_("Record dispatch"),
               refusal=_(
                   "The shipment may leave only once cleared, or after the deadline when the "
                   "importing country does not require explicit clearance."
               ),
               route="ship", guard=may_ship),
    Transition(frozenset(AWAITING_ANSWER), "withdraw", EXPORT_STEP.name, Status.WITHDRAWN,
               "precursors.notification_withdrawn", (),
               offered="withdraw", label=_("Withdraw"),
               refusal=_(
                   "A notification is withdrawn before it is answered and cancelled after."
               ),
               route="withdraw"),
    Transition(ANSWERED, "cancel", EXPORT_STEP.name, Status.CANCELLED,
               "precursors.notification_cancelled", (),
               offered="cancel", label=_("Cancel the shipment"),
               refusal=_("Only a cleared or objected notification is cancelled."),
               route="cancel"),
    Transition(frozenset({Status.SHIPPED}), "outcome", FOLLOW_UP.name, None,
               "precursors.outcome_recorded", (),
               offered="outcome", label=_("Record the outcome"),
               refusal=_("Record the outcome after shipment."), route="outcome"),
    Transition(SENT, "message", FOLLOW_UP.name, None,
               "precursors.message_posted", ("notification_message",),
               offered="message", label=_("Send"),
               refusal=_("Submit the notification before writing to the importing country."),
               route="messages", versioned=False),
    Transition(SENT, "question", OVERSEE.name, None,
               "precursors.question_posted", ("notification_question",),
               offered="question", label=_("Ask the authorities"),
               refusal=_("Questions are asked on submitted notifications."),
               route="questions", versioned=False),
    Transition(frozenset(AWAITING_ANSWER), "remind", OVERSEE.name, None,
               "precursors.reminder_sent", ("notification_reminder",),
               offered="remind", label=_("Send a reminder"),
               refusal=_("A reminder is sent only on an overdue notification."),
               route="remind", guard=is_overdue, versioned=False),
)
# fmt: on
class Workflow:
    """A transition table with what reads it: the permission and status checks, the rows a
    user may take now, and the services registered for the rows (`implements`), taken by
    `perform` for the page and the API alike. `record` names the services' argument that
    takes the record (`notification=`, `report=`)."""

    def __init__(self, table: tuple[Transition, ...], *, record: str):
        self.table = table
        self.transitions: dict[str, Transition] = {row.action: row for row in table}
        self.record = record
        self._services: dict[str, tuple[Callable, str | None]] = {}

    def transition(self, action: str) -> Transition:
        """The row of an action; an unknown action is a validation error."""
        row = self.transitions.get(action)
        if row is None:
            raise ValidationFailed({"action": [_("Unknown action.")]})
        return row

    def require_step(self, actor, record, *actions: str) -> None:
        """The permission check a service makes first, before it reads its input: the actor
        must hold the permission of the named rows (a service taking two rows, such as
        clear and object, names both; they share one permission)."""
        for permission in dict.fromkeys(self.transitions[action].permission for action in actions):
            require(actor, permission, record)

    def check_step(self, action: str, record, today=None) -> Transition:
        """The status check a service makes on the locked row: a 409 with the row's message
        (and the record's status) when the step is not open."""
        row = self.transitions[action]
        if not row.allows(record, today):
            raise Conflict(row.refusal, details={"status": record.status})
        return row

    def allowed(self, user, record, today=None) -> set[str]:
        """The rows the user may take now, under their `offered` names."""
        permitted: dict[str, bool] = {}
        offered = set()
        for row in self.table:
            if not row.allows(record, today):
                continue
            if row.permission not in permitted:
                permitted[row.permission] = can(user, row.permission, record)
            if permitted[row.permission]:
                offered.add(row.offered)
        return offered

    def implements(self, *actions: str, argument: str | None = None):
        """Register a service as the one that takes these rows' steps; `argument`: the
        keyword that tells a service taking several rows which one (`decision="clear"`)."""

        def register(service):
            for action in actions:
                if action not in self.transitions:
                    raise ImproperlyConfigured(f"{action} is not a row of the workflow table")
                self._services[action] = (service, argument)
            return service

        return register

    def service_for(self, action: str) -> Callable:
        """The service registered for a row (the services module registers them on import)."""
        if action not in self._services:
            raise ImproperlyConfigured(f"no service takes the workflow step {action}")
        return self._services[action][0]

    def perform(self, action: str, *, actor, record, expected_version=None, **fields):
        """Take a step of the table through its service: `fields` are the service's own
        arguments; `expected_version` is passed to every versioned step."""
        row = self.transition(action)
        service = self.service_for(action)
        argument = self._services[action][1]
        if argument is not None:
            fields[argument] = action
        if row.versioned:
            fields["expected_version"] = expected_version
        return service(actor=actor, **{self.record: record}, **fields)


NOTIFICATIONS = Workflow(TABLE, record="notification")
TRANSITIONS = NOTIFICATIONS.transitions
transition = NOTIFICATIONS.transition
require_step = NOTIFICATIONS.require_step
check_step = NOTIFICATIONS.check_step
allowed = NOTIFICATIONS.allowed
implements = NOTIFICATIONS.implements
service_for = NOTIFICATIONS.service_for


def perform(action: str, *, actor, notification: Notification, expected_version=None, **fields):
    """Take a step of the notification table through its service, for the page and the API
    alike: `fields` are the service's own arguments (`ground`, `detail`, `outcome`, `body`,
    `data` and `submit` for `edit`); `expected_version` is passed to every versioned step.
    Returns what the service returns (the notification; the message for `message`)."""
    return NOTIFICATIONS.perform(
        action, actor=actor, record=notification, expected_version=expected_version, **fields
    )


# --- Form D annual reports ----------------------------------------------------------------------

OPEN_REPORT = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})

# fmt: off
REPORT_TABLE = (
    # from statuses, action, who may, next status, audit action, alerts
    Transition(OPEN_REPORT, "edit", REPORT_KEEP.name, None,
               "precursors.annual_report_updated", (),
               offered="edit", label=_("Complete or correct"),
               refusal=_("Only a draft or a returned report can be changed."), route=""),
    Transition(OPEN_REPORT, "regenerate", REPORT_KEEP.name, None,
               "precursors.annual_report_regenerated", (),
               offered="regenerate", label=_("Generate again from the records on file"),
               refusal=_("Only a draft or a returned report can be changed."),
               route="regenerate"),
    Transition(OPEN_REPORT, "submit", REPORT_KEEP.name, ReportStatus.SUBMITTED,
               "precursors.annual_report_submitted", ("annual_report_submitted",),
               offered="submit", label=_("Submit to the secretariat"),
               refusal=_("This report was already submitted."), route="submit"),
    Transition(frozenset({ReportStatus.SUBMITTED}), "accept", REPORT_DECIDE.name,
               ReportStatus.ACCEPTED, "precursors.annual_report_accepted",
               ("annual_report_decided",),
               offered="decide", label=_("Accept"),
               refusal=_("Only a submitted report is accepted or returned."), route="accept"),
    Transition(frozenset({ReportStatus.SUBMITTED}), "return", REPORT_DECIDE.name,
               ReportStatus.RETURNED, "precursors.annual_report_returned",
               ("annual_report_decided",),
               offered="decide", label=_("Return for correction"),
               refusal=_("Only a submitted report is accepted or returned."), route="return"),
)
# fmt: on
REPORTS = Workflow(REPORT_TABLE, record="report")
