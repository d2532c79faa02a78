"""Pydantic's validation errors (the API's request schemas, documents read through a
schema) in the catalogue's words, so a refusal reads in the caller's language; an error
kind not listed here keeps pydantic's own English text."""

from django.utils.translation import gettext as _


def _limit(context: dict, *names: str):
    return next((context[name] for name in names if name in context), "")


def schema_message(error: dict) -> str:
    """One pydantic error (`ValidationError.errors()` item) as a translated sentence."""
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    message = error.get("msg", "")
    if kind == "missing":
        return _("This field is required.")
    if kind in ("string_too_short", "too_short") and _limit(context, "min_length") in (1, "1"):
        return _("This field is required.")
    if kind == "string_too_long":
        return _("At most %(limit)s characters.") % {"limit": context.get("max_length", "")}
    if kind == "too_long":
        return _("At most %(count)s items.") % {"count": context.get("max_length", "")}
    if kind in ("string_too_short", "too_short"):
        return _("At least %(count)s items or characters.") % {
            "count": context.get("min_length", "")
        }
    if kind == "string_pattern_mismatch":
        return _("Not in the expected form.")
    if kind in ("string_type", "string_unicode"):
        return _("Give this as text.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Not a whole number.")
    if kind.startswith(("decimal", "float", "finite")) or kind == "number_type":
        return _("Not a number.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("At least %(minimum)s.") % {"minimum": _limit(context, "ge", "gt")}
    if kind in ("less_than_equal", "less_than"):
        return _("At most %(maximum)s.") % {"maximum": _limit(context, "le", "lt")}
    if kind in ("literal_error", "enum"):
        return _("Choose one of: %(choices)s.") % {"choices": context.get("expected", "")}
    if kind in ("bool_parsing", "bool_type"):
        return _("Give true or false.")
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("Give a list.")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("Give an object.")
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_type"):
        return _("Give the date as YYYY-MM-DD.")
    if kind.startswith("datetime"):
        return _("Give the date and time as YYYY-MM-DDTHH:MM:SS with its offset.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind in ("value_error", "assertion_error"):
        # Our own validators raise translated text; pydantic prefixes it.
        return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return message
