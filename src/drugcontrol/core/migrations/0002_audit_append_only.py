"""Make the audit table append-only in the database itself, and create the chain head row."""

from django.db import migrations

# Deleting is possible only where the application itself switched purging on for the
# connection (drugcontrol.core.audit.allow_purge): tests that empty the database, and a
# deliberate retention purge. Editing a row is never possible.
SQLITE_TRIGGERS = [
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       WHEN NOT drugcontrol_audit_purge_allowed()
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
]
POSTGRES_TRIGGERS = [
    """CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP IN ('DELETE', 'TRUNCATE')
            AND current_setting('drugcontrol.allow_audit_purge', true) = 'on' THEN
           RETURN OLD;
         END IF;
         RAISE EXCEPTION 'audit events are append-only';
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only()""",
    """CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent",
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent",
    "DROP FUNCTION IF EXISTS core_auditevent_append_only()",
]


def create_triggers(apps, schema_editor):
    statements = {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def create_head(apps, schema_editor):
    head_model = apps.get_model("core", "AuditChainHead")
    head_model.objects.get_or_create(pk=1, defaults={"sequence": 0, "hash": "0" * 64})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
