"""Pages of the emergence signals: the list (with its filter), one signal with its evidence
as its reader may know it and the reports behind it the reader may open, and the
secretariat's thresholds of the spread rule."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from drugcontrol.core.errors import ServiceError
from drugcontrol.core.filters import COUNTRIES, filter_form
from drugcontrol.core.forms import add_service_error
from drugcontrol.core.permissions import can, require_page
from drugcontrol.nps import selectors_signals as selectors
from drugcontrol.nps import services
from drugcontrol.nps.forms import SignalSettingsForm
from drugcontrol.nps.selectors import register_list
from drugcontrol.nps.signal_choices import (
    FAMILY_BASELINE_PERIODS,
    FAMILY_MIN_REPORTS,
    FAMILY_RATIO,
    FAMILY_WINDOW_MONTHS,
    NEW_FORM_MONTHS,
    NEW_SUBSTANCE_DAYS,
    SignalKind,
)
from drugcontrol.nps.signal_filters import SignalFilter
from drugcontrol.nps.views.reports import ACTIVE, family_choices
from drugcontrol.substances.presentation import family_label


def signal_filter_form(request):
    return filter_form(
        SignalFilter,
        request.GET,
        choices={
            "kind": SignalKind.choices,
            "country": COUNTRIES,
            "family": family_choices(),
            "substance_id": [
                (entry.substance_id, entry.substance.name)
                for entry in register_list(user=request.user)
            ],
        },
    )


@login_required
def signal_list(request):
    require_page(request.user, "nps.signal_read")
    form = signal_filter_form(request)
    queryset = selectors.signal_list(user=request.user, filters=form.filters())
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "signals": selectors.with_evidence(user=request.user, signals=page.object_list),
        "form": form,
        "query": query.urlencode(),
        "section": "signals",
        **ACTIVE,
    }
    return render(request, "nps/signal_list.html", context)


@login_required
def signal_detail(request, signal_id: int):
    signal = selectors.signal_get(user=request.user, signal_id=signal_id)
    signal = selectors.with_evidence(user=request.user, signals=[signal])[0]
    context = {
        "signal": signal,
        "family_label": family_label(signal.family) if signal.family else "",
        "substance_in_register": selectors.in_register(signal.substance_id),
        "reports": selectors.signal_reports(user=request.user, signal=signal),
        "section": "signals",
        **ACTIVE,
    }
    return render(request, "nps/signal_detail.html", context)


@login_required
def signal_settings(request):
    """The rules and their thresholds for every reader of signals; the secretariat's form."""
    require_page(request.user, "nps.signal_read")
    current = selectors.settings_read()
    may_keep = can(request.user, "nps.signal_keep")
    form = SignalSettingsForm(
        initial={
            "version": current.version,
            "spread_countries": current.spread_countries,
            "spread_months": current.spread_months,
        }
    )
    if request.method == "POST":
        require_page(request.user, "nps.signal_keep")
        form = SignalSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.signal_settings_set(
                    actor=request.user,
                    spread_countries=form.cleaned_data["spread_countries"],
                    spread_months=form.cleaned_data["spread_months"],
                    expected_version=form.cleaned_data["version"],
                )
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The thresholds were saved."))
                return redirect("nps:signal_settings")
    context = {
        "current": current,
        "form": form if may_keep else None,
        "rules": {
            "new_substance_days": NEW_SUBSTANCE_DAYS,
            "family_window": FAMILY_WINDOW_MONTHS,
            "family_minimum": FAMILY_MIN_REPORTS,
            "family_ratio": FAMILY_RATIO,
            "family_periods": FAMILY_BASELINE_PERIODS,
            "new_form_months": NEW_FORM_MONTHS,
        },
        "section": "signal_settings",
        **ACTIVE,
    }
    return render(request, "nps/signal_settings.html", context, status=422 if form.errors else 200)
