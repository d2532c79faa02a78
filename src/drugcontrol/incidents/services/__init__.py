"""Every write of the incidents app: reports (`reports`) and the incident's thread
(`thread`)."""

from drugcontrol.incidents.services.reports import (
    ATTACHMENT_TYPES,
    INCIDENT_FIELDS,
    MAX_ATTACHMENT_BYTES,
    IncidentInput,
    PartyEntry,
    SubstanceLine,
    incident_add_party,
    incident_attach,
    incident_create,
    incident_update,
    validate_incident,
)
from drugcontrol.incidents.services.thread import message_post, request_decide

__all__ = [
    "ATTACHMENT_TYPES",
    "INCIDENT_FIELDS",
    "MAX_ATTACHMENT_BYTES",
    "IncidentInput",
    "PartyEntry",
    "SubstanceLine",
    "incident_add_party",
    "incident_attach",
    "incident_create",
    "incident_update",
    "message_post",
    "request_decide",
    "validate_incident",
]
