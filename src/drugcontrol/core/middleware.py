import re
import uuid

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from drugcontrol.core.context import current_request_id
from drugcontrol.core.services import second_factor_missing

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
