"""Server-rendered pages of the core app. Reads through selectors, writes through services."""

import base64
import datetime
import math

import pyotp
import segno
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from drugcontrol.core import selectors, services
from drugcontrol.core.errors import Conflict, ServiceError, error_body
from drugcontrol.core.forms import (
    ActionForm,
    AuditFilterForm,
    CodeForm,
    NextForm,
    OrganisationCreateForm,
    OrganisationFilterForm,
    OrganisationSettingsForm,
    PasswordChangeForm,
    ProfileForm,
    SecondFactorPolicyForm,
    SignInForm,
    TokenForm,
    UserCreateForm,
    UserEditForm,
    add_service_error,
)
from drugcontrol.core.home import home_panels
from drugcontrol.core.network import client_address
from drugcontrol.core.permissions import can, require_page

PAGE_SIZE = 50
PENDING_SESSION_KEY = "pending_second_factor_user"
PENDING_MAX_AGE = datetime.timedelta(minutes=5)
BACKEND = "drugcontrol.core.backends.OrganisationAwareBackend"
SIGN_IN_REFUSED = gettext_lazy(
    "The user name or password is wrong. After repeated failures, sign-in is paused for a while."
)


def paginate(request, queryset, page_size=PAGE_SIZE):
    return Paginator(queryset, page_size).get_page(request.GET.get("page"))


