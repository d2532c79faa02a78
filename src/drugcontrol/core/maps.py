"""The project's own world map (static/maps/world.svg, equirectangular, viewBox 0 0 360 180,
one path a country with the id `c-ISO3`) and the choropleth every module draws on it: each
country with a figure filled by its class, its name and figure as a tooltip in the reader's
language. Presentation attributes only (the pages' policy forbids inline styles); no script."""

import functools
import re
from collections.abc import Callable
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WORLD = Path(__file__).resolve().parent.parent / "static" / "maps" / "world.svg"
_PATH = re.compile(r'<path id="c-([A-Z]{3})" class="country"( d="[^"]*")\s*/>')
# Light to dark: the lowest figure of each class, darkest first.
BLUES = ("#08306b", "#2171b5", "#4292c6", "#9ecae1", "#c6dbef")


@functools.cache
def world_paths() -> str:
    """The country shapes of the world map (its <g> content), or nothing when absent."""
    if not WORLD.exists():
        return ""
    text = WORLD.read_text(encoding="utf-8")
    # The file's own title is English; the drawn map carries one in the reader's language.
    text = re.sub(r"<\?xml.*?\?>|<!--.*?-->|<title\b[^>]*>.*?</title>", "", text, flags=re.S)
    inner = re.search(r"<svg[^>]*>(.*)</svg>", text, flags=re.S)
    return inner.group(1) if inner else ""


def classes_for(values, *, count: int = 5) -> list[tuple[float, str]]:
    """(lowest figure, colour) classes, darkest first, by quantiles of the positive figures;
    fewer when the figures have fewer distinct values."""
    positive = sorted(v for v in values if v is not None and v > 0)
    if not positive:
        return []
    bounds = sorted({positive[int(len(positive) * k / count)] for k in range(count)})
    colours = BLUES[-len(bounds) :]
    return list(zip(reversed(bounds), colours, strict=True))


def choropleth(
    figures: dict[str, float],
    *,
    label: str,
    tooltip: Callable[[str, float], str],
    classes: list[tuple[float, str]] | None = None,
    css_class: str = "",
) -> SafeString:
    """An inline SVG of the world: `figures` {ISO3: figure}; `tooltip(code, figure)` the text
    of a country's title; `classes` (lowest figure, colour), darkest first (by quantiles of
    the figures when not given). A country without a figure stays blank."""
    classes = classes if classes is not None else classes_for(figures.values())

    def country(match: re.Match) -> str:
        code, shape = match.group(1), match.group(2)
        figure = figures.get(code)
        colour = None
        if figure is not None:
            colour = next((c for lowest, c in classes if figure >= lowest), None)
        if colour is None:
            return match.group(0)
        return (
            f'<path id="c-{code}" class="country filled" fill="{colour}" '
            f'data-count="{figure}"{shape}><title>{escape(tooltip(code, figure))}</title></path>'
        )

    return mark_safe(  # noqa: S308 (every text above is escaped)
        f'<svg class="route-map choropleth {escape(css_class)}" viewBox="0 0 360 180" '
        f'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}">'
        f'<title>{escape(label)}</title><rect width="360" height="180" fill="#f4f8fb"/>'
        f"{_PATH.sub(country, world_paths())}</svg>"
    )
