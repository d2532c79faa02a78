"""A laboratory reports an unlisted fentanyl analogue on the web page: it is classified new to
the system, shown amber beside its nearest controlled neighbour, and enters the NPS register;
the watch list's page draws its charts in English and in Chinese."""

import datetime

import pytest
from django.utils import timezone

from drugcontrol.nps import services

from .test_account_flows import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INVENTED_FENTANYL = "O=C(C1CCCCCC1)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1"


def test_a_laboratory_reports_a_new_fentanyl_analogue(page, make_user, registry):
    laboratory = make_user(country="CHN", kind="forensic_lab", role="officer")
    sign_in(page, laboratory)
    page.goto("/nps/reports/new/")
    page.get_by_label("Substance: SMILES, InChI, MOL block or name").fill(INVENTED_FENTANYL)
    page.get_by_label("Name as reported (street or trade name)").fill("cycloheptyl fentanyl")
    page.locator("select[name=form]").select_option("powder")
    day = timezone.localdate() - datetime.timedelta(days=2)
    page.get_by_label("Date of the sample").fill(day.isoformat())
    page.get_by_label("Purity (%)").fill("31,5")
    page.get_by_label("GC-MS").check()
    page.get_by_role("button", name="Submit the report").click()
    page.wait_for_url("**/nps/reports/*/")
    assert page.get_by_test_id("classification").get_attribute("data-value") == "new_substance"
    verdict = page.get_by_test_id("verdict")
    assert verdict.get_attribute("data-status") == "not_controlled"
    assert page.get_by_test_id("status").inner_text() == "Not listed internationally"
    assert "national analogue or generic legislation" in page.get_by_test_id("advice").inner_text()
    assert verdict.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 244, 224)"
    assert page.get_by_test_id("analogue").count() >= 1

    page.get_by_role("link", name="cycloheptyl fentanyl").click()
    page.wait_for_url("**/nps/substances/*/")
    assert page.get_by_test_id("first-reported").inner_text() == day.strftime("%Y-%m")
    assert page.get_by_test_id("reporting-country").count() == 1
    assert page.console_errors == []


def test_the_watch_list_page_in_english_and_chinese(page, make_user, registry):
    secretariat = make_user(kind="international", role="officer")
    laboratory = make_user(country="CHN", kind="forensic_lab", role="officer")
    entry = services.watch_add(
        actor=secretariat,
        raw={
            "substance": "Ketamine",
            "smiles": "CNC1(CCCCC1=O)c1ccccc1Cl",
            "reason": "Diverted from veterinary use.",
        },
    )
    for years_ago in (2, 0):
        services.report_submit(
            actor=laboratory,
            raw={
                "sample_kind": "seized_material",
                "form": "powder",
                "sampled_on": timezone.localdate() - datetime.timedelta(days=365 * years_ago + 1),
                "structure": "Ketamine",
            },
        )
    sign_in(page, laboratory)
    page.goto(f"/nps/watch-list/{entry.substance_id}/")
    assert page.get_by_test_id("year-row").count() == 3
    assert page.locator("svg.chart").count() == 3
    country = laboratory.country_id
    assert page.locator(f"svg.watch-map #c-{country}").get_attribute("data-count") == "2"
    assert page.locator("svg.watch-map path.filled").count() == 1
    assert page.get_by_test_id("country-row").count() == 1
    page.get_by_test_id("language-zh-hans").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("svg.chart").count() == 3
    assert page.locator(f"svg.watch-map #c-{country}").get_attribute("data-count") == "2"
    assert "记录" in page.locator(f"svg.watch-map #c-{country} title").text_content()
    assert page.console_errors == []
