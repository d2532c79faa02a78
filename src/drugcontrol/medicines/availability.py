"""Availability of opioid analgesics as INCB measures it: consumption in defined daily doses
for statistical purposes (S-DDD) per million inhabitants per day, per drug and for the
opioid analgesics together (methadone apart), with INCB's levels of consumption and a
need-based measure (consumption against the need of the people who die from cancer or
HIV/AIDS in pain). Reference figures come from `data/medicines/sddd.json` and
`adequacy.json`; what they rest on unverified is carried with every result.

Derived data follows its source: a reader's figures are computed from the consumption that
reader may see (published figures, and their own country's reported ones)."""

import functools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Case, Count, FloatField, Q, Sum, Value, When
from django.db.models.functions import Cast, Lower
from django.utils.translation import gettext_lazy as _

DATA = Path(__file__).resolve().parents[1] / "data" / "medicines"
DAYS_IN_YEAR = 365  # INCB divides a year's consumption by 365 days
MG_PER_KG = 1_000_000
LEVEL_NAMES = {  # the names in adequacy.json, in the reader's language
    "adequate": _("adequate"),
    "moderate": _("moderate"),
    "inadequate": _("inadequate"),
    "very inadequate": _("very inadequate"),
    "virtually non-existent": _("virtually non-existent"),
    "low": _("low"),
    "very low": _("very low"),
    "virtually none": _("virtually none"),
}
# Light (enough) to dark (lacking): the map's colour per level, in the order of the file.
LEVEL_COLOURS = ("#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027")


@dataclass(frozen=True)
class Level:
    code: str  # its name in adequacy.json
    minimum: float  # the lowest figure of the level (inclusive)
    verified: bool
    colour: str

    @property
    def name(self) -> str:
        return str(LEVEL_NAMES.get(self.code, self.code))


@dataclass(frozen=True)
class Reference:
    """The reference figures in use, with what of them is unverified."""

    sddd_mg: dict[str, float | None]  # drug (English name, lower case) -> S-DDD in mg
    sddd_verified: dict[str, bool]
    opioid_analgesics: tuple[str, ...]  # lower-case names
    apart: tuple[str, ...]  # reported apart (methadone)
    levels: tuple[Level, ...]  # INCB levels, highest first
    need_levels: tuple[Level, ...]  # need-based measure's levels, highest first
    need: dict[str, dict]  # cause -> {share_in_pain, days}
    need_verified: bool

    @property
    def unverified_drugs(self) -> list[str]:
        return sorted(name for name, ok in self.sddd_verified.items() if not ok)


def _levels(entries: list[dict]) -> tuple[Level, ...]:
    usable = [entry for entry in entries if entry.get("min") is not None or entry is entries[-1]]
    return tuple(
        Level(
            code=entry["name"],
            minimum=float(entry.get("min") or 0),
            verified=bool(entry.get("verified")),
            colour=LEVEL_COLOURS[index % len(LEVEL_COLOURS)],
        )
        for index, entry in enumerate(usable)
    )


@functools.cache
def reference() -> Reference:
    sddd = json.loads((DATA / "sddd.json").read_text(encoding="utf-8"))
    adequacy = json.loads((DATA / "adequacy.json").read_text(encoding="utf-8"))
    drugs = sddd["narcotic_drugs"]
    listed = sddd["provenance"]["opioid_analgesics"]
    need = adequacy["need_method"]
    return Reference(
        sddd_mg={d["substance"].lower(): d.get("sddd_mg") for d in drugs},
        sddd_verified={d["substance"].lower(): bool(d.get("verified")) for d in drugs},
        opioid_analgesics=tuple(name.lower() for name in listed["substances"]),
        apart=tuple(name.lower() for name in listed.get("excluded", {}) if name == "Methadone"),
        levels=_levels(adequacy["incb_consumption_levels"]["categories"]),
        need_levels=_levels(adequacy["need_method"]["categories"]),
        need={cause: need["causes"][cause] for cause in ("cancer", "hiv_aids")},
        need_verified=bool(need.get("verified")),
    )


