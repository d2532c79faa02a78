"""The four rules of the emergence signals: what each finds in the reports, as candidates the
service stores (nps/services/signals.py). Reads only; the whole of the reports, whoever asks
(the system runs them); what a reader is shown of a signal is the selectors' business.

Every rule is idempotent through its candidate's `key` (kind, subject and window) and a
quiet period: a substance or family that signalled for a window does not signal again for
a window that overlaps it. See docs/nps.md, "Emergence signals"."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min
from django.db.models.functions import ExtractMonth, ExtractYear

from drugcontrol.nps.models import IdentificationReport, RegisterEntry, Signal
from drugcontrol.nps.report_choices import Classification
from drugcontrol.nps.signal_choices import (
    FAMILY_BASELINE_PERIODS,
    FAMILY_MIN_REPORTS,
    FAMILY_RATIO,
    FAMILY_WINDOW_MONTHS,
    NEW_FORM_DAYS,
    NEW_FORM_MONTHS,
    NEW_SUBSTANCE_DAYS,
    SignalKind,
)
from drugcontrol.substances import selectors as substance_selectors
from drugcontrol.substances.models import Substance


@dataclass
class Candidate:
    """A signal the rules found, not stored yet."""

    kind: str
    key: str
    window_start: datetime.date
    window_end: datetime.date
    countries: list[str]
    params: dict = field(default_factory=dict)
    substance_id: int | None = None
    family: str = ""


# --- months ----------------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_text(day: datetime.date) -> str:
    return day.strftime("%Y-%m")


def window_of(today: datetime.date, months: int) -> tuple[datetime.date, datetime.date]:
    """The `months` calendar months up to today's, today's included."""
    return add_months(today, -(months - 1)), today


def _quiet(kind: str, window_start: datetime.date, **subject) -> bool:
    """Whether a signal of this kind and subject already covers part of the window."""
    return Signal.objects.filter(kind=kind, window_end__gte=window_start, **subject).exists()


# --- a substance new to the system ----------------------------------------------------------


def _register_substances(substance_ids=None) -> list[int]:
    """Substances of the NPS register not under international control (of `substance_ids`)."""
    entries = RegisterEntry.objects.all()
    if substance_ids is not None:
        entries = entries.filter(substance_id__in=list(substance_ids))
    ids = list(entries.values_list("substance_id", flat=True))
    controlled = substance_selectors.internationally_controlled(ids)
    return [pk for pk in ids if pk not in controlled]


def first_reports(substance_ids) -> dict[int, dict[str, datetime.date]]:
    """{substance: {country: the day of its first report}}: the register's shared aggregate
    (shown as months)."""
    found: dict[int, dict[str, datetime.date]] = defaultdict(dict)
    rows = (
        IdentificationReport.objects.filter(substance_id__in=list(substance_ids))
        .order_by()
        .values_list("substance_id", "country_id")
        .annotate(first=Min("sampled_on"))
    )
    for substance_id, country, first in rows:
        found[substance_id][country] = first
    return found


def new_substances(today: datetime.date, substance_ids=None) -> list[Candidate]:
    """A register substance entered within NEW_SUBSTANCE_DAYS: one signal a substance, ever;
    evidence: its family, the month of its first report and the countries of that month."""
    since = today - datetime.timedelta(days=NEW_SUBSTANCE_DAYS)
    ids = _register_substances(substance_ids)
    recent = set(
        RegisterEntry.objects.filter(substance_id__in=ids, added_at__date__gte=since).values_list(
            "substance_id", flat=True
        )
    )
    done = set(
        Signal.objects.filter(kind=SignalKind.NEW_SUBSTANCE, substance_id__in=recent).values_list(
            "substance_id", flat=True
        )
    )
    firsts = first_reports(recent - done)
    families = _families(firsts)
    candidates = []
    for substance_id, countries in sorted(firsts.items()):
        first = min(countries.values())
        month = month_text(first)
        codes = sorted(c for c, day in countries.items() if month_text(day) == month)
        candidates.append(
            Candidate(
                kind=SignalKind.NEW_SUBSTANCE,
                key=f"new_substance:{substance_id}",
                substance_id=substance_id,
                family=families.get(substance_id, ""),
                window_start=month_start(first),
                window_end=first,
                countries=codes,
                params={
                    "substance": substance_id,
                    "family": families.get(substance_id, ""),
                    "month": month,
                    "countries": codes,
                },
            )
        )
    return candidates


def _families(substance_ids) -> dict[int, str]:
    """Each substance's (first) structural family, as the register shows it."""
    rows = Substance.objects.filter(pk__in=list(substance_ids)).values_list("pk", "families")
    return {pk: (families or [""])[0] for pk, families in rows}


