"""Every read of the scheduling pipeline: the reviews and their steps, through one
visibility rule each (public process information: every signed-in user but industry)."""

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import FilterSchema
from pydantic import Field

from drugcontrol.core.bounds import choice
from drugcontrol.core.permissions import can, require
from drugcontrol.core.visibility import get_visible_or_404, visibility_rule, visible
from drugcontrol.nps import pipeline_workflow
from drugcontrol.nps.models.pipeline import (
    CLOSED_STAGES,
    PIPELINE_STAGES,
    ReviewStage,
    ReviewStep,
    ScheduleReview,
)
from drugcontrol.nps.permissions import PIPELINE_READ
from drugcontrol.substances.models import Substance
from drugcontrol.substances.selectors import find_by_name


@visibility_rule(ScheduleReview)
def reviews_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Every review, for whoever reads the pipeline (industry does not)."""
    return queryset if can(user, PIPELINE_READ.name) else queryset.none()


@visibility_rule(ReviewStep)
def review_steps_visible_to(queryset: QuerySet, user) -> QuerySet:
    """A step follows its review."""
    return queryset if can(user, PIPELINE_READ.name) else queryset.none()


class ReviewFilter(FilterSchema):
    """Which reviews, declared once for the API's query (`GET /api/v1/nps/pipeline`) and the
    board's form."""

    stage: choice(ReviewStage) | None = Field(None, title=_("Stage"))
    open: bool | None = Field(
        None,
        title=_("Under way"),
        description=_("true: reviews still under way; false: those that ended"),
    )

    def filter_open(self, value) -> Q:
        if value is None:
            return Q()
        closed = Q(stage__in=[str(stage) for stage in CLOSED_STAGES])
        return ~closed if value else closed


def review_list(*, user, filters: ReviewFilter | None = None) -> QuerySet:
    queryset = visible(ScheduleReview, user).select_related("substance")
    if filters is not None:
        queryset = filters.filter(queryset)
    return queryset.order_by("-last_step_on", "-pk")


def review_get(*, user, review_id: int) -> ScheduleReview:
    return get_visible_or_404(
        ScheduleReview.objects.select_related("substance", "listing"), user, pk=review_id
    )


def review_steps(*, user, review: ScheduleReview) -> list[ReviewStep]:
    return list(
        visible(ReviewStep, user)
        .filter(review=review)
        .select_related("recorded_by")
        .order_by("happened_on", "pk")
    )


def review_actions(*, user, review: ScheduleReview) -> list[str]:
    """The steps the user may take now (the table's rows open at the review's stage)."""
    return pipeline_workflow.allowed(user, review)


def board(*, user, filters: ReviewFilter | None = None, limit: int = 200) -> dict:
    """The board: the reviews the filter selects, newest step first (at most `limit`), and
    how many there are in each stage."""
    queryset = review_list(user=user, filters=filters)
    counts = dict.fromkeys((str(stage) for stage in ReviewStage), 0)
    for row in queryset.order_by().values("stage").annotate(number=Count("pk")):
        counts[row["stage"]] = row["number"]
    return {
        "reviews": list(queryset[:limit]),
        "total": sum(counts.values()),
        "counts": counts,
        "columns": [str(stage) for stage in PIPELINE_STAGES],
    }


def require_open(user) -> None:
    """The right to open a review, asked before the substance is looked up (a refused caller
    learns nothing of the registry's ids)."""
    require(user, pipeline_workflow.OPEN_ACTION)


def may_read_pipeline(user) -> bool:
    return can(user, PIPELINE_READ.name)


def substance_for_review(*, user, substance_id: int | None = None, name: str = ""):
    """The registry substance a review is opened for, by id (the API) or by the name,
    synonym or CAS number chosen from the suggestions (the page); None when there is none."""
    if substance_id is not None:
        return visible(Substance, user).filter(pk=substance_id).first()
    found = find_by_name(name)
    if found is None:
        return None
    return visible(Substance, user).filter(pk=found.pk).first()
