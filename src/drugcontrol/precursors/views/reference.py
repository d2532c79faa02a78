"""Pages of reference figures: response statistics, invocations of article 12(10) with
reply terms, annual legitimate requirements and the special surveillance list."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drugcontrol.core import imports as core_imports
from drugcontrol.core import selectors as core_selectors
from drugcontrol.core.bounds import form_int
from drugcontrol.core.charts import bar_chart
from drugcontrol.core.countries import country_or_error
from drugcontrol.core.errors import ServiceError, ValidationFailed
from drugcontrol.core.filters import filter_form
from drugcontrol.core.permissions import can, require_page
from drugcontrol.precursors import imports, selectors, services
from drugcontrol.precursors.filters import StatisticsFilter
from drugcontrol.precursors.forms import (
    InvocationForm,
    InvocationRemoveForm,
    PageFormChoice,
    PolicyForm,
    RequirementSetForm,
    SurveillanceUploadForm,
    UploadForm,
)
from drugcontrol.substances.selectors import find_by_name

REQUIREMENTS_KIND = "precursors.requirements"
SURVEILLANCE_KIND = "substances.surveillance"


# --- statistics -------------------------------------------------------------------------------

STATISTICS_KINDS = [
    ("scheduled", gettext_lazy("Pre-export notifications (article 12(10))")),
    ("light", gettext_lazy("Voluntary notifications (PEN Light)")),
    ("all", gettext_lazy("Both")),
]


@login_required
def statistics(request):
    if not selectors.is_reader(request.user):
        raise Http404
    form = filter_form(StatisticsFilter, request.GET, choices={"kind": STATISTICS_KINDS})
    filters = form.filters()
    since, until = filters.period()
    rows = selectors.response_statistics(
        user=request.user,
        since=since,
        until=until,
        importing_country=filters.country,
        kind=filters.notification_kind(),
    )
    if request.GET.get("format") == "csv" and not form.errors:
        return _statistics_csv(rows, since, until)
    names = {
        c.iso3: c.name
        for c in core_selectors.country_list(user=request.user).filter(
            iso3__in=[r["country"] for r in rows]
        )
    }
    for row in rows:
        row["name"] = names.get(row["country"], row["country"])
    busiest = rows[:20]
    context = {
        "rows": rows,
        "since": since,
        "until": until,
        "country": filters.country or "",
        "form": form,
        "answered_chart": bar_chart(
            [(r["country"], r["answered_share"] * 100) for r in busiest],
            unit="%",
            maximum=100,
            title=_("Share answered, the 20 countries receiving most notifications"),
        ),
        "median_chart": bar_chart(
            [(r["country"], r["median_days"] or 0) for r in busiest],
            unit=_("days"),
            title=_("Median days to answer"),
        ),
        "totals": {
            "received": sum(r["received"] for r in rows),
            "answered": sum(r["answered"] for r in rows),
            "overdue": sum(r["overdue"] for r in rows),
            "objected": sum(r["objected"] for r in rows),
        },
        "active_nav": "precursors",
    }
    return render(request, "precursors/statistics.html", context)


def _statistics_csv(rows, since, until) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="notification-responses-{since}-{until}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            "importing_country",
            "received",
            "answered",
            "answered_share",
            "median_days_to_answer",
            "objected",
            "objected_share",
            "answered_late",
            "overdue",
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row["country"],
                row["received"],
                row["answered"],
                f"{row['answered_share']:.3f}",
                "" if row["median_days"] is None else row["median_days"],
                row["objected"],
                f"{row['objected_share']:.3f}",
                row["answered_late"],
                row["overdue"],
            ]
        )
    return response


# --- reference: invocations, requirements, surveillance list ----------------------------------


# --- invocations and reply terms --------------------------------------------------------------


def _country(form, user):
    """The country a reference form is about: the one chosen, else the user's own."""
    chosen = form.cleaned_data.get("country")
    code = chosen if isinstance(chosen, str) else getattr(chosen, "iso3", "")
    return country_or_error(code or user.country_id, "country")


def _invocation_add(form, user):
    country = _country(form, user)
    require_page(user, "precursors.invocation_record")
    text = form.cleaned_data["substance"].strip()
    substance = find_by_name(text) if text else None
    if text and substance is None:
        raise ValidationFailed({"substance": [_("Unknown substance.")]})
    services.invocation_add(
        actor=user,
        country=country,
        scope=form.cleaned_data["scope"],
        substance=substance,
        since=form.cleaned_data["since"] or timezone.localdate(),
        requested_on=form.cleaned_data["requested_on"],
        notes=form.cleaned_data["notes"],
    )


def _policy_set(form, user):
    country = _country(form, user)
    require_page(user, "precursors.reference_keep", country.iso3)
    services.policy_set(
        actor=user,
        country=country,
        reply_days=form.cleaned_data["reply_days"],
        explicit_clearance=form.cleaned_data["explicit_clearance"],
        import_permit_required=form.cleaned_data["import_permit_required"],
        silence_allows_shipment=form.cleaned_data["silence_allows_shipment"],
        law_enforcement_reads=form.cleaned_data["law_enforcement_reads"],
    )


def _invocation_remove(form, user):
    _country(form, user)
    invocation = selectors.invocation_list(user=user).filter(pk=form.cleaned_data["id"]).first()
    if invocation is None:
        raise Http404
    require_page(user, "precursors.invocation_record")
    services.invocation_remove(actor=user, invocation=invocation)


