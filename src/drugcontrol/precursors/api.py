"""The precursors API: pre-export notifications (the list, the inbox, one record; a draft
created or changed, and submitted at once with `"submit": true`; one route for each step of
the workflow table in `precursors/workflow.py`), invocations, reply terms, legitimate
requirements and response statistics. Suspicious order reports have no endpoint: operators
report them, and their national authority reviews them, on the pages only. Country codes
are ISO 3166 alpha-3."""

import datetime
import decimal

from django.core.exceptions import ImproperlyConfigured
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from drugcontrol.core.api_common import ERRORS, OutSchema, PagePagination, ShapedPage
from drugcontrol.core.bounds import RecordId, Version, choice
from drugcontrol.core.permissions import require
from drugcontrol.core.quantities import MEASURED_UNIT_CHOICES
from drugcontrol.entities import selectors as entity_selectors
from drugcontrol.entities.schemas import PartyReferenceIn
from drugcontrol.precursors import selectors, services, workflow
from drugcontrol.precursors.filters import NotificationFilter, StatisticsFilter
from drugcontrol.precursors.models import (
    NOTIFICATION_TRANSPORT_MODES,
    InvocationScope,
    NotificationKind,
    ObjectionGround,
    Outcome,
    PartyRole,
    RequirementForm,
)
from drugcontrol.precursors.models import (
    Status as NotificationStatus,
)

router = Router(tags=["precursors"])


LineUnit = choice(MEASURED_UNIT_CHOICES)
PlannedTransport = choice(NOTIFICATION_TRANSPORT_MODES, blank=True)


class NotificationLineOut(OutSchema):
    substance_id: RecordId | None
    substance: str | None = None
    surveillance_chemical: str | None = None
    is_preparation: bool
    concentration: decimal.Decimal
    quantity: decimal.Decimal
    unit: LineUnit
    density: decimal.Decimal | None
    quantity_kg: decimal.Decimal
    hs_code: str


class NotificationPartyOut(OutSchema):
    party_id: RecordId
    role: choice(PartyRole)
    reported_name: str
    address: str


class NotificationFindingOut(OutSchema):
    rule: str
    severity: int
    text: str


class NotificationMessageOut(OutSchema):
    organisation: str
    author: str
    body: str
    created_at: datetime.datetime


class NotificationOut(OutSchema):
    id: RecordId
    reference: str
    kind: choice(NotificationKind)
    status: choice(NotificationStatus) = Field(validation_alias="effective_status")
    exporting_country: str = Field(validation_alias="exporting_country_id")
    importing_country: str = Field(validation_alias="importing_country_id")
    transit_countries: list[str] = Field(validation_alias="transit_codes")
    submitted_at: datetime.datetime | None
    reply_deadline: datetime.date | None
    answered_at: datetime.datetime | None
    highest_severity: int
    lines: list[NotificationLineOut] = Field(validation_alias="line_list")
    version: int


class NotificationDetailOut(NotificationOut):
    exporting_authority: str = Field(validation_alias="exporting_authority_name")
    invoice_number: str
    transport_mode: PlannedTransport
    point_of_exit: str
    point_of_entry: str
    expected_dispatch: datetime.date | None
    remarks: str
    explicit_clearance: bool
    objection_ground: choice(ObjectionGround, blank=True)
    objection_detail: str
    outcome: choice(Outcome, blank=True)
    parties: list[NotificationPartyOut] = Field(validation_alias="party_list")
    findings: list[NotificationFindingOut] = Field(validation_alias="finding_list")
    messages: list[NotificationMessageOut] = Field(validation_alias="message_list")
    actions: list[str] = Field(validation_alias="action_list")


class NotificationLineIn(Schema):
    substance_id: RecordId | None = None
    surveillance_chemical_id: RecordId | None = None
    substance: str = ""
    is_preparation: bool = False
    concentration: str | None = None
    quantity: str | None = None
    unit: choice(MEASURED_UNIT_CHOICES, blank=True) = ""
    density: str | None = None
    hs_code: str = ""
    description: str = ""


class NotificationPartyIn(PartyReferenceIn):
    role: choice(PartyRole)


