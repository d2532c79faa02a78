"""Pages: notifications (list, importing authority's inbox, form, page with findings,
messages and timeline), response statistics, invocations, legitimate requirements, the
special surveillance list and suspicious order reports."""

import csv
import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from drugcontrol.core import imports as core_imports
from drugcontrol.core import views as core_views
from drugcontrol.core.bounds import form_int
from drugcontrol.core.charts import bar_chart
from drugcontrol.core.errors import ServiceError, ValidationFailed
from drugcontrol.core.models import Country
from drugcontrol.core.permissions import can, require_page
from drugcontrol.core.quantities import MEASURED_UNIT_CHOICES
from drugcontrol.core.visibility import visible
from drugcontrol.entities.models import Party
from drugcontrol.precursors import imports, selectors, services
from drugcontrol.precursors.models import (
    NOTIFICATION_TRANSPORT_MODES,
    InvocationScope,
    NotificationKind,
    ObjectionGround,
    Outcome,
    PartyRole,
    RequirementForm,
    Status,
)
from drugcontrol.substances.selectors import find_by_name

LINE_ROWS = 3
IMPORT_KIND = "precursors.notifications"
REQUIREMENTS_KIND = "precursors.requirements"
SURVEILLANCE_KIND = "precursors.surveillance"
PARTY_ROLES_ON_FORM = ("exporter", "importer", "consignee", "other")
_PARTY_ID = re.compile(r"\[#(\d+)\]\s*$")


def _date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _codes(text: str) -> list[str]:
    return [code for code in re.split(r"[\s,;]+", (text or "").upper()) if code]


@login_required
def notification_list(request):
    params = request.GET
    substance = find_by_name(params["substance"]) if params.get("substance") else None
    direction = params.get("direction") or ""
    queryset = selectors.notification_list(
        user=request.user,
        direction=direction or None,
        status=params.get("status") or None,
        country=params.get("country") or None,
        substance_id=substance.pk if substance else None,
        since=_date(params.get("since")),
        until=_date(params.get("until")),
        search=(params.get("q") or "").strip() or None,
    )
    if params.get("substance") and substance is None:
        queryset = queryset.none()
    query = params.copy()
    query.pop("page", None)
    page = Paginator(queryset, 50).get_page(params.get("page"))
    page.object_list = selectors.with_reader_severity(
        user=request.user, notifications=page.object_list
    )
    context = {
        "page": page,
        "query": query.urlencode(),
        "params": params,
        "statuses": Status.choices,
        "directions": [
            ("", _("All")),
            ("outgoing", _("Exports")),
            ("incoming", _("Imports")),
            ("transit", _("Transit")),
        ],
        "active_nav": "precursors",
    }
    return render(request, "precursors/notification_list.html", context)


@login_required
def inbox(request):
    page = Paginator(selectors.inbox(user=request.user), 50).get_page(request.GET.get("page"))
    page.object_list = selectors.with_reader_severity(
        user=request.user, notifications=page.object_list
    )
    return render(
        request,
        "precursors/inbox.html",
        {"page": page, "today": timezone.localdate(), "active_nav": "precursors"},
    )


def _raw_from_post(post) -> dict:
    lines = []
    for i in range(LINE_ROWS):
        text = post.get(f"line-substance-{i}", "").strip()
        if not text and not post.get(f"line-quantity-{i}", "").strip():
            continue
        lines.append(
            {
                "substance": text,
                "is_preparation": bool(post.get(f"line-preparation-{i}")),
                "concentration": post.get(f"line-concentration-{i}") or None,
                "quantity": post.get(f"line-quantity-{i}", ""),
                "unit": post.get(f"line-unit-{i}", ""),
                "density": post.get(f"line-density-{i}") or None,
                "hs_code": post.get(f"line-hs-{i}", ""),
                "description": post.get(f"line-description-{i}", ""),
            }
        )
    parties = []
    for index, role in enumerate(PARTY_ROLES_ON_FORM):
        name = post.get(f"party-{role}", "").strip()
        if not name:
            continue
        entry = {
            "role": post.get("party-other-role", "broker") if role == "other" else role,
            "address": post.get(f"party-{role}-address", ""),
        }
        chosen = _PARTY_ID.search(name)
        if chosen:
            entry["party_id"] = int(chosen.group(1))
        else:
            entry |= {"name": name, "country": post.get(f"party-{role}-country") or None}
        parties.append((index, entry))
    return {
        "kind": post.get("kind", NotificationKind.SCHEDULED),
        "importing_country": post.get("importing_country", ""),
        "transit_countries": _codes(post.get("transit_countries", "")),
        "invoice_number": post.get("invoice_number", ""),
        "transport_mode": post.get("transport_mode", ""),
        "point_of_exit": post.get("point_of_exit", ""),
        "point_of_entry": post.get("point_of_entry", ""),
        "expected_dispatch": post.get("expected_dispatch", ""),
        "remarks": post.get("remarks", ""),
        "lines": lines,
        "parties": [entry for _index, entry in parties],
        "_party_roles": [PARTY_ROLES_ON_FORM[index] for index, _entry in parties],
    }


