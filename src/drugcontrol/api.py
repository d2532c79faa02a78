"""The REST API at /api/v1/: authentication, the one error shape, pagination, routers."""

import copy
import datetime
import json
import logging
import uuid
from decimal import Decimal
from typing import Any

import orjson
from django.conf import settings
from django.core import signing
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PaginationBase
from ninja.parser import Parser
from ninja.renderers import BaseRenderer
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import BaseModel, ConfigDict

from drugcontrol.core.errors import ServiceError, ValidationFailed
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


class OutSchema(BaseModel):
    """Base of every response schema. Plain pydantic reads model attributes in compiled code,
    several times faster than ninja.Schema's per-attribute resolver on long lists."""

    model_config = ConfigDict(from_attributes=True)


class ErrorBody(Schema):
    code: str
    message: str
    details: Any = None


class ErrorResponse(Schema):
    error: ErrorBody


# The answers every operation may give besides its own: a body that cannot be parsed or an
# address with a NUL (400), no or a bad credential (401), an action the caller may not take
# (403), a record they may not see (404), a stale version (409), a body sent in chunks
# (411), a body over the limit (413), a value out of bounds (422).
# `document_error_statuses` adds any an operation omits.
ERRORS = {status: ErrorResponse for status in (400, 401, 403, 404, 409, 411, 413, 422)}


def error_response(request, status: int, code: str, message, details=None):
    return api.create_response(
        request,
        {"error": {"code": code, "message": str(message), "details": details or {}}},
        status=status,
    )


def _field_name(location) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    details: dict[str, list[str]] = {}
    for error in exc.errors:
        details.setdefault(_field_name(error.get("loc", ())), []).append(error.get("msg", ""))
    return error_response(request, 422, "validation_error", "Some fields are not valid.", details)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return error_response(
        request,
        401,
        "not_authenticated",
        "Sign in or send a valid API token (Authorization: Bearer).",
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, "not_found", "Not found.")


@api.exception_handler(ServiceError)
def on_service_error(request, exc: ServiceError):
    return error_response(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    cause = exc.__cause__
    if isinstance(cause, RequestDataTooBig):
        return error_response(request, 413, "payload_too_large", "The request body is too large.")
    if isinstance(cause, orjson.JSONDecodeError | BodyRefused):
        # The body's own fault, named: where it cannot be read, or which value is refused.
        return error_response(
            request, 400, "bad_request", "Cannot parse request body.", {"body": [str(cause)]}
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
        request, 409, "conflict", "This clashes with a record that exists; read it again."
    )


@api.exception_handler(Exception)
def on_unexpected_error(request, exc):
    logger.exception("Unhandled API error (request %s)", getattr(request, "id", ""))
    return error_response(request, 500, "server_error", "An unexpected error occurred.")


# The highest `page` accepted: its offset stays far inside the databases' 64-bit integers.
API_MAX_PAGE = 1_000_000


class PagePagination(PaginationBase):
    """Two ways through a list, both with `page_size` (at most API_MAX_PAGE_SIZE):

    - `page` (from 1, at most API_MAX_PAGE): the page with the list's `count` and `pages`.
      The count is a second query unless the page itself shows where the list ends.
    - `cursor`: the page after the one that returned it as `next` (an empty `cursor` starts
      at the beginning). No count and no OFFSET: the list continues after the last record
      seen (keyset on the list's ordering, the id breaking ties), so a page costs the same
      however deep, and records added meanwhile do not shift it. The cursor is opaque and
      signed, and belongs to the endpoint that issued it.

    Every answer carries `next`, the cursor of the following page (null on the last), so a
    client may start with `page` and continue with `cursor`."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=API_MAX_PAGE)
        page_size: int = Field(50, ge=1, le=settings.API_MAX_PAGE_SIZE)
        cursor: str | None = Field(None, max_length=2000)

    class Output(Schema):
        items: list[Any]
        count: int | None = None
        page: int | None = None
        page_size: int
        pages: int | None = None
        next: str | None = None

    items_attribute = "items"

    def paginate_queryset(self, queryset, pagination: Input, request=None, **params):
        size = pagination.page_size
        ordering = _keyset_ordering(_source(queryset))
        if pagination.cursor is not None:
            if pagination.page != 1:
                raise ValidationFailed({"cursor": [_("Give either a page or a cursor.")]})
            position = _read_cursor(request, pagination.cursor, ordering)
            items, records, more = _window(queryset, ordering, position, size, look_ahead=True)
            count = page = pages = None
        else:
            position = {"o": (pagination.page - 1) * size}
            items, records, _more = _window(queryset, ordering, position, size)
            start = position["o"]
            if 0 < len(items) < size or (start == 0 and not items):
                count = start + len(items)  # this page shows where the list ends
            else:
                count = len(queryset) if isinstance(queryset, list | tuple) else queryset.count()
            more = start + len(items) < count
            page, pages = pagination.page, (count + size - 1) // size
        return {
            "items": items,
            "count": count,
            "page": page,
            "page_size": size,
            "pages": pages,
            "next": _next_cursor(request, ordering, position, records, size) if more else None,
        }


def _source(listing) -> QuerySet | None:
    """The queryset under a list: itself, or the one a shaping wrapper slices."""
    if isinstance(listing, QuerySet):
        return listing
    inner = getattr(listing, "queryset", None)
    return inner if isinstance(inner, QuerySet) else None


def _keyset_ordering(queryset: QuerySet | None) -> list[tuple[Any, bool]] | None:
    """The list's ordering as (field, descending) pairs ending with a unique field (the id
    added when none is), or None when a keyset cannot follow it (an expression, an
    annotation, a related or nullable field): such a list's cursors hold an offset."""
    if queryset is None or queryset.query.is_sliced or queryset.query.distinct_fields:
        return None
    query = queryset.query
    names = list(query.order_by) or list(
        query.get_meta().ordering if query.default_ordering else []
    )
    meta = queryset.model._meta
    fields = {field.attname: field for field in meta.concrete_fields}
    fields.update({field.name: field for field in meta.concrete_fields if not field.is_relation})
    fields["pk"] = meta.pk
    ordering = []
    for name in names:
        if not isinstance(name, str):
            return None
        field = fields.get(name.removeprefix("-"))
        if field is None or (field.null and not field.primary_key):
            return None
        ordering.append((field, name.startswith("-")))
        if field.unique:
            return ordering
    return [*ordering, (meta.pk, ordering[-1][1] if ordering else False)]


