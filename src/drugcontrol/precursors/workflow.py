"""The notification workflow."""

from django.utils import timezone

from drugcontrol.precursors.models import AWAITING_ANSWER, Notification, Status


def may_ship(notification: Notification, today=None) -> bool:
    """Cleared; or past the deadline without an answer where the importing country does not
    require explicit clearance."""
    today = today or timezone.localdate()
    if notification.status == Status.CLEARED:
        return True
    return (
        notification.status in AWAITING_ANSWER
        and not notification.explicit_clearance
        and notification.reply_deadline is not None
        and notification.reply_deadline < today
    )