def _form_errors(error: ServiceError, raw: dict) -> dict:
    """Service errors keyed to the form's fields (`parties.1.name` -> `party-importer`)."""
    errors = error.field_errors()
    roles = raw.get("_party_roles", [])
    shaped = {}
    for key, value in errors.items():
        match = re.match(r"parties\.(\d+)\.(\w+)$", key)
        if match and int(match.group(1)) < len(roles):
            key = f"party-{roles[int(match.group(1))]}"
        match = re.match(r"parties\.(exporter|importer)(\.address)?$", key)
        if match:
            key = f"party-{match.group(1)}"
        shaped.setdefault(key, []).extend(value)
    return shaped


def _initial(notification) -> dict:
    """A draft's contents in the form's field names."""
    data = {
        "kind": notification.kind,
        "importing_country": notification.importing_country_id,
        "transit_countries": " ".join(t.country_id for t in notification.transits.all()),
        "invoice_number": notification.invoice_number,
        "transport_mode": notification.transport_mode,
        "point_of_exit": notification.point_of_exit,
        "point_of_entry": notification.point_of_entry,
        "expected_dispatch": notification.expected_dispatch.isoformat()
        if notification.expected_dispatch
        else "",
        "remarks": notification.remarks,
        "version": notification.version,
    }
    for i, line in enumerate(notification.lines.all()[:LINE_ROWS]):
        chemical = line.substance or line.surveillance_chemical
        data |= {
            f"line-substance-{i}": chemical.name if chemical else "",
            f"line-preparation-{i}": "on" if line.is_preparation else "",
            f"line-concentration-{i}": line.concentration,
            f"line-quantity-{i}": line.quantity,
            f"line-unit-{i}": line.unit,
            f"line-density-{i}": line.density or "",
            f"line-hs-{i}": line.hs_code,
            f"line-description-{i}": line.description,
        }
    for item in notification.parties.select_related("party"):
        role = item.role if item.role in PARTY_ROLES_ON_FORM else "other"
        data |= {
            f"party-{role}": f"{item.party.name} [#{item.party_id}]",
            f"party-{role}-address": item.address,
            f"party-{role}-country": item.party.country_id or "",
        }
        if role == "other":
            data["party-other-role"] = item.role
    return data


def _form_context(*, errors, post, notification=None) -> dict:
    return {
        "errors": errors,
        "post": post,
        "notification": notification,
        "kinds": NotificationKind.choices,
        "transport_modes": NOTIFICATION_TRANSPORT_MODES,
        "units": MEASURED_UNIT_CHOICES,
        "other_roles": [
            (v, label)
            for v, label in PartyRole.choices
            if v not in ("exporter", "importer", "consignee")
        ],
        "line_rows": range(LINE_ROWS),
        "party_rows": [
            {
                "role": role,
                "label": label,
                "name": post.get(f"party-{role}", ""),
                "country": post.get(f"party-{role}-country", ""),
                "address": post.get(f"party-{role}-address", ""),
                "other_role": post.get("party-other-role", ""),
                "errors": errors.get(f"party-{role}", []),
            }
            for role, label in (
                ("exporter", _("Exporter")),
                ("importer", _("Importer")),
                ("consignee", _("Consignee")),
                ("other", _("Other operator")),
            )
        ],
        "active_nav": "precursors",
    }


