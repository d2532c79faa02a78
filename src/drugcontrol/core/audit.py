"""The append-only, hash-chained audit log.

Every service calls `record_event` inside its transaction. Each event's hash is an
HMAC-SHA256, under the audit key (settings.AUDIT_KEY, apart from SECRET_KEY), of its own
fields and the previous event's hash, so someone with database access alone cannot edit an
event and re-chain the rest. `AuditChainHead` holds the last link, and signed checkpoints
written to files outside the database (`write_checkpoint`) record how long the chain was,
so removing the newest events shows even when the head row is removed with them.
`verify_chain` walks the whole chain and reports every problem it finds.
"""

import datetime
import hashlib
import hmac
import json
import logging
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from drugcontrol.core.context import current_request_id
from drugcontrol.core.models import AuditChainHead, AuditEvent

logger = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
HEAD_RECREATED = "audit.chain_head_recreated"
CHECKPOINT_FILE = "checkpoints.jsonl"


def to_json_value(value):
    """Turn a Python value (dates, decimals, UUIDs...) into plain JSON types."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict:
    """The named fields of a model instance as plain JSON (foreign keys as their ids)."""
    data = {}
    for name in fields:
        field_ = instance._meta.get_field(name)
        data[name] = getattr(instance, field_.attname)
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


def _audit_key() -> bytes:
    # Read on every call so that a test's settings override applies.
    return settings.AUDIT_KEY.encode()


def compute_hash(event: AuditEvent, key: bytes | None = None) -> str:
    """The event's HMAC-SHA256 under the audit key."""
    return hmac.new(key or _audit_key(), _canonical(event), hashlib.sha256).hexdigest()


def _unkeyed_hash(event: AuditEvent) -> str:
    """Plain SHA-256, as anyone can compute (and as events were hashed before the key)."""
    return hashlib.sha256(_canonical(event)).hexdigest()


