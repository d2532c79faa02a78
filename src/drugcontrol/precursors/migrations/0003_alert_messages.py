"""Notification and suspicious-order alerts written as text before alerts were messages get
their message key and parameters back from the record, so they read in each reader's
language. An alert whose record is gone or cannot say what it was keeps its text
(`core.legacy`)."""

from django.db import migrations

NOTIFICATION = "precursors.notification"
SUSPICIOUS_ORDER = "precursors.suspiciousorder"
KINDS = {
    NOTIFICATION: [
        "notification_received",
        "notification_transit",
        "notification_answered",
        "notification_message",
    ],
    SUSPICIOUS_ORDER: ["suspicious_order"],
}
BATCH = 1000


def _notification_message(alert, notification):
    """The message key and parameters, or None when the record cannot tell."""
    deadline = notification.reply_deadline.isoformat() if notification.reply_deadline else None
    if alert.kind in ("notification_received", "notification_transit") and deadline:
        params = {
            "reference": notification.reference,
            "country": notification.exporting_country_id,
            "deadline": deadline,
        }
        return f"precursors.{alert.kind}", params
    if alert.kind == "notification_answered" and notification.answered_at is not None:
        params = {"reference": notification.reference, "country": notification.importing_country_id}
        if notification.objection_ground:
            params["ground"] = notification.objection_ground
            return "precursors.notification_objected", params
        return "precursors.notification_cleared", params
    if alert.kind == "notification_message":
        # The alert held the message as its author wrote it.
        message = (alert.params or {}).get("body", "")
        return "precursors.notification_message", {
            "reference": notification.reference,
            "message": message,
        }
    return None


def _order_message(alert, order):
    return "precursors.suspicious_order", {
        "organisation": order.reporting_organisation.name,
        "reference": order.reference,
    }


def rebuild(apps, schema_editor):
    Alert = apps.get_model("core", "Alert")
    sources = {
        NOTIFICATION: (apps.get_model("precursors", "Notification").objects, _notification_message),
        SUSPICIOUS_ORDER: (
            apps.get_model("precursors", "SuspiciousOrder").objects.select_related(
                "reporting_organisation"
            ),
            _order_message,
        ),
    }
    for record_type, (records, message_for) in sources.items():
        legacy = Alert.objects.filter(
            message_key="core.legacy", record_type=record_type, kind__in=KINDS[record_type]
        ).order_by("pk")
        last = 0
        while batch := list(legacy.filter(pk__gt=last)[:BATCH]):
            last = batch[-1].pk
            found = records.in_bulk({int(a.record_id) for a in batch if a.record_id.isdigit()})
            changed = []
            for alert in batch:
                record = found.get(int(alert.record_id)) if alert.record_id.isdigit() else None
                message = message_for(alert, record) if record is not None else None
                if message is not None:
                    alert.message_key, alert.params = message
                    changed.append(alert)
            Alert.objects.bulk_update(changed, ["message_key", "params"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_alert_message"),
        ("precursors", "0002_inbox_and_stopped_party_indexes"),
    ]

    # Going back leaves the messages as they are; core's migration turns them into text.
    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
