"""A review report as PDF, in the active language, with fpdf2 (pure Python) and the fonts
shipped in `static/fonts/` (DejaVu Sans for Latin text, Droid Sans Fallback for Chinese,
subsets: see their README), so a fresh machine renders Chinese without a system font.

Each paragraph the cycle covers is printed with the answers and its evidence: a table of
the figures by year and a small line chart per series."""

import itertools
import logging
from pathlib import Path

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from drugcontrol.review.models import Rating
from drugcontrol.review.reports import Report

FONTS = Path(__file__).resolve().parents[1] / "static" / "fonts"
# fpdf2 subsets the fonts through fontTools, which reports every table it prunes at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)
CHART_WIDTH, CHART_HEIGHT = 70.0, 18.0
TREND = {"up": "↑", "down": "↓", "flat": "→", "": ""}


def _number(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


class _Document(FPDF):
    def __init__(self, title: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.title_text = title
        self.add_font("dejavu", "", FONTS / "DejaVuSans-subset.ttf")
        self.add_font("dejavu", "B", FONTS / "DejaVuSans-Bold-subset.ttf")
        self.add_font("droid", "", FONTS / "DroidSansFallback-subset.ttf")
        self.add_font("droid", "B", FONTS / "DroidSansFallback-subset.ttf")
        self.set_fallback_fonts(["droid"], exact_match=False)
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(15, 15, 15)
        self.wrap = WrapMode.CHAR if (get_language() or "").startswith("zh") else WrapMode.WORD
        self.set_title(title)
        self.set_creator("drugcontrol")

    def footer(self):
        self.set_y(-12)
        self.set_font("dejavu", "", 8)
        self.set_text_color(110)
        self.cell(0, 5, f"{self.title_text} · {self.page_no()}", align="C")
        self.set_text_color(0)

    def text_block(self, text: str, size: float = 10, style: str = "", height: float = 5):
        self.set_font("dejavu", style, size)
        self.multi_cell(0, height, text, wrapmode=self.wrap, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def chart(self, points: list[tuple[int, float]], years: range) -> None:
        """A small line chart of one series over the cycle's years, at the cursor."""
        if len(points) < 1:
            return
        if self.get_y() + CHART_HEIGHT + 8 > self.h - 15:
            self.add_page()
        left, top = self.l_margin + 4, self.get_y() + 2
        highest = max(value for _year, value in points) or 1.0
        span = max(1, years.stop - 1 - years.start)

        def x_of(year: int) -> float:
            return left + (year - years.start) / span * CHART_WIDTH

        def y_of(value: float) -> float:
            return top + CHART_HEIGHT - value / highest * CHART_HEIGHT

        self.set_draw_color(150)
        self.line(left, top + CHART_HEIGHT, left + CHART_WIDTH, top + CHART_HEIGHT)
        self.set_draw_color(33, 113, 181)
        self.set_line_width(0.5)
        for (year_a, a), (year_b, b) in itertools.pairwise(points):
            if year_b == year_a + 1:
                self.line(x_of(year_a), y_of(a), x_of(year_b), y_of(b))
        for year, value in points:
            self.circle(x=x_of(year) - 0.6, y=y_of(value) - 0.6, radius=1.2, style="F")
        self.set_line_width(0.2)
        self.set_font("dejavu", "", 7)
        self.set_xy(left + CHART_WIDTH + 2, top - 1)
        self.cell(20, 4, _number(highest))
        self.set_xy(left - 2, top + CHART_HEIGHT + 0.5)
        self.cell(20, 4, str(years.start))
        self.set_xy(left + CHART_WIDTH - 8, top + CHART_HEIGHT + 0.5)
        self.cell(20, 4, str(years.stop - 1))
        self.set_xy(self.l_margin, top + CHART_HEIGHT + 6)


def _ratings_line(ratings: dict[str, int]) -> str:
    labels = dict(Rating.choices)
    return "; ".join(f"{labels[code]}: {ratings.get(code, 0)}" for code in Rating.values)


def render(report: Report, *, annex: list | None = None) -> bytes:
    """The report's PDF in the active language. `annex`: the world report's answers by
    country [(country name, {paragraph key: rating label})]."""
    place = report.country.name if report.country is not None else _("the world")
    title = _("%(cycle)s: %(place)s") % {"cycle": report.cycle.name, "place": place}
    pdf = _Document(title)
    pdf.add_page()
    pdf.text_block(title, size=16, style="B", height=8)
    years = report.years
    pdf.text_block(
        _("Years %(first)s to %(last)s. Evidence computed from the system's data on %(day)s.")
        % {"first": years.start, "last": years.stop - 1, "day": timezone.localdate()},
        size=9,
    )
    if report.country is None:
        pdf.text_block(_("Published responses: %(n)s.") % {"n": report.responses}, size=9)
    pdf.ln(3)
    for section, groups in report.sections:
        pdf.text_block(str(section.label), size=13, style="B", height=7)
        for kind, rows in groups:
            pdf.text_block(str(kind), size=11, style="B", height=6)
            for row in rows:
                pdf.text_block(f"{row.paragraph.key}  {row.paragraph.text}", size=9, height=4.5)
                if report.country is not None:
                    answer = row.answer
                    rating = answer.get_rating_display() if answer and answer.rating else "—"
                    pdf.text_block(_("Answer: %(rating)s") % {"rating": rating}, size=9)
                    if answer and answer.narrative:
                        pdf.text_block(answer.narrative, size=8, height=4)
                elif row.ratings:
                    pdf.text_block(
                        _("Answers: %(ratings)s") % {"ratings": _ratings_line(row.ratings)}, size=9
                    )
                for one in row.figures:
                    if not one.available:
                        pdf.text_block(f"{one.label}: {_('no evidence source yet')}", size=8)
                        continue
                    if not one.values:
                        pdf.text_block(
                            f"{one.label}: {_('no figure you may read for these years')}", size=8
                        )
                        continue
                    figures = "; ".join(f"{year}: {_number(value)}" for year, value in one.points)
                    pdf.text_block(
                        f"{one.label} ({one.unit}) {TREND[one.trend]}  {figures}", size=8, height=4
                    )
                    pdf.chart(one.points, years)
                pdf.ln(2)
    if annex:
        pdf.add_page()
        pdf.text_block(_("Answers by country"), size=13, style="B", height=7)
        keys = [
            row.paragraph.key
            for _s, groups in report.sections
            for _k, rows in groups
            for row in rows
        ]
        for name, ratings in annex:
            line = "; ".join(f"{key} {ratings.get(key, '—')}" for key in keys)
            pdf.text_block(f"{name}: {line}", size=8, height=4)
    return bytes(pdf.output())
