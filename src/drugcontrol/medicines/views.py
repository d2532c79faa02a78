"""The medicines pages for daily work: the authority's queue (authorizations awaiting the
export decision, shipments to endorse; for the secretariat, estimates to confirm), an
import authorization issued on its form, and an authorization's page where the exporting
authority sees the importing country's balance before deciding, and the importing one
endorses what arrived."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from drugcontrol.core.errors import ServiceError
from drugcontrol.core.forms import add_service_error
from drugcontrol.core.permissions import can, require_page
from drugcontrol.medicines import conversion, selectors, services
from drugcontrol.medicines.forms import (
    ConfirmForm,
    EndorseForm,
    EstimateForm,
    ExportAuthorizationForm,
    ImportAuthorizationForm,
    SupplementForm,
)
from drugcontrol.medicines.models import EstimateStatus
from drugcontrol.medicines.views_availability import error_text, nav_context


@login_required
def home(request):
    require_page(request.user, "medicines.estimates_read")
    user = request.user
    authority = can(user, "medicines.authorizations_read")
    context = {
        "queue": selectors.home_queue(user) or {},
        "authority": authority,
        "estimates": list(
            selectors.estimate_list(user, year=selectors.charge_year()).select_related(
                "substance", "country"
            )[:200]
        ),
        "authorizations": list(selectors.import_authorization_list(user)[:50]) if authority else [],
        "balances": selectors.balance_list(user, country=user.country_id)
        if user.country_id
        else selectors.balance_list(user)[:50],
        "may_import": can(user, "medicines.import_authorize") and bool(user.country_id),
        "may_estimate": can(user, "medicines.estimate_submit") and bool(user.country_id),
        **nav_context(user, "home"),
    }
    return render(request, "medicines/home.html", context)


def _preparations() -> list[tuple[str, str]]:
    return sorted((form, str(factor)) for (_name, form), factor in conversion.factors().items())


@login_required
def authorization_new(request):
    require_page(request.user, "medicines.import_authorize")
    form = ImportAuthorizationForm(
        request.POST or None,
        substances=selectors.controlled_medicines(),
        preparations=_preparations(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            authorization = services.import_authorization_issue(
                actor=request.user,
                importing_country=request.user.country_id or "",
                **{name: data[name] for name in data},
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The import authorization was issued."))
            return redirect("medicines:authorization", authorization_id=authorization.pk)
    return render(
        request,
        "medicines/authorization_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def authorization(request, authorization_id: int):
    # A reader who may not read it (another country, another kind) finds no such page.
    found = selectors.import_authorization_get(request.user, authorization_id)
    export = selectors.export_of(request.user, found)
    may_export = export is None and can(request.user, "medicines.export_authorize", found)
    may_endorse = (
        export is not None
        and export.received_kg is None
        and can(request.user, "medicines.import_authorize", found)
    )
    posted = request.POST if request.method == "POST" else None
    step = (posted or {}).get("step")
    export_form = ExportAuthorizationForm(posted if step == "export" else None)
    endorse_form = EndorseForm(
        posted if step == "endorse" else None,
        initial={"version": export.version if export else None},
    )
    if step == "export":
        require_page(request.user, "medicines.export_authorize", found)
        if export_form.is_valid():
            try:
                services.export_authorization_issue(
                    actor=request.user,
                    import_authorization=found,
                    number=export_form.cleaned_data["number"],
                    quantity_kg=export_form.cleaned_data["quantity_kg"] or None,
                    emergency=export_form.cleaned_data["emergency"] or None,
                )
            except ServiceError as error:
                add_service_error(export_form, error)
            else:
                messages.success(request, _("The export authorization was issued."))
                return redirect("medicines:authorization", authorization_id=found.pk)
    elif step == "endorse":
        require_page(request.user, "medicines.import_authorize", found)
        if export is None:
            endorse_form.add_error(None, _("No export authorization was issued against it yet."))
        elif endorse_form.is_valid():
            try:
                services.shipment_endorse(
                    actor=request.user,
                    export_authorization=export,
                    received_kg=endorse_form.cleaned_data["received_kg"],
                    expected_version=endorse_form.cleaned_data.get("version"),
                )
            except ServiceError as error:
                add_service_error(endorse_form, error)
            else:
                messages.success(request, _("The shipment was endorsed."))
                return redirect("medicines:authorization", authorization_id=found.pk)
    balance = None
    if may_export and selectors.may_read_balances(request.user):
        balance = selectors.balance_of(
            found.importing_country_id, found.substance_id, selectors.charge_year()
        )
    context = {
        "authorization": found,
        "export": export,
        "balance": balance,
        "export_form": export_form if may_export else None,
        "endorse_form": endorse_form if may_endorse else None,
    }
    failed = export_form.errors or endorse_form.errors
    return render(request, "medicines/authorization.html", context, status=400 if failed else 200)


def _estimate_years() -> list[int]:
    this_year = selectors.charge_year()
    return list(range(this_year, this_year + services.YEARS_AHEAD + 1))


@login_required
def estimate_new(request):
    """The competent authority's estimate for its country (new, or changing one not yet
    confirmed: the same country, year and substance)."""
    require_page(request.user, "medicines.estimate_submit")
    form = EstimateForm(
        request.POST or None,
        years=_estimate_years(),
        substances=selectors.controlled_medicines(),
        initial={"year": selectors.charge_year() + 1},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            estimate = services.estimate_submit(
                actor=request.user,
                country=request.user.country_id or "",
                year=data["year"],
                substance=data["substance"],
                consumption_kg=data["consumption_kg"],
                manufacture_kg=data["manufacture_kg"] or 0,
                stock_kg=data["stock_kg"] or 0,
                expected_version=data.get("version"),
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The estimate was submitted to the secretariat."))
            return redirect("medicines:estimate", estimate_id=estimate.pk)
    return render(
        request,
        "medicines/estimate_new.html",
        {"form": form, **nav_context(request.user, "")},
        status=400 if form.errors else 200,
    )


@login_required
def estimate(request, estimate_id: int):
    """An estimate with its supplements: the secretariat confirms them, the country's
    authority asks for more once the estimate is confirmed."""
    found = selectors.estimate_get(request.user, estimate_id)
    user = request.user
    posted = request.POST if request.method == "POST" else None
    step = (posted or {}).get("step")
    may_confirm = found.status == EstimateStatus.SUBMITTED and can(
        user, "medicines.estimate_confirm", found
    )
    may_supplement = found.status == EstimateStatus.CONFIRMED and can(
        user, "medicines.estimate_submit", found
    )
    confirm_form = ConfirmForm(
        posted if step == "confirm" else None, initial={"version": found.version}
    )
    supplement_errors: list[str] = []
    supplement_form = SupplementForm(posted if step == "supplement" else None)
    if step == "confirm":
        require_page(user, "medicines.estimate_confirm", found)
        if confirm_form.is_valid():
            try:
                services.estimate_confirm(
                    actor=user,
                    estimate=found,
                    expected_version=confirm_form.cleaned_data.get("version"),
                )
            except ServiceError as error:
                add_service_error(confirm_form, error)
                if not may_confirm:  # confirmed meanwhile: no form to show the error beside
                    messages.error(request, error_text(error))
            else:
                messages.success(request, _("The estimate was confirmed."))
                return redirect("medicines:estimate", estimate_id=found.pk)
    elif step == "supplement":
        require_page(user, "medicines.estimate_submit", found)
        if supplement_form.is_valid():
            try:
                services.supplement_submit(
                    actor=user,
                    estimate=found,
                    added_kg=supplement_form.cleaned_data["added_kg"],
                    reason=supplement_form.cleaned_data["reason"],
                )
            except ServiceError as error:
                add_service_error(supplement_form, error)
            else:
                messages.success(request, _("The supplementary estimate was submitted."))
                return redirect("medicines:estimate", estimate_id=found.pk)
    elif step == "confirm_supplement":
        supplement = selectors.supplement_get(user, _posted_id(posted, "supplement"))
        if supplement.estimate_id != found.pk:
            raise Http404
        require_page(user, "medicines.estimate_confirm", found)
        supplement_confirm_form = ConfirmForm(posted)
        if supplement_confirm_form.is_valid():
            try:
                services.supplement_confirm(
                    actor=user,
                    supplement=supplement,
                    expected_version=supplement_confirm_form.cleaned_data.get("version"),
                )
            except ServiceError as error:
                messages.error(request, error_text(error))
            else:
                messages.success(request, _("The supplementary estimate was confirmed."))
            return redirect("medicines:estimate", estimate_id=found.pk)
        supplement_errors = [
            str(m) for messages_ in supplement_confirm_form.errors.values() for m in messages_
        ]
    balance = (
        selectors.balance_of(found.country_id, found.substance_id, found.year)
        if found.status == EstimateStatus.CONFIRMED and selectors.may_read_balances(user)
        else None
    )
    context = {
        "estimate": found,
        "supplements": list(selectors.supplements_of(user, found)),
        "balance": balance,
        "confirm_form": confirm_form if may_confirm else None,
        "supplement_form": supplement_form if may_supplement else None,
        "may_confirm_supplements": can(user, "medicines.estimate_confirm", found),
        "supplement_errors": supplement_errors,
        **nav_context(user, ""),
    }
    failed = confirm_form.errors or supplement_form.errors or supplement_errors
    return render(request, "medicines/estimate.html", context, status=400 if failed else 200)


def _posted_id(posted, name: str) -> int:
    """A record id posted by a page's form; no such record (404) when it is not one."""
    value = (posted or {}).get(name, "")
    if not str(value).isdigit() or len(str(value)) > 18:
        raise Http404
    return int(value)
