"""Indicators and targets computed from published data: an indicator per country and year
(and per option of its breakdown), regional and world aggregates weighted as the indicator
says, and each target's progress per country, region and world with the coverage behind
each aggregate.

Reads only published values: the official figures every signed-in user may read, so a
derived figure never reveals an unpublished one. Pure computation over the rows it reads."""

import decimal
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from drugcontrol.core.countries import region_name
from drugcontrol.core.models import Country
from drugcontrol.core.visibility import visible
from drugcontrol.monitoring import expressions
from drugcontrol.monitoring.choices import Status
from drugcontrol.monitoring.models import DataValue, Indicator, Target
from drugcontrol.monitoring.selectors import element_categories

DEFAULT_WEIGHT = "POP_15_64"
# A baseline may come from this many years either side of the baseline year when the year
# itself has no figure (the nearest year first, earlier before later).
BASELINE_SLACK = 2
ON_TRACK, OFF_TRACK, ACHIEVED, INSUFFICIENT = "on_track", "off_track", "achieved", "insufficient"


def _published(user) -> QuerySet:
    return visible(DataValue, user).filter(submission__status=Status.PUBLISHED)


def _codes(indicator: Indicator) -> set[str]:
    parts = [indicator.numerator, indicator.denominator, indicator.weight or DEFAULT_WEIGHT]
    return {
        reference.element
        for text in parts
        if text
        for reference in expressions.references(expressions.parse(text))
    }


def published_values(user, codes, countries=None) -> dict[tuple[str, int], dict]:
    """{(country, year): {(element, disaggregation): value}} of the published values."""
    queryset = _published(user).filter(element__code__in=list(codes))
    if countries is not None:
        queryset = queryset.filter(submission__country_id__in=list(countries))
    found: dict[tuple[str, int], dict] = defaultdict(dict)
    rows = queryset.values_list(
        "submission__country_id", "submission__year", "element__code", "disaggregation", "value"
    )
    for country, year, element, key, value in rows.iterator(chunk_size=5000):
        found[(country, year)][(element, key)] = value
    return found


def _evaluate(indicator, node_n, node_d, binding, values, categories):
    numerator = expressions.evaluate(node_n, binding, values, categories)
    if numerator is None:
        return None
    if node_d is not None:
        denominator = expressions.evaluate(node_d, binding, values, categories)
        if not denominator:
            return None
        numerator = numerator / denominator
    return numerator * indicator.factor


def indicator_values(user, indicator: Indicator, countries=None) -> dict:
    """{(country, year, option): value} (option "" without a breakdown), and the weights
    {(country, year): weight} used in aggregates."""
    categories = element_categories()
    data = published_values(user, _codes(indicator), countries)
    numerator = expressions.parse(indicator.numerator)
    denominator = expressions.parse(indicator.denominator) if indicator.denominator else None
    weight = expressions.parse(indicator.weight or DEFAULT_WEIGHT)
    figures, weights = {}, {}
    for (country, year), current in data.items():
        values = expressions.Values(current=current, previous=data.get((country, year - 1), {}))
        if indicator.breakdown:
            options = sorted(
                {expressions.parse_key(key).get(indicator.breakdown) for (_element, key) in current}
                - {None}
            )
            bindings = [{indicator.breakdown: option} for option in options]
        else:
            bindings = [{}]
        for binding in bindings:
            value = _evaluate(indicator, numerator, denominator, binding, values, categories)
            if value is not None:
                figures[(country, year, binding.get(indicator.breakdown, ""))] = value
        found_weight = expressions.evaluate(weight, {}, values, categories)
        if found_weight:
            weights[(country, year)] = found_weight
    return {"figures": figures, "weights": weights}


@dataclass
class Progress:
    """A target's progress for one country or one aggregate."""

    status: str
    baseline_year: int | None = None
    baseline: decimal.Decimal | None = None
    latest_year: int | None = None
    latest: decimal.Decimal | None = None
    target: decimal.Decimal | None = None
    achieved_share: decimal.Decimal | None = None  # of the change the target asks for
    countries: int = 0  # behind an aggregate
    of_countries: int = 0
    weight_share: decimal.Decimal | None = None  # of the weight known in the aggregate
    members: list = field(default_factory=list)


def _status(target: Target, baseline_year, baseline, latest_year, latest) -> Progress:
    if baseline is None or latest is None or latest_year <= baseline_year:
        return Progress(INSUFFICIENT, baseline_year, baseline, latest_year, latest)
    change = target.change_percent / 100
    wanted = baseline * (1 + change)
    required = wanted - baseline
    share = (latest - baseline) / required if required else decimal.Decimal(1)
    span = target.target_year - target.baseline_year
    expected = min(decimal.Decimal(1), decimal.Decimal(latest_year - target.baseline_year) / span)
    if share >= 1:
        status = ACHIEVED
    elif share >= expected:
        status = ON_TRACK
    else:
        status = OFF_TRACK
    return Progress(status, baseline_year, baseline, latest_year, latest, wanted, share)


