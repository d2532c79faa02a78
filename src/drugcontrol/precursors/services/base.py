"""What the notification services share: the locked row, the versioned save, the dated
audit record and the link back to the page."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from drugcontrol.core.audit import record_event
from drugcontrol.core.errors import Conflict, check_version
from drugcontrol.precursors.models import (
    Notification,
)

NOTIFICATION_FIELDS = [
    "reference",
    "kind",
    "status",
    "importing_country_id",
    "invoice_number",
    "transport_mode",
    "point_of_exit",
    "point_of_entry",
    "expected_dispatch",
    "reply_deadline",
    "objection_ground",
    "outcome",
]


def _locked(notification: Notification, expected_version: int | None) -> Notification:
    current = Notification.objects.select_for_update().get(pk=notification.pk)
    check_version(current, expected_version)
    return current


def _require_status(notification: Notification, allowed, message) -> None:
    if notification.status not in allowed:
        raise Conflict(message, details={"status": notification.status})


def _save(notification: Notification, *, now=None, **changes) -> Notification:
    for name, value in changes.items():
        setattr(notification, name, value)
    notification.updated_at = now or timezone.now()
    notification.version += 1  # the row is locked (select_for_update) by every caller
    notification.save()
    return notification


def _moved(current: Notification, *, actor, action: str, at, now, **changes) -> Notification:
    """Save a change of status and record it, in the caller's transaction."""
    current = _save(current, now=now, **changes)
    record_event(
        actor=actor, action=action, obj=current, after=_dated({"status": current.status}, at)
    )
    return current


def _dated(after: dict, at) -> dict:
    """An event's record of when the step happened, where that is not when it was recorded
    (a notification imported from history)."""
    return {**after, "at": at.isoformat()} if at else after


def _url(notification: Notification) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("precursors:detail", args=[notification.pk])