# --- health ---------------------------------------------------------------------------------


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return JsonResponse(
            {"status": "error", "database": "error", "detail": type(error).__name__}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok"})


# --- sign-in --------------------------------------------------------------------------------


def _next_url(request) -> str:
    return NextForm.target(request, request.POST) or NextForm.target(request, request.GET) or "/"


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        address = client_address(request)
        result = services.sign_in_check_password(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            address=address,
        )
        if result.throttled:
            retry_after = result.retry_after
            minutes = math.ceil(retry_after / 60)
            form.add_error(
                None,
                ngettext(
                    "Too many failed sign-in attempts came from your network address. "
                    "Try again in %(minutes)d minute.",
                    "Too many failed sign-in attempts came from your network address. "
                    "Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            status = 429
        elif result.user is None:
            # Unknown name, wrong password or locked account: one answer for all three.
            form.add_error(None, SIGN_IN_REFUSED)
        elif result.needs_second_factor:
            request.session[PENDING_SESSION_KEY] = {
                "user": result.user.pk,
                "at": timezone.now().isoformat(),
                "next": _next_url(request),
            }
            return redirect("core:sign_in_second_factor")
        else:
            login(request, result.user, backend=BACKEND)
            services.sign_in_succeeded(user=result.user, second_factor=False, address=address)
            return redirect(_next_url(request))
    response = render(
        request, "core/sign_in.html", {"form": form, "next": _next_url(request)}, status=status
    )
    if status == 429:
        response["Retry-After"] = str(retry_after)
    return response


@csrf_protect
@never_cache
def sign_in_second_factor(request):
    pending = request.session.get(PENDING_SESSION_KEY)
    started = datetime.datetime.fromisoformat(pending["at"]) if pending else None
    if not pending or timezone.now() - started > PENDING_MAX_AGE:
        request.session.pop(PENDING_SESSION_KEY, None)
        return redirect("core:sign_in")
    address = client_address(request)
    user = selectors.user_signing_in(user_id=pending["user"])
    if user is None or services.sign_in_blocked(user=user, address=address):
        request.session.pop(PENDING_SESSION_KEY, None)
        return redirect("core:sign_in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.sign_in_verify_totp(user=user, code=form.cleaned_data["code"], address=address):
            request.session.pop(PENDING_SESSION_KEY, None)
            login(request, user, backend=BACKEND)
            services.sign_in_succeeded(user=user, second_factor=True, address=address)
            return redirect(pending.get("next") or "/")
        form.add_error("code", _("The code is not valid."))
    return render(request, "core/sign_in_second_factor.html", {"form": form})


@require_POST
def sign_out(request):
    logout(request)
    return redirect("core:sign_in")


# --- home and account -----------------------------------------------------------------------


@login_required
def home(request):
    if request.user.organisation is None:
        return render(request, "core/no_organisation.html", status=403)
    context = selectors.home_summary(user=request.user)
    context["panels"] = home_panels(request.user)  # the user's queue first
    context["second_factor_missing"] = services.second_factor_missing(request.user)
    return render(request, "core/home.html", context)


@login_required
def profile(request):
    user = request.user
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "preferred_language": user.preferred_language,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(actor=user, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("core:profile")
    return render(request, "core/profile.html", {"form": form, "section": "profile"})


@sensitive_post_parameters("current_password", "new_password", "new_password_again")
@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                actor=request.user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ServiceError as error:
            add_service_error(form, error, fields={"password": "new_password"})
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect("core:profile")
    return render(request, "core/password.html", {"form": form, "section": "password"})


def _qr_data_uri(user, secret: str) -> str:
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name="drugcontrol")
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#111")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@login_required
def second_factor(request):
    user = request.user
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        action = ActionForm.chosen(request, "begin", "confirm", "disable")
        try:
            if action == "begin":
                services.second_factor_begin(actor=user)
                return redirect("core:second_factor")
            if action == "confirm" and form.is_valid():
                services.second_factor_confirm(actor=user, code=form.cleaned_data["code"])
                messages.success(request, _("The second factor is on."))
                return redirect("core:second_factor")
            if action == "disable" and form.is_valid():
                services.second_factor_disable(
                    actor=user,
                    user=user,
                    code=form.cleaned_data["code"],
                    address=client_address(request),
                )
                messages.success(request, _("The second factor is off."))
                return redirect("core:second_factor")
        except ServiceError as error:
            add_service_error(form, error)
    context = {"form": form, "section": "second_factor", "enrolling": False}
    if not user.has_second_factor and user.totp_secret:
        qr = _qr_data_uri(user, user.totp_secret)
        context.update(enrolling=True, qr=qr, secret=user.totp_secret)
    context["required"] = bool(user.organisation and user.organisation.require_second_factor)
    context["second_factor_missing"] = services.second_factor_missing(user)
    return render(request, "core/second_factor.html", context)


@login_required
def tokens(request):
    form = TokenForm(request.POST or None, initial={"expires_in_days": 90})
    created_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, created_secret = services.token_create(
                actor=request.user,
                user=request.user,
                name=form.cleaned_data["name"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            form = TokenForm(initial={"expires_in_days": 90})
    context = {
        "form": form,
        # No form then, but a link to the set-up page (the service refuses anyway).
        "second_factor_missing": services.second_factor_missing(request.user),
        "created_secret": created_secret,
        "page": paginate(request, selectors.api_token_list(user=request.user)),
        "section": "tokens",
        "now": timezone.now(),
    }
    return render(request, "core/tokens.html", context)


@require_POST
@login_required
def token_revoke(request, token_id: int):
    token = selectors.api_token_get(user=request.user, token_id=token_id)
    token = services.token_revoke(actor=request.user, token=token)
    if request.headers.get("HX-Request"):
        return render(request, "core/_token_row.html", {"token": token, "now": timezone.now()})
    messages.success(request, _("The token was revoked."))
    return redirect("core:tokens")


# --- organisations and users ----------------------------------------------------------------


@login_required
def organisation_list(request):
    if request.method == "POST":
        require_page(request.user, "core.organisation_manage")
    form = OrganisationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                country_code=form.cleaned_data["country"] or None,
                require_second_factor=form.cleaned_data["require_second_factor"],
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The organisation was created."))
            return redirect("core:organisation_detail", organisation.pk)
    filters = OrganisationFilterForm(request.GET, auto_id="filter-%s")
    queryset = selectors.organisation_list(
        user=request.user, kind=request.GET.get("kind") or None, **filters.values()
    )
    context = {
        "page": paginate(request, queryset),
        "form": form,
        "filters": filters,
        "can_create": can(request.user, "core.organisation_manage"),
    }
    return render(request, "core/organisation_list.html", context)


@login_required
def organisation_detail(request, organisation_id: int):
    organisation = selectors.organisation_get(user=request.user, organisation_id=organisation_id)
    actor = request.user
    international_admin = can(actor, "core.organisation_manage")
    can_manage = can(actor, "core.user_manage", organisation)
    action = ActionForm.chosen(request, "add_user", "settings")
    if action == "settings":
        require_page(actor, "core.organisation_security", organisation)
    elif request.method == "POST":
        require_page(actor, "core.user_manage", organisation)
    current = {
        "version": organisation.version,
        "name": organisation.name,
        "require_second_factor": organisation.require_second_factor,
        "is_active": organisation.is_active,
    }
    user_form = UserCreateForm(request.POST if action == "add_user" else None)
    # International administrators edit every setting; an organisation's own administrators
    # decide only whether their members need a second factor.
    settings_form = (OrganisationSettingsForm if international_admin else SecondFactorPolicyForm)(
        request.POST if action == "settings" else None, initial=current
    )
    status = 200
    if action:
        form = user_form if action == "add_user" else settings_form
        try:
            if action == "add_user" and user_form.is_valid():
                services.user_create(
                    actor=actor, organisation=organisation, **user_form.cleaned_data
                )
                messages.success(request, _("The user was added."))
                return redirect("core:organisation_detail", organisation.pk)
            if action == "settings" and settings_form.is_valid():
                changes = dict(settings_form.cleaned_data)
                version = changes.pop("version")
                services.organisation_update(
                    actor=actor, organisation=organisation, expected_version=version, **changes
                )
                messages.success(request, _("The organisation was saved."))
                return redirect("core:organisation_detail", organisation.pk)
        except ServiceError as error:
            add_service_error(form, error)
            status = 409 if isinstance(error, Conflict) else 200
    members = selectors.user_list(user=actor, organisation_id=organisation.pk)
    context = {
        "organisation": organisation,
        "members": paginate(request, members),
        "can_manage": can_manage,
        "user_form": user_form,
        "settings_form": settings_form,
    }
    return render(request, "core/organisation_detail.html", context, status=status)


@login_required
def user_detail(request, user_id: int):
    subject = selectors.user_get(user=request.user, user_id=user_id)
    actor = request.user
    can_manage = can(actor, "core.user_manage", subject.organisation)
    form = UserEditForm(
        request.POST or None,
        initial={"version": subject.version, "role": subject.role, "is_active": subject.is_active},
    )
    status = 200
    if request.method == "POST":
        require_page(actor, "core.user_manage", subject.organisation)
        try:
            if ActionForm.chosen(request, "reset_second_factor"):
                services.second_factor_disable(actor=actor, user=subject)
                messages.success(request, _("The second factor was removed."))
                return redirect("core:user_detail", subject.pk)
            if form.is_valid():
                services.user_update(
                    actor=actor,
                    user=subject,
                    expected_version=form.cleaned_data["version"],
                    role=form.cleaned_data["role"],
                    is_active=form.cleaned_data["is_active"],
                )
                messages.success(request, _("The user was saved."))
                return redirect("core:user_detail", subject.pk)
        except ServiceError as error:
            add_service_error(form, error)
            status = 409 if isinstance(error, Conflict) else 200
    context = {"subject": subject, "form": form, "can_manage": can_manage}
    return render(request, "core/user_detail.html", context, status=status)


# --- audit ----------------------------------------------------------------------------------


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@login_required
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    since, until = filters.get("since"), filters.get("until")
    queryset = selectors.audit_event_list(
        user=request.user,
        action=filters.get("action") or None,
        actor=filters.get("actor") or None,
        object_type=filters.get("object_type") or None,
        since=_start_of_day(since) if since else None,
        until=_start_of_day(until + datetime.timedelta(days=1)) if until else None,
    ).select_related("country")
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": paginate(request, queryset), "query": query.urlencode()}
    return render(request, "core/audit_list.html", context)


@login_required
def audit_detail(request, event_id: int):
    event = selectors.audit_event_get(user=request.user, event_id=event_id)
    return render(request, "core/audit_detail.html", {"event": event})


def refusal(request, status: int, code: str, message, template="refused.html"):
    """An answer before or instead of a view: the API's error shape, or a page."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(code, message), status=status)
    return render(request, template, {"message": message}, status=status)


def not_found(request, exception=None):
    return refusal(request, 404, "not_found", "Not found.", template="404.html")


def bad_request(request, exception=None):
    """Django's answer to a request it refuses before any view (a body over the limit)."""
    if isinstance(exception, RequestDataTooBig):
        status, code, message = 413, "payload_too_large", _("The request is too large.")
    else:
        status, code, message = 400, "bad_request", _("The request could not be read.")
    return refusal(request, status, code, message)


def robots(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")
