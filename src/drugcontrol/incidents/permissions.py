"""Who may read beyond their own organisation, report and change incidents."""

from django.utils.translation import gettext_lazy as _

from drugcontrol.core.models import OrganisationKind as Kind
from drugcontrol.core.models import Role
from drugcontrol.core.permissions import action

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
