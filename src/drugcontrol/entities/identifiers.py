"""Normalisation of party identifiers: phone numbers to E.164 (phonenumbers), e-mail and web
addresses canonicalised, IBAN check digits verified (python-stdnum)."""

import re

import phonenumbers
from stdnum import iban as iban_number
from stdnum.exceptions import ValidationError as NumberError

from drugcontrol.entities.normalize import fold


class IdentifierError(ValueError):
    """An identifier that cannot be right (bad phone number, IBAN check digits ...):
    `problem` says which (`phone`, `phone_impossible`, `email`, `website`, `iban`) and
    `value` what was given; `entities.validation.identifier_problem` words it for people."""

    def __init__(self, problem: str, value: str, text: str):
        super().__init__(text)
        self.problem = problem
        self.value = value


def normalize_phone(value: str, country_iso2: str | None = None) -> str:
    try:
        number = phonenumbers.parse(value, (country_iso2 or "").upper() or None)
    except phonenumbers.NumberParseException as error:
        raise IdentifierError("phone", value, f"not a phone number: {value!r}") from error
    if not phonenumbers.is_possible_number(number):
        raise IdentifierError("phone_impossible", value, f"not a possible phone number: {value!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(value: str) -> str:
    value = fold(value)
    if value.startswith("mailto:"):
        value = value[7:]
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise IdentifierError("email", value, f"not an e-mail address: {value!r}")
    return value


def normalize_website(value: str) -> str:
    value = fold(value)
    value = re.sub(r"^[a-z]+://", "", value)
    value = re.sub(r"^www\d?\.", "", value)
    value = value.split("#")[0].split("?")[0].rstrip("/")
    if "." not in value or " " in value:
        raise IdentifierError("website", value, f"not a web address: {value!r}")
    return value


def normalize_iban(value: str) -> str:
    try:
        return iban_number.validate(value)
    except NumberError as error:
        raise IdentifierError("iban", value, f"IBAN {value!r} fails its check digits") from error


def normalize_identifier(kind: str, value: str, country_iso2: str | None = None) -> str:
    """Canonical form of an identifier; raises IdentifierError when it cannot be right."""
    if kind == "phone":
        return normalize_phone(value, country_iso2)
    if kind == "email":
        return normalize_email(value)
    if kind == "website":
        return normalize_website(value)
    if kind == "bank_account" and re.match(r"^\s*[A-Za-z]{2}\d{2}", value or ""):
        return normalize_iban(value)
    return re.sub(r"[\s\-./]+", "", fold(value))
