"""The API of pre-export notifications: the list, the inbox, one record; a draft created or
changed, and submitted at once with `"submit": true`; one route for each step of the
workflow table in `precursors/workflow.py`; the documents attached."""

import datetime
import decimal
from typing import Annotated

from django.core.exceptions import ImproperlyConfigured
from django.http import FileResponse
from ninja import Field, File, Form, Query, Schema, Status, UploadedFile
from ninja.pagination import paginate

from drugcontrol.core.api_common import ERRORS, OutSchema, PagePagination, ShapedPage
from drugcontrol.core.attachments import too_large
from drugcontrol.core.bounds import RecordId, Version, choice
from drugcontrol.core.quantities import MEASURED_UNIT_CHOICES
from drugcontrol.entities import selectors as entity_selectors
from drugcontrol.entities.schemas import PartyReferenceIn
from drugcontrol.precursors import selectors, services, workflow
from drugcontrol.precursors.api.base import VersionIn, router
from drugcontrol.precursors.filters import NotificationFilter
from drugcontrol.precursors.models import (
    NOTIFICATION_TRANSPORT_MODES,
    AttachmentKind,
    MessageKind,
    NotificationKind,
    ObjectionGround,
    Outcome,
    PartyRole,
)
from drugcontrol.precursors.models import Status as NotificationStatus

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
