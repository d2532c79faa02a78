"""The early-warning dashboard: new substances per year by family (stacked columns), first
reports on a time line, the world map of reporting countries and the reader's latest
signals. Every figure is the NPS register's shared aggregate (docs/nps.md); each chart has
its data as CSV beside it (`?format=csv&chart=...`)."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from drugcontrol.core import selectors as core_selectors
from drugcontrol.core.charts import ForeignText, stacked_columns, time_line
from drugcontrol.core.permissions import require_page
from drugcontrol.nps import selectors_signals as selectors
from drugcontrol.nps.dashboard_map import CLASSES, reporting_map
from drugcontrol.nps.views.reports import ACTIVE
from drugcontrol.substances.presentation import family_label

CHARTS = ("families", "first_reports", "countries")


def _name(item: dict) -> str:
    """The substance's name in the reader's language; a name the registry holds only in
    English is record data, marked as such for a Chinese reader."""
    if (get_language() or "").startswith("zh"):
        return item["name_zh"] or ForeignText(item["name_en"])
    return item["name_en"]


def _family(code: str) -> str:
    return family_label(code) if code else _("No family")


@login_required
def dashboard(request):
    require_page(request.user, "nps.signal_read")
    data = selectors.dashboard(user=request.user)
    chart = request.GET.get("chart", "")
    if request.GET.get("format") == "csv":
        if chart not in CHARTS:
            raise Http404
        return _csv(chart, data)
    families = sorted(
        {family for counts in data["per_year"].values() for family in counts},
        key=lambda code: (-sum(c.get(code, 0) for c in data["per_year"].values()), code),
    )
    series = [(code, _family(code)) for code in families]
    years = list(data["per_year"])
    if years:
        years = list(range(years[0], years[-1] + 1))
    columns = [(str(year), data["per_year"].get(year, {})) for year in years]
    rows = [
        (
            _family(code),
            [(item["month"], _name(item)) for item in data["timeline"] if item["family"] == code],
        )
        for code in families
    ]
    names = {
        country.iso3: country.name
        for country in core_selectors.country_list(user=request.user).filter(
            iso3__in=list(data["countries"])
        )
    }
    countries = sorted(
        ((names.get(code, code), count) for code, count in data["countries"].items()),
        key=lambda pair: (-pair[1], pair[0]),
    )
    context = {
        "families_chart": stacked_columns(
            columns, series, title=_("New substances per year, by family")
        ),
        "columns": columns,
        "table": [(year, [counts.get(code, 0) for code in families]) for year, counts in columns],
        "series": series,
        "timeline_chart": time_line(rows, title=_("First reports")),
        "timeline": [
            {**item, "name": _name(item), "family_label": _family(item["family"])}
            for item in reversed(data["timeline"][-20:])
        ],
        "first_reports": len(data["timeline"]),
        "map": reporting_map(
            data["countries"], names=names, label=_("Countries reporting new substances")
        ),
        "classes": list(reversed(CLASSES)),
        "countries": countries,
        "signals": data["signals"],
        "section": "dashboard",
        **ACTIVE,
    }
    return render(request, "nps/dashboard.html", context)


def _csv(chart: str, data: dict) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="nps-{chart}.csv"'
    writer = csv.writer(response)
    if chart == "families":
        writer.writerow(["year", "family", "new_substances"])
        for year, counts in data["per_year"].items():
            for family, count in sorted(counts.items()):
                writer.writerow([year, family, count])
    elif chart == "first_reports":
        writer.writerow(["month", "substance_id", "substance", "family"])
        for item in data["timeline"]:
            writer.writerow([item["month"], item["substance_id"], item["name_en"], item["family"]])
    else:
        writer.writerow(["country", "register_substances_reported"])
        for code, count in data["countries"].items():
            writer.writerow([code, count])
    return response
