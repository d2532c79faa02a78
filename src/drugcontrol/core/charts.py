"""Small server-drawn SVG charts: no script, no external library, readable without colour
(every bar carries its value as text) and translated with the page: the caller passes its
labels (country names, not codes) and unit in the reader's language."""

import unicodedata

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ROW_HEIGHT = 22
LABEL_WIDTH = 170
BAR_WIDTH = 360
VALUE_WIDTH = 90
FONT_SIZE = 12  # .chart-label in app.css


def _text_width(text: str) -> float:
    """About how wide a label is drawn: a Chinese character takes a full em, a Latin
    letter a little over half of one."""
    return sum(
        FONT_SIZE if unicodedata.east_asian_width(c) in "WF" else FONT_SIZE * 0.58 for c in text
    )


def fitted(label: str, width: float = LABEL_WIDTH - 10) -> str:
    """The label cut to the width it has, marked by an ellipsis (the bar's tooltip and the
    table beside the chart keep the whole name)."""
    if _text_width(label) <= width:
        return label
    while label and _text_width(label + "…") > width:
        label = label[:-1]
    return label.rstrip() + "…"


def bar_chart(
    items: list[tuple[str, float]],
    *,
    unit: str = "",
    maximum: float | None = None,
    title: str = "",
    decimals: int = 1,
) -> SafeString:
    """Horizontal bars, one per (label, value), in the order given."""
    if not items:
        return mark_safe("")
    top = maximum or max((value for _label, value in items), default=0) or 1
    height = ROW_HEIGHT * len(items) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(items):
        y = 4 + index * ROW_HEIGHT
        length = max(0.0, min(1.0, float(value) / float(top))) * BAR_WIDTH
        shown = number_format(round(float(value), decimals), decimal_pos=None, use_l10n=True)
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end" '
            f'class="chart-label">{escape(fitted(label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="{ROW_HEIGHT - 6}" '
            f'class="chart-bar"><title>{escape(label)}: {shown} {escape(unit)}</title></rect>'
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 15}" class="chart-value">'
            f"{shown} {escape(unit)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text above is escaped)


