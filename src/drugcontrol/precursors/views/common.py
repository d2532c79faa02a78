"""What the precursors pages share."""

import datetime

from drugcontrol.core import selectors as core_selectors


def parse_date(value):
    """A date from a query string (`?since=2026-01-01`), or None."""
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def countries(user) -> list[tuple[str, str]]:
    """(ISO alpha-3 code, name) of every country, by name, for the lists the forms offer."""
    listed = core_selectors.country_list(user=user)
    return sorted(((c.iso3, c.name) for c in listed), key=lambda item: str(item[1]))
