"""The early-warning dashboard in a browser: new substances per year by family, the first
reports' time line, the world map of reporting countries and the signal feed, in English and
in Chinese; a signal opened from the feed."""

import datetime

import pytest
from django.utils import timezone

from drugcontrol.nps import services

from .test_account_flows import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INVENTED_FENTANYL = "O=C(C1CCCCCC1)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1"
FLUBROMAZEPAM = "O=C1CN=C(c2ccccc2F)c2cc(Br)ccc2N1"


def test_the_dashboard_in_english_and_chinese(page, make_user, registry):
    labs = {
        code: make_user(country=code, kind="forensic_lab", role="officer")
        for code in ("CHN", "DEU", "NLD")
    }
    today = timezone.localdate()
    for number, lab in enumerate(labs.values()):
        services.report_submit(
            actor=lab,
            raw={
                "sample_kind": "seized_material",
                "form": "powder",
                "sampled_on": (today - datetime.timedelta(days=10 + number)).isoformat(),
                "structure": INVENTED_FENTANYL,
                "reported_name": "cycloheptyl fentanyl",
            },
        )
    services.report_submit(
        actor=labs["DEU"],
        raw={
            "sample_kind": "seized_material",
            "form": "tablet",
            "sampled_on": (today - datetime.timedelta(days=800)).isoformat(),
            "structure": FLUBROMAZEPAM,
            "reported_name": "Flubromazepam",
        },
    )
    raised = {signal.kind for signal in services.signals_detect()}
    assert {"new_substance", "spread"} <= raised
    sign_in(page, labs["DEU"])
    page.get_by_role("link", name="Early warning").click()
    page.wait_for_url("**/nps/dashboard/")
    assert page.locator("svg.stacked-columns rect[data-series]").count() == 2
    assert page.locator("svg.time-line circle.event").count() == 2
    assert page.locator("svg.reporting-map path.filled").count() == 3
    assert page.locator("#c-CHN").get_attribute("data-count") == "1"
    assert page.locator("#c-DEU").get_attribute("data-count") == "2"
    assert page.get_by_test_id("signal-row").count() >= 2
    assert page.get_by_test_id("csv-families").get_attribute("href") == (
        "?format=csv&chart=families"
    )
    page.get_by_test_id("language-zh-hans").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text() == "早期预警仪表板"
    assert "每年新物质数量（按类别）" in page.locator("main").inner_text()
    assert page.locator("svg.stacked-columns rect[data-series]").count() == 2
    assert page.locator("svg.time-line circle.event").count() == 2
    assert page.locator("svg.reporting-map path.filled").count() == 3
    assert "中国" in page.locator("#c-CHN title").text_content()
    page.locator("[data-testid=signal-row][data-kind=spread] a").first.click()
    page.wait_for_url("**/nps/signals/*/")
    assert page.get_by_test_id("signal-kind").get_attribute("data-value") == "spread"
    assert "中国" in page.get_by_test_id("evidence").inner_text()
    assert page.get_by_test_id("signal-kind").inner_text() == "在各国间扩散"
    assert page.console_errors == []
