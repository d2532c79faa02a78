"""A review cycle's report, for one country or the world: for each section of the
statement its achievements, challenges and priority actions, each paragraph the cycle
covers with its evidence over the cycle's years, and the answers: the country's own (as
its reader may read them), or for the world how many published responses said yes, partly,
no or not applicable. Computed for its reader, from what the reader may read; rendered as
a page (`review/report.html`), as JSON (the API) and as PDF (`review/pdf.py`)."""

from collections import Counter
from dataclasses import dataclass, field

from drugcontrol.monitoring.choices import Status
from drugcontrol.review import evidence, selectors
from drugcontrol.review.models import Cycle, Kind, Rating, Section


@dataclass
class ParagraphReport:
    paragraph: object
    figures: list[evidence.Series]
    answer: object = None  # the country's Answer, if readable
    ratings: dict[str, int] = field(default_factory=dict)  # world: rating -> responses


@dataclass
class Report:
    cycle: Cycle
    country: object  # a Country, or None for the world
    sections: list[tuple[object, list[tuple[str, list[ParagraphReport]]]]]
    responses: int  # published responses behind the world's counts (1 or 0 for a country)
    status: str = ""  # the country's response status ("" when none)

    @property
    def years(self) -> range:
        return range(self.cycle.first_year, self.cycle.last_year + 1)


def build(user, cycle: Cycle, country=None) -> Report:
    """The report as `user` may read it; `country` a Country, None for the world."""
    years = range(cycle.first_year, cycle.last_year + 1)
    code = country.iso3 if country is not None else None
    paragraphs = list(cycle.paragraphs.order_by("order"))
    keys = sorted({key for p in paragraphs for key in p.evidence})
    found = {key: evidence.series(user, key, country=code, years=years) for key in keys}
    answers, ratings, responses, status = {}, {}, 0, ""
    if country is not None:
        response = selectors.response_list(user, cycle=cycle.code, country=code).first()
        if response is not None:
            status = response.status
            responses = 1
            answers = {a.item.paragraph_id: a for a in selectors.answers_of(user, response)}
    else:
        published = selectors.response_list(user, cycle=cycle.code, status=Status.PUBLISHED)
        responses = published.count()
        counted: dict[int, Counter] = {}
        for paragraph_id, rating in selectors.answers_of_responses(user, published).values_list(
            "item__paragraph_id", "rating"
        ):
            counted.setdefault(paragraph_id, Counter())[rating] += 1
        ratings = {pid: {r: c[r] for r in Rating.values} for pid, c in counted.items()}
    sections = []
    for section in Section:
        groups = []
        for kind in Kind:
            rows = [
                ParagraphReport(
                    paragraph=p,
                    figures=[found[key] for key in p.evidence],
                    answer=answers.get(p.pk),
                    ratings=ratings.get(p.pk, {}),
                )
                for p in paragraphs
                if p.section == section.value and p.kind == kind.value
            ]
            if rows:
                groups.append((kind.label, rows))
        if groups:
            sections.append((section, groups))
    return Report(cycle, country, sections, responses, status)


def as_data(report: Report) -> dict:
    """The report for the API (JSON)."""
    return {
        "cycle": report.cycle.code,
        "country": report.country.iso3 if report.country is not None else None,
        "years": [report.years.start, report.years.stop - 1],
        "responses": report.responses,
        "status": report.status,
        "sections": [
            {
                "section": section.value,
                "title": str(section.label),
                "kinds": [
                    {
                        "kind": str(kind),
                        "paragraphs": [
                            {
                                "key": row.paragraph.key,
                                "text": row.paragraph.text,
                                "answer": (
                                    {
                                        "rating": row.answer.rating,
                                        "narrative": row.answer.narrative,
                                    }
                                    if row.answer is not None
                                    else None
                                ),
                                "ratings": row.ratings,
                                "evidence": [
                                    {
                                        "key": one.key,
                                        "label": one.label,
                                        "unit": one.unit,
                                        "available": one.available,
                                        "values": one.points,
                                        "trend": one.trend,
                                    }
                                    for one in row.figures
                                ],
                            }
                            for row in rows
                        ],
                    }
                    for kind, rows in groups
                ],
            }
            for section, groups in report.sections
        ],
    }