# --- a substance spreading across countries --------------------------------------------------


def spreading(
    today: datetime.date, *, countries: int, months: int, substance_ids=None
) -> list[Candidate]:
    """A register substance reported (sampled) in `countries` countries or more within the
    `months` calendar months up to today's; evidence: the countries and the month of each
    one's first report (the register's shared aggregate)."""
    start, end = window_of(today, months)
    ids = _register_substances(substance_ids)
    rows = (
        IdentificationReport.objects.filter(
            substance_id__in=ids, sampled_on__gte=start, sampled_on__lte=end
        )
        .order_by()
        .values_list("substance_id", "country_id")
        .distinct()
    )
    reached: dict[int, set[str]] = defaultdict(set)
    for substance_id, country in rows:
        reached[substance_id].add(country)
    wide = [pk for pk, codes in reached.items() if len(codes) >= countries]
    quiet = set(
        Signal.objects.filter(
            kind=SignalKind.SPREAD, substance_id__in=wide, window_end__gte=start
        ).values_list("substance_id", flat=True)
    )
    wide = [pk for pk in wide if pk not in quiet]
    firsts = first_reports(wide)
    families = _families(wide)
    candidates = []
    for substance_id in sorted(wide):
        codes = sorted(reached[substance_id], key=lambda c: (firsts[substance_id][c], c))
        candidates.append(
            Candidate(
                kind=SignalKind.SPREAD,
                key=f"spread:{substance_id}:{month_text(end)}",
                substance_id=substance_id,
                family=families.get(substance_id, ""),
                window_start=start,
                window_end=end,
                countries=sorted(codes),
                params={
                    "substance": substance_id,
                    "count": len(codes),
                    "threshold": countries,
                    "months": months,
                    "start": month_text(start),
                    "end": month_text(end),
                    "countries": [[c, month_text(firsts[substance_id][c])] for c in codes],
                },
            )
        )
    return candidates


# --- a family rising faster than its trend ----------------------------------------------------


