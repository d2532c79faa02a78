"""What the nps services share: reading the plain values a form or a payload gives."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from drugcontrol.core.bounds import read_int, text_problem
from drugcontrol.core.countries import country_by_code
from drugcontrol.substances.selectors import find_by_name


def read_date(raw: dict, name: str, errors: dict) -> datetime.date | None:
    """A date (YYYY-MM-DD), not in the future."""
    value = raw.get(name)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value or "").strip())
        except ValueError:
            errors[name] = [_("Give the date as YYYY-MM-DD.")]
            return None
    if value > timezone.localdate():
        errors[name] = [_("The date is in the future.")]
        return None
    if value.year < 1900:
        errors[name] = [_("The date is before 1900.")]
        return None
    return value


def read_choice(raw: dict, name: str, errors: dict, choices, *, required=True) -> str:
    value = raw.get(name) or ""
    if not isinstance(value, str) or (value and value not in choices.values):
        errors[name] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)}]
        return ""
    if required and not value:
        errors[name] = [_("This field is required.")]
    return value


def read_country(raw: dict, name: str, errors: dict, *, actor):
    """The country a record is about: the one given, else the actor's own (the secretariat
    must name one)."""
    code = raw.get(name) or ""
    if not isinstance(code, str):
        errors[name] = [_("Unknown country code.")]
        return None
    if not code.strip():
        if actor is not None and actor.country_id:
            return actor.organisation.country
        errors[name] = [_("Choose the country.")]
        return None
    plain = code.strip()
    country = country_by_code(plain) if len(plain) <= 3 and "\x00" not in plain else None
    if country is None:
        errors[name] = [_("Unknown country code.")]
    return country


def read_substance(raw: dict, errors: dict, where: str):
    """A registry substance by id (`substance_id`) or by name, synonym or CAS (`substance`)."""
    if raw.get("substance_id") not in (None, ""):
        number = read_int(raw.get("substance_id"), where, errors, minimum=1, maximum=2**63 - 1)
        if number is None:
            return None
        substance = _by_id(number)
        if substance is None:
            errors[where] = [_("No substance of the registry has this id.")]
        return substance
    name = raw.get("substance")
    if not isinstance(name, str) or not name.strip():
        errors[where] = [_("Name the substance.")]
        return None
    if len(name) > 300:
        errors[where] = [_("At most %(limit)s characters.") % {"limit": 300}]
        return None
    if problem := text_problem(name):
        errors[where] = [problem]
        return None
    substance = find_by_name(name)
    if substance is None:
        errors[where] = [
            _("No substance of the registry is called %(name)s.") % {"name": name.strip()}
        ]
    return substance


def _by_id(number: int):
    from drugcontrol.substances.models import Substance

    return Substance.objects.filter(pk=number).first()
