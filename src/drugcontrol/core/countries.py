"""Countries by their ISO 3166-1 alpha-3 code: the one look-up services and imports use."""

from django.utils.translation import gettext_lazy as _

from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.models import Country


def country_by_code(code: str | None) -> Country | None:
    """The country with this code (any case, spaces around ignored); None for a blank or
    unknown code."""
    code = (code or "").strip().upper()
    if not code:
        return None
    return Country.objects.filter(iso3=code).first()


def country_or_error(code: str | None, field: str = "country", *, message=None) -> Country:
    """The country with this code, or a `ValidationFailed` naming `field`."""
    country = country_by_code(code)
    if country is None:
        raise ValidationFailed({field: [message or _("Unknown country code.")]})
    return country


# The UN M49 regions, named in the reader's language (the countries file holds their codes
# and English names).
REGION_NAMES = {
    "002": _("Africa"),
    "019": _("Americas"),
    "142": _("Asia"),
    "150": _("Europe"),
    "009": _("Oceania"),
}


def region_name(code: str) -> str:
    return str(REGION_NAMES.get(code, code))
