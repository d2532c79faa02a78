"""Pages: the incident list with filters, the report form, the incident page with related
records and timeline, the route map, bulk import, and the alerts inbox."""

import datetime
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from drugcontrol.core import alerts as alert_services
from drugcontrol.core import selectors as core_selectors
from drugcontrol.core.alert_filters import AlertFilter
from drugcontrol.core.errors import Conflict, ServiceError, ValidationFailed
from drugcontrol.core.filters import COUNTRIES, filter_form
from drugcontrol.core.forms import add_service_error, focus_first_error
from drugcontrol.core.import_views import import_job_page, import_upload_page
from drugcontrol.core.permissions import can, require_page
from drugcontrol.entities import selectors as entity_selectors
from drugcontrol.entities.forms import add_nested_service_error
from drugcontrol.incidents import imports, maps, selectors, services
from drugcontrol.incidents.filters import IncidentFilter, RouteMapFilter
from drugcontrol.incidents.forms import (
    AddPartyForm,
    AlertMarkForm,
    AlertReadAllForm,
    AttachForm,
    BroadcastForm,
    DecisionForm,
    IncidentReport,
    MessageForm,
)
from drugcontrol.incidents.models import CountryRole, IncidentKind, PaymentMethod
from drugcontrol.incidents.permissions import REQUEST_DECISIONS, may_decide, request_decisions
from drugcontrol.substances.selectors import find_by_name, substance_list

IMPORT_KIND = "incidents.incidents"


def _date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filter_choices(user) -> dict:
    """The options the list page offers; their values are what the API takes."""
    substances = [(s.pk, s.name) for s in substance_list(user=user)]
    return {
        "kind": IncidentKind.choices,
        "role": CountryRole.choices,
        "substance_id": substances,
        "country": COUNTRIES,
        "payment_method": PaymentMethod.choices,
    }


def incident_filter_form(request):
    """The list page's filter form, generated from the API's filter (incidents/filters.py)."""
    return filter_form(IncidentFilter, request.GET, choices=_filter_choices(request.user))


@login_required
def incident_list(request):
    form = incident_filter_form(request)
    queryset = selectors.incident_list(user=request.user, filters=form.filters())
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": Paginator(queryset, 50).get_page(request.GET.get("page")),
        "query": query.urlencode(),
        "form": form,
        "active_nav": "incidents",
    }
    return render(request, "incidents/incident_list.html", context)


@login_required
def incident_create(request):
    require_page(request.user, "incidents.incident_report")
    report = IncidentReport(request.POST if request.method == "POST" else None)
    if request.method == "POST" and report.is_valid():
        try:
            data = services.validate_incident(
                report.service_input(find_substance=find_by_name),
                visible_parties=entity_selectors.referable_parties(user=request.user),
            )
            incident = services.incident_create(actor=request.user, data=data)
        except ValidationFailed as error:
            report.add_service_error(error)
        except ServiceError as error:
            report.form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _("Incident %(reference)s was reported.") % {"reference": incident.reference},
            )
            return redirect("incidents:detail", incident.pk)
    focus_first_error(*report.in_page_order())
    context = {"report": report, "active_nav": "incidents"}
    status = 422 if report.has_errors else 200
    return render(request, "incidents/incident_form.html", context, status=status)


THREAD_PAGE = 50


def _message_form(user, incident, data=None) -> MessageForm:
    return MessageForm(
        data,
        countries=selectors.addressable_countries(user=user, incident=incident),
        requests=can(user, "incidents.request_make", incident),
    )


def _thread(request, incident) -> dict:
    """The thread's page (the newest last; the last page unless another is asked for), each
    request with the decisions its reader may take."""
    messages_page = Paginator(
        selectors.incident_messages(user=request.user, incident=incident), THREAD_PAGE
    )
    page = messages_page.get_page(request.GET.get("thread") or messages_page.num_pages)
    for message in page.object_list:
        message.decisions = request_decisions(request.user, message) if message.is_request else []
    return {
        "thread": page,
        "may_post": can(request.user, "incidents.message_post", incident),
    }


