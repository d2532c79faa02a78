"""The scheduling pipeline's services: every step of the table, its refusals, and the key
outcome: after entry into force, identification answers controlled from that day and not
controlled the day before."""

import datetime

import pytest
from django.utils import timezone

from drugcontrol.core.errors import Conflict, PermissionDenied, ValidationFailed
from drugcontrol.core.models import AuditEvent
from drugcontrol.nps import pipeline_workflow
from drugcontrol.nps.models.pipeline import ReviewStage, ScheduleReview
from drugcontrol.nps.services import pipeline as services
from drugcontrol.substances import selectors as substance_selectors
from drugcontrol.substances import services as substance_services
from drugcontrol.substances.models import Listing, Substance, Synonym
from drugcontrol.substances.names import normalize_name
from drugcontrol.substances.reference_rules import load_families

pytestmark = pytest.mark.django_db

# An invented analogue of fentanyl (cyclobutanecarbonyl, 3-methylthiophene): in no list.
ANALOGUE = "O=C(C1CCC1)N(c1ccccc1)C1CCN(CCc2sccc2C)CC1"
DAY = datetime.date


def registry_substance(name: str, smiles: str) -> Substance:
    structure = substance_services.structure_fields(smiles, load_families())
    substance = Substance.objects.create(
        name_en=name,
        kind="other",
        structure_kind="defined",
        smiles=structure.smiles,
        inchi=structure.inchi,
        inchikey=structure.inchikey,
        skeleton_key=structure.skeleton_key,
        formula=structure.formula,
        families=structure.families,
    )
    Synonym.objects.create(substance=substance, name=name, normalized=normalize_name(name))
    return substance


@pytest.fixture
def analogue(db):
    return registry_substance("Cyclobutyl methylthiofentanyl (invented)", ANALOGUE)


@pytest.fixture
def officer(make_user):
    return make_user(kind="international", role="officer")


def walk_to(stage: str, review: ScheduleReview, actor) -> ScheduleReview:
    """Take a review along the usual way up to `stage` (dates in 2024-2025)."""
    path = [
        ("pre_review", {"started_on": DAY(2024, 2, 1)}, ReviewStage.PRE_REVIEW),
        ("critical_review", {"started_on": DAY(2024, 6, 1)}, ReviewStage.CRITICAL_REVIEW),
        (
            "recommend",
            {
                "recommended_on": DAY(2024, 11, 20),
                "recommendation": "schedule",
                "convention": "1961",
                "schedule": "I",
            },
            ReviewStage.RECOMMENDED,
        ),
        (
            "vote",
            {"voted_on": DAY(2025, 3, 12), "decision": "CND 68/1", "result": "adopted"},
            ReviewStage.ADOPTED,
        ),
        ("enter_into_force", {"in_force_on": DAY(2025, 6, 10)}, ReviewStage.IN_FORCE),
    ]
    for action, fields, reached in path:
        if review.stage == stage:
            break
        if not pipeline_workflow.STEPS[action].allows(review):
            continue  # a step it already took
        review = pipeline_workflow.perform(
            action, actor=actor, review=review, expected_version=review.version, **fields
        )
        assert review.stage == reached
    return review


FIRST_DAY = DAY(2023, 9, 1)


def opened(analogue, officer, on=FIRST_DAY) -> ScheduleReview:
    return services.review_open(actor=officer, substance=analogue, opened_on=on)


def test_the_whole_way_to_entry_into_force_lists_the_substance_from_that_day(analogue, officer):
    before = substance_selectors.identify(smiles=ANALOGUE, on=DAY(2025, 6, 10))
    assert before["status"] == "not_controlled" and "fentanyl" in before["families"]
    events = AuditEvent.objects.count()
    review = walk_to(ReviewStage.IN_FORCE, opened(analogue, officer), officer)
    # One event a step (opening included), and the registry's own for the listing.
    actions = list(AuditEvent.objects.order_by("pk")[events:].values_list("action", flat=True))
    assert actions == [
        "nps.review_opened",
        "nps.review_pre_review_begun",
        "nps.review_critical_review_begun",
        "nps.review_recommended",
        "nps.review_voted",
        "substances.listing_added",
        "nps.review_entered_into_force",
    ]
    assert review.version == 6 and review.in_force_on == DAY(2025, 6, 10)
    assert [step.action for step in review.steps.all()] == [
        "open",
        "pre_review",
        "critical_review",
        "recommend",
        "vote",
        "enter_into_force",
    ]
    listing = Listing.objects.get(substance=analogue)
    assert (listing.instrument, listing.schedule, listing.in_force) == ("1961", "I", "2025-06-10")
    assert listing.decision == "CND 68/1" and review.listing == listing
    on_the_day = substance_selectors.identify(smiles=ANALOGUE, on=DAY(2025, 6, 10))
    assert on_the_day["status"] == "controlled"
    assert on_the_day["matches"][0]["schedules"] == ["I"]
    day_before = substance_selectors.identify(smiles=ANALOGUE, on=DAY(2025, 6, 9))
    assert day_before["status"] == "not_controlled"
    assert review.progress == 6 and not review.is_open


