"""The REST API at /api/v1/: authentication, parsing and rendering, errors in one shape,
and the apps' routers (their shared schemas and pagination: core/api_common.py)."""

import json
import logging

import orjson
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.renderers import BaseRenderer
from ninja.security import APIKeyCookie, HttpBearer

from drugcontrol.core.errors import ServiceError, error_body
from drugcontrol.core.schema_messages import schema_message
from drugcontrol.core.services import api_access_check, token_authenticate

logger = logging.getLogger(__name__)


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer dct_...` with a token from the account page or the CLI."""

    openapi_description = (
        "An API token created on the account page or with `drugcontrol token create`."
    )

    def authenticate(self, request: HttpRequest, token: str):
        # Raises SecondFactorRequired (401) while the token's user must still enrol.
        user = token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


class BrowserSessionAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods need the CSRF token (X-CSRFToken)."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "The browser session of a signed-in user (with CSRF on writes)."

    def __init__(self):
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest):
        # Without a signed-in session there is nothing for CSRF to protect: the caller is
        # anonymous (401), not a forged request (403).
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.organisation is None:
            return None
        api_access_check(user)  # 401 while the user must still set up a second factor
        return user


class StrictJSONParser(Parser):
    """orjson refuses what no column could hold (NaN, Infinity, lone surrogates, invalid
    UTF-8); NUL characters, valid JSON but refused by PostgreSQL, are refused here too."""

    def parse_body(self, request):
        data = orjson.loads(request.body)
        _refuse_nul(data)
        return data


class BodyRefused(ValueError):
    pass


def _refuse_nul(value, where="body") -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise BodyRefused(f"{where}: a NUL character (\\u0000) cannot be stored")
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key, where)
            _refuse_nul(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nul(item, f"{where}.{index}")


class FastJSONRenderer(BaseRenderer):
    """orjson: several times faster than the standard library on long lists of dates."""

    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return orjson.dumps(data, default=_json_default, option=orjson.OPT_NON_STR_KEYS)


def _json_default(value):
    # Types orjson does not know (Decimal, lazy translations, ...) as Django would write them.
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


api = NinjaAPI(
    title="drugcontrol API",
    version="1",
    description=(
        "The REST API of drugcontrol. Every list is paginated, with `page_size` (1 to "
        f"{settings.API_MAX_PAGE_SIZE}, default 50) and either `page` (1 to 1,000,000) or "
        "`cursor`. A list answers "
        '`{"items": [...], "count", "page", "page_size", "pages", "next"}`. '
        "With `page` you get the page and the list's `count` and `pages`. With `cursor` "
        "(the `next` of the previous answer; an empty `cursor` starts at the beginning) you "
        "get the following page, without counting (`count`, `page` and `pages` are null): "
        "it continues after the last record seen, so deep pages cost no more than the first "
        "and records added meanwhile do not shift the pages. `next` is an opaque cursor for "
        "the following page, null on the last; it is valid only on the endpoint that "
        "returned it, with the same filters. Errors have one shape: "
        '`{"error": {"code": ..., "message": ..., "details": ...}}` (a `page` out of range '
        "or a cursor not valid here is a 422). A record you may not see answers 404."
    ),
    urls_namespace="api",
    auth=[BearerTokenAuth(), BrowserSessionAuth()],
    renderer=FastJSONRenderer(),
    parser=StrictJSONParser(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def error_response(request, status: int, code: str, message, details=None):
    return api.create_response(request, error_body(code, message, details), status=status)


def _field_name(location) -> str:
    """`("body", "payload", "lines", 0, "unit")` as `lines.0.unit`: the request's part and
    the payload's parameter name dropped, a field named `body` or `path` kept."""
    parts = [str(part) for part in location]
    if parts and parts[0] in ("body", "query", "path"):
        parts = parts[1:]
    if parts and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    details: dict[str, list[str]] = {}
    for error in exc.errors:
        details.setdefault(_field_name(error.get("loc", ())), []).append(schema_message(error))
    return error_response(
        request, 422, "validation_error", _("Some fields are not valid."), details
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return error_response(
        request,
        401,
        "not_authenticated",
        _("Sign in or send a valid API token (Authorization: Bearer)."),
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(ServiceError)
def on_service_error(request, exc: ServiceError):
    return error_response(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    cause = exc.__cause__
    if isinstance(cause, RequestDataTooBig):
        return error_response(
            request, 413, "payload_too_large", _("The request body is too large.")
        )
    if isinstance(cause, orjson.JSONDecodeError | BodyRefused):
        # The body's own fault, named: where it cannot be read, or which value is refused.
        return error_response(
            request, 400, "bad_request", _("Cannot parse request body."), {"body": [str(cause)]}
        )
    codes = {400: "bad_request", 403: "permission_denied", 404: "not_found", 409: "conflict"}
    return error_response(
        request, exc.status_code, codes.get(exc.status_code, "error"), exc.message
    )


@api.exception_handler(IntegrityError)
def on_integrity_error(request, exc):
    # A uniqueness the service checked but a concurrent request won: the caller's record
    # clashes with one that now exists. Logged, since a service check may be missing.
    logger.warning("Integrity error (request %s): %s", getattr(request, "id", ""), exc)
    return error_response(
        request, 409, "conflict", _("This clashes with a record that exists; read it again.")
    )


@api.exception_handler(Exception)
def on_unexpected_error(request, exc):
    logger.exception("Unhandled API error (request %s)", getattr(request, "id", ""))
    return error_response(request, 500, "server_error", "An unexpected error occurred.")


def register_routers() -> None:
    from drugcontrol.core.api import router as core_router
    from drugcontrol.entities.api import router as entities_router
    from drugcontrol.incidents.api import router as incidents_router
    from drugcontrol.medicines.api import router as medicines_router
    from drugcontrol.medicines.api_statistics import router as medicines_statistics_router
    from drugcontrol.monitoring.api import router as monitoring_router
    from drugcontrol.monitoring.api_crops import router as monitoring_crops_router
    from drugcontrol.nps.api import router as nps_router
    from drugcontrol.precursors.api import router as precursors_router
    from drugcontrol.review.api import router as review_router
    from drugcontrol.substances.api import router as substances_router

    api.add_router("/", core_router)
    api.add_router("/", substances_router)
    api.add_router("/", entities_router)
    api.add_router("/", incidents_router)
    api.add_router("/", precursors_router)
    api.add_router("/", nps_router)
    api.add_router("/", monitoring_router)
    api.add_router("/", monitoring_crops_router)
    api.add_router("/", medicines_router)
    api.add_router("/", medicines_statistics_router)
    api.add_router("/", review_router)


register_routers()
