"""The pipeline's demo: two invented substances, one at the critical review, one listed from
its entry into force; loading it again changes nothing."""

import datetime

import pytest
from django.utils import timezone

from drugcontrol.core.demo import load_demo
from drugcontrol.nps.demo_pipeline import DEMO_REVIEWS, load_demo_pipeline
from drugcontrol.nps.models.pipeline import ReviewStage, ScheduleReview
from drugcontrol.substances import selectors as substance_selectors
from drugcontrol.substances import services as substance_services

from .test_pipeline_services import registry_substance

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration(monkeypatch):
    """The registry's service for a substance first met in a report comes with the NPS
    reports' part of the app; without it the demo's substances are registered alike."""
    if not hasattr(substance_services, "unlisted_substance_register"):

        def register(*, actor, smiles, name):
            return registry_substance(name, smiles), True

        monkeypatch.setattr(
            substance_services, "unlisted_substance_register", register, raising=False
        )


def test_demo_pipeline(countries, registration, monkeypatch):
    from drugcontrol.core import demo

    monkeypatch.setattr(demo, "_load_module_demos", lambda result: None)
    load_demo()
    assert load_demo_pipeline() == 2
    stages = {
        review.substance.name_en: review.stage
        for review in ScheduleReview.objects.select_related("substance")
    }
    assert stages == {name: stage for name, _smiles, stage, _steps in DEMO_REVIEWS}
    listed = ScheduleReview.objects.get(stage=ReviewStage.IN_FORCE)
    smiles = DEMO_REVIEWS[1][1]
    in_force = timezone.localdate() - datetime.timedelta(days=300)
    assert listed.in_force_on == in_force
    assert substance_selectors.identify(smiles=smiles, on=in_force)["status"] == "controlled"
    day_before = in_force - datetime.timedelta(days=1)
    assert substance_selectors.identify(smiles=smiles, on=day_before)["status"] == "not_controlled"
    assert load_demo_pipeline() == 0
    assert ScheduleReview.objects.count() == 2
