"""Country A reports a seizure naming a consignee that country B has on file under its
pinyin name: B's focal point is alerted and sees the record; country C does not."""

import datetime

import pytest

from drugcontrol.entities import services as entity_services

from ..conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_as(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.goto("/accounts/sign-in/")
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return context, page


def test_seizure_alerts_the_country_holding_the_consignee(
    browser, live_server, make_user, registry
):
    a_officer = make_user(country="CHN", role="officer")
    b_focal = make_user(country="DEU", role="focal_point")
    c_focal = make_user(country="MEX", role="focal_point")
    entity_services.party_create(
        actor=b_focal,
        data=entity_services.validate_party(
            kind="company", name="Guangzhou Tianhe Huagong Youxian Gongsi", country_code="CHN"
        ),
    )

    context, page = sign_in_as(browser, live_server, a_officer)
    page.goto("/incidents/new/")
    page.locator("select[name=kind]").select_option("seizure")
    page.locator("input[name=occurred_on]").fill(datetime.date.today().isoformat())
    page.locator("select[name=country-0]").select_option("CHN")
    page.locator("select[name=country-role-0]").select_option("departure")
    page.locator("select[name=country-1]").select_option("AUS")
    page.locator("select[name=country-role-1]").select_option("destination")
    page.locator("input[name=substance-0]").fill("Ephedrine")
    page.locator("input[name=quantity-0]").fill("25")
    page.locator("select[name=unit-0]").select_option("kg")
    page.locator("select[name=party-role-0]").select_option("consignee")
    page.locator("input[name=party-0]").fill("广州天河化工有限公司")
    page.locator("select[name=party-country-0]").select_option("CHN")
    page.get_by_role("button", name="Report", exact=True).click()
    page.wait_for_url("**/incidents/*/")
    reference = page.locator("h1").inner_text().split()[0]
    incident_url = page.url
    # B's party is on no record A may see: A is not told of it (B is, below).
    assert page.get_by_test_id("related-row").count() == 0
    context.close()

    context, page = sign_in_as(browser, live_server, b_focal)
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    page.get_by_test_id("alerts-link").click()
    row = page.get_by_test_id("alert-row").first
    assert reference in row.inner_text()
    row.get_by_role("button", name="Open").click()
    page.wait_for_url(incident_url)
    related = page.get_by_test_id("related").inner_text()
    assert "Guangzhou Tianhe Huagong Youxian Gongsi" in related
    context.close()

    context, page = sign_in_as(browser, live_server, c_focal)
    assert page.get_by_test_id("unread-count").count() == 0
    response = page.goto(incident_url)
    assert response.status == 404
    page.goto("/incidents/")
    assert reference not in page.content()
    context.close()
