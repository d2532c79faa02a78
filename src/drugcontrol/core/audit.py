"""The append-only, hash-chained audit log.

Every service calls `record_event` inside its transaction. Each event's hash covers its own
fields and the previous event's hash; `AuditChainHead` holds the last link so that removing
the newest events is detected as well as editing or removing older ones.
"""

import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

from drugcontrol.core.context import current_request_id
from drugcontrol.core.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64


def to_json_value(value):
    """Turn a Python value (dates, decimals, UUIDs...) into plain JSON types."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict:
    """The named fields of a model instance as plain JSON (foreign keys as their ids)."""
    data = {}
    for name in fields:
        field = instance._meta.get_field(name)
        data[name] = getattr(instance, field.attname)
    return to_json_value(data)


def _canonical(event: AuditEvent) -> bytes:
    occurred = event.occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    payload = {
        "sequence": event.sequence,
        "occurred_at": occurred,
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "organisation_id": event.organisation_id,
        "country_id": event.country_id,
        "owner_organisation_id": event.owner_organisation_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
        "request_id": event.request_id,
        "previous_hash": event.previous_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def object_label(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def record_event(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    before: dict | None = None,
    after: dict | None = None,
    owner_organisation=None,
) -> AuditEvent:
    """Append one event. Must run inside the service's transaction.

    `organisation` and `country` are the actor's (none for the command line and the system);
    `owner_organisation` is the organisation whose record changed, so its admins see it.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("record_event must be called inside transaction.atomic()")
    if obj is not None:
        object_type, object_id = object_label(obj)
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    organisation = actor_user.organisation if actor_user is not None else None
    # Locking the head row serialises writers on PostgreSQL; SQLite transactions are
    # IMMEDIATE (see settings), which serialises them already.
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        if AuditEvent.objects.exists():
            raise RuntimeError("the audit chain head is missing; run `drugcontrol audit verify`")
        head = AuditChainHead.objects.create(pk=1, sequence=0, hash=GENESIS_HASH)
    event = AuditEvent(
        sequence=head.sequence + 1,
        occurred_at=timezone.now(),
        actor=actor_user,
        actor_username=actor_user.get_username() if actor_user else "",
        organisation=organisation,
        country_id=organisation.country_id if organisation is not None else None,
        owner_organisation=owner_organisation,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=to_json_value(before),
        after=to_json_value(after),
        request_id=current_request_id.get(),
        previous_hash=head.hash,
    )
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    head.sequence = event.sequence
    head.hash = event.hash
    head.save(update_fields=["sequence", "hash"])
    return event


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    kind: str  # "edited", "missing", "broken_link", "head_mismatch"
    message: str


def verify_chain(batch_size: int = 2000) -> tuple[int, ChainProblem | None]:
    """Walk the chain in order. Returns (events checked, first problem or None)."""
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    checked = 0
    last_sequence = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(sequence__gt=last_sequence).order_by("sequence")[:batch_size]
        )
        if not batch:
            break
        for event in batch:
            if event.sequence != expected_sequence:
                return checked, ChainProblem(
                    expected_sequence,
                    "missing",
                    f"event #{expected_sequence} is missing (next present is #{event.sequence})",
                )
            if event.previous_hash != previous_hash:
                return checked, ChainProblem(
                    event.sequence,
                    "broken_link",
                    f"event #{event.sequence} does not link to the hash of event "
                    f"#{event.sequence - 1}",
                )
            if compute_hash(event) != event.hash:
                return checked, ChainProblem(
                    event.sequence,
                    "edited",
                    f"event #{event.sequence} was changed after it was written",
                )
            previous_hash = event.hash
            expected_sequence += 1
            checked += 1
            last_sequence = event.sequence
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.sequence != last_sequence or head.hash != previous_hash):
        return checked, ChainProblem(
            last_sequence + 1,
            "missing",
            f"the chain ends at event #{last_sequence} but event #{head.sequence} was written; "
            f"events #{last_sequence + 1} to #{head.sequence} are missing",
        )
    return checked, None


# --- purging (tests that empty the database; deliberate retention purges) ------------------

_purge_allowed = {"value": False}


def _sqlite_purge_allowed() -> int:
    return 1 if _purge_allowed["value"] else 0


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """SQLite's delete trigger asks this function whether purging is switched on; a new
    PostgreSQL connection inherits the switch through a session setting."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "drugcontrol_audit_purge_allowed", 0, _sqlite_purge_allowed, deterministic=False
        )
    elif connection.vendor == "postgresql" and _purge_allowed["value"]:
        _set_postgresql_purge(connection, True)


def _set_postgresql_purge(db_connection, allowed: bool) -> None:
    with db_connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('drugcontrol.allow_audit_purge', %s, false)",
            ["on" if allowed else "off"],
        )


def allow_purge(allowed: bool) -> None:
    """Let this process delete audit rows (never edit them). Off unless switched on."""
    _purge_allowed["value"] = allowed
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        _set_postgresql_purge(connection, allowed)
