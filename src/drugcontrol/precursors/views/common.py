"""What the precursors pages share."""

import datetime

from drugcontrol.core.models import Country


def parse_date(value):
    """A date from a query string (`?since=2026-01-01`), or None."""
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def countries() -> list[tuple[str, str]]:
    """(ISO alpha-3 code, name) of every country, for the lists the forms offer."""
    return sorted(((c.iso3, c.name) for c in Country.objects.all()), key=lambda item: item[1])
