"""Listings and names of substances in the page's language: a schedule or table as its
label ("Schedule I" / "附表一"), an instrument as its short name, and a name with no Chinese
form marked so on a Chinese page (never English shown silently)."""

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from drugcontrol.substances.presentation import schedule_label

register = template.Library()


@register.filter
def schedule(value: str) -> str:
    return schedule_label(value or "")


@register.filter
def instrument_short(value: str) -> str:
    """`1961` -> "1961 Convention" / "1961年公约"; a national list's code unchanged."""
    if value and value.isdigit():
        return _("%(year)s Convention") % {"year": value}
    return value or ""


@register.filter
def listing_badge(listing) -> str:
    """A listing as its badge: the country's code or the instrument, and the schedule."""
    where = listing.country_id or instrument_short(listing.instrument)
    return f"{where} {schedule_label(listing.schedule or '')}".strip()


@register.simple_tag
def no_chinese_name(substance) -> str:
    """On a Chinese page, the note for a substance without a Chinese name; else nothing."""
    if (get_language() or "").startswith("zh") and not substance.name_zh:
        return _("(no Chinese name)")
    return ""
