"""The incidents app's alert routes and messages (registered in IncidentsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from drugcontrol.core.alerts import AlertMessage, AlertRoute, as_choice, as_country, as_date
from drugcontrol.core.models import OrganisationKind, Role
from drugcontrol.incidents.models import RECORD_TYPE, IncidentKind, MessageKind, RequestStatus

RECORD_KIND = RECORD_TYPE
COUNTRY_NAMED = "country_named"
PARTY_CORRELATED = "party_correlated"
NATIONAL_NAMED = "national_named"
MESSAGE_POSTED = "message_posted"
REQUEST_RECEIVED = "request_received"
REQUEST_DECIDED = "request_decided"

# Law enforcement and the competent authority hear of incidents through their focal points.
_INCIDENT_AUDIENCE = {
    "recipient_kinds": (OrganisationKind.LAW_ENFORCEMENT, OrganisationKind.COMPETENT_AUTHORITY),
    "recipient_roles": (Role.FOCAL_POINT,),
}
ROUTES = [
    AlertRoute(record_kind=RECORD_KIND, event=COUNTRY_NAMED, **_INCIDENT_AUDIENCE),
    AlertRoute(record_kind=RECORD_KIND, event=PARTY_CORRELATED, **_INCIDENT_AUDIENCE),
    AlertRoute(record_kind=RECORD_KIND, event=NATIONAL_NAMED, **_INCIDENT_AUDIENCE),
    # The thread: the officers who handle the case, as for a notification's messages.
    *(
        AlertRoute(
            record_kind=RECORD_KIND,
            event=event,
            recipient_kinds=_INCIDENT_AUDIENCE["recipient_kinds"],
            recipient_roles=(Role.OFFICER, Role.FOCAL_POINT),
        )
        for event in (MESSAGE_POSTED, REQUEST_RECEIVED, REQUEST_DECIDED)
    ),
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
    # Same parameters: raised to the countries where a named party is registered or whose
    # national is named.
    "incidents.national_named": AlertMessage(
        title=_("%(kind)s %(reference)s names a party of your country"),
        body=_(
            "%(organisation)s reported %(reference)s on %(date)s. It names a party registered "
            "in your country or one of your nationals; see the parties on the incident page."
        ),
        formats=_FORMATS,
    ),
    # Parameters: reference, organisation (the writer's), kind (MessageKind code), message
    # (the first 500 characters), country (the requesting or addressed country, ISO3),
    # status (RequestStatus code).
    "incidents.message_posted": AlertMessage(
        title=_("%(kind)s on %(reference)s"),
        body=_("%(organisation)s wrote: %(message)s"),
        formats={"kind": as_choice(MessageKind)},
    ),
    "incidents.request_received": AlertMessage(
        title=_("%(kind)s on %(reference)s"),
        body=_("%(organisation)s (%(country)s) asks your country: %(message)s"),
        formats={"kind": as_choice(MessageKind), "country": as_country},
    ),
    "incidents.request_decided": AlertMessage(
        title=_("%(kind)s on %(reference)s: %(status)s"),
        body=_("%(organisation)s (%(country)s) set your request to: %(status)s. %(message)s"),
        formats={
            "kind": as_choice(MessageKind),
            "status": as_choice(RequestStatus),
            "country": as_country,
        },
    ),
}
