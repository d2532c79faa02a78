"""Pages of the exchange: the list, the importing authority's inbox, the form, the page with
findings, messages and timeline, its actions, and the import of notifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from drugcontrol.core.attachments import too_large
from drugcontrol.core.errors import ServiceError, ValidationFailed
from drugcontrol.core.filters import COUNTRIES, filter_form
from drugcontrol.core.import_views import import_job_page, import_upload_page
from drugcontrol.core.permissions import can, require_page
from drugcontrol.entities import selectors as entity_selectors
from drugcontrol.precursors import imports, selectors, services, workflow
from drugcontrol.precursors.filters import DIRECTION_CHOICES, NotificationFilter
from drugcontrol.precursors.forms import (
    ACTION_FORMS,
    ActionChoiceForm,
    AttachForm,
    MessageForm,
    NotificationForm,
    NotificationListAskedForm,
    StepForm,
    notification_initial,
    show_problems,
)
from drugcontrol.precursors.models import Status
from drugcontrol.precursors.permissions import ATTACH
from drugcontrol.substances import selectors as substance_selectors

IMPORT_KIND = "precursors.notifications"


def notification_filter_form(request):
    """The list's filter (`NotificationFilter`) as the page's form, bound to the query:
    statuses, the substances of the notifications the reader may see (and the one asked
    for) are offered as lists, countries as the searchable country list in the reader's
    language, with the values the API takes."""
    used = (
        selectors.notification_list(user=request.user)
        .order_by()
        .filter(lines__substance__isnull=False)
        .values_list("lines__substance_id", flat=True)
        .distinct()
    )
    # offered too, so the page filters by it (a bad id is the filter's own field error)
    asked = NotificationListAskedForm(request.GET).asked()
    chosen = substance_selectors.substance_list(user=request.user).filter(
        Q(pk__in=used) | Q(pk=asked or 0)
    )
    substances = [(substance.pk, substance.name) for substance in chosen]
    return filter_form(
        NotificationFilter,
        request.GET,
        choices={
            "direction": DIRECTION_CHOICES,
            "status": Status.choices,
            "country": COUNTRIES,
            "substance_id": sorted(substances, key=lambda item: str(item[1]).lower()),
        },
    )


@login_required
def notification_list(request):
    form = notification_filter_form(request)
    queryset = selectors.notification_list(user=request.user, filters=form.filters())
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    page.object_list = selectors.with_reader_severity(
        user=request.user, notifications=page.object_list
    )
    context = {
        "page": page,
        "query": query.urlencode(),
        "form": form,
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


# --- the form ---------------------------------------------------------------------------------


def _save_notification(form: NotificationForm, submit: bool):
    """Save the form's draft (a new one, or the changed draft), then submit it when asked.
    Returns the notification and, when the draft was saved but its submission refused, that
    refusal; raises the service's error when nothing was saved."""
    data = services.validate_notification(
        form.raw(),
        exporting_country_id=form.actor.country_id,
        visible_parties=entity_selectors.referable_parties(user=form.actor),
    )
    if form.notification is None:
        notification = services.notification_create(actor=form.actor, data=data)
    else:
        notification = services.notification_update(
            actor=form.actor,
            notification=form.notification,
            data=data,
            expected_version=form.cleaned_data["version"],
        )
    if submit:
        try:
            notification = services.notification_submit(actor=form.actor, notification=notification)
        except ServiceError as error:
            return notification, error
    return notification, None


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
    if request.method == "POST":
        form = NotificationForm(request.POST, actor=request.user, notification=notification)
        if form.is_valid():
            try:
                saved, refused = _save_notification(form, form.cleaned_data["submit"])
            except ServiceError as error:
                form.add_service_error(error)
            else:
                if refused is not None:
                    # The draft was saved; only the submission failed: its page shows why.
                    messages.success(
                        request,
                        _("Draft %(reference)s was saved.") % {"reference": saved.reference},
                    )
                    if isinstance(refused, ValidationFailed):
                        return redirect(reverse("precursors:edit", args=[saved.pk]) + "?problems=1")
                    messages.error(request, str(refused.message))
                    return redirect("precursors:edit", saved.pk)
                message = (
                    _("Notification %(reference)s was submitted.")
                    if saved.status == Status.SUBMITTED
                    else _("Draft %(reference)s was saved.")
                )
                messages.success(request, message % {"reference": saved.reference})
                return redirect("precursors:detail", saved.pk)
    elif notification is not None:
        initial, lines, parties = notification_initial(notification)
        form = NotificationForm(initial=initial, lines=lines, parties=parties)
        if "problems" in request.GET and (problems := services.submission_problems(notification)):
            show_problems(form, ValidationFailed(problems))
    else:
        form = NotificationForm()
    form.name_chosen_parties(entity_selectors.referable_parties(user=request.user))
    context = {
        "form": form,
        "notification": notification,
        "active_nav": "precursors",
    }
    return render(
        request,
        "precursors/notification_form.html",
        context,
        status=422 if form.is_bound and form.has_errors else 200,
    )


