"""Indicators and target progress from published figures, checked against a fixture
computed by hand (the numbers in the comments)."""

import decimal

import pytest

from drugcontrol.monitoring import analysis, selectors, services
from drugcontrol.monitoring.models import Indicator, Target

pytestmark = pytest.mark.django_db
D = decimal.Decimal

# HIV prevalence among people who inject drugs (%), and their number (the aggregate weight).
FIXTURE = {
    "CHN": {2010: ("10", "1000"), 2015: ("4", "1000")},
    "IND": {2010: ("20", "3000"), 2014: ("15", "3000")},
    "THA": {2012: ("8", "800")},
    "DEU": {2011: ("5", "500"), 2013: ("3", "500")},
}


def publish(make_user, secretariat, country, year, items):
    provider = make_user(country=country, kind="competent_authority", role="focal_point")
    dataset = selectors.dataset_get(provider, "ARQ_USE")
    submission = services.submission_open(
        actor=provider, country=country, dataset=dataset, year=year
    )
    services.values_set(actor=provider, submission=submission, items=items)
    submission = services.submission_act(actor=provider, submission=submission, action="submit")
    submission = services.submission_act(actor=secretariat, submission=submission, action="accept")
    return services.submission_act(actor=secretariat, submission=submission, action="publish")


@pytest.fixture
def published(definitions, make_user, secretariat):
    for country, years in FIXTURE.items():
        for year, (hiv, pwid) in years.items():
            publish(
                make_user,
                secretariat,
                country,
                year,
                [
                    services.ValueInput("PWID_HIV", {}, hiv),
                    services.ValueInput("PWID", {}, pwid),
                ],
            )


def test_each_countrys_progress_towards_halving_hiv(published, secretariat):
    target = Target.objects.get(code="HIV_PWID_HALF")
    progress = analysis.target_progress(secretariat, target)
    countries = progress["countries"]
    # China: 10 -> 4 by 2015, the target 5: achieved (1.2 of the change asked).
    assert countries["CHN"].status == analysis.ACHIEVED
    assert countries["CHN"].achieved_share == D("1.2")
    # India: 20 -> 15 by 2014, half the change where four fifths of the time has passed.
    assert (countries["IND"].status, countries["IND"].achieved_share) == ("off_track", D("0.5"))
    # Thailand: a baseline (2012, within two years of 2010) and nothing later.
    assert countries["THA"].status == analysis.INSUFFICIENT
    assert countries["THA"].baseline_year == 2012
    # Germany: baseline from 2011, 5 -> 3 by 2013: 0.8 of the change, 0.6 of the time.
    assert (countries["DEU"].baseline_year, countries["DEU"].status) == (2011, "on_track")
    assert countries["DEU"].achieved_share == D("0.8")


def test_regional_and_world_aggregates_with_their_coverage(published, secretariat):
    target = Target.objects.get(code="HIV_PWID_HALF")
    progress = analysis.target_progress(secretariat, target)
    asia = progress["regions"]["142"]
    # China and India, weighted 1000 and 3000: 17.5 -> 12.25, 0.6 of the change by 2015.
    assert (asia.baseline, asia.latest) == (D("17.5"), D("12.25"))
    assert asia.achieved_share == D("0.6") and asia.status == "off_track"
    assert asia.countries == 2 and asia.of_countries > 40
    # 4000 of the 4800 people who inject drugs known in Asia (Thailand's 800 without a trend).
    assert round(asia.weight_share, 4) == D("0.8333")
    world = progress["world"]
    # With Germany (500): 72500 / 4500 -> 50500 / 4500.
    assert world.countries == 3
    assert round(world.baseline, 4) == round(D(72500) / D(4500), 4)
    assert round(world.latest, 4) == round(D(50500) / D(4500), 4)
    assert progress["regions"]["002"].status == analysis.INSUFFICIENT


def test_only_published_figures_count(definitions, make_user, secretariat):
    provider = make_user(country="CHN", kind="competent_authority", role="focal_point")
    dataset = selectors.dataset_get(provider, "ARQ_USE")
    draft = services.submission_open(actor=provider, country="CHN", dataset=dataset, year=2010)
    services.values_set(
        actor=provider, submission=draft, items=[services.ValueInput("PWID_HIV", {}, "10")]
    )
    indicator = Indicator.objects.get(code="HIV_PWID")
    assert analysis.indicator_values(secretariat, indicator)["figures"] == {}


def test_an_indicator_by_its_breakdown(definitions, make_user, secretariat):
    # Prices are in the supply data set.
    provider = make_user(country="COL", kind="law_enforcement", role="focal_point")
    dataset = selectors.dataset_get(provider, "ARQ_SUPPLY")
    submission = services.submission_open(actor=provider, country="COL", dataset=dataset, year=2020)
    services.values_set(
        actor=provider,
        submission=submission,
        items=[
            services.ValueInput("PRICE_RETAIL", {"drug": "cocaine"}, "80"),
            services.ValueInput("PURITY_RETAIL", {"drug": "cocaine"}, "40"),
            services.ValueInput("PRICE_RETAIL", {"drug": "cannabis"}, "5"),
        ],
    )
    for actor, action in ((provider, "submit"), (secretariat, "accept"), (secretariat, "publish")):
        submission = services.submission_act(actor=actor, submission=submission, action=action)
    indicator = Indicator.objects.get(code="PRICE_PURE")
    figures = analysis.indicator_values(secretariat, indicator)["figures"]
    # 80 US$ a gram at 40 % purity: 200 US$ a pure gram; cannabis has no purity, no figure.
    assert figures == {("COL", 2020, "cocaine"): D("200")}
