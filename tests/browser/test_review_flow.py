"""The review in a browser: Kenya's focal point answers the questionnaire and submits it,
the secretariat accepts and publishes it, and the global report then counts Kenya's answers
beside the evidence computed from the medicines data, in English and in Chinese."""

import pytest

from drugcontrol.medicines import statistics
from drugcontrol.review import services

from .test_monitoring_flow import sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_country_answers_the_secretariat_accepts_the_report_counts_it(
    browser, live_server, make_user, registry
):
    kenya = make_user(country="KEN", kind="competent_authority", role="focal_point")
    secretariat = make_user(kind="international", role="officer")
    services.statement_load()
    cycle = services.cycle_create(
        actor=secretariat,
        data={
            "code": "browser-review",
            "name_en": "Browser review",
            "name_zh": "浏览器测试审议",
            "first_year": 2020,
            "last_year": 2023,
            "deadline": "2030-06-30",
            "paragraphs": ["A.14", "C.41"],
            "items": [
                {"paragraph": "A.14", "question_en": "Are opioid analgesics available?",
                 "question_zh": "阿片类镇痛药是否可获得？"},
                {"paragraph": "C.41", "question_en": "Are proceeds confiscated?",
                 "question_zh": "是否没收犯罪所得？"},
            ],
        },
    )  # fmt: skip
    statistics.population_record_many(
        actor=secretariat, figures=[{"country": "KEN", "year": 2022, "population": "50000000"}]
    )
    statistics.consumption_record_many(
        actor=secretariat,
        figures=[{"country": "KEN", "year": 2022, "substance": "Morphine", "quantity_kg": "36.5"}],
    )
    items = list(cycle.items.all())

    kenyan_context, kenyan = sign_in_as(browser, live_server, kenya)
    kenyan.goto(f"/review/cycles/{cycle.code}/")
    kenyan.get_by_test_id("answer").click()
    kenyan.wait_for_url("**/review/cycles/browser-review/ken/")
    kenyan.locator(f'input[name="rating-{items[0].pk}"][value="partly"]').check()
    kenyan.locator(f'textarea[name="narrative-{items[0].pk}"]').fill("Morphine in 12 counties.")
    kenyan.locator(f'input[name="rating-{items[1].pk}"][value="no"]').check()
    kenyan.get_by_test_id("save").click()
    kenyan.wait_for_url("**/review/cycles/browser-review/ken/")
    kenyan.get_by_test_id("step-submit").click()
    kenyan.wait_for_url("**/review/cycles/browser-review/ken/")
    assert kenyan.get_by_test_id("response").get_attribute("data-status") == "submitted"

    office_context, office = sign_in_as(browser, live_server, secretariat)
    office.goto(f"/review/cycles/{cycle.code}/")
    office.locator('[data-response="KEN"] a').click()
    office.wait_for_url("**/review/cycles/browser-review/ken/")
    for step in ("accept", "publish"):
        office.get_by_test_id(f"step-{step}").click()
        office.wait_for_url("**/review/cycles/browser-review/ken/")
    assert office.get_by_test_id("response").get_attribute("data-status") == "published"

    office.goto(f"/review/cycles/{cycle.code}/report/world/")
    a14 = office.locator('[data-paragraph="A.14"]')
    assert "Partly 1" in a14.get_by_test_id("ratings").inner_text()
    evidence = a14.locator('li[data-evidence="medicines.availability"]')
    assert evidence.get_attribute("data-state") == "figures"
    assert "20" in evidence.inner_text() and "2022" in evidence.inner_text()
    c41 = office.locator('[data-paragraph="C.41"] li[data-evidence="finance.confiscated_proceeds"]')
    assert c41.get_attribute("data-state") == "no-source"
    assert "Kenya" in office.get_by_test_id("annex").inner_text()
    office.get_by_test_id("language-zh-hans").click()
    office.wait_for_load_state()
    assert office.locator("h1").inner_text() == "浏览器测试审议：全球"
    assert (
        "部分 1" in office.locator('[data-paragraph="A.14"]').get_by_test_id("ratings").inner_text()
    )
    assert "肯尼亚" in office.get_by_test_id("annex").inner_text()
    for page in (kenyan, office):
        assert page.console_errors == []
    kenyan_context.close()
    office_context.close()
