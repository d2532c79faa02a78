"""Business words in Chinese characters are read on the characters from this version on
(宇胜物流 is yu sheng logistics, no longer yu biotech liu): the stored forms, blocking keys,
counts and warning-list names are rebuilt with the new code, as `drugcontrol entities
reindex` does (without its audit event; about 2 ms a party)."""

from django.db import migrations


def rebuild(apps, schema_editor):
    from drugcontrol.entities.services.parties import rebuild_in_migration

    rebuild_in_migration(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("entities", "0008_partyname_plain"),
    ]

    operations = [
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True),
    ]
