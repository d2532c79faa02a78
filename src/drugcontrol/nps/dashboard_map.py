"""The dashboard's world map of reporting countries: the project's own world map
(static/maps/world.svg, one path a country with the id `c-ISO3`), each reporting country
filled by how many register substances it reported (five classes), with its name and figure
as a tooltip in the reader's language. Presentation attributes only (the pages' policy
forbids inline styles); no script."""

import re

from django.utils.html import escape
from django.utils.translation import ngettext

from drugcontrol.incidents.maps import world_paths

# Light to dark: 1, 2-3, 4-7, 8-15, 16 or more substances.
CLASSES = ((16, "#08306b"), (8, "#2171b5"), (4, "#4292c6"), (2, "#9ecae1"), (1, "#c6dbef"))
_PATH = re.compile(r'<path id="c-([A-Z]{3})" class="country"( d="[^"]*")\s*/>')


def fill_for(count: int) -> str | None:
    return next((colour for lowest, colour in CLASSES if count >= lowest), None)


def reporting_map(counts: dict[str, int], *, names: dict[str, str], label: str) -> str:
    """An inline SVG: `counts` is {ISO3: register substances reported}, `names` {ISO3: the
    country's name in the reader's language}."""

    def country(match: re.Match) -> str:
        code, shape = match.group(1), match.group(2)
        count = counts.get(code, 0)
        colour = fill_for(count)
        if colour is None:
            return match.group(0)
        tip = ngettext(
            "%(country)s: %(count)s substance reported",
            "%(country)s: %(count)s substances reported",
            count,
        ) % {"country": names.get(code) or code, "count": count}
        return (
            f'<path id="c-{code}" class="country reporting" fill="{colour}" '
            f'data-count="{count}"{shape}><title>{escape(tip)}</title></path>'
        )

    return (
        '<svg class="route-map reporting-map" viewBox="0 0 360 180" '
        f'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}">'
        f'<title>{escape(label)}</title><rect width="360" height="180" fill="#f4f8fb"/>'
        f"{_PATH.sub(country, world_paths())}</svg>"
    )
