"""Pages of identification reports: the list (the reader's own organisation's first), the
report form, and a report with what the identification engine answered."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from drugcontrol.core.errors import ServiceError
from drugcontrol.core.filters import COUNTRIES, filter_form
from drugcontrol.core.forms import add_service_error
from drugcontrol.core.permissions import require_page
from drugcontrol.incidents import selectors as incident_selectors
from drugcontrol.nps import selectors, services
from drugcontrol.nps.forms import ReportForm
from drugcontrol.nps.report_choices import Classification, SampleForm
from drugcontrol.nps.report_filters import ReportFilter
from drugcontrol.substances.presentation import (
    display_name,
    drawing,
    explain,
    families_by_code,
    family_label,
    verdict,
)

ACTIVE = {"active_nav": "nps"}


def family_choices() -> list[tuple[str, str]]:
    return [(code, family_label(code)) for code in families_by_code()]


@login_required
def report_list(request):
    form = filter_form(
        ReportFilter,
        request.GET,
        choices={
            "classification": Classification.choices,
            "country": COUNTRIES,
            "family": family_choices(),
            "form": SampleForm.choices,
            "substance_id": [
                (entry.substance_id, entry.substance.name)
                for entry in selectors.register_list(user=request.user)
            ],
        },
    )
    queryset = selectors.report_list(user=request.user, filters=form.filters())
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "own": selectors.own_report_list(user=request.user) if not request.GET else [],
        "page": Paginator(queryset, 50).get_page(request.GET.get("page")),
        "query": query.urlencode(),
        "form": form,
        "section": "reports",
        **ACTIVE,
    }
    return render(request, "nps/report_list.html", context)


@login_required
def report_create(request):
    require_page(request.user, "nps.report_submit")
    incidents = list(
        incident_selectors.incident_list(user=request.user).prefetch_related(None)[:200]
    )
    form = ReportForm(request.POST or None, incidents=incidents)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_submit(actor=request.user, raw=form.raw())
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Report %(reference)s was stored: %(classification)s.")
                % {
                    "reference": report.reference,
                    "classification": report.get_classification_display(),
                },
            )
            return redirect("nps:report", report.pk)
    context = {"form": form, "section": "report_create", **ACTIVE}
    return render(request, "nps/report_form.html", context, status=422 if form.errors else 200)


def report_verdict(report) -> dict:
    """The identify page's headline for what the engine answered on submission (red, amber
    for possibly controlled or for an analogue of a controlled substance, green)."""
    result = {
        "status": report.status,
        "families": report.families,
        "analogues": report.analogues,
        "matches": report.matches,
    }
    return verdict(result, [])


@login_required
def report_detail(request, report_id: int):
    report = selectors.report_get(user=request.user, report_id=report_id)
    report = selectors.with_shown_incidents(user=request.user, reports=[report])[0]
    highlight = [
        pattern
        for code in report.families
        if code in families_by_code()
        for pattern in families_by_code()[code].patterns
    ]
    for analogue in report.analogues:
        analogue["display_name"] = display_name(analogue)
        analogue["family_label"] = (
            family_label(analogue["family"]) if analogue.get("family") else ""
        )
    context = {
        "report": report,
        "verdict": report_verdict(report),
        "drawing": drawing(report.parent_smiles, highlight=highlight)
        if report.parent_smiles
        else "",
        "reasons": [explain(match) for match in report.matches],
        "families": [(code, family_label(code)) for code in report.families],
        "purity_label": _("Purity (%)"),
        "techniques": [label for value, label in _technique_labels() if value in report.techniques],
        "in_register": selectors.registered(report.substance_id)
        and report.classification in ("known_nps", "new_substance"),
        "section": "reports",
        **ACTIVE,
    }
    return render(request, "nps/report_detail.html", context)


def _technique_labels():
    from drugcontrol.nps.report_choices import Technique

    return Technique.choices
