"""Form D pages: the list (with the year a new draft is generated for), a report's page with
its six sections, steps, submitted versions and exports, the page that completes and
corrects it, and a submitted version as it was."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from drugcontrol.core.errors import Conflict, ServiceError, ValidationFailed
from drugcontrol.core.filters import COUNTRIES, filter_form
from drugcontrol.core.forms import add_service_error
from drugcontrol.core.permissions import can, may_sometimes, require_page
from drugcontrol.precursors import form_d, selectors, services, workflow
from drugcontrol.precursors.filters import AnnualReportFilter
from drugcontrol.precursors.forms import (
    ReportActionChoiceForm,
    ReportEditForm,
    ReportGenerateForm,
    ReportStepForm,
)
from drugcontrol.precursors.forms.annual_reports import SERVICE_NAMES, ReportExportForm
from drugcontrol.precursors.models import AnnualReportStatus
from drugcontrol.precursors.permissions import REPORT_KEEP, REPORT_READ
from drugcontrol.precursors.views.common import countries
from drugcontrol.substances import selectors as substance_selectors

NAV = "annual_reports"
EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
DONE = {
    "regenerate": gettext_lazy("The draft was generated again from the records on file."),
    "submit": gettext_lazy("The report was submitted to the secretariat."),
    "accept": gettext_lazy("The report was accepted."),
    "return": gettext_lazy("The report was returned to the country for correction."),
}


def _reader(request) -> None:
    if not can(request.user, REPORT_READ.name):
        raise Http404


def _generate(request, form):
    if form.is_valid():
        try:
            report = services.annual_report_generate(
                actor=request.user, year=form.cleaned_data["year"]
            )
        except Conflict as error:
            if (error.details or {}).get("id"):
                messages.info(request, str(error.message))
                return redirect("precursors:annual_report", error.details["id"])
            form.add_error(None, str(error.message))
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The draft was generated from the records on file."))
            return redirect("precursors:annual_report", report.pk)
    return None


@login_required
def annual_report_list(request):
    """The reports the reader sees, filtered; an authority's officers generate a draft."""
    _reader(request)
    may_generate = may_sometimes(request.user, REPORT_KEEP.name) and bool(request.user.country_id)
    generate = ReportGenerateForm()
    status = 200
    if request.method == "POST":
        require_page(request.user, REPORT_KEEP.name, request.user.country_id)
        generate = ReportGenerateForm(request.POST)
        done = _generate(request, generate)
        if done is not None:
            return done
        status = 422
    choices = {"status": AnnualReportStatus.choices}
    if request.user.is_international:
        choices["country"] = COUNTRIES  # the searchable list in the reader's language
    form = filter_form(AnnualReportFilter, request.GET, choices=choices)
    if not request.user.is_international:
        del form.fields["country"]
    queryset = selectors.annual_report_list(user=request.user, filters=form.filters())
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": form,
        "query": query.urlencode(),
        "generate": generate,
        "may_generate": may_generate,
        "active_nav": NAV,
    }
    return render(request, "precursors/annual_report_list.html", context, status=status)


def _detail(request, report, *, failed=None, status=200):
    step_form = failed or ReportStepForm(initial={"version": report.version}, auto_id=False)
    context = {
        "report": report,
        "sections": form_d.grouped(form_d.row_values(row) for row in report.rows.all()),
        "actions": selectors.allowed_report_actions(user=request.user, report=report),
        "submissions": selectors.annual_report_submissions(report=report),
        "timeline": selectors.annual_report_timeline(report=report),
        "step": step_form,
        "failed": failed,
        "version_field": ReportStepForm(initial={"version": report.version}, auto_id=False)[
            "version"
        ],
        "active_nav": NAV,
    }
    return render(request, "precursors/annual_report_detail.html", context, status=status)


@login_required
def annual_report_detail(request, report_id: int):
    report = selectors.annual_report_get(user=request.user, report_id=report_id)
    return _detail(request, report)


