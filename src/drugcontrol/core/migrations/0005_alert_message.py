"""Alerts are stored as a message key with raw parameters and rendered in the reader's
language. Every existing alert keeps its text: a broadcast as the secretariat typed it, any
other as a `core.legacy` message; the apps that raised them then rebuild theirs from their
records (incidents 0002, precursors 0003)."""

from django.db import migrations, models

BATCH = 1000


def to_messages(apps, schema_editor):
    Alert = apps.get_model("core", "Alert")
    batch = []
    for alert in Alert.objects.order_by("pk").iterator(chunk_size=BATCH):
        alert.message_key = "core.broadcast" if alert.kind == "broadcast" else "core.legacy"
        alert.params = {"title": alert.title, "body": alert.body}
        batch.append(alert)
        if len(batch) == BATCH:
            Alert.objects.bulk_update(batch, ["message_key", "params"])
            batch = []
    Alert.objects.bulk_update(batch, ["message_key", "params"])


def to_text(apps, schema_editor):
    """Back to stored text: what was typed or kept, else (for a rebuilt message, whose
    templates live in the code) its key and the record's reference."""
    Alert = apps.get_model("core", "Alert")
    batch = []
    for alert in Alert.objects.order_by("pk").iterator(chunk_size=BATCH):
        params = alert.params or {}
        fallback = f"{alert.message_key} {params.get('reference', '')}".strip()
        alert.title = str(params.get("title") or fallback)[:300]
        alert.body = str(params.get("body") or params.get("message") or "")
        batch.append(alert)
        if len(batch) == BATCH:
            Alert.objects.bulk_update(batch, ["title", "body"])
            batch = []
    Alert.objects.bulk_update(batch, ["title", "body"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_importjob"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="message_key",
            field=models.CharField(default="core.legacy", max_length=100),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="alert",
            name="params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(to_messages, to_text),
        # A default, so that going back can add the column to existing rows again.
        migrations.AlterField(
            model_name="alert",
            name="title",
            field=models.CharField(default="", max_length=300, verbose_name="title"),
        ),
        migrations.RemoveField(
            model_name="alert",
            name="title",
        ),
        migrations.RemoveField(
            model_name="alert",
            name="body",
        ),
        migrations.AlterField(
            model_name="alert",
            name="kind",
            field=models.CharField(max_length=24, verbose_name="kind"),
        ),
    ]
