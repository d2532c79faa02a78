"""Protect the audit chain head row the way 0002 protects the events.

The head may not be deleted (unless purging is switched on, as for the events), may only
move forward by one to an event that exists with that hash, and may only be inserted
pointing at the newest event (or at the genesis hash on an empty log). So removing the
newest events together with the head needs the triggers switched off, which signed
checkpoints outside the database then reveal.

Events are hashed with HMAC-SHA256 under DRUGCONTROL_AUDIT_KEY from this release on; no
event is re-hashed here. Set the key before the first event is written: events written
before (development databases) are reported by `drugcontrol audit verify`.
"""

from django.db import migrations

GENESIS = "0" * 64

SQLITE_TRIGGERS = [
    """CREATE TRIGGER core_auditchainhead_no_delete BEFORE DELETE ON core_auditchainhead
       WHEN NOT drugcontrol_audit_purge_allowed()
       BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be removed'); END""",
    """CREATE TRIGGER core_auditchainhead_forward_only BEFORE UPDATE ON core_auditchainhead
       WHEN NEW.id != OLD.id OR NEW.sequence != OLD.sequence + 1
         OR NOT EXISTS (SELECT 1 FROM core_auditevent e
                        WHERE e.sequence = NEW.sequence AND e.hash = NEW.hash)
       BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward by one event'); END""",
    f"""CREATE TRIGGER core_auditchainhead_insert_newest BEFORE INSERT ON core_auditchainhead
       WHEN NOT (NEW.id = 1 AND (
         (NEW.sequence = 0 AND NEW.hash = '{GENESIS}'
          AND NOT EXISTS (SELECT 1 FROM core_auditevent))
         OR (EXISTS (SELECT 1 FROM core_auditevent e
                     WHERE e.sequence = NEW.sequence AND e.hash = NEW.hash)
             AND NOT EXISTS (SELECT 1 FROM core_auditevent e WHERE e.sequence > NEW.sequence))))
       BEGIN SELECT RAISE(ABORT, 'the audit chain head must point at the newest event'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_auditchainhead_no_delete",
    "DROP TRIGGER IF EXISTS core_auditchainhead_forward_only",
    "DROP TRIGGER IF EXISTS core_auditchainhead_insert_newest",
]
POSTGRES_TRIGGERS = [
    f"""CREATE OR REPLACE FUNCTION core_auditchainhead_guard() RETURNS trigger AS $$
       BEGIN
         IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
           IF current_setting('drugcontrol.allow_audit_purge', true) = 'on' THEN
             RETURN OLD;
           END IF;
           RAISE EXCEPTION 'the audit chain head cannot be removed';
         END IF;
         IF TG_OP = 'UPDATE' THEN
           IF NEW.id = OLD.id AND NEW.sequence = OLD.sequence + 1 AND EXISTS (
               SELECT 1 FROM core_auditevent e
               WHERE e.sequence = NEW.sequence AND e.hash = NEW.hash) THEN
             RETURN NEW;
           END IF;
           RAISE EXCEPTION 'the audit chain head only moves forward by one event';
         END IF;
         IF NEW.id = 1 AND (
             (NEW.sequence = 0 AND NEW.hash = '{GENESIS}'
              AND NOT EXISTS (SELECT 1 FROM core_auditevent))
             OR (EXISTS (SELECT 1 FROM core_auditevent e
                         WHERE e.sequence = NEW.sequence AND e.hash = NEW.hash)
                 AND NOT EXISTS (SELECT 1 FROM core_auditevent e
                                 WHERE e.sequence > NEW.sequence))) THEN
           RETURN NEW;
         END IF;
         RAISE EXCEPTION 'the audit chain head must point at the newest event';
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER core_auditchainhead_guard
       BEFORE INSERT OR UPDATE OR DELETE ON core_auditchainhead
       FOR EACH ROW EXECUTE FUNCTION core_auditchainhead_guard()""",
    """CREATE TRIGGER core_auditchainhead_no_truncate BEFORE TRUNCATE ON core_auditchainhead
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditchainhead_guard()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS core_auditchainhead_no_truncate ON core_auditchainhead",
    "DROP TRIGGER IF EXISTS core_auditchainhead_guard ON core_auditchainhead",
    "DROP FUNCTION IF EXISTS core_auditchainhead_guard()",
]


def create_triggers(apps, schema_editor):
    statements = {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_alert_message")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
