"""Incidents: list, report, detail, update by the reporter, add a party."""

import datetime
import decimal

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from drugcontrol.core.api_common import ERRORS, OutSchema, PagePagination, ShapedPage
from drugcontrol.core.bounds import RecordId, Version, choice
from drugcontrol.core.quantities import TransportMode, Unit
from drugcontrol.entities import selectors as entity_selectors
from drugcontrol.entities.models import Audience
from drugcontrol.entities.schemas import PartyReferenceIn
from drugcontrol.incidents import selectors, services
from drugcontrol.incidents.filters import IncidentFilter
from drugcontrol.incidents.models import CountryRole, IncidentKind, PartyRole

router = Router(tags=["incidents"])


class IncidentCountryOut(OutSchema):
    country: str = Field(validation_alias="country_id")
    role: choice(CountryRole)


class IncidentSubstanceOut(OutSchema):
    substance_id: RecordId | None
    substance: str | None = None
    description: str
    quantity: decimal.Decimal | None
    unit: choice(Unit, blank=True)
    purity: decimal.Decimal | None


class IncidentPartyOut(OutSchema):
    party_id: RecordId
    role: choice(PartyRole)
    reported_name: str


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


class IncidentIn(Schema):
    kind: choice(IncidentKind)
    occurred_on: str
    distribution: choice(Audience) = "countries_involved"
    form: str = ""
    concealment: str = ""
    modus_operandi: str = ""
    transport_mode: choice(TransportMode) = "unknown"
    description: str = ""
    notification_reference: str = ""
    countries: list[IncidentCountryIn] = []
    substances: list[IncidentSubstanceIn] = []
    parties: list[IncidentPartyIn] = []


class IncidentPatch(Schema):
    version: Version | None = None
    kind: choice(IncidentKind) | None = None
    occurred_on: datetime.date | None = None
    form: str | None = None
    concealment: str | None = None
    modus_operandi: str | None = None
    transport_mode: choice(TransportMode) | None = None
    description: str | None = None
    notification_reference: str | None = None


def shaped(incident, *, with_parties=True):
    """Attach the nested lists the response schemas read."""
    incident.country_list = list(incident.countries.all())
    incident.substance_list = [
        {
            "substance_id": line.substance_id,
            "substance": line.substance.name_en if line.substance else None,
            "description": line.description,
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
    return ShapedPage(queryset, lambda incident: shaped(incident, with_parties=False))


@router.post("/incidents", response={201: IncidentDetailOut, **ERRORS})
def create_incident(request, payload: IncidentIn):
    data = services.validate_incident(
        payload.dict(), visible_parties=entity_selectors.referable_parties(user=request.auth)
    )
    incident = services.incident_create(actor=request.auth, data=data)
    return Status(201, shaped(selectors.incident_get(user=request.auth, incident_id=incident.pk)))


@router.get("/incidents/{incident_id}", response={200: IncidentDetailOut, **ERRORS})
def get_incident(request, incident_id: RecordId):
    return shaped(selectors.incident_get(user=request.auth, incident_id=incident_id))


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
    return shaped(selectors.incident_get(user=request.auth, incident_id=incident_id))


@router.post("/incidents/{incident_id}/parties", response={201: IncidentDetailOut, **ERRORS})
def add_party(request, incident_id: RecordId, payload: IncidentPartyIn):
    incident = selectors.incident_get(user=request.auth, incident_id=incident_id)
    data = services.validate_incident(
        {"kind": incident.kind, "occurred_on": incident.occurred_on, "parties": [payload.dict()]},
        visible_parties=entity_selectors.referable_parties(user=request.auth),
    )
    services.incident_add_party(actor=request.auth, incident=incident, entry=data.parties[0])
    return Status(201, shaped(selectors.incident_get(user=request.auth, incident_id=incident_id)))
