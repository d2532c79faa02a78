"""The stored highest severity leaves out findings that rest on other records (they are
shown to each reader as far as that reader may see those records)."""

from django.db import migrations

READER_DEPENDENT = ("party_flagged", "transit_incidents")


def recompute(apps, schema_editor):
    Notification = apps.get_model("precursors", "Notification")
    Finding = apps.get_model("precursors", "Finding")
    affected = (
        Finding.objects.filter(rule__in=READER_DEPENDENT)
        .values_list("notification_id", flat=True)
        .distinct()
    )
    for notification_id in affected.iterator():
        severities = Finding.objects.filter(notification_id=notification_id).exclude(
            rule__in=READER_DEPENDENT
        )
        highest = max(severities.values_list("severity", flat=True), default=0)
        Notification.objects.filter(pk=notification_id).update(highest_severity=highest)


class Migration(migrations.Migration):
    dependencies = [("precursors", "0003_alert_messages")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