def level_of(figure: float | None, levels: tuple[Level, ...]) -> Level | None:
    if figure is None:
        return None
    return next((level for level in levels if figure >= level.minimum), None)


@dataclass
class CountryYear:
    country: str
    year: int
    population: int | None
    by_drug: dict[str, float] = field(default_factory=dict)  # drug -> S-DDD/million/day
    kg_by_drug: dict[str, float] = field(default_factory=dict)
    not_counted: list[str] = field(default_factory=list)  # consumed, without an S-DDD
    opioids: float | None = None  # the opioid analgesics together
    apart: float | None = None  # methadone
    level: Level | None = None
    need_doses: float | None = None  # S-DDD a year the dying in pain need
    need_ratio: float | None = None  # consumption (S-DDD a year) / need
    need_level: Level | None = None


def _need_doses(figure: tuple | None, ref: Reference) -> float | None:
    """Daily doses a year for those who die of cancer or HIV/AIDS in pain: deaths x the
    share in pain x the days of treatment, one S-DDD a day."""
    if figure is None or figure[1] is None:
        return None
    deaths = {"cancer": figure[1], "hiv_aids": figure[2] or 0}
    return sum(
        deaths[cause] * float(ref.need[cause]["share_in_pain"]) * float(ref.need[cause]["days"])
        for cause in ref.need
    )


def _drug_names() -> dict[int, str]:
    """Registry ids of the drugs the reference files name -> their lower-case names."""
    from drugcontrol.substances.models import Substance

    ref = reference()
    wanted = {*ref.sddd_mg, *ref.opioid_analgesics, *ref.apart}
    return dict(
        Substance.objects.annotate(lower_name=Lower("name_en"))
        .filter(lower_name__in=wanted)
        .values_list("pk", "lower_name")
    )


def _fetch(queryset) -> list[tuple]:
    """A values_list's rows as the cursor returns them (its columns are text, integers
    and floats, which need no conversion)."""
    from django.core.exceptions import EmptyResultSet
    from django.db import connections

    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a reader who may read nothing
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def table(user, *, countries=None, years=None, detail=True) -> list[CountryYear]:
    """Every country-year with consumption the reader may see (as filtered), by country
    and year. `detail=False` (the world map and lists) leaves out the figure of each drug
    and sums in the database: a row per country and year travels, not one per drug."""
    from drugcontrol.medicines import selectors

    ref = reference()
    rows = selectors.consumption_list(user)
    figures = selectors.population_list(user)
    if countries:
        codes = [c.upper() for c in countries]
        rows, figures = rows.filter(country_id__in=codes), figures.filter(country_id__in=codes)
    if years:
        rows, figures = rows.filter(year__in=list(years)), figures.filter(year__in=list(years))
    populations = {
        (country, year): (population, cancer, hiv)
        for country, year, population, cancer, hiv in figures.values_list(
            "country_id", "year", "population", "cancer_deaths", "hiv_deaths"
        )
    }
    names = _drug_names()
    counted_drugs = {*ref.opioid_analgesics, *ref.apart}
    # Daily doses a year per kilogram, per drug (None: no S-DDD on file).
    doses_per_kg = {
        name: (MG_PER_KG / mg / DAYS_IN_YEAR if mg else None)
        for name, mg in ref.sddd_mg.items()
        if name in counted_drugs
    }
    found = (_summaries if not detail else _details)(rows, names, doses_per_kg, ref)
    for key, row in found.items():
        figure = populations.get(key)
        row.population = figure[0] if figure else None
        if not row.population:
            row.by_drug, row.opioids, row.apart = {}, None, None
            continue
        millions = row.population / 1_000_000
        row.by_drug = {name: doses / millions for name, doses in row.by_drug.items()}
        if row.apart is not None:
            row.apart /= millions
        if row.opioids is not None:
            row.opioids /= millions
            row.level = level_of(row.opioids, ref.levels)
            row.need_doses = _need_doses(figure, ref)
            if row.need_doses:
                row.need_ratio = row.opioids * DAYS_IN_YEAR * millions / row.need_doses
                row.need_level = level_of(row.need_ratio, ref.need_levels)
    return [found[key] for key in sorted(found)]


