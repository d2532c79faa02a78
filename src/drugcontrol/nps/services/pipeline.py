"""The scheduling pipeline's writes: open a review for a registry substance, then one service
per step of the pipeline's table (`nps/pipeline_workflow.py`). Each takes the locked review
at the version its caller read (a stale one is a 409), checks the step against the table,
writes the step to the timeline and one audit event, in one transaction. Entry into force
also records the listing in the registry (`substances.services.listing_add`, with its own
audit event), so identification answers controlled from that day."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drugcontrol.core.audit import record_event
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.permissions import require
from drugcontrol.core.versioning import versioned_change
from drugcontrol.nps import pipeline_workflow
from drugcontrol.nps.models.pipeline import (
    CLOSED_STAGES,
    Recommendation,
    ReviewAction,
    ReviewStage,
    ReviewStep,
    ScheduleReview,
    VoteResult,
)
from drugcontrol.nps.pipeline_workflow import OPEN_ACTION
from drugcontrol.substances import services as substance_services
from drugcontrol.substances.models import Substance

# The Commission on Narcotic Drugs was established in 1946: no step of a review is older.
FIRST_DAY = datetime.date(1946, 2, 16)
NOTE_LIMIT = 2000
DECISION_LIMIT = 60
REVIEW_FIELDS = (
    "stage",
    "round",
    "recommendation",
    "recommended_on",
    "convention",
    "schedule",
    "voted_on",
    "decision",
    "vote_result",
    "in_force_on",
)


def _note(note) -> str:
    note = note.strip() if isinstance(note, str) else ""
    if len(note) > NOTE_LIMIT:
        raise ValidationFailed(
            {"note": [_("At most %(count)s characters.") % {"count": NOTE_LIMIT}]}
        )
    return note


# A decision enters into force months after the vote; a date further ahead is a typing error.
ANNOUNCED_AHEAD = datetime.timedelta(days=2 * 366)


def _day(value, field: str, *, after: datetime.date | None, after_message: str, future=False):
    """The day a step happened: a date, not before the Commission existed nor before `after`
    (the step it follows), and not after today unless the step may be announced ahead."""
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise ValidationFailed({field: [_("Give the date as YYYY-MM-DD.")]})
    if value < FIRST_DAY:
        raise ValidationFailed({field: [_("No review step is older than the Commission (1946).")]})
    if not future and value > timezone.localdate():
        raise ValidationFailed({field: [_("This date is in the future.")]})
    if future and value > timezone.localdate() + ANNOUNCED_AHEAD:
        raise ValidationFailed({field: [_("At most two years ahead: check the year.")]})
    if after is not None and value < after:
        raise ValidationFailed({field: [after_message % {"date": after.isoformat()}]})
    return value


def review_open(
    *, actor, substance: Substance, opened_on: datetime.date | None = None, note: str = ""
) -> ScheduleReview:
    """Place a registry substance under surveillance for scheduling: a review at its first
    stage. A substance has one open review at a time."""
    require(actor, OPEN_ACTION)
    if not isinstance(substance, Substance):
        raise ValidationFailed({"substance_id": [_("Choose a substance of the registry.")]})
    opened_on = timezone.localdate() if opened_on is None else opened_on
    opened_on = _day(opened_on, "opened_on", after=None, after_message="")
    note = _note(note)
    open_review = (
        ScheduleReview.objects.filter(substance=substance)
        .exclude(stage__in=[str(stage) for stage in CLOSED_STAGES])
        .first()
    )
    if open_review is not None:
        raise ValidationFailed(
            {
                "substance_id": [
                    _("%(substance)s is already under review (review %(id)s).")
                    % {"substance": substance.name, "id": open_review.pk}
                ]
            }
        )
    try:
        with transaction.atomic():
            review = ScheduleReview.objects.create(
                substance=substance,
                opened_on=opened_on,
                last_step_on=opened_on,
                opened_by=actor,
            )
            ReviewStep.objects.create(
                review=review,
                action=ReviewAction.OPEN,
                happened_on=opened_on,
                stage=review.stage,
                note=note,
                recorded_by=actor,
            )
            record_event(
                actor=actor,
                action="nps.review_opened",
                obj=review,
                after={"substance": substance.name_en, "opened_on": opened_on.isoformat()},
            )
    except IntegrityError:  # another writer opened one meanwhile
        raise ValidationFailed(
            {"substance_id": [_("This substance is already under review.")]}
        ) from None
    return review


def _take(action: str, review: ScheduleReview, *, actor, expected_version, change_review):
    """Take the table's step on the locked review: check the stage (409), let
    `change_review(locked)` validate and change it (returning the step's particulars), then
    write the step and the event (`versioned_change`)."""
    row = pipeline_workflow.step(action)
    pipeline_workflow.require_step(actor, review, action)
    with versioned_change(
        review,
        expected_version=expected_version,
        actor=actor,
        action=row.audit,
        fields=REVIEW_FIELDS,
    ) as change:
        locked = change.record
        pipeline_workflow.check_step(action, locked)
        step = change_review(locked)
        locked.last_step_on = step.happened_on
        step.review, step.action, step.stage, step.recorded_by = locked, action, locked.stage, actor
        step.save()
    return change.record


@pipeline_workflow.implements(ReviewAction.PRE_REVIEW)
def review_pre_review(
    *, actor, review: ScheduleReview, started_on, note: str = "", expected_version=None
) -> ScheduleReview:
    """WHO begins a pre-review of the substance."""
    return _begin(
        ReviewAction.PRE_REVIEW,
        ReviewStage.PRE_REVIEW,
        actor=actor,
        review=review,
        started_on=started_on,
        note=note,
        expected_version=expected_version,
    )


@pipeline_workflow.implements(ReviewAction.CRITICAL_REVIEW)
def review_critical_review(
    *, actor, review: ScheduleReview, started_on, note: str = "", expected_version=None
) -> ScheduleReview:
    """WHO begins a critical review (after a pre-review, or directly from surveillance)."""
    return _begin(
        ReviewAction.CRITICAL_REVIEW,
        ReviewStage.CRITICAL_REVIEW,
        actor=actor,
        review=review,
        started_on=started_on,
        note=note,
        expected_version=expected_version,
    )


def _begin(action, stage, *, actor, review, started_on, note, expected_version):
    note = _note(note)

    def change(locked: ScheduleReview) -> ReviewStep:
        day = _day(
            started_on,
            "started_on",
            after=locked.last_step_on,
            after_message=_("The review cannot begin before its last step (%(date)s)."),
        )
        locked.stage = stage
        return ReviewStep(happened_on=day, note=note)

    return _take(
        action, review, actor=actor, expected_version=expected_version, change_review=change
    )


def _schedule_problems(substance, recommendation, convention, schedule) -> dict:
    """A recommendation to schedule names a schedule of its convention that the substance is
    not in now (the rule listing_add applies at entry into force)."""
    if recommendation != Recommendation.SCHEDULE:
        return {}
    problems = substance_services.schedule_problems(convention, schedule)
    if "instrument" in problems:
        return {"convention": problems["instrument"]}
    if problems:
        return problems
    listed = substance_services.already_listed_problem(substance, convention, schedule)
    return {"schedule": [listed]} if listed else {}


@pipeline_workflow.implements(ReviewAction.RECOMMEND)
def review_recommend(
    *,
    actor,
    review: ScheduleReview,
    recommended_on,
    recommendation: str,
    convention: str = "",
    schedule: str = "",
    note: str = "",
    expected_version=None,
) -> ScheduleReview:
    """WHO's recommendation: to schedule (a convention and one of its schedules; only after a
    critical review), not to schedule (the review ends), or to keep the substance under
    surveillance (the review goes back to its first stage, for another round)."""
    note = _note(note)
    if recommendation not in Recommendation.values:
        raise ValidationFailed(
            {"recommendation": [_("Schedule, not to schedule, or keep under surveillance.")]}
        )
    problems = _schedule_problems(review.substance, recommendation, convention, schedule)
    if problems:
        raise ValidationFailed(problems)

    def change(locked: ScheduleReview) -> ReviewStep:
        day = _day(
            recommended_on,
            "recommended_on",
            after=locked.last_step_on,
            after_message=_("The recommendation cannot come before the review began (%(date)s)."),
        )
        if (
            recommendation == Recommendation.SCHEDULE
            and locked.stage != ReviewStage.CRITICAL_REVIEW
        ):
            raise ValidationFailed(
                {"recommendation": [_("A recommendation to schedule follows a critical review.")]}
            )
        scheduled = recommendation == Recommendation.SCHEDULE
        locked.recommendation, locked.recommended_on = recommendation, day
        locked.convention = convention if scheduled else ""
        locked.schedule = schedule if scheduled else ""
        if scheduled:
            locked.stage = ReviewStage.RECOMMENDED
        elif recommendation == Recommendation.NOT_SCHEDULE:
            locked.stage = ReviewStage.NOT_RECOMMENDED
        else:  # kept under surveillance: another round
            locked.stage = ReviewStage.SURVEILLANCE
            locked.round += 1
        return ReviewStep(
            happened_on=day,
            note=note,
            recommendation=recommendation,
            convention=locked.convention,
            schedule=locked.schedule,
        )

    return _take(
        ReviewAction.RECOMMEND,
        review,
        actor=actor,
        expected_version=expected_version,
        change_review=change,
    )


@pipeline_workflow.implements(ReviewAction.VOTE)
def review_vote(
    *,
    actor,
    review: ScheduleReview,
    voted_on,
    decision: str,
    result: str,
    note: str = "",
    expected_version=None,
) -> ScheduleReview:
    """The Commission's vote on a recommendation to schedule: its date, the decision's number
    (e.g. CND 67/1) and the result. A rejected vote ends the review."""
    note = _note(note)
    problems = {}
    decision = " ".join(decision.split()) if isinstance(decision, str) else ""
    if not decision:
        problems["decision"] = [_("Name the decision (e.g. CND 67/1).")]
    elif len(decision) > DECISION_LIMIT:
        problems["decision"] = [_("At most %(count)s characters.") % {"count": DECISION_LIMIT}]
    if result not in VoteResult.values:
        problems["result"] = [_("Adopted or rejected.")]
    if problems:
        raise ValidationFailed(problems)

    def change(locked: ScheduleReview) -> ReviewStep:
        day = _day(
            voted_on,
            "voted_on",
            after=locked.recommended_on,
            after_message=_("The vote cannot be before the recommendation (%(date)s)."),
        )
        locked.voted_on, locked.decision, locked.vote_result = day, decision, result
        locked.stage = ReviewStage.ADOPTED if result == VoteResult.ADOPTED else ReviewStage.REJECTED
        return ReviewStep(
            happened_on=day,
            note=note,
            decision=decision,
            vote_result=result,
            convention=locked.convention,
            schedule=locked.schedule,
        )

    return _take(
        ReviewAction.VOTE,
        review,
        actor=actor,
        expected_version=expected_version,
        change_review=change,
    )


@pipeline_workflow.implements(ReviewAction.ENTER_INTO_FORCE)
def review_enter_into_force(
    *, actor, review: ScheduleReview, in_force_on, note: str = "", expected_version=None
) -> ScheduleReview:
    """The adopted decision enters into force: the substance is listed in the registry from
    that day (it may be announced ahead), so identification answers controlled from it and not
    controlled the day before."""
    note = _note(note)

    def change(locked: ScheduleReview) -> ReviewStep:
        day = _day(
            in_force_on,
            "in_force_on",
            after=locked.voted_on,
            future=True,
            after_message=_("Entry into force cannot be before the vote (%(date)s)."),
        )
        try:
            listing = substance_services.listing_add(
                actor=actor,
                substance=locked.substance,
                instrument=locked.convention,
                schedule=locked.schedule,
                in_force=day,
                decision=locked.decision,
                notes=f"Scheduling review {locked.pk}",
            )
        except ValidationFailed as error:
            renamed = {"in_force": "in_force_on", "instrument": "convention"}
            raise ValidationFailed(
                {renamed.get(key, key): value for key, value in error.details.items()}
            ) from error
        locked.in_force_on, locked.listing = day, listing
        locked.stage = ReviewStage.IN_FORCE
        return ReviewStep(
            happened_on=day,
            note=note,
            decision=locked.decision,
            convention=locked.convention,
            schedule=locked.schedule,
        )

    return _take(
        ReviewAction.ENTER_INTO_FORCE,
        review,
        actor=actor,
        expected_version=expected_version,
        change_review=change,
    )
