"""Clearing a shipment with a finding of high severity in the browser: objecting is the
primary answer; clearing needs the box that names the finding ticked (the browser refuses
the form without it); a finding that appears meanwhile refuses the clear and is shown."""

import datetime

import pytest

from drugcontrol.core.models import Country
from drugcontrol.precursors import services
from drugcontrol.precursors.models import Finding, Severity
from drugcontrol.substances.selectors import find_by_name
from tests.precursors.conftest import future, submitted

from .test_notification_flow import sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clearing_over_a_high_finding_asks_for_confirmation(
    browser, live_server, make_user, make_org, registry
):
    exporter = make_user(organisation=make_org(country="CHN", name="China NNCC"), role="officer")
    importer = make_user(organisation=make_org(country="AUS", name="Australia ODC"), role="officer")
    services.requirement_set(
        actor=importer,
        country=Country.objects.get(iso3="AUS"),
        substance=find_by_name("Ephedrine"),
        year=datetime.date.fromisoformat(future()).year,
        quantity_kg="10",
    )
    notification = submitted(exporter)  # 25 kg of ephedrine: above the requirement

    context, page = sign_in_as(browser, live_server, importer)
    page.goto(f"/precursors/{notification.pk}/")
    object_button = page.get_by_role("button", name="Object")
    clear_button = page.get_by_role("button", name="Clear the shipment")
    assert "primary" in (object_button.get_attribute("class") or "")
    assert "primary" not in (clear_button.get_attribute("class") or "")
    confirmation = page.get_by_test_id("clear-confirmation")
    assert "above the legitimate requirement" in confirmation.inner_text()
    assert page.get_by_test_id("high-findings-note").is_visible()

    # Without the box ticked the browser does not send the form.
    clear_button.click()
    box = page.get_by_label("I have considered these findings of high severity:")
    assert box.evaluate("element => element.validity.valueMissing")
    assert page.get_by_test_id("status").inner_text() == "Submitted"

    # A finding that appears meanwhile: the clear is refused and the new finding shown.
    earlier = notification.findings.get(rule="requirement_exceeded")
    Finding.objects.create(
        notification=notification,
        rule="requirement_exceeded",
        severity=Severity.HIGH,
        facts={**earlier.facts, "total_kg": "999.000"},
    )
    box.check()
    clear_button.click()
    page.wait_for_load_state()
    errors = page.get_by_test_id("action-errors").inner_text()
    assert "appeared since you read the notification" in errors and "999" in errors
    assert page.get_by_test_id("status").inner_text() == "Submitted"
    assert page.get_by_test_id("clear-confirmation").locator("li").count() == 2

    # Ticked again on what is on file now: cleared.
    page.get_by_label("I have considered these findings of high severity:").check()
    page.get_by_role("button", name="Clear the shipment").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "Cleared"
    # The refused clear answered 409, which the browser reports; nothing else went wrong.
    assert [error for error in page.console_errors if "409" not in error] == []
    context.close()
