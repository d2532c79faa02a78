"""The precursors app's panels of the home work queue: the notifications awaiting the
reader's country, and its Form D annual report (for the secretariat: the reports awaiting
its decision)."""

from django.db.models import Count
from django.utils import timezone

from drugcontrol.core.models import Country
from drugcontrol.core.permissions import can
from drugcontrol.precursors import selectors
from drugcontrol.precursors.models import Status
from drugcontrol.precursors.permissions import REPORT_KEEP, REPORT_READ

QUEUE_LENGTH = 8


def notification_queue(user) -> dict | None:
    """Notifications awaiting our answer (nearest deadline first, with days left), the
    overdue ones both ways, and our drafts; for the secretariat, overdue ones by country."""
    if not can(user, "precursors.notification_read"):
        return None
    if user.is_international:
        overdue = (
            selectors.notification_list(user=user, status=Status.OVERDUE)
            .order_by()
            .values("importing_country_id")
            .annotate(count=Count("pk"))
            .order_by("-count", "importing_country_id")
        )
        rows = list(overdue[:QUEUE_LENGTH])
        countries = Country.objects.in_bulk([row["importing_country_id"] for row in rows])
        by_country = [
            {"country": countries[row["importing_country_id"]], "count": row["count"]}
            for row in rows
        ]
        total = selectors.notification_list(user=user, status=Status.OVERDUE).count()
        return {"overdue_by_country": by_country, "overdue_total": total}
    awaiting = list(selectors.inbox(user=user)[:QUEUE_LENGTH])
    for notification in awaiting:  # `days_left` is the notification's own
        left = notification.days_left
        notification.days_late = max(0, -left) if left is not None else 0
    return {
        "awaiting": awaiting,
        "awaiting_count": selectors.inbox(user=user).count(),
        "overdue_incoming": selectors.notification_list(
            user=user, direction="incoming", status=Status.OVERDUE
        ).count(),
        "overdue_outgoing": selectors.notification_list(
            user=user, direction="outgoing", status=Status.OVERDUE
        ).count(),
        "drafts": list(selectors.notification_list(user=user, status=Status.DRAFT)[:QUEUE_LENGTH]),
        "draft_count": selectors.notification_list(user=user, status=Status.DRAFT).count(),
    }


def form_d_queue(user) -> dict | None:
    """Form D: for a competent authority, its country's reports returned with the
    secretariat's comments (first), then last year's report while a draft or not yet
    started, each with its due date (30 June of the next year); for the secretariat, the
    submitted reports awaiting its acceptance. None when nothing waits."""
    if not can(user, REPORT_READ.name):
        return None
    today = timezone.localdate()
    if user.is_international:
        awaiting = selectors.annual_reports_awaiting_decision(user=user)
        count = awaiting.count()
        if not count:
            return None
        return {"awaiting_decision": list(awaiting[:QUEUE_LENGTH]), "awaiting_count": count}
    rows = selectors.annual_reports_to_finish(user=user, year=today.year - 1)
    if not rows:
        return None
    for row in rows:
        row["days_late"] = max(0, (today - row["due"]).days)
    return {"rows": rows, "may_generate": can(user, REPORT_KEEP.name, user.country_id)}
