"""The analysis pages, from published figures (monitoring/analysis.py): a country's profile
(its main indicators over the years), an indicator on the world map for a year, a target's
progress by country, region and world with the coverage behind each aggregate, and who has
reported each year, and the pivot table (country x year x element). Every chart and map has
its table and its data as CSV beside it."""

import csv
from collections import Counter, defaultdict

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from drugcontrol.core import selectors as core_selectors
from drugcontrol.core.bounds import plain_number
from drugcontrol.core.charts import line_chart, stacked_columns
from drugcontrol.core.countries import region_name
from drugcontrol.core.maps import choropleth
from drugcontrol.core.permissions import require_page
from drugcontrol.monitoring import analysis, selectors
from drugcontrol.monitoring.choices import Status
from drugcontrol.monitoring.expressions import parse_key
from drugcontrol.monitoring.forms import IndicatorMapForm, PivotForm

PROFILE = ("TREAT_COVERAGE", "HIV_PWID", "PREV_PAST_YEAR", "SEIZURES", "PRICE_PURE")
STATUS_LABELS = {
    analysis.ACHIEVED: gettext_lazy("Achieved"),
    analysis.ON_TRACK: gettext_lazy("On track"),
    analysis.OFF_TRACK: gettext_lazy("Off track"),
    analysis.INSUFFICIENT: gettext_lazy("Insufficient data"),
}
# The map's classes: a figure per status, its colour.
STATUS_FIGURE = {
    analysis.ACHIEVED: 4,
    analysis.ON_TRACK: 3,
    analysis.OFF_TRACK: 2,
    analysis.INSUFFICIENT: 1,
}
STATUS_CLASSES = [(4, "#08519c"), (3, "#41ab5d"), (2, "#ef3b2c"), (1, "#bdbdbd")]


