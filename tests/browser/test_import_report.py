"""An officer reading English uploads a bad incident file; the page follows the background
import and shows the report by row and column. Switching the page to Chinese shows the same
report in Chinese, and the response statistics' charts name the countries in Chinese."""

import pytest
from django.core.management import call_command

from drugcontrol.precursors import services

from ..conftest import PASSWORD
from ..precursors.conftest import submitted

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


def run_worker():
    call_command(
        "db_worker", batch=True, queue_name="*", startup_delay=False, reload=False, verbosity=0
    )


def test_the_import_report_reads_in_the_language_the_page_is_read_in(
    browser, live_server, make_user, registry, tmp_path
):
    officer = make_user(country="CHN", role="officer", kind="law_enforcement")
    bad = tmp_path / "incidents.csv"
    bad.write_text(
        "kind,date,substance,quantity,unit\nexplosion,2026-01-05,Ephedrine,-4,kg\n",
        encoding="utf-8",
    )

    context, page = sign_in_as(browser, live_server, officer)
    page.goto("/incidents/import/")
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_url("**/incidents/import/*/")
    progress = page.get_by_test_id("import-progress")
    assert progress.get_attribute("data-state") == "queued"
    run_worker()  # the page polls every second and shows the report once it is there
    report = page.get_by_test_id("import-report")
    report.wait_for(timeout=10_000)
    text = report.inner_text()
    assert "row 2" in text and "Unknown incident kind." in text
    assert "Must be greater than zero." in text

    page.get_by_test_id("language-zh-hans").click()
    page.wait_for_url("**/incidents/import/*/")
    text = page.get_by_test_id("import-report").inner_text()
    assert "第2行" in text and "未知的事件类型。" in text and "必须大于零。" in text
    assert "Unknown incident kind." not in text and "row 2" not in text
    context.close()


def test_the_statistics_charts_name_countries_in_the_readers_language(
    browser, live_server, make_user, registry
):
    exporter = make_user(country="CHN", role="officer")
    importer = make_user(country="AUS", role="officer")
    notification = submitted(exporter)
    services.notification_answer(actor=importer, notification=notification, decision="clear")

    context, page = sign_in_as(browser, live_server, exporter)
    page.goto("/precursors/statistics/")
    assert page.locator("svg.chart .chart-label").all_text_contents() == ["Australia"] * 2
    page.get_by_test_id("language-zh-hans").click()
    page.wait_for_url("**/precursors/statistics/")
    assert page.locator("svg.chart .chart-label").all_text_contents() == ["澳大利亚"] * 2
    assert "天" in page.locator("svg.chart").nth(1).text_content()
    context.close()