def stick_plot(
    peaks: list[tuple[float, float]], *, title: str = "", labelled: int = 8
) -> SafeString:
    """A mass spectrum: one vertical line per peak at its m/z, as high as its intensity
    relative to the base peak (100 %); the `labelled` most intense peaks carry their m/z.
    The peaks' table beside the chart is its data."""
    peaks = [(float(mz), float(intensity)) for mz, intensity in peaks if intensity > 0]
    if not peaks:
        return mark_safe("")
    width, height, left, bottom, top_margin = 640, 260, 44, 28, 18
    plot_width, plot_height = width - left - 12, height - bottom - top_margin
    base = max(intensity for _mz, intensity in peaks)
    low = max(0.0, 10 * (min(mz for mz, _i in peaks) // 10) - 10)
    high = 10 * (max(mz for mz, _i in peaks) // 10) + 20
    span = high - low

    def x_of(mz: float) -> float:
        return left + (mz - low) / span * plot_width

    def y_of(relative: float) -> float:
        return top_margin + plot_height * (1 - relative)

    parts = [
        f'<svg class="chart stick-plot" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{y_of(0):.1f}" x2="{width - 12}" y2="{y_of(0):.1f}" '
        f'stroke="currentColor" stroke-width="1"/>',
        f'<line x1="{left}" y1="{y_of(0):.1f}" x2="{left}" y2="{top_margin}" '
        f'stroke="currentColor" stroke-width="1"/>',
    ]
    for relative in (0.0, 0.5, 1.0):
        parts.append(
            f'<text class="chart-label" x="{left - 4}" y="{y_of(relative) + 4:.1f}" '
            f'text-anchor="end">{int(relative * 100)}</text>'
        )
    step = max(10, round(span / 8 / 10) * 10)
    tick = low + (step - low % step) % step
    while tick <= high:
        parts.append(
            f'<text class="chart-label" x="{x_of(tick):.1f}" y="{height - 10}" '
            f'text-anchor="middle">{int(tick)}</text>'
        )
        tick += step
    strongest: set[float] = set()  # labelled peaks, strongest first, never two labels touching
    for mz, _i in sorted(peaks, key=lambda peak: (-peak[1], peak[0])):
        if len(strongest) == labelled:
            break
        if all(abs(x_of(mz) - x_of(other)) > 24 for other in strongest):
            strongest.add(mz)
    for mz, intensity in sorted(peaks):
        relative = intensity / base
        x = x_of(mz)
        shown = f"{mz:g}"
        parts.append(
            f'<line class="stick" x1="{x:.1f}" y1="{y_of(0):.1f}" x2="{x:.1f}" '
            f'y2="{y_of(relative):.1f}" stroke="#1f5fa8" stroke-width="1.5">'
            f"<title>m/z {shown}: {relative * 100:.1f} %</title></line>"
        )
        if mz in strongest:
            parts.append(
                f'<text class="chart-label" x="{x:.1f}" y="{y_of(relative) - 3:.1f}" '
                f'text-anchor="middle">{shown}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (the title is escaped; the rest are numbers)


# Distinct fills for the series of a stacked chart (and the rows of a time line), in order;
# the legend names each, and the table beside the chart holds the figures.
PALETTE = (
    "#1f5fa8",
    "#d9822b",
    "#2e8540",
    "#b42318",
    "#6f42c1",
    "#0f8b8d",
    "#a15c00",
    "#c2185b",
    "#5b6770",
    "#7a9a01",
    "#3949ab",
    "#8d6e63",
)


def _legend(series: list[tuple[str, str]], y: float, width: float) -> tuple[list[str], float]:
    """Swatches with their names, wrapped on as many lines as the width needs."""
    parts, x, line = [], 0.0, 0
    for index, (_key, label) in enumerate(series):
        shown = fitted(label, 200)
        step = 18 + _text_width(shown) + 14
        if x and x + step > width:
            x, line = 0.0, line + 1
        top = y + line * 18
        parts.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="12" height="12" '
            f'fill="{PALETTE[index % len(PALETTE)]}"/>'
            f'<text x="{x + 16:.1f}" y="{top + 10:.1f}" class="chart-label">'
            f"{escape(shown)}</text>"
        )
        x += step
    return parts, y + (line + 1) * 18


def _figure(value: float) -> str:
    """A count without decimals; another figure with one."""
    value = round(float(value), 1)
    return number_format(int(value) if value.is_integer() else value, use_l10n=True)


def stacked_columns(
    columns: list[tuple[str, dict[str, float]]],
    series: list[tuple[str, str]],
    *,
    title: str = "",
) -> SafeString:
    """Vertical columns, one per (label, {series key: value}), each stacked by `series`
    ((key, label) in order, coloured from PALETTE and named in the legend); every column
    carries its total, every segment its series and value as a tooltip."""
    if not columns:
        return mark_safe("")
    width, plot_height, top, left = 640, 220, 16, 36
    step = (width - left) / len(columns)
    bar = max(4.0, min(40.0, step * 0.7))
    highest = max((sum(values.values()) for _label, values in columns), default=0) or 1
    legend, bottom = _legend(series, top + plot_height + 28, width)
    parts = [
        f'<svg class="chart stacked-columns" role="img" viewBox="0 0 {width} {bottom + 4:.0f}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width}" y2="{top + plot_height}" '
        f'stroke="currentColor" stroke-width="1"/>',
    ]
    colours = {key: PALETTE[index % len(PALETTE)] for index, (key, _l) in enumerate(series)}
    names = dict(series)
    every = max(1, round(len(columns) / 16))  # at most about 16 labels under the axis
    for index, (label, values) in enumerate(columns):
        x = left + index * step + (step - bar) / 2
        y = top + plot_height
        for key, _name in series:
            value = float(values.get(key, 0) or 0)
            if value <= 0:
                continue
            height = value / highest * plot_height
            y -= height
            shown = _figure(value)
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                f'fill="{colours[key]}" data-series="{escape(key)}">'
                f"<title>{escape(label)}, {escape(names[key])}: {shown}</title></rect>"
            )
        total = _figure(sum(float(v or 0) for v in values.values()))
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
            f'class="chart-value">{total}</text>'
        )
        if index % every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{top + plot_height + 16}" text-anchor="middle" '
                f'class="chart-label">{escape(label)}</text>'
            )
    parts += legend
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text above is escaped)


class ForeignText(str):
    """Record data in another language than the reader's (a name the registry holds only in
    English): drawn with `lang="en"`, so that readers and checks tell it from interface text."""


def _lang(text: str) -> str:
    return ' lang="en"' if isinstance(text, ForeignText) else ""


