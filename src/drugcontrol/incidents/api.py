"""Incidents: list, report, detail, update by the reporter, add a party."""

import datetime
import decimal

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from drugcontrol.core.api_common import ERRORS, OutSchema, PagePagination, ShapedPage
from drugcontrol.core.bounds import Day, RecordId, Version, choice
from drugcontrol.core.quantities import TransportMode, Unit
from drugcontrol.entities import selectors as entity_selectors
from drugcontrol.entities.models import Audience
from drugcontrol.entities.schemas import PartyReferenceIn
from drugcontrol.incidents import selectors, services
from drugcontrol.incidents.filters import IncidentFilter
from drugcontrol.incidents.models import (
    CountryRole,
    IncidentKind,
    MessageKind,
    PartyRole,
    PaymentMethod,
    RequestStatus,
)
from drugcontrol.substances import selectors as substance_selectors

router = Router(tags=["incidents"])


class IncidentCountryOut(OutSchema):
    country: str = Field(validation_alias="country_id")
    role: choice(CountryRole)


class IncidentSubstanceOut(OutSchema):
    substance_id: RecordId | None
    substance: str | None = None
    description: str
    surveillance_chemical_id: RecordId | None = Field(
        None,
        description="The special surveillance list's entry the reported chemical is (linked "
        "when reported, by name or CAS number); null for readers who may not read the list.",
    )
    surveillance_chemical: str | None = Field(
        None, description="That entry's name, for readers of the list."
    )
    quantity: decimal.Decimal | None
    unit: choice(Unit, blank=True)
    purity: decimal.Decimal | None


class IncidentPartyOut(OutSchema):
    party_id: RecordId
    role: choice(PartyRole)
    reported_name: str
    nationality: str | None = Field(None, validation_alias="nationality_id")


class IncidentOut(OutSchema):
    id: RecordId
    reference: str
    kind: choice(IncidentKind)
    occurred_on: datetime.date
    reporting_country: str = Field(validation_alias="reporting_country_id")
    reporting_organisation_id: RecordId
    distribution: choice(Audience)
    transport_mode: choice(TransportMode)
    countries: list[IncidentCountryOut] = Field(validation_alias="country_list")
    substances: list[IncidentSubstanceOut] = Field(validation_alias="substance_list")
    version: int


class IncidentDetailOut(IncidentOut):
    form: str
    concealment: str
    modus_operandi: str
    description: str
    place_of_seizure: str
    seizure_locode: str
    payment_method: choice(PaymentMethod, blank=True)
    notification_reference: str
    parties: list[IncidentPartyOut] = Field(validation_alias="party_list")


class IncidentCountryIn(Schema):
    country: str
    role: choice(CountryRole)


class IncidentSubstanceIn(Schema):
    substance_id: RecordId | None = None
    description: str = ""
    quantity: str | None = None
    unit: choice(Unit, blank=True) = ""
    purity: str | None = None


class IncidentPartyIn(PartyReferenceIn):
    role: choice(PartyRole)
    nationality: str | None = Field(
        None, max_length=3, description="A person's nationality as reported (ISO alpha-3)."
    )


class IncidentIn(Schema):
    kind: choice(IncidentKind)
    occurred_on: str
    distribution: choice(Audience) = "countries_involved"
    form: str = ""
    concealment: str = ""
    modus_operandi: str = ""
    transport_mode: choice(TransportMode) = "unknown"
    description: str = ""
    place_of_seizure: str = Field("", max_length=200)
    seizure_locode: str = Field(
        "", max_length=6, description="UN/LOCODE of the place: CNSHA (CN SHA is read too)."
    )
    payment_method: choice(PaymentMethod, blank=True) = ""
    notification_reference: str = ""
    countries: list[IncidentCountryIn] = []
    substances: list[IncidentSubstanceIn] = []
    parties: list[IncidentPartyIn] = []


class IncidentPatch(Schema):
    version: Version | None = None
    kind: choice(IncidentKind) | None = None
    occurred_on: Day | None = None
    form: str | None = None
    concealment: str | None = None
    modus_operandi: str | None = None
    transport_mode: choice(TransportMode) | None = None
    description: str | None = None
    place_of_seizure: str | None = Field(None, max_length=200)
    seizure_locode: str | None = Field(None, max_length=6)
    payment_method: choice(PaymentMethod, blank=True) | None = None
    notification_reference: str | None = None


def shaped(incident, *, user, with_parties=True):
    """Attach the nested lists the response schemas read. The special surveillance list
    has a limited distribution: its entries show only to its readers."""
    reads_list = substance_selectors.surveillance_readable(user)
    incident.country_list = list(incident.countries.all())
    incident.substance_list = [
        {
            "substance_id": line.substance_id,
            "substance": line.substance.name_en if line.substance else None,
            "description": line.description,
            "surveillance_chemical_id": line.surveillance_chemical_id if reads_list else None,
            "surveillance_chemical": (
                line.surveillance_chemical.name
                if reads_list and line.surveillance_chemical_id
                else None
            ),
            "quantity": line.quantity,
            "unit": line.unit,
            "purity": line.purity,
        }
        for line in incident.substances.all()
    ]
    incident.party_list = list(incident.parties.all()) if with_parties else []
    return incident


