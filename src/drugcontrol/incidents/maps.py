"""The route map: the project's own world map (static/maps/world.svg, equirectangular,
viewBox 0 0 360 180) with the incidents' routes drawn between country centroids. Every text
the map holds (its title, each leg's and each country's tooltip) is in the reader's
language: the caller passes the countries' names."""

import csv
import functools
import itertools
from collections import Counter
from pathlib import Path

from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from drugcontrol.core.maps import world_paths

PACKAGE = Path(__file__).resolve().parent.parent
CENTROIDS = PACKAGE / "data" / "country_centroids.csv"


@functools.cache
def centroids() -> dict[str, tuple[float, float]]:
    """ISO3 -> (x, y) on the 360 x 180 map."""
    if not CENTROIDS.exists():
        return {}
    points = {}
    with CENTROIDS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            try:
                latitude, longitude = float(row["latitude"]), float(row["longitude"])
            except (KeyError, ValueError):
                continue
            points[row["iso3"].upper()] = (round(longitude + 180, 2), round(90 - latitude, 2))
    return points


def busiest_legs(routes: list[dict]) -> list[tuple[str, str, int]]:
    """The legs of these routes (each a list of countries), each with the number of routes
    travelling it, busiest first."""
    legs: Counter = Counter()
    for route in routes:
        legs.update(set(itertools.pairwise(route["path"])))
    return [(start, end, count) for (start, end), count in legs.most_common()]


def route_map(routes: list[dict], *, names: dict[str, str] | None = None) -> str:
    """The map of a few routes (an incident's own); `names`: country code -> name."""
    return legs_map(busiest_legs(routes), label=_("Route"), names=names)


def legs_map(
    legs: list[tuple[str, str, int]], *, label: str = "", names: dict[str, str] | None = None
) -> str:
    """An inline SVG of aggregated legs, each line as wide as its count against the busiest
    (the busiest drawn heaviest, and last, so on top). Presentation attributes only: the
    page's policy forbids inline styles. `names` gives each country code's name in the
    reader's language (the code itself where it lacks one)."""
    names = names or {}
    label = label or _("Route map")
    points = centroids()
    heaviest = max((count for _s, _e, count in legs), default=1)
    lines, used = [], set()
    for start, end, count in sorted(legs, key=lambda leg: leg[2]):
        if start not in points or end not in points:
            continue
        (x1, y1), (x2, y2) = points[start], points[end]
        width = 0.3 + 2.7 * count / heaviest
        opacity = 0.35 + 0.5 * count / heaviest
        bend = (x1 + x2) / 2, (y1 + y2) / 2 - abs(x2 - x1) * 0.15  # a gentle arc
        lines.append(
            f'<path d="M{x1},{y1} Q{bend[0]:.1f},{bend[1]:.1f} {x2},{y2}" fill="none" '
            f'stroke="#b42318" stroke-opacity="{opacity:.2f}" stroke-width="{width:.2f}" '
            f'data-count="{count}">'
            f"<title>{escape(_leg_title(names, start, end, count))}</title></path>"
        )
        used.update((start, end))
    dots = [
        f'<circle cx="{points[code][0]}" cy="{points[code][1]}" r="1.2" fill="#0b4f8a">'
        f"<title>{escape(names.get(code) or code)}</title></circle>"
        for code in sorted(used)
    ]
    return (
        '<svg class="route-map" viewBox="0 0 360 180" xmlns="http://www.w3.org/2000/svg" '
        f'role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
        '<rect width="360" height="180" fill="#f4f8fb"/>'
        f"{world_paths()}{''.join(lines)}{''.join(dots)}</svg>"
    )


def _leg_title(names: dict[str, str], start: str, end: str, count: int) -> str:
    return ngettext(
        "%(start)s → %(end)s: %(count)s incident",
        "%(start)s → %(end)s: %(count)s incidents",
        count,
    ) % {"start": names.get(start) or start, "end": names.get(end) or end, "count": count}