def test_kept_under_surveillance_goes_round_again(analogue, officer):
    review = walk_to(ReviewStage.PRE_REVIEW, opened(analogue, officer), officer)
    review = services.review_recommend(
        actor=officer,
        review=review,
        recommended_on=DAY(2024, 3, 1),
        recommendation="surveillance",
        expected_version=review.version,
    )
    assert (review.stage, review.round) == (ReviewStage.SURVEILLANCE, 2)
    assert review.is_open
    # The next round may go straight to a critical review.
    review = services.review_critical_review(
        actor=officer, review=review, started_on=DAY(2024, 9, 1), expected_version=review.version
    )
    assert review.stage == ReviewStage.CRITICAL_REVIEW


def test_not_to_schedule_ends_the_review_and_a_new_one_may_open(analogue, officer):
    review = walk_to(ReviewStage.CRITICAL_REVIEW, opened(analogue, officer), officer)
    review = services.review_recommend(
        actor=officer,
        review=review,
        recommended_on=DAY(2024, 11, 1),
        recommendation="not_schedule",
        convention="1961",  # ignored: nothing is scheduled
        schedule="I",
        expected_version=review.version,
    )
    assert review.stage == ReviewStage.NOT_RECOMMENDED and review.convention == ""
    assert not review.is_open and pipeline_workflow.allowed(officer, review) == []
    again = opened(analogue, officer, on=DAY(2025, 1, 1))
    assert again.pk != review.pk


def test_a_rejected_vote_ends_the_review_without_a_listing(analogue, officer):
    review = walk_to(ReviewStage.RECOMMENDED, opened(analogue, officer), officer)
    review = services.review_vote(
        actor=officer,
        review=review,
        voted_on=DAY(2025, 3, 12),
        decision="CND 68/2",
        result="rejected",
        expected_version=review.version,
    )
    assert review.stage == ReviewStage.REJECTED and review.progress == 5
    assert not Listing.objects.filter(substance=analogue).exists()
    with pytest.raises(Conflict):
        services.review_enter_into_force(actor=officer, review=review, in_force_on=DAY(2025, 6, 1))


def test_one_open_review_per_substance(analogue, officer):
    review = opened(analogue, officer)
    with pytest.raises(ValidationFailed) as refused:
        opened(analogue, officer)
    assert f"review {review.pk}" in refused.value.details["substance_id"][0]


def test_steps_out_of_order_are_409(analogue, officer):
    review = opened(analogue, officer)
    with pytest.raises(Conflict):
        services.review_vote(
            actor=officer,
            review=review,
            voted_on=DAY(2024, 1, 1),
            decision="CND 1/1",
            result="adopted",
        )
    with pytest.raises(Conflict):
        services.review_recommend(
            actor=officer,
            review=review,
            recommended_on=DAY(2024, 1, 1),
            recommendation="not_schedule",
        )


def test_a_stale_version_is_409(analogue, officer):
    review = opened(analogue, officer)
    with pytest.raises(Conflict):
        services.review_pre_review(
            actor=officer, review=review, started_on=DAY(2024, 1, 1), expected_version=0
        )
    assert ScheduleReview.objects.get(pk=review.pk).stage == ReviewStage.SURVEILLANCE


def test_only_the_secretariat_s_officers_act(analogue, officer, make_user, chn_officer):
    viewer = make_user(role="viewer", organisation=officer.organisation)
    for actor in (viewer, chn_officer):
        with pytest.raises(PermissionDenied):
            services.review_open(actor=actor, substance=analogue)
    review = opened(analogue, officer)
    for actor in (viewer, chn_officer):
        with pytest.raises(PermissionDenied):
            services.review_pre_review(actor=actor, review=review, started_on=DAY(2024, 1, 1))
    assert pipeline_workflow.allowed(viewer, review) == []
    assert pipeline_workflow.allowed(officer, review) == ["pre_review", "critical_review"]


def refused(call, **fields) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        call(**fields)
    return caught.value.details


