"""The monitoring API: definitions, submissions with their values and approval, values
across countries and years. Parse, call one service or selector, shape the answer."""

import datetime
import decimal
from typing import Literal

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Body, Field, File, Form, Query, Router, Schema, UploadedFile
from ninja import Status as Answer
from ninja.pagination import paginate
from pydantic import field_validator

from drugcontrol.core.api_common import ERRORS, OutSchema, PagePagination
from drugcontrol.core.bounds import QueryText, RecordId, Version, choice
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.imports import import_now
from drugcontrol.core.permissions import require
from drugcontrol.monitoring import imports, selectors, services, workflow
from drugcontrol.monitoring.choices import (
    Importance,
    Section,
    Status,
    Unit,
    ValueType,
)
from drugcontrol.monitoring.expressions import parse_key
from drugcontrol.monitoring.services.definition_document import (
    ElementDocument,
    IndicatorDocument,
    RuleDocument,
    TargetDocument,
)

router = Router(tags=["monitoring"])
Action = Literal["submit", "return", "accept", "publish", "reopen"]


class OptionOut(OutSchema):
    code: str
    name: str


class CategoryOut(OutSchema):
    code: str
    name: str
    options: list[OptionOut]


class DataElementOut(OutSchema):
    code: str
    name_en: str
    name_zh: str
    name: str = Field(description="In the caller's language.")
    section: choice(Section)
    value_type: choice(ValueType)
    unit: choice(Unit)
    minimum: decimal.Decimal | None
    maximum: decimal.Decimal | None
    categories: list[CategoryOut]


class DataSetOut(OutSchema):
    code: str
    name_en: str
    name_zh: str
    elements: list[str] = Field(description="Element codes, in the form's order.")


class ValidationRuleOut(OutSchema):
    code: str
    name: str
    left: str
    operator: str
    right: str
    importance: choice(Importance)


class IndicatorOut(OutSchema):
    code: str
    name: str
    numerator: str
    denominator: str
    factor: decimal.Decimal
    breakdown: str
    unit: str


class TargetOut(OutSchema):
    code: str
    name: str
    indicator: str
    baseline_year: int
    target_year: int
    change_percent: decimal.Decimal
    source: str


class SubmissionOut(OutSchema):
    id: RecordId
    country: str
    dataset: str
    year: int
    status: choice(Status)
    version: int
    submitted_at: datetime.datetime | None
    published_at: datetime.datetime | None
    actions: list[str] = Field(description="The approval steps the caller may take now.")


class ViolationOut(OutSchema):
    rule: str
    importance: choice(Importance)
    text: str = Field(description="In the caller's language.")
    options: dict[str, str]
    left: decimal.Decimal
    right: decimal.Decimal


class CommentOut(OutSchema):
    action: str
    text: str
    organisation: str
    at: datetime.datetime


class SubmissionDetailOut(SubmissionOut):
    violations: list[ViolationOut]
    comments: list[CommentOut]


class ValueOut(OutSchema):
    id: RecordId
    country: str = Field(validation_alias="country_code")
    year: int = Field(validation_alias="year_of")
    dataset: str = Field(validation_alias="dataset_code")
    status: choice(Status) = Field(validation_alias="status_of")
    element: str = Field(validation_alias="element_code")
    options: dict[str, str] = Field(
        validation_alias="disaggregation", description="{category: option} of the cell."
    )
    value: decimal.Decimal
    comment: str
    version: int

    @field_validator("options", mode="before")
    @classmethod
    def _options(cls, key):
        return parse_key(key) if isinstance(key, str) else key


class OpenIn(Schema):
    country: str = Field(max_length=3)
    dataset: str = Field(max_length=40)
    year: int = Field(ge=1990, le=2100)


class ValueIn(Schema):
    element: str = Field(max_length=40)
    options: dict[str, str] = Field(default_factory=dict, max_length=10)
    value: decimal.Decimal | str | None = Field(
        description='A number written with a point; null or "" removes the cell.'
    )
    comment: str = Field("", max_length=2000)


class ValuesIn(Schema):
    values: list[ValueIn] = Field(max_length=20_000)
    dry_run: bool = False


class CountsOut(OutSchema):
    rows: int
    new: int
    changed: int
    removed: int
    unchanged: int


class ActIn(Schema):
    comment: str = Field("", max_length=5000)
    version: Version | None = None


def _lang_name(row, prefix="name") -> str:
    zh = (get_language() or "").startswith("zh")
    return getattr(row, f"{prefix}_zh") if zh else getattr(row, f"{prefix}_en")


def _element_out(element, options) -> dict:
    return {
        **{
            f: getattr(element, f)
            for f in (
                "code",
                "name_en",
                "name_zh",
                "section",
                "value_type",
                "unit",
                "minimum",
                "maximum",
            )
        },
        "name": element.name,
        "categories": [
            {
                "code": category.code,
                "name": category.name,
                "options": [
                    {"code": o.code, "name": o.name} for o in options.get(category.code, [])
                ],
            }
            for category in element.categories.all()
        ],
    }