def _details(rows, names, doses_per_kg, ref) -> dict[tuple[str, int], CountryYear]:
    """Daily doses per drug and in all (not yet per million), one row a drug read."""
    found: dict[tuple[str, int], CountryYear] = {}
    # Floats straight from the cursor: no Decimal nor converter per value.
    consumed = _fetch(
        rows.values_list("country_id", "year", "substance_id", Cast("quantity_kg", FloatField()))
    )
    for country, year, drug, kg in consumed:
        name = names.get(drug)
        if name not in doses_per_kg:
            continue
        key = (country, year)
        row = found.get(key)
        if row is None:
            row = found[key] = CountryYear(country, year, None)
        row.kg_by_drug[name] = kg
        per_kg = doses_per_kg[name]
        if per_kg is None:
            if kg > 0:
                row.not_counted.append(name)
            continue
        doses = kg * per_kg
        row.by_drug[name] = doses
        if name in ref.apart:
            row.apart = doses
        else:
            row.opioids = (row.opioids or 0.0) + doses
    return found


def _summaries(rows, names, doses_per_kg, ref) -> dict[tuple[str, int], CountryYear]:
    """The same sums per country and year, computed by the database."""
    ids = {name: pk for pk, name in names.items()}
    opioid_ids = [ids[n] for n in ref.opioid_analgesics if n in ids and doses_per_kg.get(n)]
    apart_ids = [ids[n] for n in ref.apart if n in ids and doses_per_kg.get(n)]
    missing = [(n, ids[n]) for n, per_kg in doses_per_kg.items() if per_kg is None and n in ids]
    quantity = Cast("quantity_kg", FloatField())

    def doses(pks):
        cases = [
            When(substance_id=pk, then=quantity * Value(doses_per_kg[names[pk]])) for pk in pks
        ]
        return Sum(Case(*cases, default=Value(0.0), output_field=FloatField()))

    sums = {
        "opioids": doses(opioid_ids),
        "apart": doses(apart_ids),
        "opioid_rows": Count("pk", filter=Q(substance_id__in=opioid_ids)),
        "apart_rows": Count("pk", filter=Q(substance_id__in=apart_ids)),
        **{
            f"missing_{pk}": Count("pk", filter=Q(substance_id=pk, quantity_kg__gt=0))
            for _name, pk in missing
        },
    }
    grouped = (
        rows.filter(substance_id__in=[*opioid_ids, *apart_ids, *(pk for _n, pk in missing)])
        .order_by()
        .values("country_id", "year")
        .annotate(**sums)
        .values_list("country_id", "year", *sums)
    )
    found = {}
    for country, year, opioids, apart, opioid_rows, apart_rows, *absent in _fetch(grouped):
        row = found[(country, year)] = CountryYear(country, year, None)
        row.opioids = opioids if opioid_rows else None
        row.apart = apart if apart_rows else None
        row.not_counted = [name for (name, _pk), n in zip(missing, absent, strict=True) if n]
    return found


def latest_by_country(rows: list[CountryYear], year: int | None = None) -> dict[str, CountryYear]:
    """Each country's row of the year asked (or its latest with a figure)."""
    chosen: dict[str, CountryYear] = {}
    for row in rows:
        if row.opioids is None or (year is not None and row.year != year):
            continue
        chosen[row.country] = row  # rows come by year: the last is the latest
    return chosen


def region_series(rows: list[CountryYear], members: set[str]) -> list[tuple[int, float]]:
    """A region's opioid analgesics over the years: its doses over its population (the
    countries of the region with a figure that year)."""
    doses: dict[int, float] = defaultdict(float)
    people: dict[int, float] = defaultdict(float)
    for row in rows:
        if row.country in members and row.opioids is not None:
            doses[row.year] += row.opioids * row.population
            people[row.year] += row.population
    return [(year, doses[year] / people[year]) for year in sorted(doses) if people[year]]
