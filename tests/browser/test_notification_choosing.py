"""The notification form picks a country and a substance from suggestions: the importing
country is found in the country list by part of its Chinese name, the substance and the
importer on file are chosen from the suggestions as they are typed, and the draft saved
has that country, substance and party, with the importer's name kept as typed."""

import pytest

from drugcontrol.entities import services as entity_services
from drugcontrol.precursors.models import Notification
from drugcontrol.substances.selectors import find_by_name

from .test_account_flows import sign_in
from .test_choosing import _pick, _search_box

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_notification_form_picks_a_country_and_a_substance_from_suggestions(
    page, chn_officer, registry
):
    party = entity_services.party_create(
        actor=chn_officer,
        data=entity_services.validate_party(
            kind="company", name="Southern Cross Pharma Pty Ltd", country_code="AUS"
        ),
    )
    sign_in(page, chn_officer)
    page.goto("/precursors/new/")
    _search_box(page, "importing_country").fill("澳大利")  # part of a Chinese name
    assert page.locator("select[name=importing_country]").input_value() == "AUS"
    page.locator("select[name=transit_countries]").select_option(["SGP"])

    value, _id = _pick(page, "line-substance-0", "Pseudoeph", "substance-options")
    assert value == "Pseudoephedrine"
    page.locator("input[name=line-quantity-0]").fill("250")
    page.locator("select[name=line-unit-0]").select_option("kg")

    page.locator("input[name=party-exporter]").fill("Jiangsu Hengrui Pharmaceutical Co., Ltd.")
    page.get_by_label("Address of the Exporter").fill("7 Kunlunshan Road, Lianyungang")
    value, chosen = _pick(page, "party-importer", "Southern Cr", "party-options")
    assert (value, chosen) == ("Southern Cross Pharma Pty Ltd", str(party.pk))
    assert page.locator("input[name=party-importer-id]").input_value() == str(party.pk)
    picked = page.locator("[data-role=importer]").get_by_test_id("picked-party")
    assert picked.inner_text() == "On file: Southern Cross Pharma Pty Ltd (AUS)"
    typed = "Southern Cross Pharma (as on the invoice)"
    page.locator("input[name=party-importer]").fill(typed)  # the name as reported
    assert page.locator("input[name=party-importer-id]").input_value() == str(party.pk)
    page.get_by_label("Address of the Importer").fill("12 Collins Street, Melbourne")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url("**/precursors/*/")
    assert page.get_by_test_id("status").inner_text() == "Draft"

    notification = Notification.objects.get()
    assert notification.importing_country_id == "AUS"
    assert [t.country_id for t in notification.transits.all()] == ["SGP"]
    assert notification.lines.get().substance == find_by_name("Pseudoephedrine")
    importer = notification.parties.get(role="importer")
    assert (importer.party_id, importer.reported_name) == (party.pk, typed)
    row = page.get_by_test_id("notification-party").filter(has_text="Importer").inner_text()
    assert typed in row and "Southern Cross Pharma Pty Ltd" in row and "[#" not in row

    # the draft's form shows the name as typed, the party on file beside it
    page.goto(f"/precursors/{notification.pk}/edit/")
    assert page.locator("input[name=party-importer]").input_value() == typed
    assert page.locator("input[name=party-importer-id]").input_value() == str(party.pk)
    picked = page.locator("[data-role=importer]").get_by_test_id("picked-party")
    assert picked.inner_text() == "On file: Southern Cross Pharma Pty Ltd (AUS)"
    assert page.locator("select[name=importing_country]").input_value() == "AUS"
    assert not page.console_errors
