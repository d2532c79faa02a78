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
