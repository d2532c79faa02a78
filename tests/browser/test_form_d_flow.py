"""Form D in the browser: China's authority generates the draft from its seizures and
notifications, completes an entry, submits; the secretariat accepts it and downloads the
XLSX, which is laid out like the form."""

import datetime

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from drugcontrol.core.visibility import visible
from drugcontrol.entities.models import Party
from drugcontrol.incidents import services as incident_services
from drugcontrol.substances.selectors import find_by_name

from .test_notification_flow import sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = timezone.localdate().year - 1


def test_form_d_generated_completed_submitted_accepted_and_downloaded(
    browser, live_server, make_user, make_org, registry
):
    authority = make_user(organisation=make_org(country="CHN", name="China NNCC"), role="officer")
    secretariat = make_user(kind="international", role="officer")
    police = make_user(country="CHN", kind="law_enforcement", role="officer")
    raw = {
        "kind": "seizure",
        "occurred_on": datetime.date(YEAR, 5, 20).isoformat(),
        "distribution": "country",
        "countries": [{"country": "IND", "role": "origin"}],
        "substances": [
            {"substance_id": find_by_name("Ephedrine").pk, "quantity": "42", "unit": "kg"}
        ],
        "concealment": "declared as vitamin C",
    }
    incident_services.incident_create(
        actor=police,
        data=incident_services.validate_incident(raw, visible_parties=visible(Party, police)),
    )

    context, page = sign_in_as(browser, live_server, authority)
    page.goto("/precursors/annual-reports/")
    page.locator("input[name=year]").first.fill(str(YEAR))
    page.get_by_role("button", name="Generate the draft").click()
    page.wait_for_url("**/precursors/annual-reports/*/")
    assert page.get_by_test_id("status").inner_text() == "Draft"
    seizures = page.get_by_test_id("section-seizures_scheduled").inner_text()
    assert "Ephedrine" in seizures and "42" in seizures and "India" in seizures
    assert "declared as vitamin C" in page.get_by_test_id("section-methods").inner_text()
    report_url = page.url

    page.get_by_role("link", name="Complete or correct").click()
    section = page.get_by_test_id("edit-methods")
    section.locator("textarea[name='methods-1-text']").fill("Orders split across pharmacies")
    section.locator("input[name='methods-1-count']").fill("3")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(report_url)
    methods = page.get_by_test_id("section-methods").inner_text()
    assert "Orders split across pharmacies" in methods and "by hand" in methods
    page.get_by_role("button", name="Submit to the secretariat").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "Submitted"
    assert "1" in page.get_by_test_id("versions").inner_text()
    assert page.console_errors == []
    context.close()

    context, page = sign_in_as(browser, live_server, secretariat)
    page.goto("/precursors/annual-reports/?status=submitted")
    page.get_by_role("link", name="China").click()
    page.get_by_role("button", name="Accept").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "Accepted"
    with page.expect_download() as download_info:
        page.get_by_test_id("export-xlsx").click()
    download = download_info.value
    assert download.suggested_filename == f"form-d-CHN-{YEAR}.xlsx"
    with open(download.path(), "rb") as handle:  # the download's path has no file ending
        sheet = load_workbook(handle).active
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0].startswith("Form D")
    assert rows[4][:2] == ("Status", "Accepted")
    ephedrine = next(row for row in rows if row[0] == "Ephedrine")
    assert ephedrine[1] == 42 and ephedrine[4] == "India"
    assert any(row[0] == "Orders split across pharmacies" for row in rows)
    assert page.console_errors == []
    context.close()
