"""The route map: the project's own world map (static/maps/world.svg, equirectangular,
viewBox 0 0 360 180) with the incidents' routes drawn between country centroids."""

import csv
import functools
import itertools
import re
from collections import Counter
from pathlib import Path

from django.utils.html import escape

PACKAGE = Path(__file__).resolve().parent.parent
CENTROIDS = PACKAGE / "data" / "country_centroids.csv"
WORLD = PACKAGE / "static" / "maps" / "world.svg"


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


@functools.cache
def world_paths() -> str:
    """The country shapes of the world map (its <g> content), or nothing when absent."""
    if not WORLD.exists():
        return ""
    text = WORLD.read_text(encoding="utf-8")
    text = re.sub(r"<\?xml.*?\?>|<!--.*?-->", "", text, flags=re.S)
    inner = re.search(r"<svg[^>]*>(.*)</svg>", text, flags=re.S)
    return inner.group(1) if inner else ""


def busiest_legs(routes: list[dict]) -> list[tuple[tuple[str, str], int]]:
    legs: Counter = Counter()
    for route in routes:
        path = route["path"]
        for start, end in itertools.pairwise(path):
            legs[(start, end)] += 1
    return legs.most_common()


def route_map(routes: list[dict]) -> str:
    """An inline SVG (presentation attributes only: the page's policy forbids inline styles)."""
    points = centroids()
    legs = busiest_legs(routes)
    heaviest = max((count for _leg, count in legs), default=1)
    lines, used = [], set()
    for (start, end), count in legs:
        if start not in points or end not in points:
            continue
        (x1, y1), (x2, y2) = points[start], points[end]
        width = 0.3 + 1.7 * count / heaviest
        bend = (x1 + x2) / 2, (y1 + y2) / 2 - abs(x2 - x1) * 0.15  # a gentle arc
        lines.append(
            f'<path d="M{x1},{y1} Q{bend[0]:.1f},{bend[1]:.1f} {x2},{y2}" fill="none" '
            f'stroke="#b42318" stroke-opacity="0.7" stroke-width="{width:.2f}">'
            f"<title>{escape(start)} → {escape(end)}: {count}</title></path>"
        )
        used.update((start, end))
    dots = [
        f'<circle cx="{points[code][0]}" cy="{points[code][1]}" r="1.2" fill="#0b4f8a">'
        f"<title>{escape(code)}</title></circle>"
        for code in sorted(used)
    ]
    return (
        '<svg class="route-map" viewBox="0 0 360 180" xmlns="http://www.w3.org/2000/svg" '
        'role="img" aria-label="routes">'
        '<rect width="360" height="180" fill="#f4f8fb"/>'
        f"{world_paths()}{''.join(lines)}{''.join(dots)}</svg>"
    )
