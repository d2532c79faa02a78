import re
import uuid

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from drugcontrol.core.context import current_request_id
from drugcontrol.core.selectors import second_factor_missing
from drugcontrol.core.views import refusal

_REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (or keep a well-formed one from the proxy) for the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex
        token = current_request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


class SecondFactorRequiredMiddleware:
    """Signed-in users of an organisation that requires a second factor must enrol first.

    Pages answer with a redirect to the set-up page (the account pages stay open: there the
    user sets it up, and the tokens page explains why no token can be created); the API
    refuses the same users' sessions and tokens in its own authentication. One rule decides
    for all of them: `services.second_factor_missing`.
    """

    allowed_prefixes = ("/accounts/", "/i18n/", "/static/", "/healthz", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and request.headers.get("Authorization", "").startswith(
            "Bearer "
        ):
            # The API authenticates the token itself (and refuses it while a second factor
            # is missing): reading the session and its user here would be two wasted queries.
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.preferred_language and not request.COOKIES.get("django_language"):
                translation.activate(user.preferred_language)
                request.LANGUAGE_CODE = translation.get_language()
            if second_factor_missing(user) and not request.path.startswith(self.allowed_prefixes):
                return redirect(reverse("core:second_factor"))
        return self.get_response(request)


class RequestLimitsMiddleware:
    """Refuse, before any view reads it, a request no view could handle: a body larger than
    any form or upload accepts (413), a body sent in chunks (411), a query string with a
    NUL character (400, the databases cannot compare such text). The API answers in its
    error shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            # The WSGI server hands Django no length, and Django would read an empty body.
            return refusal(
                request,
                411,
                "length_required",
                _("Send the request body with a Content-Length, not in chunks."),
            )
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        limit = settings.MAX_UPLOAD_REQUEST_BYTES if multipart else settings.MAX_BODY_BYTES
        if length > limit:
            return refusal(
                request,
                413,
                "payload_too_large",
                _("The request is larger than %(size)s MB.") % {"size": limit // (1024 * 1024)},
            )
        if "\x00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in value for values in request.GET.lists() for value in values[1]
        ):
            return refusal(request, 400, "bad_request", _("The address contains a NUL character."))
        return self.get_response(request)