# --- the page and its actions -----------------------------------------------------------------


SIMPLE_ACTIONS = (
    ("submit", gettext_lazy("Submit to the importing country")),
    ("acknowledge", gettext_lazy("Acknowledge receipt")),
    ("ship", gettext_lazy("Record dispatch")),
    ("withdraw", gettext_lazy("Withdraw")),
    ("cancel", gettext_lazy("Cancel the shipment")),
)


def _detail(request, notification, *, bound=None, status=200):
    """The notification's page; `bound` is a form posted with errors ({name: form}).

    Where the reader sees findings of high severity, objecting is the page's first answer
    and clearing asks the reader to confirm having considered each of them: the clear form
    carries their ids, and is always drawn afresh (a refused clear shows its errors above
    the actions, while the form names the findings on file now)."""
    findings = selectors.findings(user=request.user, notification=notification)
    high = selectors.high_findings(findings)
    initial = {
        "version": notification.version,
        "outcome": notification.outcome or None,
        "findings": " ".join(str(row["id"]) for row in high),
    }
    action_forms = {
        name: form_class(initial=initial, auto_id=False)
        for name, form_class in ACTION_FORMS.items()
    }
    action_forms["message"] = MessageForm(auto_id=False)
    action_forms["attach"] = AttachForm()
    action_forms |= {name: form for name, form in (bound or {}).items() if name != "clear"}
    left = notification.days_left
    context = {
        "notification": notification,
        "findings": findings,
        "high_findings": high,
        "days_past_deadline": -left if left is not None and left < 0 else None,
        "actions": selectors.allowed_actions(user=request.user, notification=notification),
        "may_attach": can(request.user, ATTACH.name, notification),
        "timeline": selectors.notification_timeline(user=request.user, notification=notification),
        "forms": action_forms,
        "failed": next(iter((bound or {}).values()), None),
        "clear_failed": "clear" in (bound or {}),
        "simple_actions": [(name, label, action_forms[name]) for name, label in SIMPLE_ACTIONS],
        "active_nav": "precursors",
    }
    return render(request, "precursors/notification_detail.html", context, status=status)


@login_required
def notification_detail(request, notification_id: int):
    notification = selectors.notification_get(user=request.user, notification_id=notification_id)
    return _detail(request, notification)


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
    "question": "precursors.notification_oversee",
    "remind": "precursors.notification_oversee",
}
DONE = {
    "submit": gettext_lazy("The notification was submitted."),
    "acknowledge": gettext_lazy("Receipt was acknowledged."),
    "clear": gettext_lazy("The shipment was cleared."),
    "object": gettext_lazy("The objection was sent."),
    "ship": gettext_lazy("The shipment was recorded as dispatched."),
    "withdraw": gettext_lazy("The notification was withdrawn."),
    "cancel": gettext_lazy("The shipment was cancelled."),
    "outcome": gettext_lazy("The outcome was recorded."),
    "question": gettext_lazy("The question was sent to both authorities."),
    "remind": gettext_lazy("The reminder was sent to the importing authority."),
}


