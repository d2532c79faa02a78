"""Where medicines are missing: the world map of availability (consumption of opioid
analgesics in S-DDD per million inhabitants per day, coloured by INCB's levels), the
countries with inadequate or virtually no availability, a comparison chart, and a country's
page (its estimates and balances, authorizations, and consumption against its region).
Every figure comes from the consumption the reader may see; every chart has its data as
CSV beside it. Also the import pages of estimates, consumption and population, and the
secretariat's publication of reported consumption."""

import csv

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from drugcontrol.core import selectors as core_selectors
from drugcontrol.core.charts import bar_chart, line_chart
from drugcontrol.core.countries import region_name
from drugcontrol.core.errors import ServiceError, ValidationFailed
from drugcontrol.core.import_views import import_job_page, import_upload_page
from drugcontrol.core.maps import choropleth
from drugcontrol.core.permissions import can, require_page
from drugcontrol.medicines import availability, imports, selectors, statistics

NAV = "medicines"
LACKING = ("inadequate", "very inadequate", "virtually non-existent")
CSV_HEADER = [
    "country",
    "year",
    "population",
    "opioid_analgesics_sddd_per_million_per_day",
    "methadone_sddd_per_million_per_day",
    "level",
    "need_ratio",
    "need_level",
    "not_counted",
]
IMPORT_KINDS = {  # the page's slug: (importer, the right it asks)
    "estimates": (imports.ESTIMATES, "medicines.estimate_submit"),
    "consumption": (imports.CONSUMPTION, "medicines.consumption_report"),
    "population": (imports.POPULATION, "medicines.population_keep"),
}


def error_text(error: ServiceError) -> str:
    """A refusal in one sentence for a page's message: its fields' messages, else its own."""
    if not isinstance(error, ValidationFailed):  # a conflict's details are data, not words
        return str(error.message)
    found = [
        str(message)
        for problems in error.details.values()
        if isinstance(problems, list | tuple)
        for message in problems
    ]
    return " ".join(found) or str(error.message)


def nav_context(user, section: str) -> dict:
    """What the medicines pages' sub-navigation shows the reader."""
    from drugcontrol.core.permissions import may_sometimes

    return {
        "section": section,
        "perms_import": {
            kind: may_sometimes(user, permission)
            for kind, (_importer, permission) in IMPORT_KINDS.items()
        },
        "active_nav": NAV,
    }


class YearForm(forms.Form):
    """The year a page shows, among those with figures; anything else shows the latest."""

    year = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in years]

    def chosen(self, default):
        if not self.is_valid():
            return default
        return self.cleaned_data.get("year") or default


def _figure(value) -> str:
    return "" if value is None else f"{value:.3f}"