class _Records:
    """Stands in for a shaping wrapper's queryset: evaluates its one slice and keeps the
    records (before the wrapper shapes them) for the next cursor."""

    def __init__(self, queryset):
        self.queryset, self.records = queryset, []

    def __getitem__(self, item):
        self.records = list(self.queryset[item])
        return self.records


def _window(listing, ordering, position: dict, size: int, look_ahead=False):
    """One page from `position` (a keyset or an offset): the items as the endpoint shapes
    them, the records under them, and (with `look_ahead`, one row more read) whether more
    follow."""
    source = _source(listing)
    start = position.get("o", 0)
    if source is not None and ordering is not None:
        # The tie-breaking id makes pages and cursors follow one order.
        names = [("-" if descending else "") + field.attname for field, descending in ordering]
        if tuple(names) != tuple(source.query.order_by):
            source = source.order_by(*names)
        if "k" in position:
            source = source.filter(_after(ordering, position["k"]))
    stop = start + size + (1 if look_ahead else 0)
    if source is None:  # a plain list
        rows = list(listing[start:stop])
        records = rows
    elif isinstance(listing, QuerySet):
        rows = records = list(source[start:stop])
    else:
        wrapper = copy.copy(listing)
        wrapper.queryset = _Records(source)
        rows = list(wrapper[start:stop])
        records = wrapper.queryset.records
    return rows[:size], records[:size], len(records) > size


def _after(ordering, keys) -> Q:
    """The rows after the one whose ordering values are `keys`."""
    after = Q()
    for index, (field, descending) in enumerate(ordering):
        step = Q(**{f"{field.attname}__{'lt' if descending else 'gt'}": keys[index]})
        for (earlier, _descending), key in zip(ordering[:index], keys, strict=False):
            step &= Q(**{earlier.attname: key})
        after |= step
    return after


def _cursor_salt(request) -> str:
    return f"drugcontrol.api.cursor:{getattr(request, 'path', '')}"


def _key_text(value):
    # Full precision (DjangoJSONEncoder would cut datetimes to milliseconds).
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def _next_cursor(request, ordering, position, records, size) -> str:
    record = records[-1] if records else None
    keys = None
    if ordering is not None and record is not None:
        if isinstance(record, dict):
            keys = [record.get(field.attname, record.get(field.name)) for field, _d in ordering]
            keys = None if None in keys else keys
        else:
            keys = [getattr(record, field.attname) for field, _descending in ordering]
    if keys is not None:
        payload = {"k": [_key_text(key) for key in keys]}
    else:  # no keyset for this list (or its rows lack the ordering values): an offset
        payload = {"o": position.get("o", 0) + size}
    return signing.dumps(payload, salt=_cursor_salt(request), compress=True)


def _read_cursor(request, cursor: str, ordering) -> dict:
    if cursor == "":
        return {"o": 0}
    invalid = ValidationFailed({"cursor": [_("This cursor is not valid here.")]})
    try:
        position = signing.loads(cursor, salt=_cursor_salt(request))
    except signing.BadSignature:
        raise invalid from None
    if not isinstance(position, dict):
        raise invalid
    offset, keys = position.get("o"), position.get("k")
    if isinstance(offset, int) and not isinstance(offset, bool) and offset >= 0:
        return {"o": offset}
    if isinstance(keys, list) and ordering is not None and len(keys) == len(ordering):
        try:
            return {
                "k": [field.to_python(key) for (field, _d), key in zip(ordering, keys, strict=True)]
            }
        except DjangoValidationError:
            raise invalid from None
    raise invalid


class ShapedPage:
    """A queryset whose items are shaped (nested lists attached) only for the page it is
    sliced to: a constant number of queries a page, whatever the page size."""

    def __init__(self, queryset, shape):
        self.queryset = queryset
        self.shape = shape

    def count(self):
        return self.queryset.count()

    def __getitem__(self, item):
        return [self.shape(record) for record in self.queryset[item]]


def register_routers() -> None:
    from drugcontrol.core.api import router as core_router
    from drugcontrol.entities.api import router as entities_router
    from drugcontrol.incidents.api import router as incidents_router
    from drugcontrol.precursors.api import router as precursors_router
    from drugcontrol.substances.api import router as substances_router

    api.add_router("/", core_router)
    api.add_router("/", substances_router)
    api.add_router("/", entities_router)
    api.add_router("/", incidents_router)
    api.add_router("/", precursors_router)
    document_error_statuses()


def document_error_statuses() -> None:
    """Every operation documents every error status it can answer (the OpenAPI document is
    the contract: a client and a conformance check may rely on it)."""
    for router in {router for _prefix, router in api._routers}:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for status, model in ERRORS.items():
                    if status not in operation.response_models:
                        operation.response_models[status] = operation._create_response_model(model)


register_routers()
