"""When a listing counts: the period of a listing's `in_force` and `removed` texts, and
whether a day falls in it. Identification answers for a day by these; so do the reads that
ask whether a substance is under international control today."""

import datetime
import re

# A removal recorded without a date ("removed": the schedule left a later edition of the list)
# counts from before any date asked: the registry says it is no longer listed, not since when.
NEVER = datetime.date.min
_DAY = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def _period_bound(text: str, *, last: bool) -> datetime.date | None:
    """A date written `YYYY-MM-DD`, `YYYY-MM` or `YYYY` as one day: a partial date is the
    first day of its year or month (`last=False`), or the day after it ends (`last=True`);
    None for text that is not a date."""
    found = _DAY.match((text or "").strip())
    if found is None:
        return None
    year, month, day = (int(part) if part else None for part in found.groups())
    try:
        if day is not None:
            return datetime.date(year, month, day) + datetime.timedelta(days=int(last))
        if month is not None:
            first = datetime.date(year, month, 1)
            if not last:
                return first
            return (first + datetime.timedelta(days=31)).replace(day=1)
        if not last:
            return datetime.date(year, 1, 1)
        return datetime.date(year + 1, 1, 1) if year < datetime.MAXYEAR else None
    except (ValueError, OverflowError):
        return None


def listing_period(
    in_force: str, removed: str
) -> tuple[datetime.date | None, datetime.date | None]:
    """(first day the listing counts, first day it no longer counts); None: open.

    - `in_force` empty, or text that is not a date: in force since before the system's
      records, so it counts on every day up to its removal;
    - `in_force` a year (`2016`) or a month (`2016-03`): from the first day of that year or
      month, so a day of the year it entered into force is never answered "not controlled"
      when it may have been controlled;
    - `removed` empty: still listed; a date: not counted on that day and after; a year or a
      month: counted to its end (the same caution); any other text ("removed"): a removal
      whose date the registry does not hold, counted as removed on every day.
    """
    start = _period_bound(in_force, last=False)
    removed = (removed or "").strip()
    if not removed:
        return start, None
    found = _DAY.match(removed)
    if found is None:
        return start, NEVER
    if found.group(3):  # a full date: removed on that day
        return start, _period_bound(removed, last=False)
    return start, _period_bound(removed, last=True)


def counts_on(period: tuple, day: datetime.date) -> bool:
    start, end = period
    return (start is None or start <= day) and (end is None or day < end)


def never_counts(period: tuple) -> bool:
    start, end = period
    return end is not None and (end == NEVER or (start is not None and end <= start))