@router.get("/incidents", response={200: list[IncidentOut], **ERRORS})
@paginate(PagePagination)
def list_incidents(request, filters: Query[IncidentFilter]):
    queryset = selectors.incident_list(user=request.auth, filters=filters)
    return ShapedPage(
        queryset, lambda incident: shaped(incident, user=request.auth, with_parties=False)
    )


@router.post("/incidents", response={201: IncidentDetailOut, **ERRORS})
def create_incident(request, payload: IncidentIn):
    data = services.validate_incident(
        payload.dict(), visible_parties=entity_selectors.referable_parties(user=request.auth)
    )
    incident = services.incident_create(actor=request.auth, data=data)
    return Status(
        201,
        shaped(
            selectors.incident_get(user=request.auth, incident_id=incident.pk), user=request.auth
        ),
    )


@router.get("/incidents/{incident_id}", response={200: IncidentDetailOut, **ERRORS})
def get_incident(request, incident_id: RecordId):
    return shaped(
        selectors.incident_get(user=request.auth, incident_id=incident_id), user=request.auth
    )


@router.patch("/incidents/{incident_id}", response={200: IncidentDetailOut, **ERRORS})
def update_incident(request, incident_id: RecordId, payload: IncidentPatch):
    incident = selectors.incident_get(user=request.auth, incident_id=incident_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    services.incident_update(
        actor=request.auth,
        incident=incident,
        expected_version=version,
        **{k: v for k, v in changes.items() if v is not None},
    )
    return shaped(
        selectors.incident_get(user=request.auth, incident_id=incident_id), user=request.auth
    )


@router.post("/incidents/{incident_id}/parties", response={201: IncidentDetailOut, **ERRORS})
def add_party(request, incident_id: RecordId, payload: IncidentPartyIn):
    incident = selectors.incident_get(user=request.auth, incident_id=incident_id)
    data = services.validate_incident(
        {"kind": incident.kind, "occurred_on": incident.occurred_on, "parties": [payload.dict()]},
        visible_parties=entity_selectors.referable_parties(user=request.auth),
    )
    services.incident_add_party(actor=request.auth, incident=incident, entry=data.parties[0])
    return Status(
        201,
        shaped(
            selectors.incident_get(user=request.auth, incident_id=incident_id), user=request.auth
        ),
    )


# --- the incident's thread --------------------------------------------------------------------


class IncidentMessageOut(OutSchema):
    id: RecordId
    kind: choice(MessageKind)
    body: str
    organisation: str = Field(validation_alias="organisation_name")
    author: str = Field(validation_alias="author_name")
    country: str | None = Field(None, validation_alias="country_id")
    created_at: datetime.datetime
    addressed_country: str | None = Field(None, validation_alias="addressed_country_id")
    status: choice(RequestStatus, blank=True)
    decided_at: datetime.datetime | None
    decision_note: str
    version: int


class IncidentMessageIn(Schema):
    kind: choice(MessageKind) = "message"
    body: str = Field(max_length=5000)
    addressed_country: str | None = Field(
        None, max_length=3, description="For a request: the country asked (ISO alpha-3)."
    )


class RequestDecisionIn(Schema):
    decision: choice([pair for pair in RequestStatus.choices if pair[0] != RequestStatus.OPEN])
    version: Version | None = None
    note: str = Field("", max_length=2000)


@router.get("/incidents/{incident_id}/messages", response={200: list[IncidentMessageOut], **ERRORS})
@paginate(PagePagination)
def list_messages(request, incident_id: RecordId):
    """The incident's thread, oldest first (a 404 for an incident the caller may not see)."""
    incident = selectors.incident_get(user=request.auth, incident_id=incident_id)
    return selectors.incident_messages(user=request.auth, incident=incident)


@router.post("/incidents/{incident_id}/messages", response={201: IncidentMessageOut, **ERRORS})
def post_message(request, incident_id: RecordId, payload: IncidentMessageIn):
    """A message, a follow-up question, or a request (a joint investigation, a controlled
    delivery) addressed to another country that may see the incident."""
    incident = selectors.incident_get(user=request.auth, incident_id=incident_id)
    message = services.message_post(actor=request.auth, incident=incident, **payload.dict())
    return Status(
        201,
        selectors.incident_message_get(user=request.auth, incident=incident, message_id=message.pk),
    )


@router.post(
    "/incidents/{incident_id}/messages/{message_id}/decide",
    response={200: IncidentMessageOut, **ERRORS},
)
def decide_request(
    request, incident_id: RecordId, message_id: RecordId, payload: RequestDecisionIn
):
    """Accept or decline (the addressed country), withdraw (the requesting country) or close
    (either, once accepted) a request; a request already decided, or a stale `version`, is a
    409."""
    incident = selectors.incident_get(user=request.auth, incident_id=incident_id)
    message = selectors.incident_message_get(
        user=request.auth, incident=incident, message_id=message_id
    )
    services.request_decide(
        actor=request.auth,
        message=message,
        decision=payload.decision,
        expected_version=payload.version,
        note=payload.note,
    )
    return selectors.incident_message_get(
        user=request.auth, incident=incident, message_id=message_id
    )
