"""Pages of the NPS register: the list and one substance (its structure, family, effect
group, first reports, reporting countries and the toxicology cases the reader may see)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from drugcontrol.core import selectors as core_selectors
from drugcontrol.core.errors import ServiceError
from drugcontrol.core.filters import filter_form
from drugcontrol.core.forms import add_service_error
from drugcontrol.core.permissions import require_page
from drugcontrol.nps import selectors, services
from drugcontrol.nps.forms import EffectGroupForm
from drugcontrol.nps.report_choices import EffectGroup
from drugcontrol.nps.report_filters import RegisterFilter
from drugcontrol.nps.views.reports import ACTIVE, family_choices
from drugcontrol.substances.presentation import drawing, family_label


def _country_names(user, codes) -> dict:
    return {
        country.iso3: country.name
        for country in core_selectors.country_list(user=user).filter(iso3__in=list(codes))
    }


@login_required
def register_list(request):
    form = filter_form(
        RegisterFilter,
        request.GET,
        choices={"effect_group": EffectGroup.choices, "family": family_choices()},
    )
    queryset = selectors.register_list(user=request.user, filters=form.filters())
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    entries = selectors.with_aggregates(page.object_list)
    for entry in entries:
        entry.family_label = family_label(entry.family) if entry.family else ""
        entry.drawing = drawing(entry.substance.smiles, width=160, height=110)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "entries": entries,
        "form": form,
        "query": query.urlencode(),
        "section": "register",
        **ACTIVE,
    }
    return render(request, "nps/register_list.html", context)


@login_required
def register_detail(request, substance_id: int):
    entry = selectors.register_get(user=request.user, substance_id=substance_id)
    form = EffectGroupForm(initial={"version": entry.version, "effect_group": entry.effect_group})
    if request.method == "POST":
        require_page(request.user, "nps.register_keep")
        form = EffectGroupForm(request.POST)
        if form.is_valid():
            try:
                services.register_effect_group_set(
                    actor=request.user,
                    entry=entry,
                    effect_group=form.cleaned_data["effect_group"],
                    expected_version=form.cleaned_data["version"],
                )
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The effect group was saved."))
                return redirect("nps:substance", substance_id)
    entry = selectors.with_aggregates([entry])[0]
    names = _country_names(request.user, entry.reporting_countries)
    substance = entry.substance
    cases = selectors.register_case_counts(user=request.user, substance=substance)
    context = {
        "entry": entry,
        "substance": substance,
        "drawing": drawing(substance.smiles, width=360, height=260),
        "families": [(code, family_label(code)) for code in substance.families],
        "family_label": family_label(entry.family) if entry.family else "",
        "countries": [
            (names.get(code, code), month) for code, month in entry.reporting_countries.items()
        ],
        "cases": cases,
        "case_family_label": family_label(cases["family"]) if cases["family"] else "",
        "reports": selectors.visible_reports_of(user=request.user, substance_id=substance.pk),
        "form": form,
        "section": "register",
        **ACTIVE,
    }
    return render(request, "nps/register_detail.html", context, status=422 if form.errors else 200)
