"""Text that is stored is a message of the catalogue with its parameters, shown in the
reader's language when read.

Alerts store a registered key (`core.alerts.AlertMessage`); messages raised by a service
and kept for later (an import job's report) store the catalogue entry itself. Both are
filled by `fill`, so a translation that names a parameter the stored message lacks shows
"—" instead of failing.

A module whose messages may be stored takes `gettext` (and `ngettext`, `pgettext`) from
here instead of from Django: the result is the same translated `str` (pages, forms and the
API use it as before), a `Message` that also remembers its catalogue entry and, once
filled with `%`, its parameters:

    from drugcontrol.core.messages import gettext as _

    problem = _("Unknown substance: %(name)s.") % {"name": text}
    stored(problem)   # {"key": "Unknown substance: %(name)s.", "params": {"name": "..."}}
    render(stored(problem))   # the same in the active language

A lazy string of Django's (`gettext_lazy`, `pgettext_lazy`: choice labels, permission
refusals) is stored by its entry too. Text that is no message (a value someone typed,
text built by joining pieces) is stored as `{"text": ...}` and shown as it was written."""

import datetime
import decimal
from collections.abc import Mapping

from django.utils import translation
from django.utils.functional import Promise

EMPTY = "—"  # a parameter the template names but the message lacks


class _Filled(dict):
    def __missing__(self, key):
        return EMPTY


def fill(template, values: Mapping) -> str:
    """A translated template with its named parameters put in. An empty template stays
    empty (gettext("") would answer the catalogue's header), and a translation that does
    not fit its parameters shows the template rather than failing the page."""
    if not template:
        return ""
    try:
        return str(template) % _Filled(values)
    except (TypeError, ValueError):
        return str(template)


class Message(str):
    """Text translated into the active language that remembers the catalogue entry it was
    translated from (`key`, with `context` or `plural` and `count`) and the parameters `%`
    put into it (`params`), so that `stored` can keep it and `render` show it again in
    another language. Otherwise it is the `str` it reads as; joining or slicing it gives a
    plain `str`."""

    key: str = ""
    context: str = ""
    plural: str = ""
    count: int | None = None
    params: Mapping | None = None

    def __new__(cls, text: str = "", **entry):
        message = super().__new__(cls, text)
        for name, value in entry.items():
            setattr(message, name, value)
        return message

    def __mod__(self, values):
        text = str.__mod__(self, values)
        if not isinstance(values, Mapping):
            return text  # positional parameters cannot be named again: plain text
        return Message(
            text,
            key=self.key,
            context=self.context,
            plural=self.plural,
            count=self.count,
            params=dict(values),
        )


def gettext(message: str) -> Message:
    return Message(translation.gettext(message), key=message)


def ngettext(singular: str, plural: str, number: int) -> Message:
    return Message(
        translation.ngettext(singular, plural, number), key=singular, plural=plural, count=number
    )


def pgettext(context: str, message: str) -> Message:
    return Message(translation.pgettext(context, message), key=message, context=context)


def _from_lazy(value: Promise) -> Message | None:
    """The catalogue entry of Django's `gettext_lazy` or `pgettext_lazy` string."""
    try:
        function, args, kwargs = value.__reduce__()[1][:3]
    except (AttributeError, IndexError, TypeError, ValueError):
        return None
    if kwargs or not all(isinstance(arg, str) for arg in args):
        return None
    if function is translation.gettext and len(args) == 1:
        return gettext(args[0])
    if function is translation.pgettext and len(args) == 2:
        return pgettext(*args)
    return None


def _stored_param(value):
    if isinstance(value, Message | Promise):
        return stored(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)


def stored(value) -> dict:
    """A message as JSON: `{"key", "params"}` (with `context`, or `plural` and `count`
    when it has them), or `{"text"}` for text that is no message of the catalogue."""
    if isinstance(value, Promise) and not isinstance(value, Message):
        value = _from_lazy(value) or str(value)
    if not isinstance(value, Message) or not value.key:
        return {"text": str(value)}
    data: dict = {"key": value.key}
    if value.context:
        data["context"] = value.context
    if value.plural:
        data["plural"] = value.plural
        data["count"] = value.count
    if value.params is not None:
        data["params"] = {str(name): _stored_param(v) for name, v in value.params.items()}
    return data


def is_stored_message(data) -> bool:
    return isinstance(data, Mapping) and isinstance(data.get("key"), str) and bool(data["key"])


def render(data) -> str:
    """A stored message in the active language (text as it was written)."""
    if not isinstance(data, Mapping):
        return "" if data is None else str(data)
    if not is_stored_message(data):
        return str(data.get("text", ""))
    key = data["key"]
    if data.get("plural"):
        try:
            count = int(data.get("count") or 0)
        except (TypeError, ValueError):
            count = 0
        template = translation.ngettext(key, str(data["plural"]), count)
    elif data.get("context"):
        template = translation.pgettext(str(data["context"]), key)
    else:
        template = translation.gettext(key)
    params = data.get("params")
    if not isinstance(params, Mapping):
        return template
    return fill(template, {name: _param(value) for name, value in params.items()})


def _param(value):
    if isinstance(value, Mapping):
        return render(value)
    return "" if value is None else value