def _csv(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def _option_names() -> dict[tuple[str, str], str]:
    return selectors.option_names()


def _country_names(user, codes) -> dict[str, str]:
    return {
        country.iso3: country.name
        for country in core_selectors.country_list(user=user).filter(iso3__in=list(codes))
    }


def _indicator(user, code: str):
    found = selectors.indicator_list(user).filter(code=code).first()
    if found is None:
        raise Http404
    return found


@login_required
def country_profile(request, iso3: str):
    require_page(request.user, "monitoring.data_read")
    country = core_selectors.country_list(user=request.user).filter(iso3=iso3.upper()).first()
    if country is None:
        raise Http404
    names = _option_names()
    charts, rows = [], []
    for code in PROFILE:
        indicator = selectors.indicator_list(request.user).filter(code=code).first()
        if indicator is None:
            continue
        figures = analysis.indicator_values(request.user, indicator, countries=[country.iso3])[
            "figures"
        ]
        by_option = defaultdict(list)
        for (_c, year, option), value in figures.items():
            by_option[option].append((year, value))
            rows.append([code, option, year, plain_number(value)])
        if not by_option:
            continue
        unit = indicator.unit_zh if request.LANGUAGE_CODE.startswith("zh") else indicator.unit_en
        series = [
            (
                option,
                names.get((indicator.breakdown, option), indicator.name)
                if option
                else indicator.name,
                values,
            )
            for option, values in sorted(by_option.items())
        ]
        charts.append((indicator, unit, line_chart(series, title=indicator.name, unit=unit)))
    if request.GET.get("format") == "csv":
        return _csv(
            f"profile-{country.iso3}.csv", ["indicator", "option", "year", "value"], sorted(rows)
        )
    context = {"country": country, "charts": charts}
    return render(request, "monitoring/country_profile.html", context)


@login_required
def indicator_map(request, code: str):
    require_page(request.user, "monitoring.data_read")
    indicator = _indicator(request.user, code)
    computed = analysis.indicator_values(request.user, indicator)["figures"]
    years = sorted({year for (_c, year, _o) in computed}, reverse=True)
    options = sorted({option for (_c, _y, option) in computed})
    chosen = IndicatorMapForm(request.GET, years=years, options=options)
    year, option = (
        chosen.choice("year", years[0] if years else None),
        chosen.choice("option", options[0] if options else ""),
    )
    figures = {
        country: value for (country, y, o), value in computed.items() if y == year and o == option
    }
    names = _country_names(request.user, figures)
    option_names = _option_names()
    if request.GET.get("format") == "csv":
        return _csv(
            f"indicator-{indicator.code}.csv",
            ["country", "year", "option", "value"],
            sorted((c, y, o, plain_number(v)) for (c, y, o), v in computed.items()),
        )
    unit = indicator.unit_zh if request.LANGUAGE_CODE.startswith("zh") else indicator.unit_en
    label = f"{indicator.name}, {year}" if year else indicator.name
    context = {
        "indicator": indicator,
        "unit": unit,
        "years": years,
        "year": year,
        "options": [(o, option_names.get((indicator.breakdown, o), o)) for o in options if o],
        "option": option,
        "map": choropleth(
            {c: float(v) for c, v in figures.items()},
            label=label,
            tooltip=lambda c, v: f"{names.get(c, c)}: {v:g} {unit}",
            css_class="indicator-map",
        )
        if figures
        else "",
        "table": sorted(((names.get(c, c), v) for c, v in figures.items()), key=lambda p: -p[1]),
    }
    return render(request, "monitoring/indicator_map.html", context)


@login_required
def target_progress(request, code: str):
    require_page(request.user, "monitoring.data_read")
    target = selectors.target_list(request.user).filter(code=code).first()
    if target is None:
        raise Http404
    progress = analysis.target_progress(request.user, target)
    countries = progress["countries"]
    names = _country_names(request.user, countries)
    if request.GET.get("format") == "csv":
        return _csv(
            f"target-{target.code}.csv",
            [
                "country",
                "status",
                "baseline_year",
                "baseline",
                "latest_year",
                "latest",
                "achieved_share",
            ],
            sorted(
                (
                    c,
                    p.status,
                    p.baseline_year,
                    _opt(p.baseline),
                    p.latest_year,
                    _opt(p.latest),
                    _opt(p.achieved_share),
                )
                for c, p in countries.items()
            ),
        )
    context = {
        "target": target,
        "world": progress["world"],
        "world_label": STATUS_LABELS[progress["world"].status],
        "world_share": _percent(progress["world"].weight_share),
        "regions": [
            (region_name(code_), p, STATUS_LABELS[p.status], _percent(p.weight_share))
            for code_, p in progress["regions"].items()
        ],
        "countries": sorted(
            (
                (names.get(c, c), p, STATUS_LABELS[p.status], _percent(p.achieved_share))
                for c, p in countries.items()
            ),
            key=lambda row: row[0],
        ),
        "legend": [
            (STATUS_LABELS[s], colour)
            for s, (_f, colour) in zip(STATUS_FIGURE, STATUS_CLASSES, strict=True)
        ],
        "map": choropleth(
            {c: STATUS_FIGURE[p.status] for c, p in countries.items()},
            label=target.name,
            tooltip=lambda c, f: f"{names.get(c, c)}: {STATUS_LABELS[countries[c].status]}",
            classes=STATUS_CLASSES,
            css_class="target-map",
        )
        if countries
        else "",
    }
    return render(request, "monitoring/target_progress.html", context)


def _percent(share) -> str:
    return "" if share is None else f"{round(share * 100):d} %"


def _opt(value) -> str:
    return "" if value is None else plain_number(round(value, 6))


@login_required
def coverage(request):
    """Who has reported: per year and data set, the countries whose data set is published,
    and those whose data the reader may see at another stage."""
    require_page(request.user, "monitoring.data_read")
    counts: dict[tuple[int, str], Counter] = defaultdict(Counter)
    datasets = {d.code: d.name for d in selectors.dataset_list(request.user)}
    for year, dataset, status in selectors.submission_list(request.user).values_list(
        "year", "dataset__code", "status"
    ):
        counts[(year, dataset)][status] += 1
    years = sorted({year for year, _d in counts})
    if request.GET.get("format") == "csv":
        return _csv(
            "coverage.csv",
            ["year", "dataset", "status", "countries"],
            sorted((y, d, s, n) for (y, d), c in counts.items() for s, n in c.items()),
        )
    series = [(s.value, s.label) for s in Status]
    charts = [
        (
            name,
            stacked_columns(
                [(str(year), dict(counts.get((year, code), {}))) for year in years],
                series,
                title=name,
            ),
        )
        for code, name in datasets.items()
    ]
    table = [
        (
            year,
            [
                (
                    counts.get((year, code), Counter())[Status.PUBLISHED],
                    sum(counts.get((year, code), Counter()).values()),
                )
                for code in datasets
            ],
        )
        for year in reversed(years)
    ]
    context = {"charts": charts, "datasets": list(datasets.values()), "table": table}
    return render(request, "monitoring/coverage.html", context)


@login_required
def pivot(request):
    """Country x year x element, with the filter's choices; CSV of the whole table."""
    require_page(request.user, "monitoring.data_read")
    elements = list(selectors.element_list(request.user))
    form = PivotForm(request.GET or None, elements=elements)
    table, names = None, {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        as_file = request.GET.get("format") == "csv"
        table = analysis.pivot(
            request.user,
            elements=data["elements"],
            countries=data["countries"] or None,
            first_year=data["first_year"],
            last_year=data["last_year"],
            published_only=data["published_only"],
            limit=None if as_file else analysis.PIVOT_MAX_ROWS,
        )
        if as_file:
            return _csv(
                "monitoring-pivot.csv",
                ["country", "element", "disaggregation", *table["years"]],
                [
                    [country, element, key, *(_opt(by_year.get(y)) for y in table["years"])]
                    for country, element, key, by_year in table["rows"]
                ],
            )
        names = _country_names(request.user, {row[0] for row in table["rows"]})
    option_names = _option_names()
    element_names = {e.code: e.name for e in elements}
    rows = []
    if table:
        for country, element, key, by_year in table["rows"]:
            label = ", ".join(
                option_names.get(pair, pair[1]) for pair in sorted(parse_key(key).items())
            )
            rows.append(
                (
                    names.get(country, country),
                    element_names.get(element, element),
                    label,
                    [by_year.get(year) for year in table["years"]],
                )
            )
    query = request.GET.copy()
    query["format"] = "csv"
    context = {"form": form, "table": table, "rows": rows, "csv_query": query.urlencode()}
    return render(request, "monitoring/pivot.html", context, status=200 if not form.errors else 422)