@login_required
def notification_form(request, notification_id: int | None = None):
    """Draft a notification, or change a draft; `submit` sends it at once."""
    notification = None
    if notification_id is None:
        require_page(request.user, "precursors.notification_draft")
    else:
        notification = selectors.notification_get(
            user=request.user, notification_id=notification_id
        )
        require_page(request.user, "precursors.notification_export_step", notification)
        if "edit" not in selectors.allowed_actions(user=request.user, notification=notification):
            raise Http404  # no longer a draft
    errors, saved = {}, False
    post = (
        request.POST
        if request.method == "POST"
        else (_initial(notification) if notification else {})
    )
    if request.method == "POST":
        raw = _raw_from_post(request.POST)
        try:
            data = services.validate_notification(
                raw,
                exporting_country_id=request.user.country_id,
                visible_parties=visible(Party, request.user),
            )
            if notification is None:
                notification = services.notification_create(actor=request.user, data=data)
            else:
                notification = services.notification_update(
                    actor=request.user,
                    notification=notification,
                    data=data,
                    expected_version=form_int(request.POST, "version"),
                )
            saved = True
            if request.POST.get("submit"):
                notification = services.notification_submit(
                    actor=request.user, notification=notification
                )
        except ServiceError as error:
            errors = _form_errors(error, raw)
            if saved:
                # The draft was saved; only the submission failed.
                messages.error(request, error.describe())
                return redirect("precursors:edit", notification.pk)
        else:
            message = (
                _("Notification %(reference)s was submitted.")
                if notification.status == Status.SUBMITTED
                else _("Draft %(reference)s was saved.")
            )
            messages.success(request, message % {"reference": notification.reference})
            return redirect("precursors:detail", notification.pk)
    return render(
        request,
        "precursors/notification_form.html",
        _form_context(errors=errors, post=post, notification=notification),
        status=422 if errors else 200,
    )


@login_required
def notification_detail(request, notification_id: int):
    notification = selectors.notification_get(user=request.user, notification_id=notification_id)
    context = {
        "notification": notification,
        "findings": selectors.findings(user=request.user, notification=notification),
        "actions": selectors.allowed_actions(user=request.user, notification=notification),
        "timeline": selectors.notification_timeline(user=request.user, notification=notification),
        "grounds": ObjectionGround.choices,
        "outcomes": Outcome.choices,
        "simple_actions": [
            ("submit", _("Submit to the importing country")),
            ("acknowledge", _("Acknowledge receipt")),
            ("ship", _("Record dispatch")),
            ("withdraw", _("Withdraw")),
            ("cancel", _("Cancel the shipment")),
        ],
        "active_nav": "precursors",
    }
    return render(request, "precursors/notification_detail.html", context)


# The permission rule of each step of the notification page's buttons.
STEP_ACTIONS = {
    "submit": "precursors.notification_export_step",
    "ship": "precursors.notification_export_step",
    "withdraw": "precursors.notification_export_step",
    "cancel": "precursors.notification_export_step",
    "acknowledge": "precursors.notification_answer",
    "clear": "precursors.notification_answer",
    "object": "precursors.notification_answer",
    "outcome": "precursors.notification_follow_up",
}


@require_POST
@login_required
def notification_action(request, notification_id: int):
    notification = selectors.notification_get(user=request.user, notification_id=notification_id)
    action = request.POST.get("action", "")
    if action in STEP_ACTIONS:
        require_page(request.user, STEP_ACTIONS[action], notification)
    version = form_int(request.POST, "version")
    common = {"actor": request.user, "notification": notification, "expected_version": version}
    done = {
        "submit": _("The notification was submitted."),
        "acknowledge": _("Receipt was acknowledged."),
        "clear": _("The shipment was cleared."),
        "object": _("The objection was sent."),
        "ship": _("The shipment was recorded as dispatched."),
        "withdraw": _("The notification was withdrawn."),
        "cancel": _("The shipment was cancelled."),
        "outcome": _("The outcome was recorded."),
    }
    try:
        if action == "submit":
            services.notification_submit(**common)
        elif action == "acknowledge":
            services.notification_acknowledge(**common)
        elif action in ("clear", "object"):
            services.notification_answer(
                **common,
                decision=action,
                ground=request.POST.get("ground", ""),
                detail=request.POST.get("detail", ""),
            )
        elif action == "ship":
            services.notification_ship(**common)
        elif action in ("withdraw", "cancel"):
            services.notification_close(**common, action=action)
        elif action == "outcome":
            services.notification_record_outcome(**common, outcome=request.POST.get("outcome", ""))
        else:
            raise ValidationFailed({"action": [_("Unknown action.")]})
    except ServiceError as error:
        messages.error(request, error.describe())
    else:
        messages.success(request, done[action])
    return redirect("precursors:detail", notification.pk)


