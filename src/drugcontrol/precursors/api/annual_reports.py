"""The API of Form D annual reports: generated, changed, one route for each step of
`workflow.REPORT_TABLE`, versions and exports."""

import datetime
import decimal
from typing import Annotated, Literal

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from drugcontrol.core.api_common import ERRORS, OutSchema, PagePagination, ShapedPage
from drugcontrol.core.bounds import RecordId, Version, choice
from drugcontrol.precursors import form_d, selectors, services, workflow
from drugcontrol.precursors.api.base import VersionIn, router
from drugcontrol.precursors.filters import AnnualReportFilter
from drugcontrol.precursors.models import (
    FIRST_REPORT_YEAR,
    AnnualReportStatus,
    FormDSection,
    FormDUnit,
    RowOrigin,
    StopReason,
    TradeDirection,
)


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
