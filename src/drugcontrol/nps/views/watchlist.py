"""Pages of the watch list: the list (and the secretariat's form to add a substance) and one
substance over time: seizures, identification reports and toxicology cases per year, each
counting only records the reader may see, as charts and a world map of where those records
come from, with their data as CSV."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from drugcontrol.core import selectors as core_selectors
from drugcontrol.core.charts import bar_chart
from drugcontrol.core.errors import ServiceError
from drugcontrol.core.forms import add_service_error
from drugcontrol.core.maps import choropleth
from drugcontrol.core.permissions import can, require_page
from drugcontrol.nps import selectors, services
from drugcontrol.nps.forms import WatchForm
from drugcontrol.nps.views.reports import ACTIVE
from drugcontrol.substances.presentation import drawing


@login_required
def watch_list(request):
    form = WatchForm(request.POST or None)
    if request.method == "POST":
        require_page(request.user, "nps.register_keep")
        if form.is_valid():
            try:
                entry = services.watch_add(actor=request.user, raw=form.cleaned_data)
            except ServiceError as error:
                add_service_error(form, error, fields={"substance_id": "substance"})
            else:
                messages.success(request, _("The substance is on the watch list."))
                return redirect("nps:watch", entry.substance_id)
    context = {
        "entries": list(selectors.watch_list(user=request.user)),
        "form": form if can(request.user, "nps.register_keep") else None,
        "section": "watch",
        **ACTIVE,
    }
    return render(request, "nps/watch_list.html", context, status=422 if form.errors else 200)


@login_required
def watch_detail(request, substance_id: int):
    entry = selectors.watch_get(user=request.user, substance_id=substance_id)
    years = selectors.watch_series(user=request.user, substance_id=substance_id)
    by_country = selectors.watch_countries(user=request.user, substance_id=substance_id)
    names = {
        country.iso3: country.name
        for country in core_selectors.country_list(user=request.user).filter(
            iso3__in=list(by_country)
        )
    }
    if request.GET.get("format") == "csv":
        if request.GET.get("by") == "country":
            return _countries_csv(entry, by_country)
        return _series_csv(entry, years)
    charts = [
        (
            title,
            bar_chart([(str(row["year"]), row[key]) for row in years], title=title, decimals=0),
        )
        for key, title in (
            ("seizures", _("Seizures (incidents) per year")),
            ("reports", _("Identification reports per year")),
            ("cases", _("Toxicology cases per year")),
        )
    ]
    context = {
        "entry": entry,
        "substance": entry.substance,
        "drawing": drawing(entry.substance.smiles, width=300, height=220),
        "years": years,
        "charts": charts,
        "map": choropleth(
            by_country,
            label=_("Where the records you may see come from"),
            tooltip=lambda code, count: (
                ngettext("%(country)s: %(count)s record", "%(country)s: %(count)s records", count)
                % {"country": names.get(code, code), "count": count}
            ),
            css_class="watch-map",
        )
        if by_country
        else "",
        "countries": sorted(
            ((names.get(code, code), count) for code, count in by_country.items()),
            key=lambda pair: (-pair[1], pair[0]),
        ),
        "section": "watch",
        **ACTIVE,
    }
    return render(request, "nps/watch_detail.html", context)


def _series_csv(entry, years) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="watch-list-{entry.substance_id}.csv"'
    writer = csv.writer(response)
    writer.writerow(["year", "seizures", "identification_reports", "toxicology_cases"])
    for row in years:
        writer.writerow([row["year"], row["seizures"], row["reports"], row["cases"]])
    return response


def _countries_csv(entry, by_country: dict[str, int]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="watch-list-{entry.substance_id}-countries.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["country", "records"])
    for code, count in sorted(by_country.items()):
        writer.writerow([code, count])
    return response
