"""Names are normalised differently from this version on (other scripts and diacritics in
ASCII, a spelling skeleton for transliterations, Chinese place exonyms, compounds split,
"Surname, Given" turned round): the stored forms (PartyName), the blocking keys and their
counts, and the warning list's names are rebuilt with the new code, so that parties indexed
before the upgrade meet new queries. The same as `drugcontrol entities reindex`, without
its audit event; on a large database it takes a while (about 2 ms a party)."""

from django.db import migrations


def rebuild(apps, schema_editor):
    from drugcontrol.entities.services.parties import rebuild_in_migration

    rebuild_in_migration(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("entities", "0006_text_bounds"),
    ]

    operations = [
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True),
    ]
