"""Simulate an operator with database access changing the audit tables behind the app's back."""

import importlib
from contextlib import contextmanager

from django.db import connection

_TABLES = ("core_auditevent", "core_auditchainhead")
_MIGRATIONS = ("0002_audit_append_only", "0006_audit_head_protected")


def _sqlite_statements(name: str) -> list[str]:
    module = importlib.import_module(f"drugcontrol.core.migrations.{name}")
    return module.SQLITE_DROP, module.SQLITE_TRIGGERS


@contextmanager
def audit_triggers_disabled():
    """Switch off the triggers on the events and the chain head for the block."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in _TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            try:
                yield cursor
            finally:
                for table in _TABLES:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            statements = [_sqlite_statements(name) for name in _MIGRATIONS]
            for drop, _create in statements:
                for statement in drop:
                    cursor.execute(statement)
            try:
                yield cursor
            finally:
                for _drop, create in statements:
                    for statement in create:
                        cursor.execute(statement)