@router.get("/monitoring/data-elements", response={200: list[DataElementOut], **ERRORS})
@paginate(PagePagination)
def list_elements(request, section: QueryText | None = None, dataset: QueryText | None = None):
    options = selectors.category_options(request.auth)
    return [
        _element_out(element, options)
        for element in selectors.element_list(request.auth, section=section, dataset=dataset)
    ]


@router.get("/monitoring/datasets", response={200: list[DataSetOut], **ERRORS})
@paginate(PagePagination)
def list_datasets(request):
    return [
        {
            "code": dataset.code,
            "name_en": dataset.name_en,
            "name_zh": dataset.name_zh,
            "elements": [e.code for e in selectors.dataset_elements(request.auth, dataset)],
        }
        for dataset in selectors.dataset_list(request.auth)
    ]


@router.get("/monitoring/validation-rules", response={200: list[ValidationRuleOut], **ERRORS})
@paginate(PagePagination)
def list_rules(request):
    return selectors.rule_list(request.auth)


@router.get("/monitoring/indicators", response={200: list[IndicatorOut], **ERRORS})
@paginate(PagePagination)
def list_indicators(request):
    return [_indicator_out(i) for i in selectors.indicator_list(request.auth)]


def _indicator_out(indicator) -> dict:
    names = ("code", "name", "numerator", "denominator", "factor", "breakdown")
    return {**{f: getattr(indicator, f) for f in names}, "unit": _lang_name(indicator, "unit")}


@router.get("/monitoring/targets", response={200: list[TargetOut], **ERRORS})
@paginate(PagePagination)
def list_targets(request):
    return [_target_out(t) for t in selectors.target_list(request.auth)]


def _target_out(target) -> dict:
    names = ("code", "name", "baseline_year", "target_year", "change_percent", "source")
    return {**{f: getattr(target, f) for f in names}, "indicator": target.indicator.code}


@router.get("/monitoring/definitions", response={200: dict, **ERRORS})
def export_definitions(request):
    """Every definition in the shape of the definitions file (for editing and loading)."""
    require(request.auth, "monitoring.definitions_read")
    return services.definitions_export()


class DefinitionsLoaded(OutSchema):
    changed: int = Field(description="Definitions added or changed (or that would be).")
    elements: int


@router.post("/monitoring/definitions", response={200: DefinitionsLoaded, **ERRORS})
def load_definitions(request, payload: Body[dict], dry_run: bool = False):
    """Add and update what a definitions document names, all or nothing; nothing is
    removed. Problems are named by their place in the document (`rules.3.left`)."""
    return services.definitions_apply(
        actor=request.auth, document=payload, source="api", dry_run=dry_run
    )


class _Versioned(Schema):
    version: Version | None = None


class ElementChange(ElementDocument, _Versioned):
    dataset: str | None = Field(
        None, max_length=40, description="For a new element: the data set it joins."
    )


class RuleChange(RuleDocument, _Versioned):
    pass


class IndicatorChange(IndicatorDocument, _Versioned):
    pass


class TargetChange(TargetDocument, _Versioned):
    pass


def _save(request, part: str, code: str, payload) -> None:
    if payload.code != code:
        raise ValidationFailed({"code": [_("The code in the path and in the body differ.")]})
    item = payload.model_dump(exclude={"version", "dataset"})
    services.definition_save(
        actor=request.auth,
        part=part,
        item=item,
        expected_version=payload.version,
        dataset=getattr(payload, "dataset", None),
    )


@router.put("/monitoring/data-elements/{code}", response={200: DataElementOut, **ERRORS})
def save_element(request, code: QueryText, payload: ElementChange):
    """Add or change a data element (its categories are fixed once values exist)."""
    _save(request, "elements", code, payload)
    element = selectors.element_list(request.auth).get(code=code)
    return _element_out(element, selectors.category_options(request.auth))


@router.put("/monitoring/validation-rules/{code}", response={200: ValidationRuleOut, **ERRORS})
def save_rule(request, code: QueryText, payload: RuleChange):
    _save(request, "rules", code, payload)
    return selectors.rule_list(request.auth).get(code=code)


@router.put("/monitoring/indicators/{code}", response={200: IndicatorOut, **ERRORS})
def save_indicator(request, code: QueryText, payload: IndicatorChange):
    _save(request, "indicators", code, payload)
    return _indicator_out(selectors.indicator_list(request.auth).get(code=code))


@router.put("/monitoring/targets/{code}", response={200: TargetOut, **ERRORS})
def save_target(request, code: QueryText, payload: TargetChange):
    _save(request, "targets", code, payload)
    return _target_out(selectors.target_list(request.auth).get(code=code))


def _submission_out(user, submission) -> dict:
    return {
        "id": submission.pk,
        "country": submission.country_id,
        "dataset": submission.dataset.code,
        "year": submission.year,
        "status": submission.status,
        "version": submission.version,
        "submitted_at": submission.submitted_at,
        "published_at": submission.published_at,
        "actions": [row.action for row in workflow.offered(user, submission)],
    }


