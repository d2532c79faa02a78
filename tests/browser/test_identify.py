"""A chemist identifies a seized structure on the web page, in English and in Chinese."""

import pytest
from django.utils import translation

from .test_account_flows import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def chinese(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def test_identify_page_in_english_and_chinese(page, chn_officer, registry):
    sign_in(page, chn_officer)
    page.goto("/substances/identify/")
    page.get_by_label("Structure: SMILES, InChI or MOL block").fill(
        "CN[C@@H](C)[C@H](O)c1ccccc1.Cl"
    )
    page.get_by_role("button", name="Identify", exact=True).click()
    assert page.get_by_test_id("status").inner_text() == "Under international control"
    assert "It is a salt of Ephedrine" in page.get_by_test_id("identify-result").inner_text()
    assert page.get_by_test_id("analogue").count() >= 1
    assert page.locator("img[src^='data:image/svg+xml']").count() >= 2

    page.get_by_test_id("language-zh-hans").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.get_by_label(chinese("or a name, synonym or CAS number")).fill("丙酮")
    page.get_by_role("button", name=chinese("Identify"), exact=True).click()
    status = page.get_by_test_id("status").inner_text()
    assert status == chinese("Under international control") != "Under international control"
    reasons = page.get_by_test_id("identify-result").inner_text()
    assert "丙酮" in reasons and "1988" in reasons
    assert page.console_errors == []


INVENTED_FENTANYL = "CCC(=O)N(c1ccccc1)C1CCN(CCc2ccc(SC)s2)CC1"


def test_an_unlisted_analogue_is_shown_amber_not_all_clear(page, chn_officer, registry):
    """Not listed, but a fentanyl next to thiofentanyl: the officer must not read all-clear."""
    sign_in(page, chn_officer)
    page.goto("/substances/identify/")
    page.get_by_label("Structure: SMILES, InChI or MOL block").fill(INVENTED_FENTANYL)
    page.get_by_role("button", name="Identify", exact=True).click()
    verdict = page.get_by_test_id("verdict")
    assert verdict.get_attribute("data-status") == "not_controlled"
    assert page.get_by_test_id("status").inner_text() == "Not listed internationally"
    advice = page.get_by_test_id("advice").inner_text()
    assert advice.startswith("Close to Thiofentanyl (family Fentanyl analogues")
    assert "national analogue or generic legislation" in advice
    green = "rgb(232, 243, 236)"
    assert verdict.evaluate("e => getComputedStyle(e).backgroundColor") not in (green, "")
    assert verdict.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 244, 224)"

    page.get_by_test_id("language-zh-hans").click()
    page.wait_for_load_state()
    page.get_by_label(chinese("Structure: SMILES, InChI or MOL block")).fill(INVENTED_FENTANYL)
    page.get_by_role("button", name=chinese("Identify"), exact=True).click()
    title = page.get_by_test_id("status").inner_text()
    assert title == chinese("Not listed internationally") != "Not listed internationally"
    advice = page.get_by_test_id("advice").inner_text()
    assert "硫代芬太尼" in advice
    assert "芬太尼类物质" in advice  # the family's Chinese name
    assert "类似物" in advice
    assert page.console_errors == []


def test_a_drawing_without_stereochemistry_is_possibly_controlled(page, chn_officer, registry):
    sign_in(page, chn_officer)
    page.goto("/substances/identify/")
    page.get_by_label("Structure: SMILES, InChI or MOL block").fill("CNC(C)C(O)c1ccccc1")
    page.get_by_role("button", name="Identify", exact=True).click()
    assert page.get_by_test_id("verdict").get_attribute("data-status") == "possibly_controlled"
    assert page.get_by_test_id("status").inner_text() == "Possibly under international control"
    reasons = page.get_by_test_id("identify-result").inner_text()
    assert "It may be Ephedrine" in reasons and "It may be Pseudoephedrine" in reasons
