"""The exchange pages: a data set's template (CSV or XLSX, one row per cell, the current
values filled in where the reader may read them), the values the reader may read as SDMX
(SDMX-CSV, SDMX-ML 2.1) with the data structure definition, and the upload of a filled
template or SDMX-CSV file, imported in the background (core.import_views)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.forms import CountryField, Form, add_service_error
from drugcontrol.core.import_views import import_job_page, import_upload_page
from drugcontrol.core.permissions import may_sometimes, require_page
from drugcontrol.monitoring import exchange, selectors
from drugcontrol.monitoring.exchange import sdmx_data
from drugcontrol.monitoring.exchange.cells import definitions, template_cells
from drugcontrol.monitoring.forms import year_choices
from drugcontrol.monitoring.imports import IMPORT_KIND, MAX_ROWS

NAV = "monitoring"
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "sdmx-csv": ("application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8", "csv"),
    "sdmx-ml": ("application/vnd.sdmx.structurespecificdata+xml; version=2.1", "xml"),
    "structure": ("application/vnd.sdmx.structure+xml; version=2.1", "xml"),
}


class TemplateForm(Form):
    dataset = forms.ChoiceField(label=_("Data set"))
    country = CountryField(required=False, label=_("Country"))
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    format = forms.ChoiceField(
        label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")], initial="csv"
    )

    def __init__(self, *args, datasets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [(d.code, d.name) for d in datasets]
        self.fields["year"].choices = year_choices()
        self.fields["year"].initial = timezone.localdate().year - 1


class SdmxForm(Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("sdmx-csv", _("SDMX-CSV")),
            ("sdmx-ml", _("SDMX-ML 2.1 (structure-specific data)")),
            ("structure", _("Data structure definition (SDMX-ML 2.1)")),
        ],
    )
    dataset = forms.ChoiceField(label=_("Data set"), required=False)
    country = CountryField(required=False, label=_("Country"))
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, datasets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [("", "—"), *((d.code, d.name) for d in datasets)]
        self.fields["year"].choices = [("", "—"), *year_choices()]


def _file(content: bytes, format: str, stem: str) -> HttpResponse:
    media_type, suffix = FORMATS[format]
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{suffix}"'
    return response


@login_required
def exchange_page(request):
    """The downloads (a template, SDMX) and, for the country's data providers, the upload."""
    require_page(request.user, "monitoring.data_read")
    datasets = list(selectors.dataset_list(request.user))
    context = {
        "template_form": TemplateForm(datasets=datasets),
        "sdmx_form": SdmxForm(datasets=datasets),
        "may_import": may_sometimes(request.user, "monitoring.data_enter"),
        "active_nav": NAV,
    }
    return render(request, "monitoring/exchange.html", context)


def _bad_form(request, form, datasets) -> HttpResponse:
    context = {
        "template_form": form
        if isinstance(form, TemplateForm)
        else TemplateForm(datasets=datasets),
        "sdmx_form": form if isinstance(form, SdmxForm) else SdmxForm(datasets=datasets),
        "may_import": may_sometimes(request.user, "monitoring.data_enter"),
        "active_nav": NAV,
    }
    return render(request, "monitoring/exchange.html", context, status=422)


@login_required
def exchange_template(request):
    """A data set's template, one row per cell, with the values the reader may read."""
    require_page(request.user, "monitoring.data_read")
    datasets = list(selectors.dataset_list(request.user))
    form = TemplateForm(request.GET, datasets=datasets)
    if not form.is_valid():
        return _bad_form(request, form, datasets)
    data = form.cleaned_data
    defs = definitions()
    cells = template_cells(
        request.user, defs, dataset=data["dataset"], country=data["country"], year=data["year"]
    )
    categories = defs.dataset_categories(data["dataset"])
    write = exchange.plain_csv if data["format"] == "csv" else exchange.plain_xlsx
    stem = "-".join(
        str(part) for part in ("monitoring", data["dataset"], data["country"], data["year"]) if part
    )
    try:
        content = write(cells, defs, categories)
    except ValidationFailed as error:  # too many rows for a workbook: CSV or a narrower one
        add_service_error(form, error)
        return _bad_form(request, form, datasets)
    return _file(content, data["format"], stem)


@login_required
def exchange_sdmx(request):
    """The values the reader may read as SDMX, or the data structure definition."""
    require_page(request.user, "monitoring.data_read")
    datasets = list(selectors.dataset_list(request.user))
    form = SdmxForm(request.GET, datasets=datasets)
    if not form.is_valid():
        return _bad_form(request, form, datasets)
    data = form.cleaned_data
    structure = exchange.structure(definitions())
    if data["format"] == "structure":
        return _file(sdmx_data.structure_ml(structure), "structure", "monitoring-dsd")
    cells = exchange.export_cells(
        request.user,
        country=data["country"] or None,
        year=data["year"],
        dataset=data["dataset"] or None,
    )
    write = sdmx_data.sdmx_csv if data["format"] == "sdmx-csv" else sdmx_data.sdmx_ml
    return _file(write(structure, cells), data["format"], "monitoring-sdmx")


@login_required
def exchange_import(request):
    """Upload a filled template or an SDMX-CSV file: imported in the background."""
    return import_upload_page(
        request,
        kind=IMPORT_KIND,
        template="monitoring/exchange_import.html",
        permission="monitoring.data_enter",
        nav=NAV,
        job_url="monitoring:exchange_import_job",
        context={"max_rows": MAX_ROWS},
    )


@login_required
def exchange_import_job(request, job_id: int):
    return import_job_page(
        request,
        job_id=job_id,
        kind=IMPORT_KIND,
        template="monitoring/exchange_import_job.html",
        nav=NAV,
    )
