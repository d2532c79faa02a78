"""Evidence computed, never typed: for each evidence key a paragraph of the statement is
tagged with, a series by year for one country or for the world, computed from the module
that holds the data, for its reader (every figure rests on records that reader may read,
through the modules' selectors and visibility rules). A key whose module is not installed
yet is known, and says so: "no evidence source yet", never an error.

The sources read other apps only through their selectors and `core.visibility.visible`."""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.utils.translation import gettext_lazy as _

YEARS = 10  # the years of evidence shown by default, up to last year


def default_years() -> range:
    from django.utils import timezone

    last = timezone.localdate().year - 1
    return range(last - YEARS + 1, last + 1)


@dataclass
class Series:
    """One evidence key's figures for a country (or the world) over the cycle's years."""

    key: str
    label: str
    unit: str
    module: str
    available: bool  # False: the module that would hold it is not installed yet
    values: dict[int, float] = field(default_factory=dict)

    @property
    def points(self) -> list[tuple[int, float]]:
        return sorted(self.values.items())

    @property
    def latest(self) -> tuple[int, float] | None:
        return self.points[-1] if self.values else None

    @property
    def trend(self) -> str:
        """From the first to the last year with a figure: up, down or flat ("" with fewer
        than two)."""
        points = self.points
        if len(points) < 2:
            return ""
        first, last = points[0][1], points[-1][1]
        if abs(last - first) <= 0.02 * max(abs(first), abs(last), 1e-9):
            return "flat"
        return "up" if last > first else "down"


@dataclass(frozen=True)
class Source:
    key: str
    label: object
    unit: object
    module: str  # the app label that holds the data
    compute: Callable | None  # compute(user, country | None, years) -> {year: value}


def _years_between(years: range, dates_field: str) -> dict:
    return {
        f"{dates_field}__gte": datetime.date(years.start, 1, 1),
        f"{dates_field}__lte": datetime.date(years.stop - 1, 12, 31),
    }


def _count_by_year(queryset, year_of: str) -> dict[int, float]:
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    return {
        row["year"]: float(row["n"])
        for row in queryset.annotate(year=ExtractYear(year_of))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by()
    }


def _notification_response(user, country, years) -> dict[int, float]:
    """The share of pre-export notifications to the country (the world: to every
    importing country) answered, by year of submission (%)."""
    from drugcontrol.precursors.selectors import response_statistics

    found = {}
    for year in years:
        rows = response_statistics(
            user=user,
            since=datetime.date(year, 1, 1),
            until=datetime.date(year, 12, 31),
            importing_country=country,
        )
        received = sum(row["received"] for row in rows)
        if received:
            found[year] = 100.0 * sum(row["answered"] for row in rows) / received
    return found


def _legitimate_requirements(user, country, years) -> dict[int, float]:
    from drugcontrol.core.visibility import visible
    from drugcontrol.precursors.models import LegitimateRequirement

    queryset = visible(LegitimateRequirement, user).filter(year__in=list(years))
    if country:
        queryset = queryset.filter(country_id=country)
    found: dict[int, float] = defaultdict(float)
    for year in queryset.values_list("year", flat=True):
        found[year] += 1
    return dict(found)


def _incidents(user, country, years) -> dict[int, float]:
    from drugcontrol.core.visibility import visible
    from drugcontrol.incidents.models import Incident

    queryset = visible(Incident, user).filter(**_years_between(years, "occurred_on"))
    if country:
        queryset = queryset.filter(reporting_country_id=country)
    return _count_by_year(queryset, "occurred_on")


def _identifications(user, country, years) -> dict[int, float]:
    from drugcontrol.core.visibility import visible
    from drugcontrol.nps.models import IdentificationReport

    queryset = visible(IdentificationReport, user).filter(**_years_between(years, "sampled_on"))
    if country:
        queryset = queryset.filter(country_id=country)
    return _count_by_year(queryset, "sampled_on")


def _scheduled(user, country, years) -> dict[int, float]:
    """Substances put under control that year: the international lists (the world) or the
    country's national list, by the year the listing came into force."""
    from drugcontrol.core.visibility import visible
    from drugcontrol.substances.models import Listing

    queryset = visible(Listing, user).exclude(in_force="")
    queryset = (
        queryset.filter(country_id=country) if country else queryset.filter(country__isnull=True)
    )
    found: dict[int, float] = defaultdict(float)
    for in_force in queryset.values_list("in_force", flat=True):
        year = int(in_force[:4]) if in_force[:4].isdigit() else None
        if year in years:
            found[year] += 1
    return dict(found)


