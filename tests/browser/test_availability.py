"""Availability in a browser: Kenya's authority imports its consumption with the progress
page, the secretariat publishes it from its queue, and an Indian reader then finds Kenya
coloured on the world map, listed among the countries lacking medicines, and on Kenya's
page against its region, in English and in Chinese."""

import pytest

from drugcontrol.medicines import statistics

from .test_import_report import run_worker
from .test_monitoring_flow import sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = 2022


def test_consumption_imported_published_and_mapped(
    browser, live_server, make_user, registry, tmp_path
):
    kenya = make_user(country="KEN", kind="competent_authority", role="officer")
    india = make_user(country="IND", kind="competent_authority", role="officer")
    secretariat = make_user(kind="international", role="officer")
    statistics.population_record_many(
        actor=secretariat,
        figures=[
            {"country": "KEN", "year": YEAR, "population": "50000000",
             "cancer_deaths": "30000", "hiv_deaths": "20000"},
            {"country": "EGY", "year": YEAR, "population": "100000000"},
        ],
    )  # fmt: skip
    statistics.consumption_record_many(
        actor=secretariat,
        figures=[{"country": "EGY", "year": YEAR, "substance": "Morphine", "quantity_kg": "2000"}],
    )
    upload = tmp_path / "consumption.csv"
    upload.write_text(
        f"country,year,substance,quantity_kg\nKEN,{YEAR},Morphine,36.5\nKEN,{YEAR},Fentanyl,0.0219\n"
    )

    kenyan_context, kenyan = sign_in_as(browser, live_server, kenya)
    kenyan.goto("/medicines/")
    kenyan.get_by_role("link", name="Import consumption").click()
    kenyan.locator("input[type=file]").set_input_files(str(upload))
    kenyan.get_by_role("button", name="Check and import").click()
    kenyan.wait_for_url("**/medicines/import/consumption/*/")
    run_worker()  # the page polls every second and shows the result once it is there
    kenyan.get_by_test_id("import-result").wait_for(timeout=10_000)
    assert "2 new" in kenyan.get_by_test_id("import-result").inner_text()

    secretariat_context, office = sign_in_as(browser, live_server, secretariat)
    office.goto("/medicines/")
    queue = office.get_by_test_id("to-publish")
    assert "Kenya" in queue.inner_text() and "2 figures" in queue.inner_text()
    queue.get_by_test_id("publish").click()
    office.wait_for_url("**/medicines/")
    assert office.get_by_test_id("to-publish").count() == 0

    indian_context, indian = sign_in_as(browser, live_server, india)
    indian.goto("/medicines/availability/")
    kenya_shape = indian.locator("#c-KEN")
    assert kenya_shape.get_attribute("class") == "country filled"
    assert "22 S-DDD" in kenya_shape.locator("title").text_content()
    assert "very inadequate" in kenya_shape.locator("title").text_content()
    lacking = indian.get_by_test_id("lacking")
    assert lacking.locator('[data-country="KEN"]').count() == 1
    assert "0.15 (low)" in lacking.locator('[data-country="KEN"]').inner_text()
    # Egypt: 2,000 kg of morphine / 100 mg / 365 / 100 million = 548: moderate, not lacking.
    assert lacking.locator('[data-country="EGY"]').count() == 0
    assert indian.get_by_test_id("comparison-chart").locator("rect.chart-bar").count() == 2
    indian.get_by_role("link", name="Kenya").first.click()
    indian.wait_for_url("**/medicines/countries/ken/")
    chart = indian.get_by_test_id("trend-chart")
    assert chart.locator("circle.point").count() == 2  # Kenya and Africa's average
    indian.get_by_test_id("language-zh-hans").click()
    indian.wait_for_load_state()
    assert indian.locator("html").get_attribute("lang") == "zh-hans"
    assert indian.locator("h1").inner_text() == "受管制药物：肯尼亚"
    assert "严重不足" in indian.get_by_test_id("consumption").inner_text()
    indian.goto("/medicines/availability/")
    assert "可获得性不足或几乎没有的国家" in indian.locator("main").inner_text()
    assert "严重不足" in indian.locator("#c-KEN title").text_content()
    for page in (kenyan, office, indian):
        assert page.console_errors == []
    for context in (kenyan_context, secretariat_context, indian_context):
        context.close()
