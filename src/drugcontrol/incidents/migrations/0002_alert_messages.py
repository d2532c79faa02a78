"""Incident alerts written as text before alerts were messages get their message key and
parameters back from the incident, so they read in each reader's language. An alert whose
incident is gone keeps its text (`core.legacy`)."""

from django.db import migrations

KEYS = {
    "country_named": "incidents.country_named",
    "party_correlated": "incidents.party_correlated",
}
BATCH = 1000


def rebuild(apps, schema_editor):
    Alert = apps.get_model("core", "Alert")
    Incident = apps.get_model("incidents", "Incident")
    legacy = Alert.objects.filter(
        message_key="core.legacy", kind__in=list(KEYS), record_type="incidents.incident"
    ).order_by("pk")
    last = 0
    while batch := list(legacy.filter(pk__gt=last)[:BATCH]):
        last = batch[-1].pk
        ids = {int(a.record_id) for a in batch if a.record_id.isdigit()}
        incidents = Incident.objects.select_related("reporting_organisation").in_bulk(ids)
        changed = []
        for alert in batch:
            incident = incidents.get(int(alert.record_id)) if alert.record_id.isdigit() else None
            if incident is None:
                continue
            alert.message_key = KEYS[alert.kind]
            alert.params = {
                "reference": incident.reference,
                "kind": incident.kind,
                "organisation": incident.reporting_organisation.name,
                "date": incident.occurred_on.isoformat(),
            }
            changed.append(alert)
        Alert.objects.bulk_update(changed, ["message_key", "params"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_alert_message"),
        ("incidents", "0001_initial"),
    ]

    # Going back leaves the messages as they are; core's migration turns them into text.
    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
