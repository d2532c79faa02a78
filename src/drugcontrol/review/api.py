"""The implementation review in the API: the statement's paragraphs with their evidence,
the review cycles with their questionnaires, and the countries' responses with their
approval. Parse, call one service or selector, shape the answer."""

import datetime

from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from drugcontrol.core.api_common import ERRORS, OutSchema, PagePagination
from drugcontrol.core.bounds import QueryText, RecordId, Version, choice
from drugcontrol.monitoring.choices import Status
from drugcontrol.review import evidence, selectors, services
from drugcontrol.review.models import Kind, Rating, Section

router = Router(tags=["review"])


class EvidenceOut(OutSchema):
    key: str
    label: str
    unit: str
    available: bool = Field(description="False: the module that would hold it is not there yet.")
    values: list[tuple[int, float]] = Field(description="(year, figure), oldest first.")
    trend: str = Field(description="up, down, flat, or empty with fewer than two figures.")


class ParagraphOut(OutSchema):
    key: str
    number: int
    section: choice(Section)
    kind: choice(Kind)
    text_zh: str = Field(description="As printed in the statement (page breaks as newlines).")
    text_en: str = Field(description="The project's English rendering, not the official text.")
    modules: list[str]
    evidence: list[str]


class ParagraphEvidenceOut(ParagraphOut):
    figures: list[EvidenceOut] = Field(description="For `country`, or the world.")


def _paragraph_out(paragraph) -> dict:
    return {
        name: getattr(paragraph, name)
        for name in ("key", "number", "section", "kind", "text_zh", "text_en")
    } | {"modules": list(paragraph.modules), "evidence": list(paragraph.evidence)}


def _series_out(series: evidence.Series) -> dict:
    return {
        "key": series.key,
        "label": series.label,
        "unit": series.unit,
        "available": series.available,
        "values": series.points,
        "trend": series.trend,
    }


@router.get("/review/paragraphs", response={200: list[ParagraphOut], **ERRORS})
@paginate(PagePagination)
def list_paragraphs(
    request, section: choice(Section) | None = None, kind: choice(Kind) | None = None
):
    """The statement's numbered paragraphs in document order."""
    return [
        _paragraph_out(p)
        for p in selectors.paragraph_list(request.auth, section=section, kind=kind)
    ]


@router.get("/review/paragraphs/{key}", response={200: ParagraphEvidenceOut, **ERRORS})
def get_paragraph(
    request,
    key: str,
    country: QueryText | None = None,
    first_year: int | None = Query(None, ge=2000, le=2100),
    last_year: int | None = Query(None, ge=2000, le=2100),
):
    """A paragraph with the evidence computed for it (the caller's view of the data)."""
    paragraph = selectors.paragraph_get(request.auth, key[:8])
    default = evidence.default_years()
    years = range(first_year or default.start, (last_year or default.stop - 1) + 1)
    figures = [
        _series_out(evidence.series(request.auth, k, country=_code(country), years=years))
        for k in paragraph.evidence
    ]
    return {**_paragraph_out(paragraph), "figures": figures}


def _code(country: str | None) -> str | None:
    return country.upper()[:3] if country else None


class ItemOut(OutSchema):
    id: RecordId
    paragraph: str
    question_en: str
    question_zh: str


class CycleOut(OutSchema):
    code: str
    name_en: str
    name_zh: str
    first_year: int
    last_year: int
    deadline: datetime.date
    status: str
    paragraphs: list[str]
    items: list[ItemOut]
    version: int


class ItemIn(Schema):
    paragraph: str = Field(max_length=8)
    question_en: str = Field(max_length=1000)
    question_zh: str = Field(max_length=1000)


class CycleIn(Schema):
    code: str = Field(max_length=40)
    name_en: str = Field(max_length=200)
    name_zh: str = Field(max_length=200)
    first_year: int
    last_year: int
    deadline: datetime.date
    paragraphs: list[str] = Field(max_length=200)
    items: list[ItemIn] = Field(default=[], max_length=services.MAX_ITEMS)


def _cycle_out(user, cycle) -> dict:
    return {
        **{
            name: getattr(cycle, name)
            for name in (
                "code",
                "name_en",
                "name_zh",
                "first_year",
                "last_year",
                "deadline",
                "status",
                "version",
            )
        },
        "paragraphs": [p.key for p in cycle.paragraphs.order_by("order")],
        "items": [
            {
                "id": item.pk,
                "paragraph": item.paragraph.key,
                "question_en": item.question_en,
                "question_zh": item.question_zh,
            }
            for item in selectors.items_of(user, cycle)
        ],
    }


@router.get("/review/cycles", response={200: list[CycleOut], **ERRORS})
@paginate(PagePagination)
def list_cycles(request):
    return [_cycle_out(request.auth, cycle) for cycle in selectors.cycle_list(request.auth)]


@router.get("/review/cycles/{code}", response={200: CycleOut, **ERRORS})
def get_cycle(request, code: str):
    return _cycle_out(request.auth, selectors.cycle_get(request.auth, code[:40]))


@router.post("/review/cycles", response={201: CycleOut, **ERRORS})
def create_cycle(request, payload: CycleIn):
    """The secretariat opens a cycle: the paragraphs it covers and its questionnaire."""
    data = payload.dict()
    data["deadline"] = payload.deadline.isoformat()
    cycle = services.cycle_create(actor=request.auth, data=data)
    return HttpStatus(201, _cycle_out(request.auth, cycle))


