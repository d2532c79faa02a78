"""The precursors API: pre-export notifications (the list, the inbox, one record; a draft
created or changed, and submitted at once with `"submit": true`; one route for each step of
the workflow table in `precursors/workflow.py`), invocations, reply terms, legitimate
requirements, response statistics and Form D annual reports (generated, changed, one route
for each step of `workflow.REPORT_TABLE`, versions and exports). Suspicious order reports
have no endpoint: operators report them, and their national authority reviews them, on the
pages only. Country codes are ISO 3166 alpha-3."""

import datetime
import decimal
from typing import Annotated, Literal

from django.core.exceptions import ImproperlyConfigured
from django.http import FileResponse, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from drugcontrol.core.api_common import ERRORS, OutSchema, PagePagination, ShapedPage
from drugcontrol.core.attachments import too_large
from drugcontrol.core.bounds import RecordId, Version, choice
from drugcontrol.core.permissions import require
from drugcontrol.core.quantities import MEASURED_UNIT_CHOICES
from drugcontrol.entities import selectors as entity_selectors
from drugcontrol.entities.schemas import PartyReferenceIn
from drugcontrol.precursors import form_d, selectors, services, workflow
from drugcontrol.precursors.filters import (
    AnnualReportFilter,
    NotificationFilter,
    StatisticsFilter,
)
from drugcontrol.precursors.models import (
    FIRST_REPORT_YEAR,
    NOTIFICATION_TRANSPORT_MODES,
    AnnualReportStatus,
    AttachmentKind,
    FormDSection,
    FormDUnit,
    InvocationScope,
    MessageKind,
    NotificationKind,
    ObjectionGround,
    Outcome,
    PartyRole,
    RequirementForm,
    RowOrigin,
    StopReason,
    TradeDirection,
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
    cas: str
    description: str


class NotificationPartyOut(OutSchema):
    party_id: RecordId
    role: choice(PartyRole)
    reported_name: str
    address: str


class NotificationFindingOut(OutSchema):
    id: RecordId = Field(
        description="What `clear` names in `considered_findings` (findings of severity 4)"
    )
    rule: str
    severity: int
    text: str


class NotificationMessageOut(OutSchema):
    kind: choice(MessageKind)
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
    days_left: int | None = Field(
        None, description="Days to the reply deadline while an answer is awaited (negative: past)"
    )
    answered_at: datetime.datetime | None
    highest_severity: int
    lines: list[NotificationLineOut] = Field(validation_alias="line_list")
    version: int


class NotificationDetailOut(NotificationOut):
    exporting_authority: str = Field(validation_alias="exporting_authority_name")
    invoice_number: str
    import_permit_number: str
    import_permit_date: datetime.date | None
    transport_mode: PlannedTransport
    point_of_exit: str
    point_of_entry: str
    expected_dispatch: datetime.date | None
    remarks: str
    explicit_clearance: bool
    silence_rule: bool = Field(
        description="The exporting country's law allows shipment after the deadline without "
        "an answer (as recorded at submission; never for PEN Light)"
    )
    objection_ground: choice(ObjectionGround, blank=True)
    objection_detail: str
    outcome: choice(Outcome, blank=True)
    parties: list[NotificationPartyOut] = Field(validation_alias="party_list")
    findings: list[NotificationFindingOut] = Field(validation_alias="finding_list")
    messages: list[NotificationMessageOut] = Field(validation_alias="message_list")
    attachments: list["NotificationAttachmentOut"] = Field(validation_alias="attachment_list")
    actions: list[str] = Field(validation_alias="action_list")


class NotificationAttachmentOut(OutSchema):
    id: RecordId
    kind: choice(AttachmentKind)
    name: str
    content_type: str
    size: int
    organisation: str = Field(validation_alias="organisation_name")
    uploaded_at: datetime.datetime


NotificationDetailOut.model_rebuild()


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
    cas: str = ""
    description: str = ""


class NotificationPartyIn(PartyReferenceIn):
    role: choice(PartyRole)


class NotificationIn(Schema):
    kind: choice(NotificationKind) = "scheduled"
    importing_country: str
    transit_countries: list[str] = []
    invoice_number: str = ""
    import_permit_number: str = ""
    import_permit_date: str | None = None
    reply_deadline: str | None = Field(
        None,
        description="The exporting authority's deadline for the answer (YYYY-MM-DD), within "
        "the importing country's reply days; default: the submission date plus those days",
    )
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


class NotificationClearIn(VersionIn):
    considered_findings: Annotated[list[RecordId], Field(max_length=200)] | None = Field(
        None,
        description="The ids of the findings of high severity (4) the caller read and "
        "considered, as `findings` gave them. Required while the notification has such "
        "findings (a 422 without it); a 409 when one is missing from the list (it appeared "
        "since the caller read the notification; [] says none was shown). Other ids are "
        "ignored.",
    )


class NotificationOutcomeIn(VersionIn):
    outcome: choice(Outcome)


class NotificationMessageIn(Schema):
    body: str


class ReminderIn(Schema):
    body: str = ""


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
            "cas": line.cas,
            "description": line.description,
        }
        for line in notification.lines.all()
    ]
    if detail:
        notification.exporting_authority_name = notification.exporting_authority.name
        notification.party_list = list(notification.parties.all())
        notification.finding_list = selectors.findings(user=user, notification=notification)
        notification.attachment_list = [
            _shaped_attachment(attachment) for attachment in notification.attachments.all()
        ]
        notification.message_list = [
            {
                "kind": m.kind,
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


def _shaped_attachment(attachment, **_options):
    attachment.organisation_name = attachment.organisation.name
    return attachment


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
        NotificationClearIn,
        200,
        "The importing authority clears the shipment, naming the findings of high severity "
        "it considered (`considered_findings`); a second answer is a 409.",
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
    "question": (
        "ask_question",
        NotificationMessageIn,
        201,
        "The secretariat asks a question in the notification's thread; both authorities "
        "are alerted.",
    ),
    "remind": (
        "send_reminder",
        ReminderIn,
        201,
        "The secretariat reminds the importing authority of an overdue notification (a "
        "thread entry of kind reminder and an alert); a 409 when it is not overdue.",
    ),
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


# --- documents -------------------------------------------------------------------------------


@router.get(f"{BASE}/attachments", response={200: list[NotificationAttachmentOut], **ERRORS})
@paginate(PagePagination)
def list_attachments(request, notification_id: RecordId):
    """The documents of a notification the caller sees (a 404 otherwise)."""
    notification = selectors.notification_get(user=request.auth, notification_id=notification_id)
    return ShapedPage(selectors.attachment_list(notification=notification), _shaped_attachment)


@router.post(f"{BASE}/attachments", response={201: NotificationAttachmentOut, **ERRORS})
def attach(
    request,
    notification_id: RecordId,
    kind: Form[choice(AttachmentKind)],
    file: File[UploadedFile],
):
    """Attach a document (multipart: `kind` and `file`): the exporting authority to its
    draft, the importing authority to its answer. At most 10 MB; PDF, PNG, JPEG, XLSX,
    DOCX, CSV or UTF-8 text whose content matches its extension."""
    notification = selectors.notification_get(user=request.auth, notification_id=notification_id)
    error = too_large(file.size or 0)
    if error is not None:
        raise error
    attachment = services.notification_attach(
        actor=request.auth,
        notification=notification,
        kind=kind,
        name=file.name or "",
        content=file.read(),
    )
    return Status(201, _shaped_attachment(attachment))


@router.get(
    f"{BASE}/attachments/{{attachment_id}}",
    response={200: None, **ERRORS},
    openapi_extra={
        "responses": {
            200: {
                "description": "The document, as a download",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def download_attachment(request, notification_id: RecordId, attachment_id: RecordId):
    """The document, to whoever sees the notification (a 404 otherwise)."""
    notification = selectors.notification_get(user=request.auth, notification_id=notification_id)
    attachment = selectors.attachment_get(notification=notification, attachment_id=attachment_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


# --- reference --------------------------------------------------------------------------------


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
    since: datetime.date
    requested_on: datetime.date | None = None
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


# --- Form D annual reports ----------------------------------------------------------------------


def _text(limit: int):
    return Annotated[str, Field(max_length=limit)]


class AnnualReportRowOut(OutSchema):
    id: RecordId
    section: choice(FormDSection)
    origin: choice(RowOrigin)
    substance_id: RecordId | None
    substance: str = Field("", validation_alias="substance_en")
    surveillance_chemical_id: RecordId | None
    surveillance_chemical: str = ""
    chemical_name: str
    is_preparation: bool
    quantity: decimal.Decimal | None
    unit: choice(FormDUnit, blank=True)
    count: int | None
    country: str
    other_country: str
    direction: choice(TradeDirection, blank=True)
    reason: choice(StopReason, blank=True)
    reference: str
    text: str
    remarks: str


class AnnualReportOut(OutSchema):
    id: RecordId
    country: str = Field(validation_alias="country_id")
    year: int
    status: choice(AnnualReportStatus)
    generated_at: datetime.datetime | None
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    updated_at: datetime.datetime
    version: int


class AnnualReportDetailOut(AnnualReportOut):
    return_comment: str
    # Generated entries removed by hand, which generating again leaves out.
    removed_generated: int = Field(validation_alias="removed_generated")
    rows: list[AnnualReportRowOut] = Field(validation_alias="row_list")
    actions: list[str] = Field(validation_alias="action_list")


class AnnualReportVersionRowOut(OutSchema):
    section: choice(FormDSection)
    origin: choice(RowOrigin)
    substance_id: int | None
    substance: str = Field("", validation_alias="substance_en")
    surveillance_chemical_id: int | None
    surveillance_chemical: str
    chemical_name: str
    is_preparation: bool
    quantity: decimal.Decimal | None
    unit: str
    count: int | None
    country: str
    other_country: str
    direction: str
    reason: str
    reference: str
    text: str
    remarks: str


class AnnualReportVersionOut(OutSchema):
    number: int
    submitted_at: datetime.datetime
    submitted_by: str = Field(validation_alias="submitted_by_name")
    decision: choice(AnnualReportStatus, blank=True)
    decided_at: datetime.datetime | None
    comment: str
    rows: list[AnnualReportVersionRowOut]


class AnnualReportCreateIn(Schema):
    country: Annotated[str | None, Field(max_length=3)] = None
    year: Annotated[int, Field(ge=FIRST_REPORT_YEAR, le=9999)]


class AnnualReportRowIn(Schema):
    id: RecordId | None = None
    section: choice(FormDSection)
    substance_id: RecordId | None = None
    surveillance_chemical_id: RecordId | None = None
    chemical_name: _text(300) = ""
    is_preparation: bool = False
    quantity: Annotated[str | None, Field(max_length=40)] = None
    unit: choice(FormDUnit, blank=True) = ""
    count: Annotated[int | None, Field(ge=0, le=services.annual_reports.MAX_COUNT)] = None
    country: Annotated[str | None, Field(max_length=3)] = None
    other_country: Annotated[str | None, Field(max_length=3)] = None
    direction: choice(TradeDirection, blank=True) = ""
    reason: choice(StopReason, blank=True) = ""
    reference: _text(300) = ""
    text: _text(5000) = ""
    remarks: _text(2000) = ""


class AnnualReportIn(Schema):
    version: Version
    rows: Annotated[list[AnnualReportRowIn], Field(max_length=services.annual_reports.MAX_ROWS)]


class AnnualReportReturnIn(VersionIn):
    comment: _text(5000)


class AnnualReportRegenerateIn(VersionIn):
    # Also generate again the entries someone removed by hand (left out otherwise).
    restore_removed: bool = False


def _report_row(row) -> dict:
    values = form_d.row_values(row)
    return {**values, "id": row.pk}


def _report_detail(request, report_id: RecordId):
    report = selectors.annual_report_get(user=request.auth, report_id=report_id)
    report.row_list = [_report_row(row) for row in report.rows.all()]
    report.removed_generated = len(report.removed_keys or [])
    report.action_list = sorted(selectors.allowed_report_actions(user=request.auth, report=report))
    return report


REPORTS = "/precursors/annual-reports"


@router.get(REPORTS, response={200: list[AnnualReportOut], **ERRORS})
@paginate(PagePagination)
def list_annual_reports(request, filters: Query[AnnualReportFilter]):
    """Form D reports the caller may see: its own country's; the secretariat, those
    submitted at least once."""
    return selectors.annual_report_list(user=request.auth, filters=filters)


@router.post(REPORTS, response={201: AnnualReportDetailOut, **ERRORS})
def generate_annual_report(request, payload: AnnualReportCreateIn):
    """Draft the Form D of the caller's country (`country`, when given, must be it) for a
    calendar year from what is on file; a report already on file is a 409 naming its id."""
    report = services.annual_report_generate(
        actor=request.auth, country=payload.country, year=payload.year
    )
    return Status(201, _report_detail(request, report.pk))


@router.get(f"{REPORTS}/{{report_id}}", response={200: AnnualReportDetailOut, **ERRORS})
def get_annual_report(request, report_id: RecordId):
    return _report_detail(request, report_id)


@router.patch(f"{REPORTS}/{{report_id}}", response={200: AnnualReportDetailOut, **ERRORS})
def update_annual_report(request, report_id: RecordId, payload: AnnualReportIn):
    """Replace the entries (`version`: the version read; a stale one is a 409). An entry
    with the `id` of one on file changes it (a generated entry changed becomes manual),
    one without adds it, entries left out are removed. Problems name `rows.N.field`."""
    report = selectors.annual_report_get(user=request.auth, report_id=report_id)
    workflow.REPORTS.require_step(request.auth, report, "edit")
    rows = services.validate_report_rows([row.dict() for row in payload.rows])
    workflow.REPORTS.perform(
        "edit", actor=request.auth, record=report, expected_version=payload.version, rows=rows
    )
    return _report_detail(request, report_id)


REPORT_STEP_ROUTES = {
    "regenerate": ("regenerate_annual_report", AnnualReportRegenerateIn),
    "submit": ("submit_annual_report", VersionIn),
    "accept": ("accept_annual_report", VersionIn),
    "return": ("return_annual_report", AnnualReportReturnIn),
}


def _report_step_route(action: str, name: str, body: type[Schema]):
    def step(request, report_id: RecordId, payload: body):
        report = selectors.annual_report_get(user=request.auth, report_id=report_id)
        fields = payload.dict()
        version = fields.pop("version", None)
        workflow.REPORTS.perform(
            action, actor=request.auth, record=report, expected_version=version, **fields
        )
        return _report_detail(request, report_id)

    step.__name__ = step.__qualname__ = name
    step.__doc__ = str(workflow.REPORTS.transitions[action].label)
    path = f"{REPORTS}/{{report_id}}/{workflow.REPORTS.transitions[action].route}"
    return router.post(path, response={200: AnnualReportDetailOut, **ERRORS})(step)


if set(REPORT_STEP_ROUTES) | {"edit"} != set(workflow.REPORTS.transitions):
    raise ImproperlyConfigured("every row of Form D's workflow table needs its API route")
for _action, (_name, _body) in REPORT_STEP_ROUTES.items():
    _report_step_route(_action, _name, _body)


@router.get(
    f"{REPORTS}/{{report_id}}/versions", response={200: list[AnnualReportVersionOut], **ERRORS}
)
@paginate(PagePagination)
def list_annual_report_versions(request, report_id: RecordId):
    """Every version submitted, newest first, with the secretariat's decision on it."""
    report = selectors.annual_report_get(user=request.auth, report_id=report_id)
    return ShapedPage(selectors.annual_report_submissions(report=report), _shaped_submission)


def _shaped_submission(submission, **_options):
    submission.submitted_by_name = submission.submitted_by.get_username()
    return submission


EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@router.get(
    f"{REPORTS}/{{report_id}}/export",
    response={200: None, **ERRORS},
    openapi_extra={
        "responses": {
            200: {
                "description": "The report as a file",
                "content": {
                    kind.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                    for kind in EXPORT_TYPES.values()
                },
            }
        }
    },
)
def export_annual_report(
    request,
    report_id: RecordId,
    format: Literal["xlsx", "csv"] = "xlsx",
    version: Annotated[int | None, Field(ge=1, le=1_000_000)] = None,
):
    """The report (or its submitted `version`) as XLSX laid out like the form, or as CSV
    with one line per entry; headings in the caller's language."""
    report = selectors.annual_report_get(user=request.auth, report_id=report_id)
    name, content = selectors.annual_report_export(report=report, kind=format, version=version)
    response = HttpResponse(content, content_type=EXPORT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
