"""The incidents app's panels of the home work queue: unread alerts by kind, and the
incidents other countries reported this week naming the reader's country."""

import datetime

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext

from drugcontrol.core import selectors as core_selectors
from drugcontrol.core.labels import record_type_label
from drugcontrol.core.permissions import can
from drugcontrol.incidents import selectors
from drugcontrol.incidents.filters import IncidentFilter

QUEUE_LENGTH = 8
WEEK = datetime.timedelta(days=7)


def unread_alerts(user) -> dict | None:
    rows = (
        core_selectors.alert_list(user=user, unread=True)
        .order_by()
        .values("record_type")
        .annotate(count=Count("pk"))
        .order_by("-count", "record_type")
    )
    kinds = [
        {"record_type": row["record_type"], "label": _kind_label(row["record_type"]), **row}
        for row in rows
    ]
    if not kinds:
        return None
    return {"kinds": kinds, "total": sum(kind["count"] for kind in kinds)}


def _kind_label(record_type: str) -> str:
    return record_type_label(record_type) if record_type else gettext("Announcements")


def incidents_naming_us(user) -> dict | None:
    if user.country_id is None or not can(user, "incidents.incident_read"):
        return None
    since = timezone.now() - WEEK
    incidents = (
        selectors.incident_list(user=user, filters=IncidentFilter(country=user.country_id))
        .exclude(reporting_country_id=user.country_id)
        .filter(created_at__gte=since)
    )
    return {
        "incidents": list(incidents[:QUEUE_LENGTH]),
        "count": incidents.count(),
        "country": user.country_id,
    }