def object_label(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def _locked_head() -> tuple[AuditChainHead, AuditEvent | None]:
    """The head row, locked; re-created from the newest event when it is missing (then that
    event is returned too, so the re-creation is itself recorded in the chain)."""
    # Locking the head row serialises writers on PostgreSQL; SQLite transactions are
    # IMMEDIATE (see settings), which serialises them already.
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head, None
    last = AuditEvent.objects.order_by("-sequence").first()
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(
                pk=1,
                sequence=last.sequence if last else 0,
                hash=last.hash if last else GENESIS_HASH,
            )
    except IntegrityError:
        # Another writer re-created it first (and recorded that); continue after it.
        return AuditChainHead.objects.select_for_update().get(pk=1), None
    head = AuditChainHead.objects.select_for_update().get(pk=1)
    if last is not None:
        logger.error(
            "The audit chain head was missing; re-created from event #%s. "
            "Run `drugcontrol audit verify`.",
            last.sequence,
        )
    return head, last


def _append(head: AuditChainHead, **fields) -> AuditEvent:
    event = AuditEvent(
        sequence=head.sequence + 1,
        occurred_at=timezone.now(),
        request_id=current_request_id.get(),
        previous_hash=head.hash,
        **fields,
    )
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    head.sequence = event.sequence
    head.hash = event.hash
    head.save(update_fields=["sequence", "hash"])
    return event


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
    head, recreated_from = _locked_head()
    if recreated_from is not None:
        # Writes go on, and the chain itself says that the head had to be re-created.
        _append(
            head,
            action=HEAD_RECREATED,
            object_type=AuditChainHead._meta.label_lower,
            object_id="1",
            after={"sequence": recreated_from.sequence, "hash": recreated_from.hash},
        )
    event = _append(
        head,
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
    )
    if _checkpoint_due(event.sequence):
        transaction.on_commit(_queue_checkpoint)
    return event


@dataclass(frozen=True)
class Event:
    """One event of `record_events`: what `record_event` takes besides the actor."""

    action: str
    obj: models.Model | None = None
    before: dict | None = None
    after: dict | None = None
    owner_organisation: models.Model | None = None
    object_type: str = ""  # without `obj`: what the event is about
    object_id: str = ""


def record_events(*, actor, events: list[Event]) -> None:
    """Append several events of one actor at once (a service acting on many records, each
    with its own event): the same chained, keyed events as `record_event` one by one, the
    head locked once, the events inserted in one statement and the head moved over them
    one event at a time, as its trigger requires, in one statement too. Must run inside
    the service's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("record_events must be called inside transaction.atomic()")
    if not events:
        return
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    organisation = actor_user.organisation if actor_user is not None else None
    head, recreated_from = _locked_head()
    if recreated_from is not None:
        _append(
            head,
            action=HEAD_RECREATED,
            object_type=AuditChainHead._meta.label_lower,
            object_id="1",
            after={"sequence": recreated_from.sequence, "hash": recreated_from.hash},
        )
    key = _audit_key()
    request_id = current_request_id.get()
    now = timezone.now()
    sequence, previous = head.sequence, head.hash
    written = []
    for event in events:
        object_type, object_id = (
            object_label(event.obj)
            if event.obj is not None
            else (event.object_type, event.object_id)
        )
        sequence += 1
        row = AuditEvent(
            sequence=sequence,
            occurred_at=now,
            request_id=request_id,
            previous_hash=previous,
            actor=actor_user,
            actor_username=actor_user.get_username() if actor_user else "",
            organisation=organisation,
            country_id=organisation.country_id if organisation is not None else None,
            owner_organisation=event.owner_organisation,
            action=event.action,
            object_type=object_type,
            object_id=str(object_id),
            before=to_json_value(event.before),
            after=to_json_value(event.after),
        )
        row.hash = previous = compute_hash(row, key)
        written.append(row)
    quote = connection.ops.quote_name
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    meta = AuditChainHead._meta
    sequence_column, hash_column, id_column = (
        quote(meta.get_field(name).column) for name in ("sequence", "hash", "id")
    )
    with connection.cursor() as cursor:
        # Names from the models' metadata, quoted; the values are parameters, each prepared
        # by its field as the ORM prepares it (its bulk_create builds SQL per field and row).
        cursor.executemany(
            "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
                quote(AuditEvent._meta.db_table),
                ", ".join(quote(f.column) for f in fields),
                ", ".join(["%s"] * len(fields)),
            ),
            [
                [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]
                for row in written
            ],
        )
        cursor.executemany(
            f"UPDATE {quote(meta.db_table)} SET {sequence_column} = %s, {hash_column} = %s"  # noqa: S608
            f" WHERE {id_column} = %s",
            [(row.sequence, row.hash, head.pk) for row in written],
        )
    head.sequence, head.hash = written[-1].sequence, written[-1].hash
    first = written[0].sequence
    if any(_checkpoint_due(number) for number in range(first, sequence + 1)):
        transaction.on_commit(_queue_checkpoint)


# --- signed checkpoints -------------------------------------------------------------------

_last_checkpoint_queued = {"at": time.monotonic()}


def _checkpoint_due(sequence: int) -> bool:
    """Every AUDIT_CHECKPOINT_EVERY events, and after AUDIT_CHECKPOINT_MINUTES in each
    process that writes, so that a quiet installation gets checkpoints too (no cron)."""
    now = time.monotonic()
    every = max(1, settings.AUDIT_CHECKPOINT_EVERY)
    due = sequence % every == 0 or (
        now - _last_checkpoint_queued["at"] >= settings.AUDIT_CHECKPOINT_MINUTES * 60
    )
    if due:
        _last_checkpoint_queued["at"] = now
    return due


def _queue_checkpoint() -> None:
    from drugcontrol.core.tasks import write_audit_checkpoint

    try:
        write_audit_checkpoint.enqueue()
    except Exception:  # the write has committed: a missed checkpoint must not fail it
        logger.exception("could not queue an audit checkpoint")


def _checkpoint_signature(record: dict) -> str:
    fields = {name: record.get(name) for name in ("count", "sequence", "hash", "written_at")}
    message = (
        b"drugcontrol-audit-checkpoint-v1:"
        + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    )
    return hmac.new(_audit_key(), message, hashlib.sha256).hexdigest()


def checkpoint_directory(directory: str | Path | None = None) -> Path:
    return Path(directory or settings.AUDIT_CHECKPOINT_DIR)


def write_checkpoint(directory: str | Path | None = None) -> dict:
    """Append one signed checkpoint (events, last sequence, last hash, time) to
    DIRECTORY/checkpoints.jsonl, outside the database."""
    last = AuditEvent.objects.order_by("-sequence").only("sequence", "hash").first()
    sequence, last_hash = (last.sequence, last.hash) if last else (0, GENESIS_HASH)
    record = {
        "count": AuditEvent.objects.filter(sequence__lte=sequence).count(),
        "sequence": sequence,
        "hash": last_hash,
        "written_at": timezone.now().astimezone(datetime.UTC).isoformat(),
    }
    record["signature"] = _checkpoint_signature(record)
    folder = checkpoint_directory(directory)
    folder.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, sort_keys=True) + "\n").encode()
    # One write with O_APPEND: lines from several processes never interleave.
    descriptor = os.open(folder / CHECKPOINT_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        os.write(descriptor, line)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return record


@dataclass(frozen=True)
class Checkpoint:
    count: int
    sequence: int
    hash: str
    written_at: str
    source: str  # file:line


def read_checkpoints(
    directory: str | Path | None = None,
) -> tuple[list[Checkpoint], list["ChainProblem"]]:
    """Every checkpoint in every *.jsonl file of the directory (copies brought back from
    elsewhere included), and a problem for each line that is unreadable or wrongly signed."""
    checkpoints, problems = [], []
    folder = checkpoint_directory(directory)
    for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
        with path.open(encoding="utf-8") as file:
            for number, line in enumerate(file, start=1):
                if not line.strip():
                    continue
                source = f"{path}:{number}"
                try:
                    record = json.loads(line)
                    checkpoint = Checkpoint(
                        count=int(record["count"]),
                        sequence=int(record["sequence"]),
                        hash=str(record["hash"]),
                        written_at=str(record["written_at"]),
                        source=source,
                    )
                    signature = str(record["signature"])
                except (ValueError, KeyError, TypeError):
                    problems.append(
                        ChainProblem(0, "checkpoint_invalid", f"checkpoint {source} is unreadable")
                    )
                    continue
                if not hmac.compare_digest(signature, _checkpoint_signature(record)):
                    problems.append(
                        ChainProblem(
                            checkpoint.sequence,
                            "checkpoint_invalid",
                            f"checkpoint {source} (event #{checkpoint.sequence}) is not signed "
                            "with the audit key: forged, or written under another key",
                        )
                    )
                    continue
                checkpoints.append(checkpoint)
    return checkpoints, problems


# --- verification -------------------------------------------------------------------------


@dataclass
class ChainProblem:
    sequence: int
    # edited, unkeyed, missing, broken_link, truncated, head_missing, head_mismatch,
    # head_recreated, checkpoint_mismatch, checkpoint_invalid
    kind: str
    message: str
    last_sequence: int | None = None  # a run of consecutive events with the same problem


@dataclass
class ChainReport:
    checked: int = 0
    last_sequence: int = 0
    checkpoints: int = 0
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: ChainProblem) -> None:
        self.problems.append(problem)


_RUN_MESSAGES = {
    "edited": (
        "event #{first} was changed after it was written (its hash does not match its "
        "content under the audit key)",
        "events #{first} to #{last} were changed after they were written (their hashes do "
        "not match their content under the audit key)",
    ),
    "unkeyed": (
        "event #{first} carries a plain SHA-256, not the audit key's: changed and re-chained "
        "by someone without the key, or written before the key was set",
        "events #{first} to #{last} carry a plain SHA-256, not the audit key's: changed and "
        "re-chained by someone without the key, or written before the key was set",
    ),
}


def _add_run(report: ChainReport, kind: str, sequence: int) -> None:
    """Consecutive events with the same hash problem (a re-chained tail) make one entry."""
    previous = report.problems[-1] if report.problems else None
    if (
        previous is not None
        and previous.kind == kind
        and (previous.last_sequence or previous.sequence) == sequence - 1
    ):
        previous.last_sequence = sequence
        previous.message = _RUN_MESSAGES[kind][1].format(first=previous.sequence, last=sequence)
        return
    report.add(ChainProblem(sequence, kind, _RUN_MESSAGES[kind][0].format(first=sequence)))


def _missing_message(first: int, last: int) -> str:
    if first == last:
        return f"event #{first} is missing"
    return f"events #{first} to #{last} are missing"


def verify_chain(batch_size: int = 2000, checkpoint_dir: str | Path | None = None) -> ChainReport:
    """Walk the whole chain in order, in batches, and report every problem found: edited,
    re-hashed, missing or unlinked events, the head row, and every signed checkpoint."""
    report = ChainReport()
    checkpoints, checkpoint_problems = read_checkpoints(checkpoint_dir)
    report.problems.extend(checkpoint_problems)
    report.checkpoints = len(checkpoints)
    by_sequence: dict[int, list[Checkpoint]] = {}
    for checkpoint in checkpoints:
        by_sequence.setdefault(checkpoint.sequence, []).append(checkpoint)
    key = _audit_key()
    previous_hash = GENESIS_HASH
    last_sequence = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(sequence__gt=last_sequence).order_by("sequence")[:batch_size]
        )
        if not batch:
            # Events written while this ran move the head on: follow them before judging it.
            head = AuditChainHead.objects.filter(pk=1).first()
            if (
                head is not None
                and head.sequence > last_sequence
                and AuditEvent.objects.filter(sequence__gt=last_sequence).exists()
            ):
                continue
            break
        for event in batch:
            gap = event.sequence != last_sequence + 1
            if gap:
                report.add(
                    ChainProblem(
                        last_sequence + 1,
                        "missing",
                        _missing_message(last_sequence + 1, event.sequence - 1),
                        event.sequence - 1,
                    )
                )
            elif event.previous_hash != previous_hash:
                report.add(
                    ChainProblem(
                        event.sequence,
                        "broken_link",
                        f"event #{event.sequence} does not link to the hash of event "
                        f"#{event.sequence - 1}",
                    )
                )
            if not hmac.compare_digest(compute_hash(event, key), event.hash):
                kind = "unkeyed" if _unkeyed_hash(event) == event.hash else "edited"
                _add_run(report, kind, event.sequence)
            if event.action == HEAD_RECREATED:
                origin = (event.after or {}).get("sequence")
                report.add(
                    ChainProblem(
                        event.sequence,
                        "head_recreated",
                        f"the chain head was missing and was re-created from event #{origin} "
                        f"(recorded as event #{event.sequence})",
                    )
                )
            for checkpoint in by_sequence.pop(event.sequence, ()):
                if checkpoint.hash != event.hash:
                    report.add(
                        ChainProblem(
                            event.sequence,
                            "checkpoint_mismatch",
                            f"event #{event.sequence} is not the one checkpoint "
                            f"{checkpoint.source} ({checkpoint.written_at}) recorded",
                        )
                    )
            previous_hash = event.hash
            last_sequence = event.sequence
            report.checked += 1
    report.last_sequence = last_sequence
    beyond = [c for c in checkpoints if c.sequence > last_sequence]
    if beyond:
        furthest = max(beyond, key=lambda c: c.sequence)
        report.add(
            ChainProblem(
                last_sequence + 1,
                "truncated",
                f"the chain ends at event #{last_sequence} but checkpoint {furthest.source} "
                f"({furthest.written_at}) recorded event #{furthest.sequence}: "
                + _missing_message(last_sequence + 1, furthest.sequence),
                furthest.sequence,
            )
        )
    if head is None:
        report.add(
            ChainProblem(
                last_sequence,
                "head_missing",
                f"the chain head row is missing (the chain ends at event #{last_sequence})",
            )
        )
    elif head.sequence > last_sequence:
        report.add(
            ChainProblem(
                last_sequence + 1,
                "truncated",
                f"the chain ends at event #{last_sequence} but the chain head recorded event "
                f"#{head.sequence}: " + _missing_message(last_sequence + 1, head.sequence),
                head.sequence,
            )
        )
    elif head.sequence < last_sequence:
        report.add(
            ChainProblem(
                head.sequence + 1,
                "head_mismatch",
                f"the chain head points at event #{head.sequence} but the chain goes on to "
                f"event #{last_sequence}",
                last_sequence,
            )
        )
    elif head.hash != previous_hash:
        report.add(
            ChainProblem(
                head.sequence,
                "head_mismatch",
                f"the chain head holds another hash for event #{head.sequence} than the event",
            )
        )
    return report


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
