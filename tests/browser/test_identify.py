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