@require_POST
@login_required
def message_post(request, notification_id: int):
    notification = selectors.notification_get(user=request.user, notification_id=notification_id)
    require_page(request.user, "precursors.notification_follow_up", notification)
    try:
        services.message_post(
            actor=request.user, notification=notification, body=request.POST.get("body", "")
        )
    except ServiceError as error:
        messages.error(request, error.describe())
    else:
        messages.success(request, _("The message was sent."))
    return redirect("precursors:detail", notification.pk)


# --- statistics -------------------------------------------------------------------------------


def _period(params) -> tuple[datetime.date, datetime.date]:
    until = _date(params.get("until")) or timezone.localdate()
    since = _date(params.get("since")) or (until - datetime.timedelta(days=365))
    return since, until


@login_required
def statistics(request):
    since, until = _period(request.GET)
    if not selectors.is_reader(request.user):
        raise Http404
    rows = selectors.response_statistics(
        user=request.user,
        since=since,
        until=until,
        importing_country=request.GET.get("country") or None,
    )
    if request.GET.get("format") == "csv":
        return _statistics_csv(rows, since, until)
    names = {c.iso3: c.name for c in Country.objects.filter(iso3__in=[r["country"] for r in rows])}
    for row in rows:
        row["name"] = names.get(row["country"], row["country"])
    busiest = rows[:20]
    context = {
        "rows": rows,
        "since": since,
        "until": until,
        "params": request.GET,
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


@login_required
def invocations(request):
    errors = {}
    if request.method == "POST":
        try:
            country = services.country_for(
                request.POST.get("country") or request.user.country_id or "", "country"
            )
            if request.POST.get("form") != "remove":
                require_page(request.user, "precursors.reference_keep", country.iso3)
            if request.POST.get("form") == "policy":
                services.policy_set(
                    actor=request.user,
                    country=country,
                    reply_days=form_int(request.POST, "reply_days"),
                    explicit_clearance=bool(request.POST.get("explicit_clearance")),
                )
            elif request.POST.get("form") == "remove":
                invocation = (
                    selectors.invocation_list(user=request.user)
                    .filter(pk=form_int(request.POST, "id"))
                    .first()
                )
                if invocation is None:
                    raise Http404
                require_page(request.user, "precursors.reference_keep", invocation.country_id)
                services.invocation_remove(actor=request.user, invocation=invocation)
            else:
                text = request.POST.get("substance", "").strip()
                substance = find_by_name(text) if text else None
                if text and substance is None:
                    raise ValidationFailed({"substance": [_("Unknown substance.")]})
                services.invocation_add(
                    actor=request.user,
                    country=country,
                    scope=request.POST.get("scope", ""),
                    substance=substance,
                    since=_date(request.POST.get("since")) or timezone.localdate(),
                    notes=request.POST.get("notes", ""),
                )
        except ServiceError as error:
            errors = error.field_errors()
        else:
            messages.success(request, _("Saved."))
            return redirect("precursors:invocations")
    country = request.GET.get("country") or None
    context = {
        "invocations": selectors.invocation_list(user=request.user, country=country),
        "policies": selectors.policy_list(user=request.user),
        "scopes": InvocationScope.choices,
        "errors": errors,
        "params": request.GET,
        "default_reply_days": services.DEFAULT_REPLY_DAYS,
        "may_edit": can(request.user, "precursors.reference_keep", request.user.country_id),
        "active_nav": "precursors",
    }
    return render(request, "precursors/invocations.html", context, status=422 if errors else 200)


@login_required
def requirements(request):
    errors, report = {}, None
    if request.method == "POST":
        try:
            if request.FILES.get("file"):
                require_page(request.user, "precursors.reference_keep", request.user.country_id)
                result = core_imports.import_now(
                    actor=request.user, kind=REQUIREMENTS_KIND, upload=request.FILES["file"]
                )
                messages.success(request, imports.requirements_summary(result))
                return redirect("precursors:requirements")
            country = services.country_for(
                request.POST.get("country") or request.user.country_id or "", "country"
            )
            require_page(request.user, "precursors.reference_keep", country.iso3)
            substance = find_by_name(request.POST.get("substance", ""))
            if substance is None:
                raise ValidationFailed({"substance": [_("Unknown substance.")]})
            services.requirement_set(
                actor=request.user,
                country=country,
                substance=substance,
                form=request.POST.get("form", RequirementForm.SUBSTANCE),
                year=form_int(request.POST, "year"),
                quantity_kg=request.POST.get("quantity_kg", ""),
            )
        except ServiceError as error:
            if any(isinstance(v, dict) for v in error.details.values()):
                report = error.details
            errors = error.field_errors()
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
        "errors": errors,
        "report": report,
        "forms": RequirementForm.choices,
        "columns": imports.REQUIREMENT_COLUMNS,
        "rules": core_imports.import_rules(REQUIREMENTS_KIND),
        "may_edit": can(request.user, "precursors.reference_keep", request.user.country_id),
        "active_nav": "precursors",
    }
    return render(request, "precursors/requirements.html", context, status=422 if errors else 200)


