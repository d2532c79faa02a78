"""Pages of toxicology cases: the list, the form (a case and up to four substances found)
and one case."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from drugcontrol.core.errors import ServiceError
from drugcontrol.core.filters import COUNTRIES, filter_form
from drugcontrol.core.forms import add_service_error
from drugcontrol.core.permissions import require_page
from drugcontrol.nps import selectors, services
from drugcontrol.nps.forms import CaseForm, finding_forms, findings_raw
from drugcontrol.nps.report_choices import CaseKind, Outcome
from drugcontrol.nps.report_filters import CaseFilter
from drugcontrol.nps.views.reports import ACTIVE

_ROW_ERROR = re.compile(r"findings\.(\d+)\.(\w+)")


@login_required
def case_list(request):
    form = filter_form(
        CaseFilter,
        request.GET,
        choices={
            "kind": CaseKind.choices,
            "outcome": Outcome.choices,
            "country": COUNTRIES,
            "substance_id": [
                (entry.substance_id, entry.substance.name)
                for entry in selectors.register_list(user=request.user)
            ],
        },
    )
    queryset = selectors.case_list(user=request.user, filters=form.filters())
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": Paginator(queryset, 50).get_page(request.GET.get("page")),
        "form": form,
        "query": query.urlencode(),
        "section": "cases",
        **ACTIVE,
    }
    return render(request, "nps/case_list.html", context)


def _show_row_errors(error: ServiceError, form, rows, filled: list[int]) -> None:
    """A service's `findings.N.field` errors on the row the reader filled in as the N-th."""
    rest = {}
    for where, problems in (error.details or {}).items():
        match = _ROW_ERROR.fullmatch(where)
        if match and int(match.group(1)) < len(filled):
            row = rows[filled[int(match.group(1))]]
            name = match.group(2)
            for problem in problems:
                row.add_error(name if name in row.fields else None, str(problem))
        else:
            rest[where] = problems
    if rest or not error.details:
        add_service_error(form, type(error)(rest) if rest else error)


@login_required
def case_create(request):
    require_page(request.user, "nps.case_report")
    form = CaseForm(request.POST or None)
    rows = finding_forms(request.POST or None)
    if request.method == "POST" and form.is_valid() and all(row.is_valid() for row in rows):
        filled = [
            index
            for index, row in enumerate(rows)
            if any(
                row.cleaned_data.get(k) for k in ("substance", "concentration", "unit", "matrix")
            )
        ]
        raw = {**form.cleaned_data, "findings": findings_raw(rows)}
        try:
            case = services.case_report(actor=request.user, raw=raw)
        except ServiceError as error:
            _show_row_errors(error, form, rows, filled)
        else:
            messages.success(
                request, _("Case %(reference)s was stored.") % {"reference": case.reference}
            )
            return redirect("nps:case", case.pk)
    failed = bool(form.errors) or any(row.errors for row in rows)
    context = {"form": form, "rows": rows, "section": "case_create", **ACTIVE}
    return render(request, "nps/case_form.html", context, status=422 if failed else 200)


@login_required
def case_detail(request, case_id: int):
    case = selectors.case_get(user=request.user, case_id=case_id)
    context = {"case": case, "section": "cases", **ACTIVE}
    return render(request, "nps/case_detail.html", context)
