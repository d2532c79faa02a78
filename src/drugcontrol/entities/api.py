"""Parties, matching, correlations, merges and the warning list."""

import datetime
from typing import Annotated

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StringConstraints, field_validator

from drugcontrol.core.api_common import ERRORS, OutSchema, PagePagination
from drugcontrol.core.bounds import QueryText, RecordId, Version, choice
from drugcontrol.entities import selectors, services
from drugcontrol.entities.matching import DEFAULT_THRESHOLD
from drugcontrol.entities.models import CorrelationStatus, IdentifierKind, PartyKind
from drugcontrol.entities.reasons import reason_label
from drugcontrol.entities.schemas import PartyIn

router = Router(tags=["entities"])


class NameOut(OutSchema):
    name: str
    script: str


class IdentifierOut(OutSchema):
    kind: choice(IdentifierKind)
    value: str
    normalized: str


class PartyOut(OutSchema):
    id: RecordId
    kind: choice(PartyKind)
    name: str
    country: str | None = Field(None, validation_alias="country_id")
    merged_into: int | None = Field(None, validation_alias="merged_into_id")
    version: int


class PartyDetailOut(PartyOut):
    address: str
    names: list[NameOut] = Field(validation_alias="name_list")
    identifiers: list[IdentifierOut] = Field(validation_alias="identifier_list")


class ReasonOut(OutSchema):
    code: str
    text: str


class CorrelationOut(OutSchema):
    id: RecordId
    party_a: int = Field(validation_alias="party_a_id")
    party_b: int = Field(validation_alias="party_b_id")
    score: int
    reasons: list[ReasonOut]
    status: choice(CorrelationStatus)
    decided_at: datetime.datetime | None
    version: int

    @field_validator("reasons", mode="before")
    @classmethod
    def explain(cls, codes):
        return [{"code": code, "text": reason_label(code)} for code in codes]


class MatchIn(Schema):
    kind: choice(PartyKind)
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    country: str | None = None
    phone: str | None = None
    email: str | None = None
    threshold: int = Field(DEFAULT_THRESHOLD, ge=50, le=100)
    limit: int = Field(10, ge=1, le=50)


class PartyMatchOut(Schema):
    id: RecordId
    name: str
    score: int
    reasons: list[str]
    below_threshold: bool = Field(
        description="The score is under `threshold`: a search result shown for the analyst "
        "to judge, not one correlation would propose."
    )


class DecisionIn(Schema):
    version: Version | None = None


class MergeOut(OutSchema):
    id: RecordId
    survivor: int = Field(validation_alias="survivor_id")
    merged: int = Field(validation_alias="merged_id")
    merged_at: datetime.datetime
    undone_at: datetime.datetime | None


class WarningIn(Schema):
    kind: choice(PartyKind, IdentifierKind)
    value: str
    reason: str = ""


class WarningOut(OutSchema):
    id: RecordId
    kind: choice(PartyKind, IdentifierKind)
    value: str
    normalized: str
    reason: str


@router.post("/entities/match", response={200: list[PartyMatchOut], **ERRORS})
def match(request, payload: MatchIn):
    identifiers = [(k, getattr(payload, k)) for k in ("phone", "email") if getattr(payload, k)]
    return selectors.match(
        user=request.auth,
        kind=payload.kind,
        name=payload.name,
        country=payload.country,
        identifiers=identifiers,
        threshold=payload.threshold,
        limit=payload.limit,
        below=True,
    )


@router.get("/entities/parties", response={200: list[PartyOut], **ERRORS})
@paginate(PagePagination)
def list_parties(
    request,
    kind: QueryText | None = None,
    search: QueryText | None = None,
    country: QueryText | None = None,
):
    return selectors.party_list(user=request.auth, kind=kind, search=search, country=country)


@router.post("/entities/parties", response={201: PartyDetailOut, **ERRORS})
def create_party(request, payload: PartyIn):
    identifiers = [(k, getattr(payload, k)) for k in ("phone", "email") if getattr(payload, k)]
    data = services.validate_party(
        kind=payload.kind,
        name=payload.name,
        country_code=payload.country,
        address=payload.address,
        identifiers=identifiers,
    )
    party = services.party_create(actor=request.auth, data=data)
    return Status(201, _detail(selectors.party_get(user=request.auth, party_id=party.pk)))


def _detail(party):
    party.name_list = list(party.names.all())
    party.identifier_list = list(party.identifiers.all())
    return party


@router.get("/entities/parties/{party_id}", response={200: PartyDetailOut, **ERRORS})
def get_party(request, party_id: RecordId):
    return _detail(selectors.party_get(user=request.auth, party_id=party_id))


@router.get("/entities/correlations", response={200: list[CorrelationOut], **ERRORS})
@paginate(PagePagination)
def list_correlations(request, status: QueryText | None = None):
    return selectors.correlation_list(user=request.auth, status=status)


@router.get("/entities/correlations/{correlation_id}", response={200: CorrelationOut, **ERRORS})
def get_correlation(request, correlation_id: RecordId):
    return selectors.correlation_get(user=request.auth, correlation_id=correlation_id)


def _decide(request, correlation_id: RecordId, decision: str, payload: DecisionIn):
    correlation = selectors.correlation_get(user=request.auth, correlation_id=correlation_id)
    return services.correlation_decide(
        actor=request.auth,
        correlation=correlation,
        decision=decision,
        expected_version=payload.version,
    )


@router.post(
    "/entities/correlations/{correlation_id}/confirm", response={200: CorrelationOut, **ERRORS}
)
def confirm_correlation(request, correlation_id: RecordId, payload: DecisionIn):
    return _decide(request, correlation_id, "confirmed", payload)


@router.post(
    "/entities/correlations/{correlation_id}/reject", response={200: CorrelationOut, **ERRORS}
)
def reject_correlation(request, correlation_id: RecordId, payload: DecisionIn):
    return _decide(request, correlation_id, "rejected", payload)


@router.post("/entities/correlations/{correlation_id}/merge", response={201: MergeOut, **ERRORS})
def merge_parties(request, correlation_id: RecordId):
    correlation = selectors.correlation_get(user=request.auth, correlation_id=correlation_id)
    return Status(201, services.parties_merge(actor=request.auth, correlation=correlation))


@router.post("/entities/merges/{merge_id}/undo", response={200: MergeOut, **ERRORS})
def undo_merge(request, merge_id: RecordId):
    merge = selectors.merge_get(user=request.auth, merge_id=merge_id)
    return services.merge_undo(actor=request.auth, merge=merge)


@router.get("/entities/warning-values", response={200: list[WarningOut], **ERRORS})
@paginate(PagePagination)
def list_warning_values(request):
    return selectors.warning_value_list(user=request.auth)


@router.post("/entities/warning-values", response={201: WarningOut, **ERRORS})
def add_warning_value(request, payload: WarningIn):
    warning = services.warning_value_add(
        actor=request.auth, kind=payload.kind, value=payload.value, reason=payload.reason
    )
    return Status(201, warning)


@router.delete("/entities/warning-values/{warning_id}", response={204: None, **ERRORS})
def remove_warning_value(request, warning_id: RecordId):
    warning = selectors.warning_value_get(user=request.auth, warning_id=warning_id)
    services.warning_value_remove(actor=request.auth, warning=warning)
    return Status(204, None)
