"""The bounds every value keeps so that the database can store it and read it back.

One place decides them, from the model fields themselves: the API's schemas (`RecordId`,
`Version`, `Moment`, `choice`), the services' readers of numbers (`read_decimal`,
`read_int`, `form_int`) and the last check before a row is written (`check_instance`, run on every
save of the project's models and before every bulk insert). A value outside them is a
validation error naming its field, never a 500 and never a row that breaks a later read.
"""

import datetime
import decimal
import math
import re
from typing import Annotated, Literal

from django.apps import apps
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models.signals import pre_save
from pydantic import AfterValidator, BeforeValidator, Field

from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.messages import gettext as _

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+")
_WHOLE = re.compile(r"[+-]?\d{1,30}")
MAX_ID = 2**63 - 1  # a 64-bit primary key, the largest both databases hold

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _not_a_truth_value(value):
    # JSON true and false are not numbers, though Python counts them as 1 and 0.
    if isinstance(value, bool):
        raise ValueError("a whole number, not true or false")
    return value


def _written_as_a_day(value):
    # A day is written YYYY-MM-DD: pydantic would read 0 or "0" as 1970-01-01 (Unix time).
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and _ISO_DAY.fullmatch(value.strip()):
        return value.strip()
    raise ValueError("Give the date as YYYY-MM-DD.")


# An id in a path, a query or a body: larger ones cannot name any row.
RecordId = Annotated[int, BeforeValidator(_not_a_truth_value), Field(ge=1, le=MAX_ID)]
# A PositiveIntegerField.
Version = Annotated[int, BeforeValidator(_not_a_truth_value), Field(ge=0, le=2**31 - 1)]
# A day in a body or a query: only as YYYY-MM-DD.
Day = Annotated[datetime.date, BeforeValidator(_written_as_a_day)]
# A word or code typed into a list's query: a longer one names nothing, and is a field error
# (never cut silently, never a scan of a table for a megabyte of text).
QueryText = Annotated[str, Field(max_length=100)]


def _in_utc(moment: datetime.datetime) -> datetime.datetime:
    # PostgreSQL takes offsets up to 15:59 only, Python up to 23:59: compare in UTC.
    if moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError as error:
        raise ValueError("out of range") from error


# A moment in a query or a body, in UTC whatever offset it was written with.
Moment = Annotated[datetime.datetime, AfterValidator(_in_utc)]


def decimal_limit(field: models.DecimalField) -> decimal.Decimal:
    """The largest value a decimal column holds (10^integer digits minus one step)."""
    step = decimal.Decimal(1).scaleb(-field.decimal_places)
    return decimal.Decimal(10) ** (field.max_digits - field.decimal_places) - step


def model_field(model: type[models.Model], name: str):
    return model._meta.get_field(name)


def read_decimal(
    value,
    name: str,
    errors: dict,
    *,
    field: models.DecimalField,
    positive: bool = False,
    maximum=None,
) -> decimal.Decimal | None:
    """A number as people type it ("1 200,5" aside: one comma or point as the decimal mark),
    rounded to the places its column keeps; None (and an error under `name`) when it is not
    a finite number, not positive where it must be, or beyond the column or `maximum`."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        errors[name] = [_("Not a number.")]
        return None
    text = str(value).strip()
    if _THOUSANDS.fullmatch(text):
        # "1,500": a thousand and a half or one and a half? Guessing could be 1000 times off.
        errors[name] = [
            _("Write %(text)s without a thousands separator, or with a decimal point.")
            % {"text": text}
        ]
        return None
    if "_" in text:  # Python's digit grouping, which nobody means in a quantity
        errors[name] = [_("Not a number.")]
        return None
    try:
        number = decimal.Decimal(text.replace(",", "."))
    except (decimal.InvalidOperation, ValueError):
        errors[name] = [_("Not a number.")]
        return None
    if not number.is_finite():
        errors[name] = [_("Not a number.")]
        return None
    limit = decimal_limit(field)
    if maximum is not None:
        limit = min(limit, decimal.Decimal(maximum))
    if abs(number) < limit + 1:  # small enough to round to the column's places
        number = number.quantize(
            decimal.Decimal(1).scaleb(-field.decimal_places), decimal.ROUND_HALF_UP
        )
    if abs(number) > limit:
        errors[name] = [_("Must be at most %(maximum)s.") % {"maximum": plain_number(limit)}]
        return None
    if positive and number <= 0:
        errors[name] = [_("Must be greater than zero.")]
        return None
    if not positive and number < 0:
        errors[name] = [_("Must not be negative.")]
        return None
    return number


def read_int(value, name: str, errors: dict, *, minimum: int, maximum: int) -> int | None:
    """A whole number within [minimum, maximum]; None (and an error) otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        errors[name] = [_("Not a whole number.")]
        return None
    if isinstance(value, int):
        number = value
    elif _WHOLE.fullmatch(str(value).strip()):
        number = int(str(value).strip())
    else:  # "2.5", "1e3", Python's "1_000", a number too long to mean anything
        errors[name] = [_("Not a whole number.")]
        return None
    if not minimum <= number <= maximum:
        errors[name] = [
            _("Must be between %(minimum)s and %(maximum)s.")
            % {"minimum": minimum, "maximum": maximum}
        ]
        return None
    return number


def read_text(raw: dict, name: str, errors: dict, *, max_length: int, required=False) -> str:
    """A text value, trimmed; an error when it is missing (where required), not text, or
    longer than its column (never cut silently)."""
    value = raw.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = [_("Give this as text.")]
        return ""
    value = value.strip()
    if required and not value:
        errors[name] = [_("This field is required.")]
    elif len(value) > max_length:
        errors[name] = [
            _("At most %(limit)s characters (this has %(length)s).")
            % {"limit": max_length, "length": len(value)}
        ]
    elif problem := text_problem(value):
        errors[name] = [problem]
    return value