@require_POST
@login_required
def annual_report_action(request, report_id: int):
    """One step of the report's table (regenerate, submit, accept, return)."""
    report = selectors.annual_report_get(user=request.user, report_id=report_id)
    choice = ReportActionChoiceForm(request.POST)
    form = ReportStepForm(request.POST, auto_id=False)
    if not choice.is_valid():
        form.is_valid()
        for message in choice.errors["action"]:
            form.add_error(None, message)
        return _detail(request, report, failed=form, status=422)
    action = choice.cleaned_data["action"]
    require_page(request.user, workflow.REPORTS.transitions[action].permission, report)
    status = 422
    if form.is_valid():
        fields = {
            "return": {"comment": form.cleaned_data["comment"]},
            "regenerate": {"restore_removed": form.cleaned_data["restore_removed"]},
        }.get(action, {})
        try:
            workflow.REPORTS.perform(
                action,
                actor=request.user,
                record=report,
                expected_version=form.cleaned_data["version"],
                **fields,
            )
        except ServiceError as error:
            add_service_error(form, error)
            status = error.status
        else:
            messages.success(request, str(DONE[action]))
            return redirect("precursors:annual_report", report.pk)
    report = selectors.annual_report_get(user=request.user, report_id=report_id)
    return _detail(request, report, failed=form, status=status)


def _lists(request, report) -> dict:
    """The options of the rows' lists: substances of Table I and II (and any an entry
    names), chemicals of the special surveillance list, countries."""
    listed = substance_selectors.substance_list(user=request.user, instrument="1988")
    substances = {substance.pk: substance.name for substance in listed}
    named = {row.substance_id: row.substance for row in report.rows.all() if row.substance_id}
    for pk, substance in named.items():
        substances.setdefault(pk, substance.name)
    chemicals = [(c.pk, c.name) for c in selectors.surveillance_list(user=request.user)]
    country_list = countries(request.user)
    return {
        "substance": sorted(substances.items(), key=lambda item: str(item[1]).lower()),
        "surveillance_chemical": chemicals,
        "country": country_list,
        "other_country": country_list,
    }


def _show_row_errors(form: ReportEditForm, entries, error: ValidationFailed) -> None:
    """The service's `rows.N.field` messages on the row's field; others above the form."""
    for key, problems in (error.details or {}).items():
        parts = key.split(".")
        if parts[0] == "rows" and len(parts) >= 2 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(entries):
                row_form = entries[index][1]
                name = parts[2] if len(parts) > 2 else None
                name = {v: k for k, v in SERVICE_NAMES.items()}.get(name, name)
                for problem in problems:
                    row_form.add_error(name if name in row_form.fields else None, str(problem))
                continue
        for problem in problems if isinstance(problems, list) else [problems]:
            form.add_error(None, str(problem))
    if not error.details:
        form.add_error(None, str(error.message))
    form.focus()


@login_required
def annual_report_edit(request, report_id: int):
    """Complete or correct a draft or a returned report: every section's entries."""
    report = selectors.annual_report_get(user=request.user, report_id=report_id)
    require_page(request.user, REPORT_KEEP.name, report)
    if "edit" not in selectors.allowed_report_actions(user=request.user, report=report):
        raise Http404  # submitted or accepted: no longer changed here
    lists = _lists(request, report)
    status = 200
    if request.method == "POST":
        form = ReportEditForm(request.POST, report=report, lists=lists)
        status = 422
        if form.is_valid():
            entries = form.entries()
            try:
                rows = services.validate_report_rows([raw for raw, _form in entries])
                services.annual_report_update(
                    actor=request.user,
                    report=report,
                    rows=rows,
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationFailed as error:
                _show_row_errors(form, entries, error)
            except ServiceError as error:
                add_service_error(form, error)
                status = error.status
            else:
                messages.success(request, _("The report was saved."))
                return redirect("precursors:annual_report", report.pk)
    else:
        form = ReportEditForm(report=report, lists=lists, initial={"version": report.version})
    context = {"report": report, "form": form, "active_nav": NAV}
    return render(request, "precursors/annual_report_edit.html", context, status=status)


@login_required
def annual_report_export(request, report_id: int):
    """The report (or a submitted `version`) as XLSX or CSV (`format`)."""
    report = selectors.annual_report_get(user=request.user, report_id=report_id)
    form = ReportExportForm(request.GET)
    if not form.is_valid():
        raise Http404
    kind = form.cleaned_data["format"] or "xlsx"
    version = form.cleaned_data["version"]
    name, content = selectors.annual_report_export(report=report, kind=kind, version=version)
    response = HttpResponse(content, content_type=EXPORT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def annual_report_version(request, report_id: int, number: int):
    """A submitted version as it was submitted, with the decision on it."""
    report = selectors.annual_report_get(user=request.user, report_id=report_id)
    submission = selectors.annual_report_submission(report=report, number=number)
    context = {
        "report": report,
        "submission": submission,
        "sections": form_d.grouped(submission.rows),
        "active_nav": NAV,
    }
    return render(request, "precursors/annual_report_version.html", context)
