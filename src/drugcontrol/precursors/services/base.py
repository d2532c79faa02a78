"""What the notification services share: a step of the workflow table taken on the locked
row, the dated audit record and the link back to the page."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from drugcontrol.core.versioning import Change, versioned_change
from drugcontrol.precursors.models import Notification
from drugcontrol.precursors.workflow import NOTIFICATIONS, Transition, Workflow

NOTIFICATION_FIELDS = [
    "reference",
    "kind",
    "status",
    "importing_country_id",
    "invoice_number",
    "import_permit_number",
    "import_permit_date",
    "transport_mode",
    "point_of_exit",
    "point_of_entry",
    "expected_dispatch",
    "reply_deadline",
    "objection_ground",
    "outcome",
]


@contextmanager
def step_change(
    action: str,
    notification: Notification,
    *,
    actor,
    expected_version: int | None,
    at=None,
    workflow: Workflow = NOTIFICATIONS,
) -> Iterator[tuple[Change, Transition, object]]:
    """Take the workflow table's step `action` on the notification: lock its row and check
    the version (`versioned_change`, which saves it with the next version and records the
    row's audit action when the block ends), then check that the row's status allows the
    step (409 with the row's message). Yields the change (set `change.record`'s attributes
    and `change.after`), the row and the moment of the step (`at`, or now). `workflow`: the
    table the step is a row of (a Form D report's steps pass `workflow.REPORTS`)."""
    step = workflow.transition(action)
    with versioned_change(
        notification, expected_version=expected_version, actor=actor, action=step.audit
    ) as change:
        now = at or timezone.now()
        workflow.check_step(action, change.record, today=timezone.localdate(now))
        yield change, step, now


def dated(after: dict, at) -> dict:
    """An event's record of when the step happened, where that is not when it was recorded
    (a notification imported from history)."""
    return {**after, "at": at.isoformat()} if at else after


def notification_url(notification: Notification) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("precursors:detail", args=[notification.pk])
