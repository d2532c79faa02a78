"""The report form is filled by choosing: a country from the searchable list (found by its
Chinese name on an English page, and on a Chinese page), a substance and a party on file
from the suggestions; the party's name is kept as typed beside the party matched."""

import datetime

import pytest
from django.utils import translation

from drugcontrol.entities import services as entity_services

from .test_account_flows import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _search_box(page, select_name):
    return page.locator(f"select[name={select_name}]").locator("xpath=preceding-sibling::input[1]")


def _pick(page, field, typed, options):
    """Type the first letters, wait for the suggestions, choose the first."""
    field = page.locator(f"input[name={field}]")
    field.press_sequentially(typed, delay=40)
    option = page.locator(f"#{options} option").first
    option.wait_for(state="attached", timeout=5000)
    value = option.get_attribute("value")
    field.fill(value)
    return value, option.get_attribute("data-id")


def test_report_by_choosing_country_substance_and_party(page, chn_officer, registry):
    party = entity_services.party_create(
        actor=chn_officer,
        data=entity_services.validate_party(
            kind="company", name="Guangzhou Tianhe Chemical", country_code="CHN"
        ),
    )
    sign_in(page, chn_officer)
    page.goto("/incidents/new/")
    page.locator("select[name=kind]").select_option("seizure")
    page.locator("input[name=occurred_on]").fill(datetime.date.today().isoformat())
    _search_box(page, "country-0").fill("Chin")
    assert page.locator("select[name=country-0]").input_value() == "CHN"
    page.locator("select[name=country-role-0]").select_option("departure")
    _search_box(page, "country-1").fill("德国")  # a Chinese name on an English page
    assert page.locator("select[name=country-1]").input_value() == "DEU"
    page.locator("select[name=country-role-1]").select_option("destination")

    value, _id = _pick(page, "substance-0", "Ephe", "substance-options")
    assert value == "Ephedrine"
    page.locator("input[name=quantity-0]").fill("25")
    page.locator("select[name=unit-0]").select_option("kg")

    page.locator("select[name=party-role-0]").select_option("consignee")
    value, chosen = _pick(page, "party-0", "天河", "party-options")
    assert (value, chosen) == ("Guangzhou Tianhe Chemical", str(party.pk))
    assert page.locator("input[name=party-id-0]").input_value() == str(party.pk)
    assert page.get_by_test_id("picked-party").inner_text() == (
        "On file: Guangzhou Tianhe Chemical (CHN)"
    )
    page.locator("input[name=party-0]").fill("Guangzhou Tianhe Chemical Co.")  # as reported
    assert page.locator("input[name=party-id-0]").input_value() == str(party.pk)
    page.get_by_role("button", name="Report", exact=True).click()
    page.wait_for_url("**/incidents/*/")
    row = page.get_by_test_id("incident-party").first.inner_text()
    assert "Guangzhou Tianhe Chemical Co." in row and "[#" not in row
    assert page.get_by_role("link", name="Guangzhou Tianhe Chemical", exact=True).count() == 1
    assert not page.console_errors


def test_country_list_in_chinese(page, chn_officer):
    sign_in(page, chn_officer)
    page.get_by_test_id("language-zh-hans").click()
    page.wait_for_load_state()
    page.goto("/incidents/new/")
    select = page.locator("select[name=country-0]")
    assert "德国 (DEU)" in select.inner_text()
    box = _search_box(page, "country-0")
    with translation.override("zh-hans"):
        label = translation.gettext("Find a country: a name in either language, or a code")
    assert box.get_attribute("aria-label") == label
    box.fill("Germany")  # an English name on a Chinese page
    assert select.input_value() == "DEU"
    box.fill("mex")  # or a code
    assert select.input_value() == "MEX"