class NotificationIn(Schema):
    kind: choice(NotificationKind) = "scheduled"
    importing_country: str
    transit_countries: list[str] = []
    invoice_number: str = ""
    transport_mode: PlannedTransport = ""
    point_of_exit: str = ""
    point_of_entry: str = ""
    expected_dispatch: str | None = None
    remarks: str = ""
    lines: list[NotificationLineIn] = []
    parties: list[NotificationPartyIn] = []
    submit: bool = False


class VersionIn(Schema):
    version: Version | None = None


class NotificationAnswerIn(VersionIn):
    ground: choice(ObjectionGround, blank=True) = ""
    detail: str = ""


class NotificationOutcomeIn(VersionIn):
    outcome: choice(Outcome)


class NotificationMessageIn(Schema):
    body: str


def shaped(notification, *, user=None, detail=False):
    """Attach the nested lists the response schemas read."""
    notification.transit_codes = [t.country_id for t in notification.transits.all()]
    notification.line_list = [
        {
            "substance_id": line.substance_id,
            "substance": line.substance.name_en if line.substance else None,
            "surveillance_chemical": line.surveillance_chemical.name
            if line.surveillance_chemical
            else None,
            "is_preparation": line.is_preparation,
            "concentration": line.concentration,
            "quantity": line.quantity,
            "unit": line.unit,
            "density": line.density,
            "quantity_kg": line.quantity_kg,
            "hs_code": line.hs_code,
        }
        for line in notification.lines.all()
    ]
    if detail:
        notification.exporting_authority_name = notification.exporting_authority.name
        notification.party_list = list(notification.parties.all())
        notification.finding_list = selectors.findings(user=user, notification=notification)
        notification.message_list = [
            {
                "organisation": m.organisation.name,
                "author": m.author.get_username(),
                "body": m.body,
                "created_at": m.created_at,
            }
            for m in notification.messages.all()
        ]
        notification.action_list = sorted(
            selectors.allowed_actions(user=user, notification=notification)
        )
    return notification


def _detail(request, notification_id: RecordId):
    notification = selectors.notification_get(user=request.auth, notification_id=notification_id)
    return shaped(notification, user=request.auth, detail=True)


@router.get("/precursors/notifications", response={200: list[NotificationOut], **ERRORS})
@paginate(PagePagination)
def list_notifications(request, filters: Query[NotificationFilter]):
    """Notifications the caller may see, filtered as the list page filters them
    (`precursors.filters.NotificationFilter`); `status` includes the derived `overdue`."""
    return ShapedPage(selectors.notification_list(user=request.auth, filters=filters), shaped)


@router.get("/precursors/inbox", response={200: list[NotificationOut], **ERRORS})
@paginate(PagePagination)
def list_inbox(request):
    """Notifications awaiting the caller's country's answer, the nearest deadline first."""
    return ShapedPage(selectors.inbox(user=request.auth), shaped)


@router.post("/precursors/notifications", response={201: NotificationDetailOut, **ERRORS})
def create_notification(request, payload: NotificationIn):
    """Save a draft; with `"submit": true` submit it at once (all or nothing: a refused
    submission saves nothing, and its 422 names the missing fields)."""
    raw = payload.dict()
    data = services.validate_notification(
        raw,
        exporting_country_id=request.auth.country_id,
        visible_parties=entity_selectors.referable_parties(user=request.auth),
    )
    notification = services.notification_create(actor=request.auth, data=data, submit=raw["submit"])
    return Status(201, _detail(request, notification.pk))


@router.get(
    "/precursors/notifications/{notification_id}", response={200: NotificationDetailOut, **ERRORS}
)
def get_notification(request, notification_id: RecordId):
    return _detail(request, notification_id)


@router.put(
    "/precursors/notifications/{notification_id}", response={200: NotificationDetailOut, **ERRORS}
)
def update_notification(
    request, notification_id: RecordId, payload: NotificationIn, version: Version
):
    """Replace a draft's contents (`?version=` the version read); with `"submit": true`
    submit it at once (all or nothing)."""
    notification = selectors.notification_get(user=request.auth, notification_id=notification_id)
    raw = payload.dict()
    data = services.validate_notification(
        raw,
        exporting_country_id=request.auth.country_id,
        visible_parties=entity_selectors.referable_parties(user=request.auth),
    )
    workflow.perform(
        "edit",
        actor=request.auth,
        notification=notification,
        expected_version=version,
        data=data,
        submit=raw["submit"],
    )
    return _detail(request, notification_id)