def _detail(
    request,
    incident,
    *,
    party_form=None,
    attach_form=None,
    message_form=None,
    decision_form=None,
    status=200,
):
    """The incident page, with the add-party, attach, message and decision forms (bound
    after an error)."""
    route = selectors.incident_route(incident=incident)
    bound = (party_form, attach_form, message_form, decision_form)
    focus_first_error(*(form for form in bound if form is not None))
    context = {
        **_thread(request, incident),
        "message_form": message_form or _message_form(request.user, incident),
        "decision_form": decision_form,
        "incident": incident,
        "related": selectors.related_records(user=request.user, incident=incident),
        "timeline": selectors.incident_timeline(user=request.user, incident=incident),
        "is_reporter": can(request.user, "incidents.incident_change", incident),
        "party_form": party_form or AddPartyForm(),
        "attach_form": attach_form or AttachForm(),
        "map_svg": maps.route_map(
            [{"incident": incident.pk, "path": route}],
            names=_country_names(request.user, route),
        )
        if len(route) > 1
        else "",
        "active_nav": "incidents",
    }
    return render(request, "incidents/incident_detail.html", context, status=status)


@login_required
def incident_detail(request, incident_id: int):
    incident = selectors.incident_get(user=request.user, incident_id=incident_id)
    return _detail(request, incident)


@require_POST
@login_required
def incident_add_party(request, incident_id: int):
    incident = selectors.incident_get(user=request.user, incident_id=incident_id)
    require_page(request.user, "incidents.incident_change", incident)
    form = AddPartyForm(request.POST)
    if form.is_valid():
        try:
            data = services.validate_incident(
                {
                    "kind": incident.kind,
                    "occurred_on": incident.occurred_on,
                    "parties": [form.service_entry()],
                },
                visible_parties=entity_selectors.referable_parties(user=request.user),
            )
            services.incident_add_party(
                actor=request.user, incident=incident, entry=data.parties[0]
            )
        except ValidationFailed as error:
            add_nested_service_error(form, error, rows={"parties": [form]})
        except ServiceError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The party was added."))
            return redirect("incidents:detail", incident.pk)
    return _detail(request, incident, party_form=form, status=422)


