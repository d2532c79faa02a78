"""The analysis pages read what analysis.py computes: the target's map, regions and
countries; an indicator's map for a year; a country's profile; who has reported. Each with
its CSV."""

import pytest

from tests.conftest import signed_in

from .test_analysis import published  # noqa: F401 (the hand-computed fixture)

pytestmark = pytest.mark.django_db


def test_target_progress_page_map_tables_and_csv(published, make_user):  # noqa: F811
    reader = signed_in(make_user(country="FRA", kind="law_enforcement", role="viewer"))
    page = reader.get("/monitoring/targets/HIV_PWID_HALF/").content.decode()
    assert 'data-testid="world" data-status="off_track"' in page
    assert 'class="route-map choropleth target-map"' in page
    assert 'id="c-CHN" class="country filled" fill="#08519c"' in page  # achieved
    assert 'id="c-IND" class="country filled" fill="#ef3b2c"' in page  # off track
    assert page.count('data-testid="country-row"') == 4
    assert 'data-testid="region-row" data-status="off_track"' in page
    csv = reader.get("/monitoring/targets/HIV_PWID_HALF/?format=csv").content.decode()
    assert csv.splitlines()[0].startswith("country,status,baseline_year")
    assert "CHN,achieved,2010,10,2015,4,1.2" in csv
    assert reader.get("/monitoring/targets/NO_SUCH/").status_code == 404


def test_indicator_map_profile_and_coverage(published, make_user):  # noqa: F811
    reader = signed_in(make_user(country="FRA", kind="law_enforcement", role="viewer"))
    page = reader.get("/monitoring/indicators/HIV_PWID/?year=2010").content.decode()
    assert page.count('data-testid="indicator-row"') == 2  # China and India in 2010
    assert 'id="c-CHN"' in page and 'class="route-map choropleth indicator-map"' in page
    profile = reader.get("/monitoring/countries/IND/").content.decode()
    assert 'data-code="HIV_PWID"' in profile
    # 2010 and 2014: two points, no line across the years between (a gap is a gap).
    assert profile.count('class="point"') == 2 and "<polyline" not in profile
    csv = reader.get("/monitoring/countries/IND/?format=csv").content.decode()
    assert "HIV_PWID,,2010,20" in csv and "HIV_PWID,,2014,15" in csv
    assert reader.get("/monitoring/countries/XXX/").status_code == 404
    coverage = reader.get("/monitoring/coverage/").content.decode()
    assert 'data-testid="coverage-chart"' in coverage
    assert (
        reader.get("/monitoring/coverage/?format=csv")
        .content.decode()
        .startswith("year,dataset,status,countries")
    )


def test_unpublished_figures_stay_out_of_the_pages(definitions, make_user):
    from drugcontrol.monitoring import selectors, services

    provider = make_user(country="CHN", kind="competent_authority", role="focal_point")
    dataset = selectors.dataset_get(provider, "ARQ_USE")
    draft = services.submission_open(actor=provider, country="CHN", dataset=dataset, year=2012)
    services.values_set(
        actor=provider, submission=draft, items=[services.ValueInput("PWID_HIV", {}, "12")]
    )
    reader = signed_in(make_user(country="DEU", kind="law_enforcement", role="viewer"))
    assert (
        'data-testid="indicator-row"'
        not in reader.get("/monitoring/indicators/HIV_PWID/").content.decode()
    )
    assert "HIV_PWID" not in reader.get("/monitoring/countries/CHN/?format=csv").content.decode()


def test_the_home_page_puts_the_monitoring_work_first(definitions, make_user, secretariat):
    from drugcontrol.monitoring import selectors, services

    provider = make_user(country="CHN", kind="competent_authority", role="focal_point")
    dataset = selectors.dataset_get(provider, "ARQ_USE")
    submission = services.submission_open(actor=provider, country="CHN", dataset=dataset, year=2020)
    home = signed_in(provider).get("/").content.decode()
    assert 'data-testid="home-monitoring"' in home
    assert f"/monitoring/submissions/{submission.pk}/" in home
    assert 'data-testid="home-monitoring"' not in signed_in(secretariat).get("/").content.decode()
    services.values_set(
        actor=provider, submission=submission, items=[services.ValueInput("PWID", {}, "10")]
    )
    services.submission_act(actor=provider, submission=submission, action="submit")
    assert (
        f"/monitoring/submissions/{submission.pk}/"
        in signed_in(secretariat).get("/").content.decode()
    )
    other = make_user(country="DEU", kind="competent_authority", role="focal_point")
    assert 'data-testid="home-monitoring"' not in signed_in(other).get("/").content.decode()


def test_the_pivot_table_country_by_year_with_its_csv(published, make_user):  # noqa: F811
    from drugcontrol.monitoring import selectors, services

    provider = make_user(country="FRA", kind="competent_authority", role="focal_point")
    dataset = selectors.dataset_get(provider, "ARQ_USE")
    draft = services.submission_open(actor=provider, country="FRA", dataset=dataset, year=2015)
    services.values_set(
        actor=provider, submission=draft, items=[services.ValueInput("PWID_HIV", {}, "7")]
    )
    own = signed_in(provider)
    page = own.get("/monitoring/pivot/?elements=PWID_HIV&first_year=2010&last_year=2015")
    html = page.content.decode()
    # China, Germany, France (its own draft), India, Thailand: one row each, years as columns.
    assert html.count('data-testid="pivot-row"') == 5
    assert "<th>2010</th>" in html and "<th>2015</th>" in html
    csv = own.get(
        "/monitoring/pivot/?elements=PWID_HIV&first_year=2010&last_year=2015&format=csv"
    ).content.decode()
    assert csv.splitlines()[0] == "country,element,disaggregation,2010,2011,2012,2013,2014,2015"
    assert "CHN,PWID_HIV,,10,,,,,4" in csv and "FRA,PWID_HIV,,,,,,,7" in csv
    published_only = own.get(
        "/monitoring/pivot/?elements=PWID_HIV&published_only=on&format=csv"
    ).content.decode()
    assert "FRA" not in published_only
    # Another country reads the published figures, never France's draft.
    other = signed_in(make_user(country="DEU", kind="law_enforcement", role="viewer"))
    assert (
        "FRA" not in other.get("/monitoring/pivot/?elements=PWID_HIV&format=csv").content.decode()
    )
    bad = other.get("/monitoring/pivot/?elements=NOPE&first_year=2015&last_year=2010")
    assert bad.status_code == 422 and 'data-field="elements"' in bad.content.decode()


def test_every_user_of_a_country_finds_its_data_sets_on_the_monitoring_page(definitions, make_user):
    from drugcontrol.monitoring import selectors, services

    provider = make_user(country="CHN", kind="competent_authority", role="officer")
    dataset = selectors.dataset_get(provider, "ARQ_USE")
    draft = services.submission_open(actor=provider, country="CHN", dataset=dataset, year=2021)
    viewer = signed_in(make_user(country="CHN", kind="law_enforcement", role="viewer"))
    page = viewer.get("/monitoring/").content.decode()
    assert f"/monitoring/submissions/{draft.pk}/" in page
    assert 'data-testid="open-form"' not in page  # a viewer enters nothing
    other = signed_in(make_user(country="DEU", kind="law_enforcement", role="viewer"))
    assert f"/monitoring/submissions/{draft.pk}/" not in other.get("/monitoring/").content.decode()
