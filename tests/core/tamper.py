"""Simulate an operator with database access changing the audit table behind the app's back."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def audit_triggers_disabled():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
            try:
                yield cursor
            finally:
                cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
            cursor.execute("DROP TRIGGER core_auditevent_no_delete")
            try:
                yield cursor
            finally:
                cursor.execute(
                    "CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
                    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
                )
                cursor.execute(
                    "CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent "
                    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
                )
