"""One party's fields checked (no database write): what the services register and the
selectors match. Pure enough for both layers."""

from dataclasses import dataclass

from drugcontrol.core.countries import country_by_code
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.core.models import Country
from drugcontrol.entities.identifiers import IdentifierError, normalize_identifier
from drugcontrol.entities.models import (
    IdentifierKind,
    PartyKind,
)


@dataclass
class PartyInput:
    kind: str
    name: str
    country: Country | None
    address: str
    identifiers: list[tuple[str, str, str]]  # (kind, value as given, normalised)
    external_id: str = ""


def validate_party(
    *, kind: str, name: str, country_code: str | None, address: str = "", identifiers=()
) -> PartyInput:
    """Check one party's fields; raises ValidationFailed naming each bad field."""
    errors: dict[str, list[str]] = {}
    if kind not in PartyKind.values:
        errors["kind"] = [_("Unknown party kind.")]
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("A name is required.")]
    elif len(name) > 300:
        errors["name"] = [_("The name is longer than 300 characters.")]
    country = None
    if country_code:
        country = country_by_code(country_code)
        if country is None:
            errors["country"] = [_("Unknown country code.")]
    normalized = []
    for identifier_kind, value in identifiers:
        if not (value or "").strip():
            continue
        if identifier_kind not in IdentifierKind.values:
            errors.setdefault(identifier_kind, []).append(_("Unknown identifier kind."))
            continue
        try:
            normal = normalize_identifier(identifier_kind, value, country.iso2 if country else None)
        except IdentifierError as error:
            errors.setdefault(identifier_kind, []).append(identifier_problem(error))
            continue
        normalized.append((identifier_kind, value.strip(), normal))
    if errors:
        raise ValidationFailed(errors)
    return PartyInput(kind, name, country, (address or "").strip(), normalized)


def identifier_problem(error: IdentifierError) -> str:
    """Why an identifier cannot be right, in the reader's language."""
    value = (error.value or "").strip()[:100]
    messages = {
        "phone": _("%(value)s is not a phone number."),
        "phone_impossible": _(
            "%(value)s cannot be a phone number: it has too few or too many digits."
        ),
        "email": _("%(value)s is not an e-mail address."),
        "website": _("%(value)s is not a web address."),
        "iban": _("The IBAN %(value)s fails its check digits."),
    }
    message = messages.get(error.problem)
    return message % {"value": value} if message is not None else str(error)