class AnswerOut(OutSchema):
    item: RecordId
    paragraph: str
    rating: str = Field(description="yes, partly, no, na, or empty while unanswered.")
    narrative: str
    links: list[str]


class ResponseOut(OutSchema):
    id: RecordId
    cycle: str
    country: str
    status: choice(Status)
    comment: str
    version: int
    answers: list[AnswerOut]


class AnswerIn(Schema):
    item: RecordId
    rating: choice(Rating) | None = None
    narrative: str = Field("", max_length=4000)
    links: str = Field("", max_length=2000, description="One address a line.")


class AnswersIn(Schema):
    cycle: str = Field(max_length=40)
    country: str = Field(max_length=3)
    answers: list[AnswerIn] = Field(max_length=services.MAX_ITEMS)
    version: Version | None = None


class StepIn(Schema):
    action: str = Field(max_length=20, description="submit, return, accept, publish, reopen.")
    comment: str = Field("", max_length=2000)
    version: Version | None = None


def _response_out(user, response) -> dict:
    return {
        "id": response.pk,
        "cycle": response.cycle.code,
        "country": response.country_id,
        "status": response.status,
        "comment": response.comment,
        "version": response.version,
        "answers": [
            {
                "item": answer.item_id,
                "paragraph": answer.item.paragraph.key,
                "rating": answer.rating,
                "narrative": answer.narrative,
                "links": [line for line in answer.links.splitlines() if line.strip()],
            }
            for answer in selectors.answers_of(user, response)
        ],
    }


@router.get("/review/responses", response={200: list[ResponseOut], **ERRORS})
@paginate(PagePagination)
def list_responses(
    request,
    cycle: QueryText | None = None,
    country: QueryText | None = None,
    status: choice(Status) | None = None,
):
    """Published responses for every reader; the others for their country and the
    secretariat."""
    rows = selectors.response_list(request.auth, cycle=cycle, country=country, status=status)
    return [_response_out(request.auth, r) for r in rows]


@router.get("/review/responses/{response_id}", response={200: ResponseOut, **ERRORS})
def get_response(request, response_id: RecordId):
    return _response_out(request.auth, selectors.response_get(request.auth, response_id))


@router.put("/review/responses", response={200: ResponseOut, **ERRORS})
def save_answers(request, payload: AnswersIn):
    """The country's answers to a cycle (its response started on the first save), while
    the response is a draft or returned; with the `version` read once it exists."""
    cycle = selectors.cycle_get(request.auth, payload.cycle)
    response = services.answers_save(
        actor=request.auth,
        cycle=cycle,
        country=payload.country.upper(),
        answers=[{**answer.dict(), "rating": answer.rating or ""} for answer in payload.answers],
        expected_version=payload.version,
    )
    return _response_out(request.auth, response)


@router.post("/review/responses/{response_id}/steps", response={200: ResponseOut, **ERRORS})
def take_step(request, response_id: RecordId, payload: StepIn):
    response = selectors.response_get(request.auth, response_id)
    response = services.response_act(
        actor=request.auth,
        response=response,
        action=payload.action,
        comment=payload.comment,
        expected_version=payload.version,
    )
    return _response_out(request.auth, response)


@router.get(
    "/review/reports/{cycle}/{scope}",
    response={200: dict, **ERRORS},
    summary="A cycle's report for a country (ISO3) or the world: JSON, or PDF",
)
def get_report(request, cycle: str, scope: str):
    """The report as the caller may read it: for each section its achievements, challenges
    and priority actions, each paragraph with the answers and the evidence by year. With
    `Accept: application/pdf`, the same as a PDF in the caller's language."""
    from django.http import HttpResponse

    from drugcontrol.review import pdf, reports

    found = selectors.cycle_get(request.auth, cycle[:40])
    country = reports.scope_country(request.auth, scope)
    built = reports.build(request.auth, found, country)
    if "application/pdf" in request.headers.get("Accept", ""):
        annex = reports.annex(request.auth, found) if country is None else []
        return HttpResponse(pdf.render(built, annex=annex), content_type="application/pdf")
    return reports.as_data(built)


class ChangeOut(OutSchema):
    paragraph: str
    before: dict[str, int] = Field(description="Answers in the first cycle: rating -> count.")
    after: dict[str, int]
    direction: str = Field(description="up, down, same, or empty without answers in both.")
    evidence: list[tuple[EvidenceOut, EvidenceOut]] = Field(
        description="Each series over the first cycle's years, then over the second's."
    )


@router.get("/review/compare", response={200: list[ChangeOut], **ERRORS})
def compare_cycles(
    request,
    first: str = Query(..., max_length=40),
    second: str = Query(..., max_length=40),
    country: QueryText | None = None,
):
    """What changed between two cycles for the paragraphs both cover: a country's answers
    (or the world's published ones) and the evidence over each cycle's years."""
    from drugcontrol.review import reports

    one = selectors.cycle_get(request.auth, first)
    other = selectors.cycle_get(request.auth, second)
    place = reports.scope_country(request.auth, country) if country else None
    return [
        {
            "paragraph": change.paragraph.key,
            "before": change.before,
            "after": change.after,
            "direction": change.direction,
            "evidence": [(_series_out(a), _series_out(b)) for a, b in change.evidence],
        }
        for change in reports.compare(request.auth, one, other, place)
    ]