# One route for each other row of the workflow table (precursors/workflow.py), at
# `{BASE}/{row.route}`: the operation's name, its body (whose fields other than `version`
# are the service's arguments), its status and its description.
BASE = "/precursors/notifications/{notification_id}"
STEP_ROUTES = {
    "submit": ("submit", VersionIn, 200, None),
    "acknowledge": ("acknowledge", VersionIn, 200, None),
    "clear": (
        "clear",
        VersionIn,
        200,
        "The importing authority clears the shipment; a second answer is a 409.",
    ),
    "object": (
        "object_to",
        NotificationAnswerIn,
        200,
        "The importing authority objects, with a ground; a second answer is a 409.",
    ),
    "ship": ("ship", VersionIn, 200, None),
    "withdraw": ("withdraw", VersionIn, 200, None),
    "cancel": ("cancel", VersionIn, 200, None),
    "outcome": ("outcome", NotificationOutcomeIn, 200, None),
    "message": ("post_message", NotificationMessageIn, 201, None),
}


def _step_route(action: str, name: str, body: type[Schema], status: int, description):
    def step(request, notification_id: RecordId, payload: body):
        notification = selectors.notification_get(
            user=request.auth, notification_id=notification_id
        )
        fields = payload.dict()
        version = fields.pop("version", None)
        workflow.perform(
            action,
            actor=request.auth,
            notification=notification,
            expected_version=version,
            **fields,
        )
        return Status(status, _detail(request, notification_id))

    step.__name__ = step.__qualname__ = name
    step.__doc__ = description
    path = f"{BASE}/{workflow.TRANSITIONS[action].route}"
    return router.post(path, response={status: NotificationDetailOut, **ERRORS})(step)


if set(STEP_ROUTES) | {"edit"} != set(workflow.TRANSITIONS):
    raise ImproperlyConfigured("every row of the workflow table needs its API route")
for _action, (_name, _body, _status, _description) in STEP_ROUTES.items():
    _step_route(_action, _name, _body, _status, _description)


# --- reference --------------------------------------------------------------------------------


class InvocationOut(OutSchema):
    id: RecordId
    country: str = Field(validation_alias="country_id")
    scope: choice(InvocationScope)
    substance_id: RecordId | None
    since: datetime.date
    notes: str


class InvocationIn(Schema):
    country: str
    scope: choice(InvocationScope)
    substance_id: RecordId | None = None
    since: datetime.date
    notes: str = ""


class PolicyOut(OutSchema):
    country: str = Field(validation_alias="country_id")
    reply_days: int
    explicit_clearance: bool
    version: int


class PolicyIn(Schema):
    reply_days: int
    explicit_clearance: bool = False
    version: Version | None = None


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
    updated_on: datetime.date | None = None
    version: Version | None = None


@router.get("/precursors/invocations", response={200: list[InvocationOut], **ERRORS})
@paginate(PagePagination)
def list_invocations(request, country: str | None = None):
    return selectors.invocation_list(user=request.auth, country=country)


@router.post("/precursors/invocations", response={201: InvocationOut, **ERRORS})
def add_invocation(request, payload: InvocationIn):
    invocation = services.invocation_add(
        actor=request.auth,
        country=services.country_for(payload.country),
        scope=payload.scope,
        substance=services.substance_for(payload.substance_id),
        since=payload.since,
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
        expected_version=payload.version,
    )


@router.get("/precursors/legitimate-requirements", response={200: list[RequirementOut], **ERRORS})
@paginate(PagePagination)
def list_requirements(
    request,
    country: str | None = None,
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
    (default: the last 365 days)."""
    require(request.auth, "precursors.notification_read")
    since, until = filters.period()
    return selectors.response_statistics(
        user=request.auth, since=since, until=until, importing_country=filters.country
    )