def test_bad_dates_are_field_errors(analogue, officer):
    review = opened(analogue, officer)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    def begin(**fields):
        return services.review_pre_review(actor=officer, review=review, **fields)

    assert (
        "before its last step (2023-09-01)"
        in refused(begin, started_on=DAY(2023, 8, 31))["started_on"][0]
    )
    assert "future" in refused(begin, started_on=tomorrow)["started_on"][0]
    assert "YYYY-MM-DD" in refused(begin, started_on="2024-01-01")["started_on"][0]
    assert "1946" in refused(begin, started_on=DAY(1900, 1, 1))["started_on"][0]
    assert (
        "future"
        in refused(services.review_open, actor=officer, substance=analogue, opened_on=tomorrow)[
            "opened_on"
        ][0]
    )
    review = walk_to(ReviewStage.RECOMMENDED, review, officer)  # recommended on 2024-11-20

    def vote(**fields):
        values = {"decision": "CND 68/1", "result": "adopted"} | fields
        return services.review_vote(actor=officer, review=review, **values)

    details = refused(vote, voted_on=DAY(2024, 11, 19))
    assert details == {"voted_on": ["The vote cannot be before the recommendation (2024-11-20)."]}
    assert "decision" in refused(vote, voted_on=DAY(2025, 3, 12), decision=" ")
    assert "decision" in refused(vote, voted_on=DAY(2025, 3, 12), decision="C" * 61)
    assert "result" in refused(vote, voted_on=DAY(2025, 3, 12), result="abstained")
    review = walk_to(ReviewStage.ADOPTED, review, officer)  # voted on 2025-03-12
    details = refused(
        services.review_enter_into_force,
        actor=officer,
        review=review,
        in_force_on=DAY(2025, 3, 11),
    )
    assert details == {"in_force_on": ["Entry into force cannot be before the vote (2025-03-12)."]}
    # Announced ahead: an entry into force after today is accepted.
    review = services.review_enter_into_force(
        actor=officer, review=review, in_force_on=tomorrow, expected_version=review.version
    )
    assert review.stage == ReviewStage.IN_FORCE
    assert substance_selectors.identify(smiles=ANALOGUE)["status"] == "not_controlled"
    assert substance_selectors.identify(smiles=ANALOGUE, on=tomorrow)["status"] == "controlled"


def test_a_recommendation_names_a_schedule_of_its_convention(analogue, officer):
    review = walk_to(ReviewStage.CRITICAL_REVIEW, opened(analogue, officer), officer)

    def recommend(**fields):
        values = {"recommended_on": DAY(2024, 11, 20), "recommendation": "schedule"} | fields
        return services.review_recommend(actor=officer, review=review, **values)

    assert "Table I, Table II" in refused(recommend, convention="1988", schedule="I")["schedule"][0]
    assert "schedule" in refused(recommend, convention="1961", schedule="V")
    assert "schedule" in refused(recommend, convention="1971", schedule="Table I")
    assert "convention" in refused(recommend, convention="1999", schedule="I")
    assert "recommendation" in refused(recommend, recommendation="maybe")
    # Each convention's own schedules are accepted (tried without saving).
    for convention, schedule in (("1961", "IV"), ("1971", "II"), ("1988", "Table II")):
        assert not services._schedule_problems(analogue, "schedule", convention, schedule)
    # Already listed there: Ephedrine is in Table I of the 1988 Convention.
    ephedrine = Substance.objects.get(name_en="Ephedrine")
    assert (
        "already in"
        in services._schedule_problems(ephedrine, "schedule", "1988", "Table I")["schedule"][0]
    )


def test_scheduling_needs_a_critical_review(analogue, officer):
    review = walk_to(ReviewStage.PRE_REVIEW, opened(analogue, officer), officer)
    details = refused(
        services.review_recommend,
        actor=officer,
        review=review,
        recommended_on=DAY(2024, 3, 1),
        recommendation="schedule",
        convention="1971",
        schedule="II",
    )
    assert details == {
        "recommendation": ["A recommendation to schedule follows a critical review."]
    }
    assert ScheduleReview.objects.get(pk=review.pk).stage == ReviewStage.PRE_REVIEW


def test_a_long_note_is_refused(analogue, officer):
    assert "note" in refused(
        services.review_open, actor=officer, substance=analogue, note="x" * 2001
    )


def test_an_entry_into_force_years_ahead_is_a_field_error(analogue, officer):
    review = walk_to(ReviewStage.ADOPTED, opened(analogue, officer), officer)
    far = timezone.localdate() + datetime.timedelta(days=3 * 366)
    with pytest.raises(ValidationFailed) as refused:
        pipeline_workflow.perform(
            "enter_into_force",
            actor=officer,
            review=review,
            expected_version=review.version,
            in_force_on=far,
        )
    assert "in_force_on" in refused.value.details
    assert not Listing.objects.filter(substance=analogue).exists()
