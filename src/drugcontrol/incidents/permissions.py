"""Who may read beyond their own organisation, report and change incidents."""

from django.utils.translation import gettext_lazy as _

from drugcontrol.core.models import OrganisationKind as Kind
from drugcontrol.core.models import Role
from drugcontrol.core.permissions import action, can
from drugcontrol.incidents.models import RequestStatus

REPORTERS = {Kind.COMPETENT_AUTHORITY: Role.OFFICER, Kind.LAW_ENFORCEMENT: Role.OFFICER}


def _reporting_organisation(user, incident) -> bool:
    return incident is not None and incident.reporting_organisation_id == user.organisation_id


READ = action(
    "incidents.incident_read",
    _("Read incidents shared with one's country"),
    grants={
        Kind.COMPETENT_AUTHORITY: Role.VIEWER,
        Kind.LAW_ENFORCEMENT: Role.VIEWER,
        Kind.FIU: Role.VIEWER,
        Kind.INTERNATIONAL: Role.VIEWER,
    },
    condition_text="by the incident's distribution level; industry never, laboratories only "
    "their own organisation's incidents",
)
action(
    "incidents.incident_report",
    _("Report an incident"),
    grants=REPORTERS,
    refusal=_("Incidents are reported by officers of national authorities and law enforcement."),
)
action(
    "incidents.incident_import",
    _("Import incidents from a file"),
    grants=REPORTERS,
    refusal=_("Incidents are reported by officers of national authorities and law enforcement."),
)
action(
    "incidents.incident_change",
    _("Change an incident, add a party or attach a file"),
    grants=REPORTERS,
    condition=_reporting_organisation,
    condition_text="the reporting organisation",
    refusal=_("Only the reporting organisation changes an incident."),
)

# --- the incident's thread ------------------------------------------------------------------
# Who may write at all: every kind of authority that reads incidents (a financial
# intelligence unit asks about the payments); that the writer sees the incident is its
# visibility rule's part (a thread of an incident one may not see is a 404, as the incident
# is).
THREAD_WRITERS = {**REPORTERS, Kind.FIU: Role.OFFICER, Kind.INTERNATIONAL: Role.OFFICER}


def _addressed_country(user, message) -> bool:
    return message is not None and bool(
        user.country_id and message.addressed_country_id == user.country_id
    )


def _requesting_country(user, message) -> bool:
    return message is not None and bool(user.country_id and message.country_id == user.country_id)


action(
    "incidents.message_post",
    _("Write a message or a question on an incident"),
    grants=THREAD_WRITERS,
    condition_text="incidents the writer may see",
    refusal=_(
        "Messages on incidents are written by officers of national authorities, law "
        "enforcement, financial intelligence units and the secretariat."
    ),
)
action(
    "incidents.request_make",
    _("Request a joint investigation or a controlled delivery on an incident"),
    grants=REPORTERS,
    condition_text="incidents the requester may see; addressed to another country that may "
    "see the incident",
    refusal=_("Requests are made by officers of national authorities and law enforcement."),
)
ANSWER = action(
    "incidents.request_answer",
    _("Accept, decline or close a request on an incident"),
    grants=REPORTERS,
    condition=_addressed_country,
    condition_text="the country the request is addressed to",
    refusal=_("Only the country a request is addressed to answers it."),
)
WITHDRAW = action(
    "incidents.request_withdraw",
    _("Withdraw or close one's country's request on an incident"),
    grants=REPORTERS,
    condition=_requesting_country,
    condition_text="the requesting country",
    refusal=_("Only the requesting country withdraws its request."),
)

# A request's decisions: decision -> (the status it leaves, the actions that may take it).
# The addressed country accepts or declines an open request, the requesting country
# withdraws it, and either side closes it once accepted.
REQUEST_DECISIONS = {
    RequestStatus.ACCEPTED: (RequestStatus.OPEN, (ANSWER.name,)),
    RequestStatus.DECLINED: (RequestStatus.OPEN, (ANSWER.name,)),
    RequestStatus.WITHDRAWN: (RequestStatus.OPEN, (WITHDRAW.name,)),
    RequestStatus.CLOSED: (RequestStatus.ACCEPTED, (ANSWER.name, WITHDRAW.name)),
}


def may_decide(user, message, decision: str) -> bool:
    _leaves, names = REQUEST_DECISIONS[decision]
    return any(can(user, name, message) for name in names)


def request_decisions(user, message) -> list[str]:
    """The decisions the user may take on this request now (the page's buttons)."""
    return [
        decision
        for decision, (leaves, _names) in REQUEST_DECISIONS.items()
        if message.status == leaves and may_decide(user, message, decision)
    ]