@router.get("/monitoring/submissions", response={200: list[SubmissionOut], **ERRORS})
@paginate(PagePagination)
def list_submissions(
    request,
    country: QueryText | None = None,
    year: int | None = Query(None, ge=1990, le=2100),
    status: choice(Status) | None = None,
    dataset: QueryText | None = None,
):
    rows = selectors.submission_list(
        request.auth, country=country, year=year, status=status, dataset=dataset
    )
    return [_submission_out(request.auth, s) for s in rows]


def _detail(user, submission) -> dict:
    names = selectors.option_names()
    return {
        **_submission_out(user, submission),
        "violations": [
            {
                "rule": v.rule.code,
                "importance": v.rule.importance,
                "text": selectors.violation_text(v, names),
                "options": v.binding,
                "left": v.left,
                "right": v.right,
            }
            for v in selectors.validation_report(submission, user)
        ],
        "comments": [
            {
                "action": c.action,
                "text": c.text,
                "organisation": c.organisation.name if c.organisation else "",
                "at": c.at,
            }
            for c in selectors.comments_of(user, submission)
        ],
    }


@router.get(
    "/monitoring/submissions/{submission_id}", response={200: SubmissionDetailOut, **ERRORS}
)
def get_submission(request, submission_id: RecordId):
    return _detail(request.auth, selectors.submission_get(request.auth, submission_id))


@router.post("/monitoring/submissions", response={201: SubmissionDetailOut, **ERRORS})
def open_submission(request, payload: OpenIn):
    require(request.auth, "monitoring.data_enter")
    dataset = selectors.dataset_list(request.auth).filter(code=payload.dataset).first()
    if dataset is None:
        raise ValidationFailed({"dataset": [_("Unknown data set.")]})
    submission = services.submission_open(
        actor=request.auth, country=payload.country.upper(), dataset=dataset, year=payload.year
    )
    return Answer(201, _detail(request.auth, submission))


@router.post("/monitoring/submissions/{submission_id}/values", response={200: CountsOut, **ERRORS})
def set_values(request, submission_id: RecordId, payload: ValuesIn):
    submission = selectors.submission_get(request.auth, submission_id)
    items = [
        services.ValueInput(
            element=item.element,
            options=item.options,
            value=item.value,
            comment=item.comment,
            row=f"values.{index}",
        )
        for index, item in enumerate(payload.values)
    ]
    if not items:
        raise ValidationFailed({"values": [_("No values given.")]})
    return services.values_set(
        actor=request.auth,
        submission=submission,
        items=items,
        source="api",
        dry_run=payload.dry_run,
    )


@router.post(
    "/monitoring/submissions/{submission_id}/{action}",
    response={200: SubmissionDetailOut, **ERRORS},
    summary="Take a step of the approval: submit, return, accept, publish or reopen",
)
def act(request, submission_id: RecordId, action: Action, payload: ActIn):
    submission = selectors.submission_get(request.auth, submission_id)
    submission = services.submission_act(
        actor=request.auth,
        submission=submission,
        action=action,
        comment=payload.comment,
        expected_version=payload.version,
    )
    return _detail(request.auth, submission)


@router.get("/monitoring/values", response={200: list[ValueOut], **ERRORS})
@paginate(PagePagination)
def list_values(
    request,
    country: QueryText | None = None,
    year: int | None = Query(None, ge=1990, le=2100),
    element: QueryText | None = None,
    status: choice(Status) | None = None,
    dataset: QueryText | None = None,
):
    return selectors.value_list(
        request.auth, country=country, year=year, element=element, status=status, dataset=dataset
    )


# --- values from a file ---------------------------------------------------------------------


class ImportProblemOut(OutSchema):
    row: int = Field(
        description="The file's row as a spreadsheet numbers it (the header is row 1); "
        "0: the file as a whole."
    )
    column: str = Field(description="The column as the file names it; empty for the whole file.")
    message: str = Field(description="In the caller's language.")


class ImportOut(OutSchema):
    rows: int
    new: int
    changed: int
    unchanged: int
    errors: list[ImportProblemOut] = Field(
        description="Empty: a file with problems is answered 422, its problems in `details.errors`."
    )


@router.post(
    "/monitoring/imports",
    response={200: ImportOut, **ERRORS},
    summary="Import values from a file: the plain template (CSV or XLSX) or SDMX-CSV",
)
def import_values(request, file: File[UploadedFile], dry_run: Form[bool] = False):
    """Multipart: `file` (at most 10 MB and 50,000 rows) and `dry_run`. The same importer
    as the exchange page and `drugcontrol monitoring import`: all or nothing, each country,
    year and data set checked against the caller's right to enter it. Applied (or, with
    `dry_run`, checked and counted, nothing saved): 200 with the counts. A file with
    problems: 422 in the API's error shape, nothing saved, `details.errors` listing each
    problem as `{"row", "column", "message"}`, as the command line's `errors`."""
    try:
        result = import_now(
            actor=request.auth, kind=imports.IMPORT_KIND, upload=file, dry_run=dry_run
        )
    except ValidationFailed as error:
        raise ValidationFailed(
            {"errors": imports.import_errors(error)},
            message=_("The file has errors; nothing was imported."),
        ) from None
    return {
        **{name: result[name] for name in ("rows", "new", "changed", "unchanged")},
        "errors": [],
    }