def time_line(
    rows: list[tuple[str, list[tuple[str, str]]]], *, title: str = "", limit: int = 400
) -> SafeString:
    """Events on a time line: one row per (row label, [(month YYYY-MM, what)]), a dot per
    event at its month with its name and month as a tooltip; years along the axis. At most
    `limit` dots are drawn, the latest (the table beside the chart holds every event)."""
    events = sorted(
        (month, row_index, what)
        for row_index, (_label, items) in enumerate(rows)
        for month, what in items
    )[-limit:]
    if not events:
        return mark_safe("")
    first, last = int(events[0][0][:4]), int(events[-1][0][:4])
    width, left, right, row_height, top = 640, LABEL_WIDTH, 12, 22, 8
    used = sorted({row_index for _m, row_index, _w in events})
    position = {row_index: place for place, row_index in enumerate(used)}
    height = top + row_height * len(used) + 26
    span = last - first + 1

    def x_of(month: str) -> float:
        year, number = int(month[:4]), int(month[5:7])
        return left + (year - first + (number - 0.5) / 12) / span * (width - left - right)

    parts = [
        f'<svg class="chart time-line" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for row_index in used:
        y = top + position[row_index] * row_height + row_height / 2
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="chart-label">'
            f"{escape(fitted(rows[row_index][0]))}</text>"
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="#dfe6ee" stroke-width="1"/>'
        )
    axis = top + row_height * len(used)
    every = max(1, round(span / 12))
    for year in range(first, last + 1):
        x = left + (year - first) / span * (width - left - right)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{axis}" stroke="#dfe6ee" '
            f'stroke-width="1"/>'
        )
        if (year - first) % every == 0:
            parts.append(f'<text x="{x + 2:.1f}" y="{axis + 16}" class="chart-label">{year}</text>')
    for month, row_index, what in events:
        y = top + position[row_index] * row_height + row_height / 2
        parts.append(
            f'<circle class="event" cx="{x_of(month):.1f}" cy="{y:.1f}" r="4" '
            f'fill="{PALETTE[row_index % len(PALETTE)]}" fill-opacity="0.8">'
            f"<title{_lang(what)}>{escape(what)}: {escape(month)}</title></circle>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text above is escaped)


def line_chart(
    series: list[tuple[str, str, list[tuple[int, float]]]],
    *,
    title: str = "",
    unit: str = "",
) -> SafeString:
    """Lines over years: one per (key, label, [(year, value)]), coloured from PALETTE and
    named in the legend; each point carries its series, year and value as a tooltip, a gap
    in a series' years is a gap in its line, and the last point of each line is labelled."""
    points = [(year, value) for _k, _l, values in series for year, value in values]
    if not points:
        return mark_safe("")
    width, plot_height, top, left, right = 640, 200, 16, 56, 60
    first, last = min(y for y, _v in points), max(y for y, _v in points)
    span = max(1, last - first)
    highest = max(float(v) for _y, v in points) or 1.0

    def x_of(year: int) -> float:
        return left + (year - first) / span * (width - left - right)

    def y_of(value: float) -> float:
        return top + plot_height - float(value) / highest * plot_height

    legend, bottom = _legend([(k, label) for k, label, _v in series], top + plot_height + 28, width)
    parts = [
        f'<svg class="chart line-chart" role="img" viewBox="0 0 {width} {bottom + 4:.0f}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width - right}" '
        f'y2="{top + plot_height}" stroke="currentColor" stroke-width="1"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" class="chart-label">'
        f"{_figure(highest)}</text>",
        f'<text x="{left - 4}" y="{top + plot_height}" text-anchor="end" class="chart-label">'
        f"0</text>",
    ]
    every = max(1, round(span / 10))
    for year in range(first, last + 1):
        if (year - first) % every == 0:
            parts.append(
                f'<text x="{x_of(year):.1f}" y="{top + plot_height + 16}" text-anchor="middle" '
                f'class="chart-label">{year}</text>'
            )
    for index, (key, label, values) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        ordered = sorted(values)
        runs, run = [], []
        for year, value in ordered:
            if run and year != run[-1][0] + 1:
                runs.append(run)
                run = []
            run.append((year, value))
        if run:
            runs.append(run)
        for piece in runs:
            if len(piece) > 1:
                path = " ".join(f"{x_of(y):.1f},{y_of(v):.1f}" for y, v in piece)
                parts.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" '
                    f'data-series="{escape(key)}"/>'
                )
        for year, value in ordered:
            shown = _figure(value)
            parts.append(
                f'<circle class="point" cx="{x_of(year):.1f}" cy="{y_of(value):.1f}" r="3" '
                f'fill="{colour}" data-series="{escape(key)}"><title>{escape(label)}, {year}: '
                f"{shown} {escape(unit)}</title></circle>"
            )
        if ordered:
            year, value = ordered[-1]
            parts.append(
                f'<text x="{x_of(year) + 6:.1f}" y="{y_of(value) + 4:.1f}" class="chart-value">'
                f"{_figure(value)}</text>"
            )
    parts += legend
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text above is escaped)
