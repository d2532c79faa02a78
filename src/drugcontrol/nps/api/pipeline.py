"""The scheduling pipeline's API: the reviews (filtered by stage), one review with its
timeline, opening a review, and one route per step of the pipeline's table."""

import datetime
from typing import Annotated

from django.core.exceptions import ImproperlyConfigured
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from drugcontrol.core.api_common import ERRORS, OutSchema, PagePagination, ShapedPage
from drugcontrol.core.bounds import Day, RecordId, Version, choice
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.nps import pipeline_workflow, selectors_pipeline
from drugcontrol.nps.api.base import router
from drugcontrol.nps.pipeline_choices import (
    Convention,
    Recommendation,
    ReviewAction,
    ReviewStage,
    VoteResult,
)
from drugcontrol.nps.services import pipeline as services

PIPELINE = "/nps/pipeline"
Note = Annotated[str, Field(max_length=services.NOTE_LIMIT)]


class PipelineStepOut(OutSchema):
    action: choice(ReviewAction)
    happened_on: datetime.date
    stage: choice(ReviewStage) = Field(description="the stage the step led to")
    recommendation: choice(Recommendation, blank=True)
    convention: choice(Convention, blank=True)
    schedule: str
    decision: str
    vote_result: choice(VoteResult, blank=True)
    note: str
    recorded_at: datetime.datetime


class PipelineReviewOut(OutSchema):
    id: RecordId
    substance_id: RecordId
    substance: str = Field(validation_alias="substance_name")
    stage: choice(ReviewStage)
    progress: int = Field(description="how far along the six stages (1 to 6)")
    round: int = Field(description="2 and more: kept under surveillance and reviewed again")
    opened_on: datetime.date
    last_step_on: datetime.date
    recommendation: choice(Recommendation, blank=True)
    recommended_on: datetime.date | None
    convention: choice(Convention, blank=True)
    schedule: str
    voted_on: datetime.date | None
    decision: str
    vote_result: choice(VoteResult, blank=True)
    in_force_on: datetime.date | None
    version: int


class PipelineReviewDetailOut(PipelineReviewOut):
    steps: list[PipelineStepOut] = Field(validation_alias="step_list")
    actions: list[choice(ReviewAction)] = Field(
        validation_alias="action_list", description="the steps the caller may take now"
    )


class PipelineOpenIn(Schema):
    substance_id: RecordId
    opened_on: Day | None = Field(None, description="default today")
    note: Note = ""


class PipelineStepIn(Schema):
    version: Version | None = Field(None, description="the version read (a stale one is a 409)")
    note: Note = ""


class PipelineBeginIn(PipelineStepIn):
    started_on: Day


class PipelineRecommendIn(PipelineStepIn):
    recommended_on: Day
    recommendation: choice(Recommendation)
    convention: choice(Convention, blank=True) = Field(
        "", description="for a recommendation to schedule"
    )
    schedule: Annotated[str, Field(max_length=32)] = Field(
        "", description="I, II, III, IV (1961, 1971); Table I, Table II (1988)"
    )


class PipelineVoteIn(PipelineStepIn):
    voted_on: Day
    decision: Annotated[str, Field(max_length=services.DECISION_LIMIT)] = Field(
        description="the decision's number, e.g. CND 67/1"
    )
    result: choice(VoteResult)


class PipelineEntryIn(PipelineStepIn):
    in_force_on: Day


def _shaped(review, **_options):
    review.substance_name = review.substance.name_en
    return review


def _detail(request, review_id: int):
    review = _shaped(selectors_pipeline.review_get(user=request.auth, review_id=review_id))
    review.step_list = selectors_pipeline.review_steps(user=request.auth, review=review)
    review.action_list = selectors_pipeline.review_actions(user=request.auth, review=review)
    return review


@router.get(PIPELINE, response={200: list[PipelineReviewOut], **ERRORS})
@paginate(PagePagination)
def list_pipeline_reviews(request, filters: Query[selectors_pipeline.ReviewFilter]):
    """The substances under review for scheduling and the reviews that ended, latest step
    first; `stage` keeps one stage, `open` those under way or ended."""
    return ShapedPage(selectors_pipeline.review_list(user=request.auth, filters=filters), _shaped)


@router.post(PIPELINE, response={201: PipelineReviewDetailOut, **ERRORS})
def open_pipeline_review(request, payload: PipelineOpenIn):
    """Place a registry substance under surveillance for scheduling (the secretariat)."""
    selectors_pipeline.require_open(request.auth)
    substance = selectors_pipeline.substance_for_review(
        user=request.auth, substance_id=payload.substance_id
    )
    if substance is None:
        raise ValidationFailed({"substance_id": ["No substance of the registry has this id."]})
    review = services.review_open(
        actor=request.auth, substance=substance, opened_on=payload.opened_on, note=payload.note
    )
    return Status(201, _detail(request, review.pk))


@router.get(f"{PIPELINE}/{{review_id}}", response={200: PipelineReviewDetailOut, **ERRORS})
def get_pipeline_review(request, review_id: RecordId):
    """One review with its timeline and the steps the caller may take."""
    return _detail(request, review_id)


STEP_ROUTES = {
    ReviewAction.PRE_REVIEW: ("pre_review_pipeline_review", PipelineBeginIn),
    ReviewAction.CRITICAL_REVIEW: ("critical_review_pipeline_review", PipelineBeginIn),
    ReviewAction.RECOMMEND: ("recommend_pipeline_review", PipelineRecommendIn),
    ReviewAction.VOTE: ("vote_pipeline_review", PipelineVoteIn),
    ReviewAction.ENTER_INTO_FORCE: ("enter_into_force_pipeline_review", PipelineEntryIn),
}


def _step_route(action: str, name: str, body: type[Schema]):
    def take_step(request, review_id: RecordId, payload: body):
        review = selectors_pipeline.review_get(user=request.auth, review_id=review_id)
        fields = payload.dict()
        version = fields.pop("version", None)
        pipeline_workflow.perform(
            action, actor=request.auth, review=review, expected_version=version, **fields
        )
        return _detail(request, review_id)

    row = pipeline_workflow.STEPS[action]
    take_step.__name__ = take_step.__qualname__ = name
    take_step.__doc__ = str(row.label)
    path = f"{PIPELINE}/{{review_id}}/{row.route}"
    return router.post(path, response={200: PipelineReviewDetailOut, **ERRORS})(take_step)


if {str(action) for action in STEP_ROUTES} != set(pipeline_workflow.STEPS):
    raise ImproperlyConfigured("every row of the pipeline's table needs its API route")
for _action, (_name, _body) in STEP_ROUTES.items():
    _step_route(str(_action), _name, _body)