@login_required
def requirement_detail(request, requirement_id: int):
    """One requirement with every figure it has had."""
    requirement = selectors.requirement_get(user=request.user, requirement_id=requirement_id)
    return render(
        request,
        "precursors/requirement_detail.html",
        {"requirement": requirement, "active_nav": "precursors"},
    )


@login_required
def surveillance(request):
    errors = {}
    if not selectors.is_reader(request.user):
        raise Http404
    if request.method == "POST":
        require_page(request.user, "precursors.surveillance_load")
    if request.method == "POST" and request.FILES.get("file"):
        try:
            result = core_imports.import_now(
                actor=request.user,
                kind=SURVEILLANCE_KIND,
                upload=request.FILES["file"],
                edition=request.POST.get("edition", ""),
            )
        except ServiceError as error:
            errors = error.field_errors()
        else:
            messages.success(request, services.surveillance_summary(result))
            return redirect("precursors:surveillance")
    context = {
        "chemicals": selectors.surveillance_list(user=request.user),
        "errors": errors,
        "columns": services.SURVEILLANCE_COLUMNS,
        "rules": core_imports.import_rules(SURVEILLANCE_KIND),
        "active_nav": "precursors",
    }
    return render(request, "precursors/surveillance.html", context, status=422 if errors else 200)


# --- suspicious orders ------------------------------------------------------------------------


@login_required
def order_list(request):
    page = Paginator(selectors.suspicious_order_list(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "precursors/orders.html", {"page": page, "active_nav": "precursors"})


@login_required
def order_create(request):
    require_page(request.user, "precursors.order_report")
    errors = {}
    if request.method == "POST":
        try:
            order = services.suspicious_order_report(actor=request.user, raw=request.POST)
        except ServiceError as error:
            errors = error.field_errors()
        else:
            messages.success(
                request,
                _("Report %(reference)s was sent to your national authority.")
                % {"reference": order.reference},
            )
            return redirect("precursors:order", order.pk)
    context = {
        "errors": errors,
        "post": request.POST,
        "units": MEASURED_UNIT_CHOICES,
        "active_nav": "precursors",
    }
    return render(request, "precursors/order_form.html", context, status=422 if errors else 200)


@login_required
def order_detail(request, order_id: int):
    order = selectors.suspicious_order_get(user=request.user, order_id=order_id)
    if request.method == "POST":
        require_page(request.user, "precursors.order_review", order)
        try:
            order = services.suspicious_order_review(
                actor=request.user,
                order=order,
                decision=request.POST.get("decision", ""),
                expected_version=form_int(request.POST, "version"),
            )
        except ServiceError as error:
            messages.error(request, error.describe())
        else:
            messages.success(request, _("The report was reviewed."))
        return redirect("precursors:order", order.pk)
    may_review = order.status == "new" and can(request.user, "precursors.order_review", order)
    return render(
        request,
        "precursors/order_detail.html",
        {"order": order, "may_review": may_review, "active_nav": "precursors"},
    )


# --- import -----------------------------------------------------------------------------------


@login_required
def notification_import(request):
    """Upload: the file is imported in the background and its page shows the progress."""
    require_page(request.user, "precursors.notification_draft")
    errors = {}
    if request.method == "POST":
        try:
            job = core_imports.import_upload(
                actor=request.user, kind=IMPORT_KIND, upload=request.FILES.get("file")
            )
        except ServiceError as error:
            errors = error.field_errors()
        else:
            return redirect("precursors:import_job", job.pk)
    context = {
        "errors": errors,
        "columns": imports.COLUMNS,
        "rules": core_imports.import_rules(IMPORT_KIND),
        "active_nav": "precursors",
    }
    return render(request, "precursors/import.html", context, status=422 if errors else 200)


@login_required
def import_job(request, job_id: int):
    return core_views.import_job_page(
        request,
        job_id=job_id,
        kind=IMPORT_KIND,
        template="precursors/import_job.html",
        active_nav="precursors",
    )
