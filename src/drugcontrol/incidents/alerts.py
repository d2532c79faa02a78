"""The incidents app's alert routes and messages (registered in IncidentsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from drugcontrol.core.alerts import AlertMessage, AlertRoute, as_choice, as_date
from drugcontrol.core.models import OrganisationKind, Role
from drugcontrol.incidents.models import RECORD_TYPE, IncidentKind

RECORD_KIND = RECORD_TYPE
COUNTRY_NAMED = "country_named"
PARTY_CORRELATED = "party_correlated"

# Law enforcement and the competent authority hear of incidents through their focal points.
_INCIDENT_AUDIENCE = {
    "recipient_kinds": (OrganisationKind.LAW_ENFORCEMENT, OrganisationKind.COMPETENT_AUTHORITY),
    "recipient_roles": (Role.FOCAL_POINT,),
}
ROUTES = [
    AlertRoute(record_kind=RECORD_KIND, event=COUNTRY_NAMED, **_INCIDENT_AUDIENCE),
    AlertRoute(record_kind=RECORD_KIND, event=PARTY_CORRELATED, **_INCIDENT_AUDIENCE),
]

# Parameters: reference, kind (IncidentKind code), organisation (the reporter's name),
# date (ISO date the incident occurred).
_FORMATS = {"kind": as_choice(IncidentKind), "date": as_date}
MESSAGES = {
    "incidents.country_named": AlertMessage(
        title=_("%(kind)s %(reference)s names your country"),
        body=_("%(organisation)s reported %(reference)s on %(date)s."),
        formats=_FORMATS,
    ),
    "incidents.party_correlated": AlertMessage(
        title=_("%(kind)s %(reference)s names a party that resembles one on your file"),
        body=_(
            "%(organisation)s reported %(reference)s on %(date)s. Review the related "
            "parties on the incident page."
        ),
        formats=_FORMATS,
    ),
}
