"""Stored names keep their words as written before the spelling skeleton (PartyName.plain),
their keys include the plain words' keys, and the skeleton and the Cyrillic romanisations
changed: the stored forms, the blocking keys and their counts, and the warning list's names
are rebuilt with the new code, as in 0007 (the same as `drugcontrol entities reindex`,
without its audit event; about 2 ms a party)."""

from django.db import migrations, models


def rebuild(apps, schema_editor):
    from drugcontrol.entities.services.parties import rebuild_in_migration

    rebuild_in_migration(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("entities", "0007_rebuild_index_transliteration"),
    ]

    operations = [
        migrations.AddField(
            model_name="partyname",
            name="plain",
            field=models.CharField(blank=True, default="", max_length=600),
        ),
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True),
    ]
