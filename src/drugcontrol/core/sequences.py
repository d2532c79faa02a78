"""Human-readable record references (`CHN-2026-000123`) numbered per prefix."""

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction

Record = TypeVar("Record")


def next_reference(model, prefix: str, width: int = 6) -> str:
    """The number after the highest reference with this prefix (the column is unique)."""
    last = (
        model.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{number:0{width}d}"


def create_with_reference(
    model, prefix: str, build: Callable[[str], Record], *, width: int = 6, attempts: int = 3
) -> Record:
    """Create a record with the next free reference: `build(reference)` creates it, each
    attempt in its own savepoint, and runs again with the following number when another
    writer took the same reference at the same moment (the unique column refuses the
    second)."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return build(next_reference(model, prefix, width))
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def create_numbered(create: Callable[[], Record], attempts: int = 3) -> Record:
    """Older form of `create_with_reference`, kept until every caller has moved."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return create()
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")
