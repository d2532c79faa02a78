"""Illicit crops and alternative development in a browser: Afghanistan's authority records a
programme in Helmand on its form (regions and replacement crops ticked from lists), then
reads its country's page, where Helmand is marked as a programme area and the two lines of
inside against outside are drawn; the world page shows the map; both in English and in
Chinese."""

import pytest

from drugcontrol.monitoring import selectors, services

from .test_account_flows import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPIUM = {"crop": "opium_poppy"}


def publish_crops(afghan, secretariat, year, helmand, rest):
    dataset = selectors.dataset_get(afghan, "CROPS")
    submission = services.submission_open(actor=afghan, country="AFG", dataset=dataset, year=year)
    services.values_set(
        actor=afghan,
        submission=submission,
        items=[
            services.ValueInput("CULT_HA", OPIUM, str(helmand + rest + 100)),
            services.ValueInput("YIELD", OPIUM, "25"),
            services.ValueInput("CULT_REGION_HA", {"region": "AF-HEL", **OPIUM}, str(helmand)),
            services.ValueInput("CULT_REGION_HA", {"region": "AF-KAN", **OPIUM}, str(rest)),
        ],
    )
    for actor, action in ((afghan, "submit"), (secretariat, "accept"), (secretariat, "publish")):
        submission = services.submission_act(actor=actor, submission=submission, action=action)


def test_a_programme_recorded_and_the_crop_pages_in_english_and_chinese(page, make_user):
    services.definitions_load()
    afghan = make_user(country="AFG", kind="competent_authority", role="focal_point")
    secretariat = make_user(kind="international", role="officer")
    publish_crops(afghan, secretariat, 2020, 900, 600)
    publish_crops(afghan, secretariat, 2021, 500, 650)
    sign_in(page, afghan)
    page.goto("/monitoring/crops/")
    assert page.locator("svg.crops-map path.filled").count() == 1
    assert "Afghanistan" in page.locator("#c-AFG title").text_content()
    page.get_by_test_id("programme-new").click()
    page.wait_for_url("**/monitoring/programmes/new/")
    page.locator("input[name=name]").fill("Helmand food zone")
    page.locator("select[name=start_year]").select_option("2021")
    page.get_by_label("Helmand (AF-HEL)").check()
    page.get_by_label("Saffron").check()
    page.get_by_label("Households reached").fill("3000")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/monitoring/programmes/*/")
    assert "Helmand" in page.get_by_test_id("programme").inner_text()
    assert "Saffron" in page.get_by_test_id("programme").inner_text()
    page.goto("/monitoring/crops/AFG/?year=2021")
    helmand = page.locator('[data-testid=region-row][data-region="AF-HEL"]')
    assert helmand.get_attribute("data-programme") == "yes"
    assert page.get_by_test_id("comparison-row").count() == 2
    assert page.locator("[data-testid=comparison-chart] svg polyline").count() == 2
    page.get_by_test_id("language-zh-hans").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text() == "阿富汗：非法作物与替代发展"
    assert "赫尔曼德省" in helmand.inner_text()
    assert "方案区域内" in page.get_by_test_id("comparison-chart").inner_text()
    page.goto("/monitoring/crops/")
    assert "阿富汗" in page.locator("#c-AFG title").text_content()
    assert "替代发展方案" in page.locator("main").inner_text()
    assert page.console_errors == []