def run_action(action: str, *, actor, notification, expected_version, **fields):
    """Take one step of the workflow: the one place the page calls the services for it,
    through the workflow's table (`precursors.workflow`), as the API does."""
    return workflow.perform(
        action, actor=actor, notification=notification, expected_version=expected_version, **fields
    )


@require_POST
@login_required
def notification_action(request, notification_id: int):
    notification = selectors.notification_get(user=request.user, notification_id=notification_id)
    choice = ActionChoiceForm(request.POST)
    if not choice.is_valid():  # no button named a step: say so, and what else is wrong
        form = StepForm(request.POST, auto_id=False)
        form.is_valid()
        for message in choice.errors["action"]:
            form.add_error(None, message)
        return _detail(request, notification, bound={"action": form}, status=422)
    action = choice.cleaned_data["action"]
    require_page(request.user, STEP_ACTIONS[action], notification)
    form, status = ACTION_FORMS[action](request.POST, auto_id=False), 422
    if form.is_valid():
        try:
            run_action(
                action,
                actor=request.user,
                notification=notification,
                expected_version=form.cleaned_data["version"],
                **form.arguments(),
            )
        except ServiceError as error:
            form.add_service_error(error)
            status = error.status  # 409 for a stale version
        else:
            messages.success(request, str(DONE[action]))
            return redirect("precursors:detail", notification.pk)
    notification = selectors.notification_get(user=request.user, notification_id=notification_id)
    return _detail(request, notification, bound={action: form}, status=status)


@require_POST
@login_required
def message_post(request, notification_id: int):
    notification = selectors.notification_get(user=request.user, notification_id=notification_id)
    require_page(request.user, "precursors.notification_follow_up", notification)
    form = MessageForm(request.POST, auto_id=False)
    if form.is_valid():
        try:
            services.message_post(
                actor=request.user, notification=notification, body=form.cleaned_data["body"]
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The message was sent."))
            return redirect("precursors:detail", notification.pk)
    return _detail(request, notification, bound={"message": form}, status=422)


# --- documents --------------------------------------------------------------------------------


@require_POST
@login_required
def attach(request, notification_id: int):
    """Attach a document: the exporting authority to its draft, the importing authority to
    its answer."""
    notification = selectors.notification_get(user=request.user, notification_id=notification_id)
    require_page(request.user, ATTACH.name, notification)
    form = AttachForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            error = too_large(upload.size)
            if error is not None:
                raise error
            services.notification_attach(
                actor=request.user,
                notification=notification,
                kind=form.cleaned_data["kind"],
                name=upload.name,
                content=upload.read(),
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The file was attached."))
            return redirect("precursors:detail", notification.pk)
    notification = selectors.notification_get(user=request.user, notification_id=notification_id)
    return _detail(request, notification, bound={"attach": form}, status=422)


@require_GET
@login_required
def attachment_download(request, notification_id: int, attachment_id: int):
    """Served only to whoever sees the notification, always as a download."""
    notification = selectors.notification_get(user=request.user, notification_id=notification_id)
    attachment = selectors.attachment_get(notification=notification, attachment_id=attachment_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


# --- import -----------------------------------------------------------------------------------


@login_required
def notification_import(request):
    """Upload: the file is imported in the background and its page shows the progress."""
    return import_upload_page(
        request,
        kind=IMPORT_KIND,
        template="precursors/import.html",
        permission="precursors.notification_draft",
        nav="precursors",
        job_url="precursors:import_job",
        context={"columns": imports.COLUMNS},
    )


@login_required
def import_job(request, job_id: int):
    return import_job_page(
        request,
        job_id=job_id,
        kind=IMPORT_KIND,
        template="precursors/import_job.html",
        nav="precursors",
    )
