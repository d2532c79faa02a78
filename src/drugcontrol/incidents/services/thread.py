"""The incident's thread: messages, follow-up questions and requests (a joint
investigation, a controlled delivery) among the authorities that may see the incident. A
request names the country it asks, which accepts or declines it; the requesting country
withdraws it while it is open, and either side closes it once accepted. Each action is one
transaction with one audit event (on the incident, so it follows the incident's rule) and
its alerts."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from drugcontrol.core.alerts import alerts_raise
from drugcontrol.core.audit import record_event
from drugcontrol.core.bounds import field_problem, model_field
from drugcontrol.core.countries import country_by_code
from drugcontrol.core.errors import Conflict, PermissionDenied, ValidationFailed
from drugcontrol.core.permissions import get_action, require
from drugcontrol.core.versioning import lock_version
from drugcontrol.incidents import alerts as incident_alerts
from drugcontrol.incidents.models import (
    RECORD_TYPE,
    REQUEST_KINDS,
    Incident,
    IncidentMessage,
    MessageKind,
    RequestStatus,
)
from drugcontrol.incidents.permissions import REQUEST_DECISIONS, may_decide
from drugcontrol.incidents.selectors import country_sees_incident

ALERT_EXCERPT = 500  # characters of a message an alert repeats


def _bounded(value, name: str, errors: dict, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = [_("Give text.")]
        return ""
    value = value.strip()
    column = {"body": "body", "note": "decision_note"}[name]
    problem = field_problem(model_field(IncidentMessage, column), value)
    if problem:
        errors[name] = [problem]
    elif required and not value:
        errors[name] = [_("Write a message.")]
    return value


def _url(incident: Incident) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("incidents:detail", args=[incident.pk])


def message_post(
    *, actor, incident: Incident, kind: str = MessageKind.MESSAGE, body: str, addressed_country=None
) -> IncidentMessage:
    """Write on the thread of an incident the actor sees (the caller read it through the
    incident's rule). A request names another country that may see the incident."""
    kind = kind or MessageKind.MESSAGE
    is_request = kind in REQUEST_KINDS
    require(actor, "incidents.request_make" if is_request else "incidents.message_post", incident)
    errors: dict[str, list[str]] = {}
    if kind not in MessageKind.values:
        errors["kind"] = [_("Unknown kind of message.")]
    body = _bounded(body, "body", errors, required=True)
    addressed = None
    code = addressed_country if isinstance(addressed_country, str) else None
    if addressed_country is not None and code is None:
        errors["addressed_country"] = [_("Unknown country code.")]
    elif is_request:
        addressed = country_by_code(code) if code and len(code) <= 3 else None
        if not code:
            errors["addressed_country"] = [_("Choose the country the request is addressed to.")]
        elif addressed is None:
            errors["addressed_country"] = [_("Unknown country code.")]
        elif addressed.iso3 == actor.country_id:
            errors["addressed_country"] = [_("Address the request to another country.")]
        elif not country_sees_incident(incident, addressed.iso3):
            errors["addressed_country"] = [
                _("This country may not see the incident; widen its distribution first.")
            ]
    elif code:
        errors["addressed_country"] = [_("Only a request is addressed to a country.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        message = IncidentMessage.objects.create(
            incident=incident,
            author=actor,
            organisation=actor.organisation,
            country_id=actor.country_id,
            kind=kind,
            body=body,
            addressed_country=addressed,
            status=RequestStatus.OPEN if is_request else "",
        )
        params = {
            "reference": incident.reference,
            "kind": kind,
            "organisation": actor.organisation.name,
            "country": actor.country_id or "",
            "message": body[:ALERT_EXCERPT],
        }
        if is_request:
            _alert(incident, incident_alerts.REQUEST_RECEIVED, params, [addressed.iso3], actor)
        elif actor.organisation_id != incident.reporting_organisation_id:
            _alert(
                incident,
                incident_alerts.MESSAGE_POSTED,
                params,
                [incident.reporting_country_id],
                actor,
                organisation_ids=[incident.reporting_organisation_id],
            )
        record_event(
            actor=actor,
            action="incidents.request_made" if is_request else "incidents.message_posted",
            obj=incident,
            after={
                "message": message.pk,
                "kind": kind,
                "addressed_country": addressed.iso3 if addressed else None,
                "length": len(body),
            },
        )
    return message


def _alert(incident, event, params, countries, actor, *, organisation_ids=None) -> None:
    alerts_raise(
        record_kind=RECORD_TYPE,
        event=event,
        country_codes=countries,
        message_key=f"incidents.{event}",
        params=params,
        record_id=incident.pk,
        url=_url(incident),
        sender_organisation=actor.organisation,
        organisation_ids=organisation_ids,
    )


def request_decide(
    *,
    actor,
    message: IncidentMessage,
    decision: str,
    expected_version: int | None = None,
    note: str = "",
) -> IncidentMessage:
    """Accept or decline (the addressed country), withdraw (the requesting country) or close
    (either, once accepted) a request. A request already decided, or a stale `version`, is a
    409: two officers answering at once do not overwrite each other."""
    if decision not in REQUEST_DECISIONS:
        raise ValidationFailed({"decision": [_("Unknown decision.")]})
    if not message.is_request:
        raise ValidationFailed({"decision": [_("Only a request is accepted or declined.")]})
    leaves, actions = REQUEST_DECISIONS[decision]
    if not may_decide(actor, message, decision):
        raise PermissionDenied(get_action(actions[0]).refusal)
    errors: dict[str, list[str]] = {}
    note = _bounded(note, "note", errors)
    if errors:
        raise ValidationFailed(errors)
    incident = message.incident
    with transaction.atomic():
        current = lock_version(message, expected_version)
        if current.status != leaves:
            raise Conflict(
                _("The request is already %(status)s.")
                % {"status": str(RequestStatus(current.status).label).lower()}
            )
        before = current.status
        current.status = decision
        current.decided_by = actor
        current.decided_at = timezone.now()
        current.decision_note = note
        current.version += 1
        current.save()
        # The other side hears of it: the requesting organisation, or (a withdrawal or a
        # close by the requester) the addressed country.
        by_requester = actor.country_id == current.country_id
        _alert(
            incident,
            incident_alerts.REQUEST_DECIDED,
            {
                "reference": incident.reference,
                "kind": current.kind,
                "status": decision,
                "organisation": actor.organisation.name,
                "country": actor.country_id or "",
                "message": note[:ALERT_EXCERPT],
            },
            [current.addressed_country_id if by_requester else current.country_id],
            actor,
            organisation_ids=None if by_requester else [current.organisation_id],
        )
        record_event(
            actor=actor,
            action="incidents.request_decided",
            obj=incident,
            before={"message": current.pk, "status": before},
            after={"message": current.pk, "status": decision, "note": len(note)},
        )
    return current