def _availability(user, country, years) -> dict[int, float]:
    from drugcontrol.medicines import availability

    rows = availability.table(
        user, countries=[country] if country else None, years=years, detail=False
    )
    if country:
        return {row.year: row.opioids for row in rows if row.opioids is not None}
    members = {row.country for row in rows}
    return dict(availability.region_series(rows, members))


def _indicator(code: str, option: str = ""):
    def compute(user, country, years) -> dict[int, float]:
        from drugcontrol.monitoring import analysis
        from drugcontrol.monitoring.models import Indicator

        indicator = Indicator.objects.filter(code=code).first()
        if indicator is None:
            return {}
        found = analysis.indicator_values(user, indicator, [country] if country else None)
        figures, weights = found["figures"], found["weights"]
        totals: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for (place, year, chosen), value in figures.items():
            if year not in years or chosen != option:
                continue
            weight = float(weights.get((place, year)) or 1) if not country else 1.0
            totals[year][0] += float(value) * weight
            totals[year][1] += weight
        return {year: total / weight for year, (total, weight) in totals.items() if weight}

    return compute


def _crops(user, country, years) -> dict[int, float]:
    from drugcontrol.monitoring import crops

    found: dict[int, float] = defaultdict(float)
    for row in crops.crop_figures(user, country=country):
        if row.year in years and not row.region and row.cultivation_ha is not None:
            found[row.year] += float(row.cultivation_ha)
    return dict(found)


def _programmes(user, country, years) -> dict[int, float]:
    from drugcontrol.monitoring.selectors import programme_list

    programmes = list(programme_list(user, country=country))
    return {
        year: float(
            sum(
                1
                for p in programmes
                if p.start_year <= year and (p.end_year is None or p.end_year >= year)
            )
        )
        for year in years
        if programmes
    }


SOURCES = {
    source.key: source
    for source in (
        Source(
            "precursors.notification_response",
            _("Pre-export notifications answered"),
            _("per cent of those received"),
            "precursors",
            _notification_response,
        ),
        Source(
            "precursors.legitimate_requirements",
            _("Legitimate requirements on file"),
            _("substances and forms"),
            "precursors",
            _legitimate_requirements,
        ),
        Source(
            "incidents.exchanged",
            _("Incidents communicated"),
            _("incidents"),
            "incidents",
            _incidents,
        ),
        Source(
            "nps.substances_identified",
            _("Identification reports of new psychoactive substances"),
            _("reports"),
            "nps",
            _identifications,
        ),
        Source(
            "substances.scheduled",
            _("Substances put under control"),
            _("substances"),
            "substances",
            _scheduled,
        ),
        Source(
            "medicines.availability",
            _("Availability of opioid analgesics"),
            _("S-DDD per million inhabitants per day"),
            "medicines",
            _availability,
        ),
        Source(
            "monitoring.hiv_pwid",
            _("HIV prevalence among people who inject drugs"),
            _("per cent"),
            "monitoring",
            _indicator("HIV_PWID"),
        ),
        Source(
            "monitoring.treatment_coverage",
            _("Treatment coverage"),
            _("per cent of people with drug use disorders"),
            "monitoring",
            _indicator("TREAT_COVERAGE"),
        ),
        Source(
            "monitoring.drug_use_prevalence",
            _("Past-year prevalence of cannabis use"),
            _("per cent of the population aged 15-64"),
            "monitoring",
            _indicator("PREV_PAST_YEAR", "cannabis"),
        ),
        Source(
            "monitoring.crops",
            _("Area under illicit cultivation"),
            _("hectares"),
            "monitoring",
            _crops,
        ),
        Source(
            "monitoring.alternative_development",
            _("Alternative development programmes running"),
            _("programmes"),
            "monitoring",
            _programmes,
        ),
        Source(
            "finance.confiscated_proceeds",
            _("Proceeds of crime confiscated"),
            _("US dollars"),
            "finance",
            None,
        ),
        Source(
            "judicial.cooperation",
            _("Requests for mutual legal assistance and extradition"),
            _("requests"),
            "judicial",
            None,
        ),
    )
}


def series(user, key: str, *, country: str | None, years: range) -> Series:
    """The key's figures for the country (None: the world) over the years, as its reader
    may see them; a key whose module is not installed is marked so."""
    source = SOURCES[key]
    ready = source.compute is not None and apps.is_installed(f"drugcontrol.{source.module}")
    return Series(
        key=key,
        label=str(source.label),
        unit=str(source.unit),
        module=source.module,
        available=ready,
        values=source.compute(user, country, years) if ready else {},
    )
