"""Changing a versioned record: lock it, check the version the caller read, change it, bump
the version and record one audit event, all in one transaction.

Every service that edits a record with a `version` column goes through `versioned_change`,
so optimistic concurrency (a stale version is a 409) and the audit event cannot be
forgotten or done in a different order by one of them.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from drugcontrol.core.audit import record_event, snapshot
from drugcontrol.core.errors import check_version

Record = TypeVar("Record", bound=models.Model)


def lock_version(instance: Record, expected_version: int | None) -> Record:
    """The record's row, locked until the transaction ends, if `expected_version` is still
    current (None: the caller read no version); `Conflict` otherwise."""
    current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    check_version(current, expected_version)
    return current


@dataclass
class Change:
    """What `versioned_change` gives its block: the locked row to change, and the audit
    event's before and after (snapshots of `fields` unless the block sets them)."""

    record: models.Model
    before: dict | None = None
    after: dict | None = None
    fields: tuple[str, ...] = field(default=())


@contextmanager
def versioned_change(
    instance: models.Model,
    *,
    expected_version: int | None,
    actor,
    action: str,
    fields: Iterable[str] = (),
    **event,
) -> Iterator[Change]:
    """Lock `instance`'s row and check its version, let the block change `change.record`,
    then save it with the next version and record `action` (keyword arguments of
    `record_event`, such as `owner_organisation`, pass through). An exception in the block
    rolls everything back."""
    fields = tuple(fields)
    with transaction.atomic():
        current = lock_version(instance, expected_version)
        change = Change(
            record=current, before=snapshot(current, fields) if fields else None, fields=fields
        )
        yield change
        if hasattr(current, "updated_at"):
            current.updated_at = timezone.now()
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        after = change.after
        if after is None and fields:
            after = snapshot(current, fields)
        record_event(
            actor=actor, action=action, obj=current, before=change.before, after=after, **event
        )
