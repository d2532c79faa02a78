"""Pages for parties: search and matching, a party with its related records, the analysts'
queue of proposed correlations, and the warning list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from drugcontrol.core.errors import Conflict, ServiceError
from drugcontrol.core.forms import add_service_error, focus_first_error
from drugcontrol.core.permissions import can, require_page
from drugcontrol.core.suggest import SHORTEST, SUGGESTIONS, typed_text
from drugcontrol.entities import selectors, services
from drugcontrol.entities.forms import (
    CorrelationDecideForm,
    CorrelationQueueForm,
    MatchForm,
    PartySearchForm,
    WarningRemoveForm,
    WarningValueForm,
)
from drugcontrol.entities.models import CorrelationStatus, PartyKind
from drugcontrol.entities.reasons import reason_label


@login_required
def party_list(request):
    form = PartySearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.party_list(
        user=request.user,
        kind=filters.get("kind") or None,
        search=filters.get("q") or None,
        country=filters.get("country") or None,
    )
    match_form = MatchForm(request.POST or None)
    matches = None
    if request.method == "POST" and match_form.is_valid():
        try:
            matches = selectors.match(
                user=request.user,
                kind=match_form.cleaned_data["kind"],
                name=match_form.cleaned_data["name"],
                country=match_form.cleaned_data["country"] or None,
                below=True,
            )
        except ServiceError as error:
            add_service_error(match_form, error)
        else:
            for item in matches:
                item["reason_labels"] = [reason_label(code) for code in item["reasons"]]
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "match_form": match_form,
        "matches": matches,
        "page": page,
        "rows": selectors.duplicate_groups(user=request.user, parties=page.object_list),
        "query": query.urlencode(),
        "active_nav": "parties",
    }
    return render(request, "entities/party_list.html", context)


@login_required
def party_detail(request, party_id: int):
    party = selectors.party_get(user=request.user, party_id=party_id)
    correlations = selectors.party_correlations(user=request.user, party=party)
    for row in correlations:
        row["reason_labels"] = [reason_label(code) for code in row["correlation"].reasons]
    merges = selectors.party_merges(user=request.user, party=party)
    context = {
        "party": party,
        "links": selectors.party_links(user=request.user, party=party),
        "correlations": correlations,
        "merges": merges,
        "active_nav": "parties",
    }
    return render(request, "entities/party_detail.html", context)


@require_POST
@login_required
def correlation_decide(request, correlation_id: int):
    correlation = selectors.correlation_get(user=request.user, correlation_id=correlation_id)
    form = CorrelationDecideForm(request.POST)
    require_page(  # the right the page asks for, before the form is read
        request.user,
        "entities.parties_merge" if form.asks_merge() else "entities.correlation_decide",
        correlation,
    )
    if not form.is_valid():
        focus_first_error(form)
        context = {"correlation": correlation, "form": form, "active_nav": "parties"}
        return render(request, "entities/correlation_decide.html", context, status=422)
    back = form.cleaned_data["next"]
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "entities:correlations"
    try:
        if form.cleaned_data["action"] == "merge":
            services.parties_merge(actor=request.user, correlation=correlation)
            messages.success(request, _("The two parties were merged."))
        else:
            services.correlation_decide(
                actor=request.user,
                correlation=correlation,
                decision="confirmed" if form.cleaned_data["action"] == "confirm" else "rejected",
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, _("Your decision was recorded."))
    except Conflict:
        messages.error(request, _("Someone decided on this correlation first. Review it again."))
    except ServiceError as error:
        messages.error(request, str(error.message))
    return redirect(back)


@require_POST
@login_required
def merge_undo(request, merge_id: int):
    merge = selectors.merge_get(user=request.user, merge_id=merge_id)
    require_page(request.user, "entities.merge_undo", merge)
    try:
        services.merge_undo(actor=request.user, merge=merge)
        messages.success(request, _("The merge was undone."))
    except ServiceError as error:
        messages.error(request, str(error.message))
    return redirect("entities:detail", merge.survivor_id)


@login_required
def correlation_queue(request):
    form = CorrelationQueueForm(request.GET)
    status = form.chosen_status()
    queryset = selectors.correlation_list(user=request.user, status=status)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    for correlation in page:
        correlation.reason_labels = [reason_label(code) for code in correlation.reasons]
    context = {
        "page": page,
        "status": status,
        "statuses": CorrelationStatus.choices,
        "form": form,
        "query": f"status={status}",
        "active_nav": "parties",
    }
    return render(request, "entities/correlation_queue.html", context)


@login_required
def warning_list(request):
    posted = request.POST if request.method == "POST" else None
    removing = WarningRemoveForm.asked(posted)
    form = WarningValueForm(None if removing else posted)
    remove_form = WarningRemoveForm(posted if removing else None)
    if removing and remove_form.is_valid():
        # A value the reader may not see is a 404 before the right is asked.
        warning = selectors.warning_value_get(
            user=request.user, warning_id=remove_form.cleaned_data["id"]
        )
        require_page(request.user, "entities.warning_list_edit")
        try:
            services.warning_value_remove(actor=request.user, warning=warning)
            messages.success(request, _("The value was removed from the warning list."))
        except ServiceError as error:
            messages.error(request, str(error.message))
        return redirect("entities:warning_list")
    if posted is not None:
        require_page(request.user, "entities.warning_list_edit")
    if posted is not None and not removing and form.is_valid():
        try:
            services.warning_value_add(actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The value was added to the warning list."))
            return redirect("entities:warning_list")
    focus_first_error(form)
    context = {
        "form": form,
        "remove_form": remove_form,
        "values": selectors.warning_value_list(user=request.user),
        "can_edit": can(request.user, "entities.warning_list_edit"),
        "active_nav": "parties",
    }
    status = 422 if form.errors or remove_form.errors else 200
    return render(request, "entities/warning_list.html", context, status=status)


@require_GET
@login_required
def suggest(request, with_ids: bool = False):
    """`<option>`s for a party field's datalist as the reader types (`q`, or the field's own
    name), through the matching engine: parties the reader may see whose name starts with
    the text, in any script, then the engine's candidates. The value is the party's name;
    `data-id` its id (the page's script puts it in the row's hidden field). `with_ids`: the
    first address's shape, `Name [#id]` as the value (pages drawn before; the forms still
    read it and drop the suffix)."""
    text = typed_text(request, "party")
    kind = request.GET.get("kind") or request.GET.get("party_kind") or None
    kind = kind if kind in PartyKind.values else None
    options = []
    if len(text) >= SHORTEST:
        for party in selectors.party_suggestions(
            user=request.user, text=text, kind=kind, limit=SUGGESTIONS
        ):
            label = f"{party['name']} ({party['country']})" if party["country"] else party["name"]
            value = f"{party['name']} [#{party['id']}]" if with_ids else party["name"]
            options.append({"value": value, "label": label, "id": party["id"]})
    return render(request, "core/_suggestions.html", {"options": options})
