"""What every app's API module shares, apart from the API that assembles them
(drugcontrol/api.py imports the apps' routers; the apps import this, so nothing imports
back): the response base class, the one error shape, and pagination."""

import copy
import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from ninja.pagination import PaginationBase
from pydantic import BaseModel, ConfigDict

from drugcontrol.core.errors import ValidationFailed


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
# Every operation declares them (`response={200: ..., **ERRORS}`); a test holds it to it.
ERRORS = {status: ErrorResponse for status in (400, 401, 403, 404, 409, 411, 413, 422)}


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