def rising_families(today: datetime.date, families=None) -> list[Candidate]:
    """A structural family whose reports of the last FAMILY_WINDOW_MONTHS calendar months
    number at least FAMILY_MIN_REPORTS and FAMILY_RATIO times the mean of the previous
    12-month periods (up to FAMILY_BASELINE_PERIODS of them, counted from the period of the
    family's first report; at least one)."""
    start, end = window_of(today, FAMILY_WINDOW_MONTHS)
    earliest = add_months(start, -12 * FAMILY_BASELINE_PERIODS)
    reports = IdentificationReport.objects.exclude(family="").filter(sampled_on__lte=end)
    if families is not None:
        reports = reports.filter(family__in=[f for f in families if f])
    firsts = dict(reports.order_by().values_list("family").annotate(first=Min("sampled_on")))
    # One row per family and month of the baseline and the window.
    monthly = (
        reports.filter(sampled_on__gte=earliest)
        .order_by()
        .annotate(year=ExtractYear("sampled_on"), month=ExtractMonth("sampled_on"))
        .values_list("family", "year", "month")
        .annotate(n=Count("pk"))
    )
    recent: dict[str, int] = defaultdict(int)
    periods: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for family, year, month, count in monthly:
        day = datetime.date(year, month, 1)
        if day >= start:
            recent[family] += count
        else:
            back = (start.year * 12 + start.month - (year * 12 + month) - 1) // 12
            periods[family][back] += count  # 0: the 12 months before the window
    candidates = []
    for family, count in sorted(recent.items()):
        first = firsts.get(family)
        if first is None or first >= start or count < FAMILY_MIN_REPORTS:
            continue
        # Periods from the one holding the family's first report on.
        back_first = (start.year * 12 + start.month - (first.year * 12 + first.month) - 1) // 12
        span = min(FAMILY_BASELINE_PERIODS, back_first + 1)
        baseline = sum(periods[family].get(back, 0) for back in range(span)) / span
        if count < FAMILY_RATIO * baseline or _quiet(SignalKind.FAMILY_RISE, start, family=family):
            continue
        by_country = dict(
            reports.filter(family=family, sampled_on__gte=start)
            .order_by()
            .values_list("country_id")
            .annotate(n=Count("pk"))
        )
        candidates.append(
            Candidate(
                kind=SignalKind.FAMILY_RISE,
                key=f"family_rise:{family}:{month_text(end)}",
                family=family,
                window_start=start,
                window_end=end,
                countries=sorted(by_country),
                params={
                    "family": family,
                    "start": month_text(start),
                    "end": month_text(end),
                    "recent": count,
                    "baseline": round(baseline, 1),
                    "periods": span,
                    "ratio": FAMILY_RATIO,
                    "minimum": FAMILY_MIN_REPORTS,
                    "by_country": dict(sorted(by_country.items())),
                },
            )
        )
    return candidates


# --- a controlled substance in a new form -----------------------------------------------------


CONTROLLED = (Classification.CONTROLLED, Classification.POSSIBLY_CONTROLLED)


def new_forms(today: datetime.date, report_ids=None) -> list[Candidate]:
    """A report of a controlled substance (sampled within NEW_FORM_DAYS) in a form that
    substance was not reported in during the NEW_FORM_MONTHS months before, while the
    substance was reported before in another form. The first such report of each substance
    and form is examined (the later ones have it before them)."""
    since = today - datetime.timedelta(days=NEW_FORM_DAYS)
    reports = IdentificationReport.objects.filter(
        classification__in=CONTROLLED, substance__isnull=False, sampled_on__gte=since
    )
    if report_ids is not None:
        reports = reports.filter(pk__in=list(report_ids))
    firsts: dict[tuple[int, str], tuple] = {}
    rows = reports.order_by("sampled_on", "pk").values_list(
        "pk", "substance_id", "form", "sampled_on", "country_id", "family"
    )
    for pk, substance_id, form, day, country, family in rows:
        firsts.setdefault((substance_id, form), (pk, day, country, family))
    candidates = []
    for (substance_id, form), (pk, day, country, family) in sorted(firsts.items()):
        key = f"new_form:{substance_id}:{form}:{month_text(day)}"
        if Signal.objects.filter(key=key).exists():
            continue
        before = IdentificationReport.objects.filter(substance_id=substance_id).exclude(pk=pk)
        before = before.filter(sampled_on__lt=day) | before.filter(sampled_on=day, pk__lt=pk)
        earlier = before.filter(form=form).aggregate(last=Max("sampled_on"))["last"]
        if earlier is not None and earlier >= add_months(day, -NEW_FORM_MONTHS):
            continue
        forms = sorted(set(before.exclude(form=form).values_list("form", flat=True)))
        if not forms:
            continue  # the substance's first report: nothing reappears
        candidates.append(
            Candidate(
                kind=SignalKind.NEW_FORM,
                key=key,
                substance_id=substance_id,
                family=family,
                window_start=month_start(day),
                window_end=day,
                countries=[country],
                params={
                    "substance": substance_id,
                    "form": form,
                    "month": month_text(day),
                    "country": country,
                    "previous": month_text(earlier) if earlier else None,
                    "forms": forms,
                    "months": NEW_FORM_MONTHS,
                },
            )
        )
    return candidates
