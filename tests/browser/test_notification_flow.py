"""A full pre-export notification exchange between two authorities in the browser: China
drafts and submits, Australia acknowledges and objects with a ground, the objection shows on
China's side; Singapore (transit) reads it without actions; Mexico sees nothing."""

import datetime

import pytest

from .conftest import watched
from .test_choosing import _search_box
from .test_incident_flow import sign_in_as as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_as(browser, live_server, user):
    context, page = _sign_in(browser, live_server, user)
    return context, watched(page)


def test_exchange_between_exporting_and_importing_authorities(
    browser, live_server, make_user, make_org, registry
):
    exporter = make_user(organisation=make_org(country="CHN", name="China NNCC"), role="officer")
    importer = make_user(organisation=make_org(country="AUS", name="Australia ODC"), role="officer")
    transit = make_user(country="SGP", role="focal_point")
    third = make_user(country="MEX", role="focal_point")

    context, page = sign_in_as(browser, live_server, exporter)
    page.goto("/precursors/new/")
    _search_box(page, "importing_country").fill("Australia")
    assert page.locator("select[name=importing_country]").input_value() == "AUS"
    page.locator("select[name=transit_countries]").select_option(["SGP"])
    page.locator("select[name=transport_mode]").select_option("sea")
    page.locator("input[name=point_of_exit]").fill("Shanghai")
    page.locator("input[name=point_of_entry]").fill("Port of Melbourne")
    dispatch = datetime.date.today() + datetime.timedelta(days=20)
    page.locator("input[name=expected_dispatch]").fill(dispatch.isoformat())
    page.locator("input[name=line-substance-0]").fill("Pseudoephedrine")
    page.locator("input[name=line-quantity-0]").fill("250")
    page.locator("select[name=line-unit-0]").select_option("kg")
    page.locator("input[name=party-exporter]").fill("Jiangsu Hengrui Pharmaceutical Co., Ltd.")
    page.get_by_label("Address of the Exporter").fill("7 Kunlunshan Road, Lianyungang")
    page.locator("input[name=party-importer]").fill("Southern Cross Pharma Pty Ltd")
    page.locator("select[name=party-importer-country]").select_option("AUS")
    page.get_by_label("Address of the Importer").fill("12 Collins Street, Melbourne")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url("**/precursors/*/")
    assert page.get_by_test_id("status").inner_text() == "Draft"
    reference = page.locator("h1").inner_text().split()[0]
    detail_url = page.url
    page.get_by_role("button", name="Submit to the importing country").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "Submitted"
    assert "First notification for the importer" in page.get_by_test_id("findings").inner_text()
    assert page.console_errors == []
    context.close()

    context, page = sign_in_as(browser, live_server, importer)
    page.goto("/precursors/inbox/")
    assert reference in page.get_by_test_id("inbox-row").inner_text()
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Acknowledge receipt").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "Acknowledged"
    form = page.get_by_test_id("object-form")
    form.locator("select[name=ground]").select_option("unknown_importer")
    form.locator("input[name=detail]").fill("The importer holds no licence for pseudoephedrine.")
    form.get_by_role("button", name="Object").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "Objected"
    assert page.console_errors == []
    context.close()

    context, page = sign_in_as(browser, live_server, exporter)
    page.goto(detail_url)
    objection = page.get_by_test_id("objection").inner_text()
    assert "Importer not authorised or unknown" in objection
    assert "holds no licence" in objection
    context.close()

    context, page = sign_in_as(browser, live_server, transit)
    page.goto(detail_url)
    assert page.get_by_test_id("status").inner_text() == "Objected"
    assert page.get_by_test_id("actions").count() == 0
    assert page.locator("textarea[name=body]").count() == 0
    context.close()

    context, page = sign_in_as(browser, live_server, third)
    response = page.goto(detail_url)
    assert response.status == 404
    page.goto("/precursors/")
    assert reference not in page.content()
    context.close()
