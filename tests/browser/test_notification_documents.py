"""In the browser: the exporting authority sets its own reply deadline (within the importing
country's terms) and attaches the invoice to its draft, submits it; the importing authority
sees the deadline with the days left and downloads the invoice."""

import datetime
from pathlib import Path

import pytest
from django.test import override_settings

from .conftest import watched
from .test_incident_flow import sign_in_as as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INVOICE = b"%PDF-1.4\n% Commercial invoice INV-2026-0042\n"


def sign_in_as(browser, live_server, user):
    context, page = _sign_in(browser, live_server, user)
    return context, watched(page)


def test_exporter_sets_a_deadline_and_attaches_an_invoice_the_importer_downloads(
    browser, live_server, make_user, make_org, registry, tmp_path
):
    exporter = make_user(organisation=make_org(country="CHN", name="China NNCC"), role="officer")
    importer = make_user(organisation=make_org(country="AUS", name="Australia ODC"), role="officer")
    deadline = datetime.date.today() + datetime.timedelta(days=9)
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(INVOICE)

    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        context, page = sign_in_as(browser, live_server, exporter)
        page.goto("/precursors/new/")
        page.locator("select[name=importing_country]").select_option("AUS")
        page.locator("select[name=transport_mode]").select_option("sea")
        page.locator("input[name=point_of_entry]").fill("Port of Melbourne")
        dispatch = datetime.date.today() + datetime.timedelta(days=20)
        page.locator("input[name=expected_dispatch]").fill(dispatch.isoformat())
        page.locator("input[name=invoice_number]").fill("INV-2026-0042")
        page.locator("input[name=reply_deadline]").fill(deadline.isoformat())
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
        reference = page.locator("h1").inner_text().split()[0]
        detail_url = page.url
        form = page.get_by_test_id("attach-form")
        form.locator("select[name=kind]").select_option("invoice")
        form.locator("input[name=file]").set_input_files(str(invoice))
        form.get_by_role("button", name="Attach").click()
        page.wait_for_load_state()
        assert "invoice.pdf" in page.get_by_test_id("attachments").inner_text()
        page.get_by_role("button", name="Submit to the importing country").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("status").inner_text() == "Submitted"
        assert "9 days left" in page.get_by_test_id("deadline").inner_text()
        assert page.get_by_test_id("attach-form").count() == 0  # no longer a draft
        assert page.console_errors == []
        context.close()

        context, page = sign_in_as(browser, live_server, importer)
        page.goto("/precursors/inbox/")
        assert reference in page.get_by_test_id("inbox-row").inner_text()
        page.goto(detail_url)
        assert "9 days left" in page.get_by_test_id("deadline").inner_text()
        with page.expect_download() as download_info:
            page.get_by_test_id("attachments").get_by_role("link", name="invoice.pdf").click()
        download = download_info.value
        assert download.suggested_filename == "invoice.pdf"
        assert Path(download.path()).read_bytes() == INVOICE
        # The importing authority may attach its permit to its answer.
        assert page.get_by_test_id("attach-form").count() == 1
        assert page.console_errors == []
        context.close()
