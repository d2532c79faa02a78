"""The balance check in a browser, with the two authorities: Kenya's authority issues an
import authorization on its form; India's sees Kenya's balance before deciding, is refused
beyond it with the article named, issues the export within it; a supplementary estimate,
once confirmed, raises what remains; Kenya endorses what arrived; India's page in Chinese."""

import datetime

import pytest
from django.utils import timezone

from drugcontrol.medicines import services

from .test_monitoring_flow import sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def import_from_india(kenya, number, kg):
    return services.import_authorization_issue(
        actor=kenya,
        number=number,
        importing_country="KEN",
        exporting_country="IND",
        substance="Morphine",
        quantity=kg,
        unit="kg",
        importer="Kenya Medical Supplies Authority",
        exporter="Example Alkaloids Ltd",
        valid_until=timezone.localdate() + datetime.timedelta(days=90),
    )


def test_an_export_checked_against_the_balance_by_the_two_authorities(
    browser, live_server, make_user, registry
):
    kenya = make_user(country="KEN", kind="competent_authority", role="officer")
    india = make_user(country="IND", kind="competent_authority", role="officer")
    secretariat = make_user(kind="international", role="officer")
    year = timezone.localdate().year
    estimate = services.estimate_submit(
        actor=kenya, country="KEN", year=year, substance="Morphine", consumption_kg="10"
    )
    estimate = services.estimate_confirm(actor=secretariat, estimate=estimate)

    kenyan_context, kenyan = sign_in_as(browser, live_server, kenya)
    kenyan.goto("/medicines/")
    kenyan.get_by_test_id("authorization-new").click()
    kenyan.locator("input[name=number]").fill("KE-2026-7")
    kenyan.locator("select[name=exporting_country]").select_option("IND")
    kenyan.locator("select[name=substance]").select_option("Morphine")
    kenyan.locator("select[name=pharmaceutical_form]").select_option("tablet")
    kenyan.locator("input[name=quantity]").fill("12")
    kenyan.locator("input[name=importer]").fill("Kenya Medical Supplies Authority")
    kenyan.locator("input[name=exporter]").fill("Example Alkaloids Ltd")
    until = timezone.localdate() + datetime.timedelta(days=90)
    kenyan.locator("input[name=valid_until]").fill(until.isoformat())
    kenyan.get_by_role("button", name="Issue").click()
    kenyan.wait_for_url("**/medicines/authorizations/*/")
    assert kenyan.get_by_test_id("authorization").get_attribute("data-status") == "issued"
    page_url = kenyan.url

    indian_context, indian = sign_in_as(browser, live_server, india)
    indian.goto("/medicines/")
    indian.get_by_test_id("to-export").get_by_role("link").click()
    indian.wait_for_url(page_url)
    assert "10 kg of 10 kg" in indian.get_by_test_id("balance").inner_text()
    indian.locator("input[name=number]").fill("IN-EX-1")
    indian.get_by_role("button", name="Issue").click()  # the 12 kg asked for
    refusal = indian.locator('[data-field="quantity_kg"]').inner_text()
    assert "article 31, paragraph 1 (b), of the Single Convention" in refusal
    assert indian.get_by_test_id("export").count() == 0
    # The refused form answers 400, which the browser reports; nothing else went wrong.
    assert [m for m in indian.console_errors if "400" not in m] == []
    indian.console_errors.clear()
    indian.locator("input[name=quantity_kg]").fill("8")
    indian.get_by_role("button", name="Issue").click()
    indian.wait_for_url(page_url)
    assert indian.get_by_test_id("export").get_attribute("data-status") == "issued"

    # A supplementary estimate of 5 kg, confirmed: 10 + 5 - 8 = 7 kg remain.
    supplement = services.supplement_submit(
        actor=kenya, estimate=estimate, added_kg="5", reason="An epidemic of cancer pain."
    )
    services.supplement_confirm(actor=secretariat, supplement=supplement)
    second = import_from_india(kenya, "KE-2026-8", "7")
    indian.goto(f"/medicines/authorizations/{second.pk}/")
    assert "7 kg of 15 kg" in indian.get_by_test_id("balance").inner_text()
    indian.locator("input[name=number]").fill("IN-EX-2")
    indian.get_by_role("button", name="Issue").click()
    indian.wait_for_url(f"**/medicines/authorizations/{second.pk}/")
    assert indian.get_by_test_id("export").count() == 1

    kenyan.goto(page_url)
    kenyan.locator("input[name=received_kg]").fill("8")
    kenyan.get_by_role("button", name="Endorse").click()
    kenyan.wait_for_url(page_url)
    assert kenyan.get_by_test_id("export").get_attribute("data-status") == "endorsed"

    third = import_from_india(kenya, "KE-2026-9", "1")
    indian.goto(f"/medicines/authorizations/{third.pk}/")
    indian.get_by_test_id("language-zh-hans").click()
    indian.wait_for_load_state()
    assert indian.locator("html").get_attribute("lang") == "zh-hans"
    assert "肯尼亚 " in indian.get_by_test_id("balance").inner_text()
    assert "15 公斤中剩余 0 公斤" in indian.get_by_test_id("balance").inner_text()
    assert indian.locator("h1").inner_text() == "进口许可证 KE-2026-9"
    assert kenyan.console_errors == [] and indian.console_errors == []
    kenyan_context.close()
    indian_context.close()