def annex(user, cycle: Cycle) -> list[tuple[str, dict[str, str]]]:
    """The world report's annex: each published response the reader may read, by country,
    with its rating per paragraph (in the reader's language)."""
    labels = dict(Rating.choices)
    published = selectors.response_list(user, cycle=cycle.code, status=Status.PUBLISHED)
    by_country: dict[str, dict[str, str]] = {}
    names = {r.country_id: r.country.name for r in published}
    for country, key, rating in selectors.answers_of_responses(user, published).values_list(
        "response__country_id", "item__paragraph__key", "rating"
    ):
        by_country.setdefault(country, {})[key] = str(labels.get(rating, "—"))
    return sorted(((names[c], ratings) for c, ratings in by_country.items()), key=lambda r: r[0])


def scope_country(user, scope: str):
    """`world` (None), or the country an ISO3 code names (Http404 otherwise)."""
    from django.http import Http404

    from drugcontrol.core import selectors as core_selectors

    if scope.lower() == "world":
        return None
    found = core_selectors.country_list(user=user).filter(iso3=scope.upper()[:3]).first()
    if found is None:
        raise Http404
    return found


@dataclass
class Change:
    """One paragraph in two cycles: the answers and the evidence's latest figure in each."""

    paragraph: object
    before: dict  # rating -> responses (the world) or {rating: 1} (a country)
    after: dict
    evidence: list[tuple[evidence.Series, evidence.Series]]

    @staticmethod
    def _score(ratings: dict) -> float | None:
        """The share answering yes (partly counting half), of those rated yes/partly/no."""
        rated = sum(ratings.get(r, 0) for r in ("yes", "partly", "no"))
        if not rated:
            return None
        return (ratings.get("yes", 0) + 0.5 * ratings.get("partly", 0)) / rated

    @property
    def direction(self) -> str:
        """up, down or same from the first cycle to the second ("" without answers in both)."""
        first, second = self._score(self.before), self._score(self.after)
        if first is None or second is None:
            return ""
        if abs(second - first) < 1e-9:
            return "same"
        return "up" if second > first else "down"


def _ratings_by_paragraph(user, cycle: Cycle, country) -> dict[int, dict]:
    responses = selectors.response_list(user, cycle=cycle.code)
    if country is not None:
        responses = responses.filter(country=country)
    else:
        responses = responses.filter(status=Status.PUBLISHED)
    counted: dict[int, Counter] = {}
    for paragraph_id, rating in selectors.answers_of_responses(user, responses).values_list(
        "item__paragraph_id", "rating"
    ):
        if rating:
            counted.setdefault(paragraph_id, Counter())[rating] += 1
    return {pid: dict(c) for pid, c in counted.items()}


def compare(user, first: Cycle, second: Cycle, country=None) -> list[Change]:
    """What changed between two cycles for the paragraphs both cover: the answers (a
    country's own, or the world's published ones) and each evidence series' figures over
    each cycle's years."""
    code = country.iso3 if country is not None else None
    shared = [p for p in first.paragraphs.order_by("order") if second.paragraphs.filter(pk=p.pk)]
    before = _ratings_by_paragraph(user, first, country)
    after = _ratings_by_paragraph(user, second, country)
    keys = sorted({key for p in shared for key in p.evidence})
    spans = [range(c.first_year, c.last_year + 1) for c in (first, second)]
    found = [
        {key: evidence.series(user, key, country=code, years=span) for key in keys}
        for span in spans
    ]
    return [
        Change(
            paragraph=p,
            before=before.get(p.pk, {}),
            after=after.get(p.pk, {}),
            evidence=[(found[0][key], found[1][key]) for key in p.evidence],
        )
        for p in shared
    ]