def _baseline(series: dict[int, decimal.Decimal], year: int):
    for distance in range(BASELINE_SLACK + 1):
        for candidate in (year - distance, year + distance):
            if candidate in series:
                return candidate, series[candidate]
    return None, None


def _latest(series: dict[int, decimal.Decimal], baseline_year, target_year):
    later = [y for y in series if baseline_year is not None and baseline_year < y <= target_year]
    return (max(later), series[max(later)]) if later else (None, None)


def target_progress(user, target: Target) -> dict:
    """{"countries": {ISO3: Progress}, "regions": {code: Progress}, "world": Progress}: each
    country's progress from its baseline (the baseline year's figure, or the nearest within
    BASELINE_SLACK years) to its latest figure up to the target year; each aggregate the
    weighted mean of the countries with both, with how many countries and what share of the
    weight known in the region back it."""
    computed = indicator_values(user, target.indicator)
    series: dict[str, dict[int, decimal.Decimal]] = defaultdict(dict)
    for (country, year, option), value in computed["figures"].items():
        if option == "":
            series[country][year] = value
    countries = {}
    for country, by_year in series.items():
        baseline_year, baseline = _baseline(by_year, target.baseline_year)
        latest_year, latest = _latest(by_year, baseline_year, target.target_year)
        countries[country] = _status(target, baseline_year, baseline, latest_year, latest)
    regions_of = dict(Country.objects.values_list("iso3", "region_code"))
    members: dict[str, list[str]] = defaultdict(list)
    for code, region in regions_of.items():
        if region:
            members[region].append(code)
    weights = dict(computed["weights"])
    # Each country's latest weight, under the year None, for the years it has none.
    for (country, _year), weight in sorted(computed["weights"].items()):
        weights[(country, None)] = weight
    regions = {
        region: _aggregate(target, codes, countries, weights)
        for region, codes in sorted(members.items())
    }
    world = _aggregate(target, [c for codes in members.values() for c in codes], countries, weights)
    return {"countries": countries, "regions": regions, "world": world}


def _weight(weights, country, year):
    """The country's weight in the year, else in its latest year with one."""
    return weights.get((country, year)) or weights.get((country, None))


def _aggregate(target, codes, countries, weights) -> Progress:
    """The weighted means, at baseline and latest, of the countries with both figures."""
    backed = [c for c in codes if c in countries and countries[c].status != INSUFFICIENT]
    if not backed:
        return Progress(INSUFFICIENT, of_countries=len(codes))
    total = decimal.Decimal(0)
    baseline_sum = latest_sum = decimal.Decimal(0)
    for code in backed:
        progress = countries[code]
        weight = _weight(weights, code, progress.latest_year) or decimal.Decimal(1)
        total += weight
        baseline_sum += progress.baseline * weight
        latest_sum += progress.latest * weight
    known = sum(
        (w for w in (_weight(weights, c, target.target_year) for c in codes) if w),
        decimal.Decimal(0),
    )
    baseline, latest = baseline_sum / total, latest_sum / total
    latest_year = max(countries[c].latest_year for c in backed)
    result = _status(target, target.baseline_year, baseline, latest_year, latest)
    result.countries, result.of_countries = len(backed), len(codes)
    result.weight_share = (total / known) if known else None
    result.members = backed
    return result


def region_label(code: str) -> str:
    return region_name(code)


# --- the pivot table -----------------------------------------------------------------------------

PIVOT_MAX_ROWS = 5000


def pivot(
    user,
    *,
    elements: list[str],
    countries: list[str] | None = None,
    first_year: int | None = None,
    last_year: int | None = None,
    published_only: bool = False,
    limit: int | None = PIVOT_MAX_ROWS,
) -> dict:
    """Country x year x element: {"years": [...], "rows": [(country, element, disaggregation,
    {year: value})], "truncated": bool}, of the values the reader may read (their own
    country's unpublished ones too, unless `published_only`), one query; at most `limit`
    rows (None: all, for a file)."""
    queryset = visible(DataValue, user).filter(element__code__in=list(elements))
    if published_only:
        queryset = queryset.filter(submission__status=Status.PUBLISHED)
    if countries:
        queryset = queryset.filter(submission__country_id__in=list(countries))
    if first_year:
        queryset = queryset.filter(submission__year__gte=first_year)
    if last_year:
        queryset = queryset.filter(submission__year__lte=last_year)
    cells: dict[tuple[str, str, str], dict[int, decimal.Decimal]] = defaultdict(dict)
    years = set()
    rows = queryset.order_by().values_list(
        "submission__country_id", "element__code", "disaggregation", "submission__year", "value"
    )
    for country, element, key, year, value in rows.iterator(chunk_size=10000):
        cells[(country, element, key)][year] = value
        years.add(year)
    order = {code: index for index, code in enumerate(elements)}
    keys = sorted(cells, key=lambda k: (k[0], order.get(k[1], 0), k[2]))
    return {
        "years": sorted(years),
        "rows": [(*key, cells[key]) for key in (keys if limit is None else keys[:limit])],
        "truncated": limit is not None and len(keys) > limit,
    }