# The page's forms, by the value of their hidden `form` field (none: adding an invocation).
INVOCATION_FORMS = {
    "": (InvocationForm, _invocation_add),
    "policy": (PolicyForm, _policy_set),
    "remove": (InvocationRemoveForm, _invocation_remove),
}


@login_required
def invocations(request):
    may_edit = can(request.user, "precursors.reference_keep", request.user.country_id)
    bound = {}
    if request.method == "POST":
        choice = PageFormChoice(request.POST)
        name = choice.cleaned_data["form"] if choice.is_valid() else ""
        form_class, save = INVOCATION_FORMS.get(name, INVOCATION_FORMS[""])
        form = form_class(request.POST, user=request.user)
        bound = {name if name in INVOCATION_FORMS else "": form}
        if form.is_valid():
            try:
                save(form, request.user)
            except ServiceError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Saved."))
                return redirect("precursors:invocations")
    forms = {
        "invocation": bound.get("") or InvocationForm(user=request.user),
        "policy": bound.get("policy")
        or PolicyForm(initial={"reply_days": services.DEFAULT_REPLY_DAYS}, user=request.user),
        "remove": bound.get("remove"),
    }
    country = request.GET.get("country") or None
    context = {
        "invocations": selectors.invocation_list(user=request.user, country=country),
        "policies": selectors.policy_list(user=request.user),
        "forms": forms,
        "failed": next(iter(bound.values()), None),
        "params": request.GET,
        "default_reply_days": services.DEFAULT_REPLY_DAYS,
        "may_edit": may_edit,
        "may_record": can(request.user, "precursors.invocation_record"),
        "active_nav": "precursors",
    }
    failed = any(form.errors for form in bound.values())
    return render(request, "precursors/invocations.html", context, status=422 if failed else 200)


# --- legitimate requirements ------------------------------------------------------------------


@login_required
def requirements(request):
    form, upload, report = RequirementSetForm(user=request.user), UploadForm(), None
    if request.method == "POST" and "file" in request.FILES:
        upload = UploadForm(request.POST, request.FILES)
        require_page(request.user, "precursors.reference_keep", request.user.country_id)
        if upload.is_valid():
            try:
                result = core_imports.import_now(
                    actor=request.user, kind=REQUIREMENTS_KIND, upload=upload.cleaned_data["file"]
                )
            except ServiceError as error:
                report = {k: v for k, v in error.details.items() if isinstance(v, dict)}
                upload.add_service_error(error)
            else:
                messages.success(request, imports.requirements_summary(result))
                return redirect("precursors:requirements")
    elif request.method == "POST":
        form = RequirementSetForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                country = _country(form, request.user)
                require_page(request.user, "precursors.reference_keep", country.iso3)
                substance = find_by_name(form.cleaned_data["substance"])
                if substance is None:
                    raise ValidationFailed({"substance": [_("Unknown substance.")]})
                services.requirement_set(
                    actor=request.user,
                    country=country,
                    substance=substance,
                    form=form.cleaned_data["form"],
                    year=form.cleaned_data["year"],
                    quantity_kg=form.cleaned_data["quantity_kg"],
                )
            except ServiceError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Saved."))
                return redirect("precursors:requirements")
    params = request.GET
    substance = find_by_name(params["substance"]) if params.get("substance") else None
    queryset = selectors.requirement_list(
        user=request.user,
        country=params.get("country") or None,
        substance_id=substance.pk if substance else None,
        year=form_int(params, "year"),
    )
    query = params.copy()
    query.pop("page", None)
    context = {
        "page": Paginator(queryset, 50).get_page(params.get("page")),
        "query": query.urlencode(),
        "params": params,
        "form": form,
        "upload": upload,
        "report": report,
        "columns": imports.REQUIREMENT_COLUMNS,
        "rules": core_imports.import_rules(REQUIREMENTS_KIND),
        "may_edit": can(request.user, "precursors.reference_keep", request.user.country_id),
        "active_nav": "precursors",
    }
    failed = form.errors or upload.errors
    return render(request, "precursors/requirements.html", context, status=422 if failed else 200)


@login_required
def requirement_detail(request, requirement_id: int):
    """One requirement with every figure it has had."""
    requirement = selectors.requirement_get(user=request.user, requirement_id=requirement_id)
    return render(
        request,
        "precursors/requirement_detail.html",
        {"requirement": requirement, "active_nav": "precursors"},
    )


# --- the special surveillance list ------------------------------------------------------------


@login_required
def surveillance(request):
    if not selectors.surveillance_readable(request.user):
        raise Http404
    form, report = SurveillanceUploadForm(), None
    if request.method == "POST":
        require_page(request.user, "substances.surveillance_load")
        form = SurveillanceUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = core_imports.import_now(
                    actor=request.user,
                    kind=SURVEILLANCE_KIND,
                    upload=form.cleaned_data["file"],
                    edition=form.cleaned_data["edition"],
                )
            except ServiceError as error:
                report = {k: v for k, v in error.details.items() if isinstance(v, dict)}
                form.add_service_error(error)
            else:
                messages.success(request, services.surveillance_summary(result))
                return redirect("precursors:surveillance")
    context = {
        "chemicals": selectors.surveillance_list(user=request.user),
        "form": form,
        "report": report,
        "columns": services.SURVEILLANCE_COLUMNS,
        "rules": core_imports.import_rules(SURVEILLANCE_KIND),
        "active_nav": "precursors",
    }
    status = 422 if form.errors else 200
    return render(request, "precursors/surveillance.html", context, status=status)
