"""Demo of the scheduling pipeline: two invented substances moving through it, through the
services. One is at the WHO critical review; the other went all the way, so its listing
entered into force and identification answers "controlled" from that day and "not
controlled" the day before. Both substances and every date and decision number are
invented for the demonstration. Idempotent: a substance that already has a review is left
as it is."""

import datetime

from django.utils import timezone

from drugcontrol.core.models import User
from drugcontrol.nps import pipeline_workflow
from drugcontrol.nps.models.pipeline import ReviewStage, ScheduleReview
from drugcontrol.nps.services import pipeline as services
from drugcontrol.substances import services as substance_services
from drugcontrol.substances.selectors import find_by_name

ACTOR = "intl_admin"  # a demo account of the secretariat (core.demo)

# name, SMILES, the stage it reaches, and its steps: (step, days before today, fields).
DEMO_REVIEWS = [
    (
        "4F-cyclopropyl thiofentanyl (invented)",
        "O=C(C1CC1)N(c1ccc(F)cc1)C1CCN(CCc2cccs2)CC1",
        ReviewStage.CRITICAL_REVIEW,
        [
            ("open", 900, {}),
            ("pre_review", 520, {}),
            ("critical_review", 60, {}),
        ],
    ),
    (
        "5-cyano protonitazene (invented)",
        "CCCOc1ccc(Cc2nc3cc(C#N)ccc3n2CCN(CC)CC)cc1",
        ReviewStage.IN_FORCE,
        [
            ("open", 1000, {}),
            ("pre_review", 820, {}),
            ("critical_review", 600, {}),
            (
                "recommend",
                540,
                {"recommendation": "schedule", "convention": "1961", "schedule": "I"},
            ),
            ("vote", 450, {"decision": "CND 68/9 (invented)", "result": "adopted"}),
            ("enter_into_force", 300, {}),
        ],
    ),
]


def _substance(name: str, smiles: str):
    found = find_by_name(name)
    if found is not None:
        return found
    substance, _created = substance_services.unlisted_substance_register(
        actor=None, smiles=smiles, name=name
    )
    return substance


def load_demo_pipeline() -> int:
    """Load the demo reviews; returns how many were opened now (0 on a second run)."""
    actor = User.objects.filter(username=ACTOR).first()
    if actor is None:
        return 0
    today = timezone.localdate()
    opened = 0
    for name, smiles, _stage, steps in DEMO_REVIEWS:
        substance = _substance(name, smiles)
        if ScheduleReview.objects.filter(substance=substance).exists():
            continue
        (_open, days, _fields), *rest = steps
        review = services.review_open(
            actor=actor,
            substance=substance,
            opened_on=today - datetime.timedelta(days=days),
            note="Demonstration data (invented).",
        )
        opened += 1
        for action, days, fields in rest:
            day = today - datetime.timedelta(days=days)
            date_field = pipeline_workflow.STEPS[action].date_field
            review = pipeline_workflow.perform(
                action,
                actor=actor,
                review=review,
                expected_version=review.version,
                **{date_field: day},
                **fields,
            )
    return opened
