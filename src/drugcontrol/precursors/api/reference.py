"""The API of the exchange's reference data: invocations, reply terms, legitimate
requirements and the response statistics."""

import datetime
import decimal
from typing import Annotated

from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from drugcontrol.core.api_common import ERRORS, OutSchema, PagePagination
from drugcontrol.core.bounds import Day, QueryText, RecordId, Version, choice
from drugcontrol.core.permissions import require
from drugcontrol.precursors import selectors, services
from drugcontrol.precursors.api.base import router
from drugcontrol.precursors.filters import StatisticsFilter
from drugcontrol.precursors.models import (
    InvocationScope,
    RequirementForm,
)


class InvocationOut(OutSchema):
    id: RecordId
    country: str = Field(validation_alias="country_id")
    scope: choice(InvocationScope)
    substance_id: RecordId | None
    since: datetime.date
    requested_on: datetime.date | None
    notes: str


class InvocationIn(Schema):
    country: Annotated[str, Field(max_length=3)]
    scope: choice(InvocationScope)
    substance_id: RecordId | None = None
    since: Day
    requested_on: Day | None = None
    notes: Annotated[str, Field(max_length=300)] = ""


class PolicyOut(OutSchema):
    country: str = Field(validation_alias="country_id")
    reply_days: int
    explicit_clearance: bool
    import_permit_required: bool
    silence_allows_shipment: bool
    law_enforcement_reads: bool
    version: int


class PolicyIn(Schema):
    reply_days: int
    explicit_clearance: bool | None = None
    import_permit_required: bool | None = None
    silence_allows_shipment: bool | None = Field(
        None,
        description="As exporter: the law allows shipment after the deadline without an answer",
    )
    law_enforcement_reads: bool | None = Field(
        None, description="The country's law-enforcement users read its notifications"
    )
    version: Version | None = Field(
        None, description="The version read (0: no terms on file yet); a 409 when stale"
    )


class RequirementOut(OutSchema):
    id: RecordId
    country: str = Field(validation_alias="country_id")
    substance_id: RecordId
    form: choice(RequirementForm)
    year: int
    quantity_kg: decimal.Decimal
    updated_on: datetime.date
    version: int


class RequirementIn(Schema):
    country: str
    substance_id: RecordId
    form: choice(RequirementForm) = "substance"
    year: int
    quantity_kg: str
    updated_on: Day | None = None
    version: Version | None = None


@router.get("/precursors/invocations", response={200: list[InvocationOut], **ERRORS})
@paginate(PagePagination)
def list_invocations(request, country: QueryText | None = None):
    return selectors.invocation_list(user=request.auth, country=country)


@router.post("/precursors/invocations", response={201: InvocationOut, **ERRORS})
def add_invocation(request, payload: InvocationIn):
    invocation = services.invocation_add(
        actor=request.auth,
        country=services.country_for(payload.country),
        scope=payload.scope,
        substance=services.substance_for(payload.substance_id),
        since=payload.since,
        requested_on=payload.requested_on,
        notes=payload.notes,
    )
    return Status(201, invocation)


@router.get("/precursors/reply-terms", response={200: list[PolicyOut], **ERRORS})
@paginate(PagePagination)
def list_policies(request):
    """Reply deadlines and clearance rules set by importing countries (others: 15 days)."""
    return selectors.policy_list(user=request.auth)


@router.put("/precursors/reply-terms/{country}", response={200: PolicyOut, **ERRORS})
def set_policy(request, country: str, payload: PolicyIn):
    return services.policy_set(
        actor=request.auth,
        country=services.country_for(country),
        reply_days=payload.reply_days,
        explicit_clearance=payload.explicit_clearance,
        import_permit_required=payload.import_permit_required,
        silence_allows_shipment=payload.silence_allows_shipment,
        law_enforcement_reads=payload.law_enforcement_reads,
        expected_version=payload.version,
    )


@router.get("/precursors/legitimate-requirements", response={200: list[RequirementOut], **ERRORS})
@paginate(PagePagination)
def list_requirements(
    request,
    country: QueryText | None = None,
    substance_id: RecordId | None = None,
    year: int | None = None,
):
    return selectors.requirement_list(
        user=request.auth, country=country, substance_id=substance_id, year=year
    )


@router.post("/precursors/legitimate-requirements", response={200: RequirementOut, **ERRORS})
def set_requirement(request, payload: RequirementIn):
    """Record or revise a requirement (the revision history is kept)."""
    substance = services.substance_for(payload.substance_id)
    return services.requirement_set(
        actor=request.auth,
        country=services.country_for(payload.country),
        substance=substance,
        form=payload.form,
        year=payload.year,
        quantity_kg=payload.quantity_kg,
        updated_on=payload.updated_on,
        expected_version=payload.version,
    )


class StatisticsOut(Schema):
    country: str
    received: int
    answered: int
    answered_share: float
    median_days: float | None
    objected: int
    objected_share: float
    answered_late: int
    overdue: int


@router.get("/precursors/statistics", response={200: list[StatisticsOut], **ERRORS})
def statistics(request, filters: Query[StatisticsFilter]):
    """Response behaviour per importing country for notifications submitted in the period
    (default: the last 365 days); `kind`: the mandatory exchange (`scheduled`, the default),
    PEN Light (`light`) or `all`."""
    require(request.auth, "precursors.notification_read")
    since, until = filters.period()
    return selectors.response_statistics(
        user=request.auth,
        since=since,
        until=until,
        importing_country=filters.country,
        kind=filters.notification_kind(),
    )
