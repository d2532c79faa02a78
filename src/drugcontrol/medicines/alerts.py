"""The medicines app's alert routes and messages (registered in MedicinesConfig.ready()).

Authorizations are the competent authorities' business: the exporting authority hears of
an import authorization awaiting its decision, the importing one of the export authorized
to it; the secretariat hears of every emergency delivery (it may take a country beyond its
estimate, and the Board reports it). Estimates awaiting confirmation are in the
secretariat's queue, not its inbox: a country's file brings dozens at once."""

from django.utils.translation import gettext_lazy as _

from drugcontrol.core.alerts import AlertMessage, AlertRoute, as_country
from drugcontrol.core.models import OrganisationKind, Role

IMPORT_AUTHORIZATION = "medicines.importauthorization"


def as_substance(value, lookups) -> str:
    """A registry substance's name in the reader's language (stored: its English name)."""
    from drugcontrol.substances.models import Substance

    found = Substance.objects.filter(name_en=value).first() if isinstance(value, str) else None
    return found.name if found else str(value)


_AUTHORITY = (OrganisationKind.COMPETENT_AUTHORITY,)
_SECRETARIAT = (OrganisationKind.INTERNATIONAL,)
_HANDLERS = (Role.OFFICER, Role.FOCAL_POINT)
ROUTES = [
    AlertRoute(IMPORT_AUTHORIZATION, "import_authorized", _AUTHORITY, _HANDLERS),
    AlertRoute(IMPORT_AUTHORIZATION, "export_authorized", _AUTHORITY, _HANDLERS),
    AlertRoute(IMPORT_AUTHORIZATION, "emergency_delivery", _SECRETARIAT, _HANDLERS),
]

# Parameters: number (the import authorization's); country (ISO3: the importing country
# for the exporter, the exporting one for the importer, the importing one for the
# secretariat); substance (its English name, as the registry spells it); kg (of base);
# year.
MESSAGES = {
    "medicines.import_authorized": AlertMessage(
        title=_("Import authorization %(number)s from %(country)s awaits your export decision"),
        body=_("%(kg)s kg of base of %(substance)s."),
        formats={"country": as_country, "substance": as_substance},
    ),
    "medicines.export_authorized": AlertMessage(
        title=_("%(country)s authorized the export against import authorization %(number)s"),
        body=_("%(kg)s kg of base of %(substance)s; endorse the shipment when it arrives."),
        formats={"country": as_country, "substance": as_substance},
    ),
    "medicines.emergency_delivery": AlertMessage(
        title=_("Emergency delivery to %(country)s under import authorization %(number)s"),
        body=_(
            "%(kg)s kg of base of %(substance)s, exported as a humanitarian emergency; "
            "%(remaining)s kg remained of the estimate for %(year)s."
        ),
        formats={"country": as_country, "substance": as_substance},
    ),
}
