"""Pages of reference figures: response statistics, invocations of article 12(10) with
reply terms, annual legitimate requirements and the special surveillance list."""

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drugcontrol.core import imports as core_imports
from drugcontrol.core import selectors as core_selectors
from drugcontrol.core.charts import bar_chart
from drugcontrol.core.countries import country_by_code, country_or_error
from drugcontrol.core.errors import ServiceError, ValidationFailed
from drugcontrol.core.filters import COUNTRIES, filter_form
from drugcontrol.core.permissions import can, require_page
from drugcontrol.precursors import imports, selectors, services
from drugcontrol.precursors.filters import StatisticsFilter
from drugcontrol.precursors.forms import (
    InvocationFilterForm,
    InvocationForm,
    InvocationRemoveForm,
    PageFormChoice,
    PolicyForm,
    RequirementFilterForm,
    RequirementSetForm,
    SurveillanceUploadForm,
    TermsCountryForm,
    UploadForm,
    policy_initial,
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
    form = filter_form(
        StatisticsFilter, request.GET, choices={"kind": STATISTICS_KINDS, "country": COUNTRIES}
    )
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
            [(r["name"], r["answered_share"] * 100) for r in busiest],
            unit="%",
            maximum=100,
            title=_("Share answered, the 20 countries receiving most notifications"),
        ),
        "median_chart": bar_chart(
            [(r["name"], r["median_days"] or 0) for r in busiest],
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
    """Save what the reader changed of the terms the page showed, checking the version
    read; the page then shows that country's terms again."""
    country = _country(form, user)
    require_page(user, "precursors.reference_keep", country.iso3)
    changes = form.changes()
    if changes:
        services.policy_set(
            actor=user,
            country=country,
            expected_version=form.cleaned_data["version"],
            **changes,
        )
    return {"terms": country.iso3}, (_("Saved.") if changes else _("Nothing was changed."))


def _invocation_remove(form, user):
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


def _terms_country(request, chooser: TermsCountryForm | None) -> str:
    """The country whose terms the policy form shows: an authority's own; the one the
    secretariat chose (none: the form waits for a choice)."""
    if chooser is None:
        return request.user.country_id or ""
    return chooser.cleaned_data["terms"] if chooser.is_valid() else ""


@login_required
def invocations(request):
    may_edit = can(request.user, "precursors.reference_keep", request.user.country_id)
    chooser = TermsCountryForm(request.GET or None) if request.user.is_international else None
    bound = {}
    status = 200
    if request.method == "POST":
        choice = PageFormChoice(request.POST)
        name = choice.cleaned_data["form"] if choice.is_valid() else ""
        form_class, save = INVOCATION_FORMS.get(name, INVOCATION_FORMS[""])
        form = form_class(request.POST, user=request.user)
        bound = {name if name in INVOCATION_FORMS else "": form}
        status = 422
        if form.is_valid():
            try:
                saved = save(form, request.user)
            except ServiceError as error:
                form.add_service_error(error)
                status = error.status  # 409: the terms were changed since they were read
            else:
                query, message = saved or ({}, _("Saved."))
                messages.success(request, message)
                target = reverse("precursors:invocations")
                return redirect(f"{target}?{urlencode(query)}" if query else target)
    terms = _terms_country(request, chooser)
    policy_form = bound.get("policy")
    if policy_form is None and may_edit and terms:
        policy_form = PolicyForm(
            initial=policy_initial(selectors.country_terms(terms)), user=request.user
        )
    forms = {
        "invocation": bound.get("") or InvocationForm(user=request.user),
        "policy": policy_form,
        "remove": bound.get("remove"),
    }
    filters = InvocationFilterForm(request.GET)
    country = filters.cleaned_data["country"] if filters.is_valid() else None
    context = {
        "filters": filters,
        "invocations": selectors.invocation_list(user=request.user, country=country or None),
        "policies": selectors.policy_list(user=request.user),
        "forms": forms,
        "chooser": chooser,
        "terms_country": country_by_code(policy_form["country"].value() or terms)
        if policy_form
        else None,
        "failed": next(iter(bound.values()), None),
        "default_reply_days": services.DEFAULT_REPLY_DAYS,
        "may_edit": may_edit,
        "may_record": can(request.user, "precursors.invocation_record"),
        "active_nav": "precursors",
    }
    return render(request, "precursors/invocations.html", context, status=status)


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
    filters = RequirementFilterForm(params)
    asked = filters.cleaned_data if filters.is_valid() else {}
    text = (asked.get("substance") or "").strip()
    substance = find_by_name(text) if text else None
    if text and substance is None:
        filters.add_error("substance", _("Unknown substance: %(name)s.") % {"name": text[:100]})
    queryset = selectors.requirement_list(
        user=request.user,
        country=asked.get("country") or None,
        substance_id=substance.pk if substance else None,
        year=asked.get("year"),
    )
    if filters.errors:
        queryset = queryset.none()  # a filter that cannot be read lists nothing, says why
    query = params.copy()
    query.pop("page", None)
    context = {
        "page": Paginator(queryset, 50).get_page(params.get("page")),
        "query": query.urlencode(),
        "filters": filters,
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
