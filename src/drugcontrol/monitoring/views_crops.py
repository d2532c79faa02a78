"""The pages of illicit crops and alternative development (monitoring/crops.py): the crop
countries on a map and over the years, a country's crops by region with cultivation inside
programme areas against the rest, and the programmes, recorded and changed on their page.
Figures come from published data; every chart has its table and its data as CSV beside it."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from drugcontrol.core import selectors as core_selectors
from drugcontrol.core.bounds import plain_number
from drugcontrol.core.charts import line_chart
from drugcontrol.core.errors import Conflict, ServiceError
from drugcontrol.core.forms import add_service_error
from drugcontrol.core.maps import choropleth
from drugcontrol.core.permissions import can, require_page
from drugcontrol.monitoring import crops, selectors, services
from drugcontrol.monitoring.forms import CropChoiceForm, ProgrammeCountryForm, ProgrammeForm
from drugcontrol.monitoring.models import DevelopmentProgramme
from drugcontrol.monitoring.views_analysis import _country_names, _csv

CSV_HEADER = [
    "country",
    "year",
    "crop",
    "region",
    "cultivation_ha",
    "eradication_ha",
    "yield_kg_ha",
    "potential_production_kg",
    "in_programme",
]


def _number(value) -> str:
    return "" if value is None else plain_number(value)


def _csv_rows(rows) -> list[list[str]]:
    return [
        [
            row.country,
            row.year,
            row.crop,
            row.region,
            _number(row.cultivation_ha),
            _number(row.eradication_ha),
            _number(row.yield_kg_ha),
            _number(row.potential_production_kg),
            "yes" if row.in_programme else ("no" if row.region else ""),
        ]
        for row in rows
    ]


def _crop_names() -> dict[str, str]:
    return {
        code: name
        for (category, code), name in selectors.option_names().items()
        if category == "crop"
    }


def _chosen(request, *, years=(), crops=()) -> tuple:
    """(year, crop) asked for among those with figures, else the latest year and first crop."""
    form = CropChoiceForm(request.GET, years=years, crops=crops)
    return (
        form.choice("year", years[0] if years else None),
        form.choice("crop", crops[0] if crops else None),
    )


@login_required
def crops_overview(request):
    require_page(request.user, "monitoring.data_read")
    rows = crops.crop_figures(request.user)
    if request.GET.get("format") == "csv":
        return _csv("crops.csv", CSV_HEADER, _csv_rows(rows))
    crop_names = _crop_names()
    available = [code for code in crops.CROPS if any(row.crop == code for row in rows)]
    _year, crop = _chosen(request, crops=available)
    chosen = [row for row in rows if row.crop == crop and row.cultivation_ha is not None]
    latest: dict[str, crops.CropFigures] = {}
    by_country = defaultdict(list)
    for row in chosen:
        latest[row.country] = row  # rows come by year: the last one is the latest
        by_country[row.country].append((row.year, row.cultivation_ha))
    names = _country_names(request.user, by_country)
    chart = line_chart(
        [(code, names.get(code, code), values) for code, values in sorted(by_country.items())],
        title=_("Area under illicit cultivation"),
        unit=_("hectares"),
    )
    world = choropleth(
        {code: float(row.cultivation_ha) for code, row in latest.items()},
        label=_("Area under illicit cultivation, latest year"),
        tooltip=lambda c, v: f"{names.get(c, c)}: {v:,.0f} {_('hectares')}",
        css_class="crops-map",
    )
    table = sorted(latest.values(), key=lambda row: -row.cultivation_ha)
    context = {
        "crop": crop,
        "crops": [(code, crop_names.get(code, code)) for code in available],
        "crop_name": crop_names.get(crop, crop),
        "chart": chart,
        "map": world if latest else "",
        "table": [(names.get(row.country, row.country), row) for row in table],
        "programmes": selectors.programme_list(request.user),
        "may_record": can(request.user, "monitoring.programme_keep"),
    }
    return render(request, "monitoring/crops.html", context)


@login_required
def crops_country(request, iso3: str):
    require_page(request.user, "monitoring.data_read")
    country = core_selectors.country_list(user=request.user).filter(iso3=iso3.upper()).first()
    if country is None:
        raise Http404
    rows = crops.crop_figures(request.user, country=country.iso3, regions=True)
    if request.GET.get("format") == "csv":
        return _csv(f"crops-{country.iso3}.csv", CSV_HEADER, _csv_rows(rows))
    crop_names = _crop_names()
    national = [row for row in rows if not row.region]
    series = []
    for code in crops.CROPS:
        for label, field in (
            (_("cultivation"), "cultivation_ha"),
            (_("eradication"), "eradication_ha"),
        ):
            values = [
                (r.year, getattr(r, field))
                for r in national
                if r.crop == code and getattr(r, field) is not None
            ]
            if values:
                series.append((f"{code}-{field}", f"{crop_names.get(code, code)}: {label}", values))
    regional_years = sorted({row.year for row in rows if row.region}, reverse=True)
    region_names = {r.code: r.label for r in selectors.country_regions(request.user, country.iso3)}
    available = [code for code in crops.CROPS if any(r.crop == code and r.region for r in rows)]
    year, crop = _chosen(request, years=regional_years, crops=available)
    regional = [row for row in rows if row.region and row.year == year and row.crop == crop]
    comparison = crops.programme_comparison(request.user, country.iso3, crop) if crop else []
    comparison_chart = (
        line_chart(
            [
                (
                    "inside",
                    _("Inside programme areas"),
                    [(c.year, c.inside_ha) for c in comparison],
                ),
                ("outside", _("Rest of the country"), [(c.year, c.outside_ha) for c in comparison]),
            ],
            title=_("Cultivation inside programme areas and in the rest of the country"),
            unit=_("hectares"),
        )
        if comparison
        else ""
    )
    programmes = selectors.programme_list(request.user, country=country.iso3)
    context = {
        "country": country,
        "national": national,
        "crop_names": crop_names,
        "chart": line_chart(series, title=_("Cultivation and eradication"), unit=_("hectares")),
        "years": regional_years,
        "year": year,
        "regional": [(region_names.get(row.region, row.region), row) for row in regional],
        "crops": [(code, crop_names.get(code, code)) for code in available],
        "crop": crop,
        "comparison": comparison,
        "comparison_chart": comparison_chart,
        "programmes": programmes,
        "has_regions": bool(region_names),
        "may_record": can(
            request.user, "monitoring.programme_keep", DevelopmentProgramme(country=country)
        ),
    }
    return render(request, "monitoring/crops_country.html", context)


def _programme_item(form: ProgrammeForm, country=None) -> services.ProgrammeInput:
    data = form.cleaned_data
    return services.ProgrammeInput(
        country=country,
        **{name: data.get(name) for name in services.programmes.FIELDS},
        regions=data.get("regions") or [],
    )


@login_required
def programme_new(request):
    require_page(request.user, "monitoring.programme_keep")
    if request.user.is_international:
        chooser = ProgrammeCountryForm(request.GET or None)
        country = chooser.cleaned_data["country"] if chooser.is_valid() else None
    else:
        chooser, country = None, request.user.country_id
    regions = list(selectors.country_regions(request.user, country)) if country else []
    form = ProgrammeForm(request.POST or None, regions=regions) if country else None
    if request.method == "POST" and form is None:
        messages.error(request, _("Choose the country first: nothing was recorded."))
        return redirect("monitoring:programme_new")
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            programme = services.programme_create(
                actor=request.user, item=_programme_item(form, country)
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The programme was recorded."))
            return redirect("monitoring:programme", programme_id=programme.pk)
    context = {
        "chooser": chooser,
        "country": country,
        "country_name": core_selectors.country_list(user=request.user)
        .filter(iso3=country or "")
        .first(),
        "has_regions": bool(regions),
        "form": form,
        "programme": None,
    }
    return render(
        request,
        "monitoring/programme.html",
        context,
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def programme(request, programme_id: int):
    require_page(request.user, "monitoring.data_read")
    found = selectors.programme_get(request.user, programme_id)
    may_change = can(request.user, "monitoring.programme_keep", found)
    form = None
    if may_change:
        initial = {name: getattr(found, name) for name in services.programmes.FIELDS}
        initial.update(regions=[r.code for r in found.regions.all()], version=found.version)
        regions = selectors.country_regions(request.user, found.country_id)
        form = ProgrammeForm(request.POST or None, initial=initial, regions=regions)
    if request.method == "POST":
        if form is None:
            require_page(request.user, "monitoring.programme_keep", found)
        if form.is_valid():
            try:
                services.programme_update(
                    actor=request.user,
                    programme=found,
                    item=_programme_item(form),
                    expected_version=form.cleaned_data.get("version"),
                )
            except Conflict as error:
                form.add_error(None, str(error.message))
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The programme was saved."))
                return redirect("monitoring:programme", programme_id=found.pk)
    region_names = [r.label for r in found.regions.all()]
    context = {
        "programme": found,
        "form": form,
        "regions": region_names,
        "country": found.country_id,
    }
    return render(
        request,
        "monitoring/programme.html",
        context,
        status=400 if form is not None and form.errors else 200,
    )