def _csv(filename: str, rows: list[availability.CountryYear]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow(
            [
                row.country,
                row.year,
                row.population or "",
                _figure(row.opioids),
                _figure(row.apart),
                row.level.code if row.level else "",
                _figure(row.need_ratio),
                row.need_level.code if row.need_level else "",
                " ".join(row.not_counted),
            ]
        )
    return response


def _names(user, codes) -> dict[str, str]:
    return {
        country.iso3: country.name
        for country in core_selectors.country_list(user=user).filter(iso3__in=list(codes))
    }


def _unit() -> str:
    return _("S-DDD per million inhabitants per day")


def _reference_context() -> dict:
    ref = availability.reference()
    return {
        "levels": ref.levels,
        "need_levels": ref.need_levels,
        "unverified_drugs": [name.capitalize() for name in ref.unverified_drugs],
        "levels_unverified": not all(level.verified for level in ref.levels),
    }


@login_required
def availability_page(request):
    require_page(request.user, "medicines.estimates_read")
    rows = availability.table(request.user, detail=False)
    if request.GET.get("format") == "csv":
        return _csv("availability.csv", rows)
    years = sorted({row.year for row in rows if row.opioids is not None}, reverse=True)
    year = YearForm(request.GET, years=years).chosen(years[0] if years else None)
    chosen = availability.latest_by_country(rows, year) if year else {}
    names = _names(request.user, chosen)
    ref = availability.reference()
    world = choropleth(
        {code: row.opioids for code, row in chosen.items()},
        label=_("Availability of opioid analgesics, %(year)s") % {"year": year},
        tooltip=lambda code, value: (
            f"{names.get(code, code)}: {value:,.0f} {_unit()} "
            f"({chosen[code].level.name if chosen[code].level else ''})"
        ),
        classes=[(level.minimum, level.colour) for level in ref.levels],
        css_class="availability-map",
    )
    ranked = sorted(chosen.values(), key=lambda row: -row.opioids)
    lacking = [row for row in reversed(ranked) if row.level and row.level.code in LACKING]
    chart = bar_chart(
        [(names.get(row.country, row.country), row.opioids) for row in ranked],
        unit="",
        title=_("Opioid analgesics, S-DDD per million inhabitants per day, %(year)s")
        % {"year": year},
        decimals=0,
    )
    context = {
        "year": year,
        "years": years,
        "map": world if chosen else "",
        "chart": chart,
        "lacking": [(names.get(row.country, row.country), row) for row in lacking],
        "ranked": [(names.get(row.country, row.country), row) for row in ranked],
        **nav_context(request.user, "availability"),
        **_reference_context(),
    }
    return render(request, "medicines/availability.html", context)


@login_required
def country_page(request, iso3: str):
    require_page(request.user, "medicines.estimates_read")
    user = request.user
    country = core_selectors.country_list(user=user).filter(iso3=iso3.upper()).first()
    if country is None:
        raise Http404
    members = set(
        core_selectors.country_list(user=user)
        .filter(region_code=country.region_code)
        .values_list("iso3", flat=True)
        if country.region_code
        else [country.iso3]
    )
    rows = availability.table(user, countries=members)
    own = [row for row in rows if row.country == country.iso3]
    if request.GET.get("format") == "csv":
        return _csv(f"availability-{country.iso3}.csv", own)
    series = [
        (
            country.iso3,
            country.name,
            [(row.year, row.opioids) for row in own if row.opioids is not None],
        )
    ]
    region = availability.region_series(rows, members)
    if country.region_code and region:
        label = _("%(region)s (average)") % {"region": region_name(country.region_code)}
        series.append(("region", label, region))
    authority = can(user, "medicines.authorizations_read")
    context = {
        "country": country,
        "rows": list(reversed(own)),
        "chart": line_chart(
            [s for s in series if s[2]],
            title=_("Opioid analgesics, S-DDD per million inhabitants per day"),
            unit="",
        ),
        "estimates": list(selectors.estimate_list(user, country=country.iso3)[:100]),
        "balances": selectors.balance_list(user, country=country.iso3)[:100],
        "authorizations": list(selectors.import_authorization_list(user, country=country.iso3)[:50])
        if authority
        else [],
        "authority": authority,
        **nav_context(user, "country" if user.country_id == country.iso3 else ""),
        **_reference_context(),
    }
    return render(request, "medicines/country.html", context)


def _import_kind(kind: str) -> tuple[str, str]:
    if kind not in IMPORT_KINDS:
        raise Http404
    return IMPORT_KINDS[kind]


@login_required
def statistics_import(request, kind: str):
    importer, permission = _import_kind(kind)
    return import_upload_page(
        request,
        kind=importer,
        template="medicines/import.html",
        permission=permission,
        nav=NAV,
        job_url=f"medicines:import_{kind}_job",
        context={
            "columns": imports.COLUMNS[importer],
            "kind": kind,
            **nav_context(request.user, f"import-{kind}"),
        },
    )


def _job_view(kind: str):
    importer, _permission = IMPORT_KINDS[kind]

    @login_required
    def view(request, job_id: int):
        return import_job_page(
            request,
            job_id=job_id,
            kind=importer,
            template="medicines/import_job.html",
            nav=NAV,
            context={"kind": kind, **nav_context(request.user, f"import-{kind}")},
        )

    return view


estimates_import_job = _job_view("estimates")
consumption_import_job = _job_view("consumption")
population_import_job = _job_view("population")


@login_required
def consumption_publish(request, iso3: str, year: int):
    """The secretariat publishes a country's reported consumption for a year (POST)."""
    require_page(request.user, "medicines.consumption_confirm")
    if request.method != "POST":
        return redirect("medicines:home")
    try:
        count = statistics.consumption_confirm(
            actor=request.user,
            country=iso3.upper(),
            year=year,
        )
    except ServiceError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("%(count)s figures published.") % {"count": count})
    return redirect("medicines:home")