def plain_number(value) -> str:
    """A number as people write it: plain decimal notation, no exponent, no trailing zeros
    ("" for None)."""
    if value is None:
        return ""
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    return str(value)


# Control characters other than tab and line breaks (a terminal reads ESC as a command, a
# backspace hides what precedes it), and the characters that reorder the text after them on
# screen (embeddings, overrides, isolates): in a name another country reads, either can make
# it show as a different name.
_HIDDEN_CHARACTERS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def text_problem(value: str) -> str | None:
    """Why a text cannot be stored as it is (None when it can)."""
    if "\x00" in value:
        return _("Contains a character that cannot be stored (NUL).")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("Contains a character that cannot be stored (a lone surrogate).")
    hidden = _HIDDEN_CHARACTERS.search(value)
    if hidden:
        return _(
            "Contains an invisible control character (U+%(code)s at position %(position)s)."
        ) % {"code": f"{ord(hidden.group()):04X}", "position": hidden.start() + 1}
    return None


def field_problem(field: models.Field, value) -> str | None:
    """Why `value` cannot be stored in `field` (None when it can)."""
    if value is None:
        return None
    if isinstance(field, models.DecimalField):
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = decimal.Decimal(str(value))
        if not isinstance(value, decimal.Decimal):
            return None  # Django converts strings, and refuses what it cannot
        if not value.is_finite():
            return _("Not a number.")
        if abs(value) > decimal_limit(field):
            limit = plain_number(decimal_limit(field))
            return _("Must be at most %(maximum)s.") % {"maximum": limit}
        return None
    if isinstance(field, models.FloatField):
        if isinstance(value, float) and not math.isfinite(value):
            return _("Not a number.")
        return None
    # Django's own table of its integer columns' ranges (as PostgreSQL holds them).
    ranges = BaseDatabaseOperations.integer_field_ranges
    internal = field.get_internal_type()
    if internal in ranges and isinstance(value, int) and not isinstance(value, bool):
        low, high = ranges[internal]
        if not low <= value <= high:
            return _("Must be between %(minimum)s and %(maximum)s.") % {
                "minimum": low,
                "maximum": high,
            }
        return None
    if isinstance(value, str) and isinstance(field, models.CharField | models.TextField):
        if field.max_length and len(value) > field.max_length:
            return _("At most %(limit)s characters.") % {"limit": field.max_length}
        return text_problem(value)
    return None


def instance_problems(instance: models.Model, prefix: str = "") -> dict[str, list[str]]:
    problems = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key and getattr(instance, field.attname) is None:
            continue
        problem = field_problem(field, getattr(instance, field.attname))
        if problem:
            problems[f"{prefix}{field.name}"] = [problem]
    return problems


def check_instance(instance: models.Model, prefix: str = "") -> None:
    """Refuse a row that the database could not store or read back, naming the field."""
    problems = instance_problems(instance, prefix)
    if problems:
        raise ValidationFailed(problems)


def check_instances(instances, prefix: str) -> None:
    """The same for the rows of one bulk insert, named `prefix.index.field`."""
    problems = {}
    for index, instance in enumerate(instances):
        problems.update(instance_problems(instance, f"{prefix}.{index}."))
    if problems:
        raise ValidationFailed(problems)


def check_rows(model: type[models.Model], names, rows, prefix: str) -> None:
    """The same for rows a service writes as tuples (the values of `names`, in order)
    rather than as model instances, named `prefix.index.field`. Each column's distinct
    values are checked once: a column that repeats one moment, actor or empty comment
    costs one check."""
    problems = {}
    for position, name in enumerate(names):
        field = model._meta.get_field(name)
        checked: dict = {}
        for index, row in enumerate(rows):
            value = row[position]
            try:
                problem = checked[value]
            except KeyError:
                problem = checked[value] = field_problem(field, value)
            except TypeError:  # a value that cannot be a key (never one of a row's columns)
                problem = field_problem(field, value)
            if problem:
                problems[f"{prefix}.{index}.{name}"] = [problem]
    if problems:
        raise ValidationFailed(problems)


def _check_before_save(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        check_instance(instance)


def connect_model_checks() -> None:
    """Check every save of the project's own models (called once from CoreConfig.ready)."""
    for config in apps.get_app_configs():
        if not config.name.startswith("drugcontrol."):
            continue
        for model in config.get_models():
            pre_save.connect(
                _check_before_save, sender=model, dispatch_uid=f"bounds:{model._meta.label}"
            )


def choice(*choices, blank: bool = False):
    """One of a model's choices (of several, for a column that takes either; a choices
    list such as `MEASURED_UNIT_CHOICES` for a column that takes a subset of a shared
    enumeration), as an enumeration in the OpenAPI document ("" too when the column may be
    blank); anything else is a 422 naming the field and the allowed values."""
    values = []
    for kind in choices:
        if isinstance(kind, type) and issubclass(kind, models.Choices):
            values += kind.values
        else:
            values += [value for value, _label in kind]
    return Literal[tuple(dict.fromkeys([*values, *([""] if blank else [])]))]


def form_int(data, name: str) -> int | None:
    """A whole number from a form or query (`request.POST`, `request.GET`), or None when it
    is missing, not a number, or beyond what a 64-bit column holds."""
    return read_int(data.get(name), name, {}, minimum=0, maximum=MAX_ID)