@require_POST
@login_required
def message_post(request, incident_id: int):
    incident = selectors.incident_get(user=request.user, incident_id=incident_id)
    require_page(request.user, "incidents.message_post", incident)
    form = _message_form(request.user, incident, request.POST)
    if form.is_valid():
        try:
            services.message_post(
                actor=request.user,
                incident=incident,
                kind=form.cleaned_data["kind"],
                body=form.cleaned_data["body"],
                addressed_country=form.cleaned_data.get("addressed_country") or None,
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The message was sent."))
            return redirect(reverse("incidents:detail", args=[incident.pk]) + "#thread")
    return _detail(request, incident, message_form=form, status=422)


@require_POST
@login_required
def request_decide(request, incident_id: int, message_id: int):
    incident = selectors.incident_get(user=request.user, incident_id=incident_id)
    message = selectors.incident_message_get(
        user=request.user, incident=incident, message_id=message_id
    )
    form = DecisionForm(request.POST)
    status = 422
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        if not may_decide(request.user, message, decision):
            require_page(request.user, REQUEST_DECISIONS[decision][1][0], message)
        try:
            services.request_decide(
                actor=request.user,
                message=message,
                decision=form.cleaned_data["decision"],
                expected_version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as error:
            add_service_error(form, error)
            status = 409 if isinstance(error, Conflict) else 422
        else:
            messages.success(request, _("The request was updated."))
            return redirect(reverse("incidents:detail", args=[incident.pk]) + "#thread")
    return _detail(request, incident, decision_form=form, status=status)


ROUTE_MAP_TOP = 40  # legs drawn; the rest are counted in a note


def _country_names(user, codes) -> dict[str, str]:
    """Each country code's name in the reader's language."""
    countries = core_selectors.country_list(user=user).filter(iso3__in=set(codes))
    return {country.iso3: country.name for country in countries}


@login_required
def route_map(request):
    """The busiest legs of the routes of the incidents the reader may see, filtered by
    period (the last year unless asked), substance, kind and country."""
    data = request.GET.copy()
    if not data.get("since") and not data.get("until"):
        data["since"] = (datetime.date.today() - datetime.timedelta(days=365)).isoformat()
    choices = _filter_choices(request.user)
    form = filter_form(
        RouteMapFilter, data, choices={k: choices[k] for k in ("kind", "substance_id", "country")}
    )
    result = selectors.route_legs(user=request.user, filters=form.filters(), top=ROUTE_MAP_TOP)
    names = _country_names(request.user, {code for leg in result.legs for code in leg[:2]})
    context = {
        "form": form,
        "svg": maps.legs_map(result.legs, label=_("Route map"), names=names),
        "result": result,
        "busiest": [
            {
                "start": start,
                "end": end,
                "start_name": names.get(start) or start,
                "end_name": names.get(end) or end,
                "count": count,
            }
            for start, end, count in result.legs[:15]
        ],
        "active_nav": "incidents",
    }
    return render(request, "incidents/route_map.html", context)


@login_required
def incident_import(request):
    """Upload: the file is imported in the background and its page shows the progress."""
    return import_upload_page(
        request,
        kind=IMPORT_KIND,
        template="incidents/incident_import.html",
        permission="incidents.incident_import",
        nav="incidents",
        job_url="incidents:import_job",
        context={"columns": imports.COLUMNS},
    )


@login_required
def import_job(request, job_id: int):
    return import_job_page(
        request,
        job_id=job_id,
        kind=IMPORT_KIND,
        template="incidents/import_job.html",
        nav="incidents",
    )


@login_required
def alert_inbox(request):
    filters = filter_form(
        AlertFilter,
        request.GET,
        choices={"record_type": core_selectors.alert_kinds(user=request.user)},
    )
    listed = core_selectors.alert_list(user=request.user, filters=filters.filters())
    read_all = AlertReadAllForm(request.POST if request.method == "POST" else None, prefix="all")
    if request.method == "POST" and read_all.is_valid():
        count = alert_services.alerts_mark_all_read(actor=request.user, queryset=listed)
        messages.success(request, _("%(n)s alerts marked as read.") % {"n": count})
        return redirect(request.get_full_path())
    form = AlertMarkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        alert = core_selectors.alert_get(user=request.user, alert_id=form.cleaned_data["id"])
        action = form.cleaned_data["action"]
        alert_services.alert_mark(
            actor=request.user, alert=alert, acknowledge=action == "acknowledge"
        )
        if alert.url and action == "open":
            return redirect(urlsplit(alert.url).path)  # the record, on this site
        return redirect("incidents:alerts")
    page = Paginator(listed, 50).get_page(request.GET.get("page"))
    page.object_list = alert_services.alerts_render(page.object_list)  # in the reader's language
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": form,
        "filter_form": filters,
        "query": query.urlencode(),
        "active_nav": "alerts",
    }
    return render(request, "incidents/alerts.html", context, status=422 if form.errors else 200)


@login_required
def alert_broadcast(request):
    require_page(request.user, "core.alert_broadcast")
    form = BroadcastForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = alert_services.alert_broadcast(
                actor=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                country_codes=form.cleaned_data["countries"],
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("The alert was sent to %(n)s recipients.") % {"n": len(sent)}
            )
            return redirect("incidents:alerts")
    focus_first_error(form)
    return render(
        request,
        "incidents/broadcast.html",
        {"form": form, "active_nav": "alerts"},
        status=422 if form.errors else 200,
    )


@require_POST
@login_required
def incident_attach(request, incident_id: int):
    incident = selectors.incident_get(user=request.user, incident_id=incident_id)
    require_page(request.user, "incidents.incident_change", incident)
    form = AttachForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > services.MAX_ATTACHMENT_BYTES:
                raise ValidationFailed({"file": [_("The file is larger than 10 MB.")]})
            services.incident_attach(
                actor=request.user, incident=incident, name=upload.name, content=upload.read()
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The file was attached."))
            return redirect("incidents:detail", incident.pk)
    return _detail(request, incident, attach_form=form, status=422)


@require_GET
@login_required
def attachment_download(request, incident_id: int, attachment_id: int):
    """Served only to whoever may see the incident, always as a download."""
    incident = selectors.incident_get(user=request.user, incident_id=incident_id)
    attachment = incident.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
