"""National monitoring in a browser: China's focal point fills the drug use form for last
year cell by cell (each saved as it is left, the checks redrawn beside the form without
reloading the page), explains a jump from the year before and submits; the secretariat
returns it with a comment, the focal point corrects and resubmits, the secretariat accepts
and publishes; a German user reads it only once published; the page in Chinese."""

import pytest
from django.utils import timezone

from drugcontrol.monitoring import selectors, services
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MONTH = "drug=cannabis;period=past_month"
YEAR = "drug=cannabis;period=past_year"


def sign_in_as(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda message: (
            page.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.goto("/accounts/sign-in/")
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return context, page


def cell(page, element, key=""):
    return page.locator(f'td[data-testid="cell"][data-element="{element}"][data-key="{key}"]')


def type_into(page, element, key, value, *, box="input.value", state=None):
    """Type into a cell's box and leave it; wait for the cell htmx draws again."""
    with page.expect_response(lambda response: response.url.endswith("/cell/")) as answer:
        box_of = cell(page, element, key).locator(box)
        box_of.fill(value)
        box_of.press("Tab")
    assert answer.value.status == 200
    if state is not None:
        page.wait_for_selector(
            f'td[data-element="{element}"][data-key="{key}"][data-state="{state}"]'
        )


def checks(page) -> list[tuple[str, str]]:
    return [
        (item.get_attribute("data-rule"), item.get_attribute("data-importance"))
        for item in page.get_by_test_id("violation").all()
    ]


def test_a_data_set_from_its_first_value_to_publication(browser, live_server, make_user):
    services.definitions_load()
    focal = make_user(country="CHN", kind="competent_authority", role="focal_point")
    secretariat = make_user(kind="international", role="officer")
    reader = make_user(country="DEU", kind="law_enforcement", role="viewer")
    last_year = timezone.localdate().year - 1
    # The year before, for the jumps (entered through the services).
    dataset = selectors.dataset_get(focal, "ARQ_USE")
    before = services.submission_open(
        actor=focal, country="CHN", dataset=dataset, year=last_year - 1
    )
    services.value_set(
        actor=focal,
        submission=before,
        item=services.ValueInput(
            element="PREV", options={"drug": "cannabis", "period": "past_year"}, value="1"
        ),
    )

    # China's focal point opens the form for last year.
    context, page = sign_in_as(browser, live_server, focal)
    page.goto("/monitoring/")
    open_form = page.get_by_test_id("open-form")
    open_form.get_by_label("Data set").select_option("ARQ_USE")
    assert open_form.get_by_label("Year").input_value() == str(last_year)
    open_form.get_by_role("button", name="Open the form").click()
    page.wait_for_url("**/monitoring/submissions/*/")
    url = page.url
    assert page.get_by_test_id("status").get_attribute("data-value") == "draft"
    assert cell(page, "PREV", YEAR).get_by_test_id("previous").inner_text() == "last year 1"
    page.evaluate("window.notReloaded = true")

    # A past-month prevalence above the past-year one: the cell and the checks say so.
    type_into(page, "PREV", YEAR, "2", state="")
    type_into(page, "PREV", MONTH, "3", state="error")
    assert "Past-month" in cell(page, "PREV", MONTH).get_by_test_id("cell-message").inner_text()
    assert checks(page) == [("PREV_MONTH_YEAR", "error")]
    assert page.get_by_test_id("validation").get_attribute("data-errors") == "1"
    # Fixed.
    type_into(page, "PREV", MONTH, "1", state="")
    assert checks(page) == []
    page.get_by_test_id("no-violation").wait_for()

    # Five times last year's figure: a warning, explained by a comment on the cell.
    type_into(page, "PREV", YEAR, "5", state="warning")
    assert checks(page) == [("PREV_JUMP", "warning")]
    assert page.get_by_test_id("validation").get_attribute("data-warnings") == "1"
    type_into(page, "PREV", YEAR, "A new national survey.", box="input.note", state="warning")
    assert page.evaluate("window.notReloaded") is True  # every cell saved without a reload
    page.get_by_test_id("act-submit").click()
    page.wait_for_url(url)
    assert page.get_by_test_id("status").get_attribute("data-value") == "submitted"
    assert page.locator('input[name^="cell|"]').count() == 0  # locked

    # Another country does not see it before publication.
    deu_context, deu_page = sign_in_as(browser, live_server, reader)
    assert deu_page.goto(url).status == 404
    deu_page.console_errors.clear()  # that 404 was the point

    # The secretariat returns it with a comment.
    intl_context, intl_page = sign_in_as(browser, live_server, secretariat)
    intl_page.goto("/monitoring/")
    intl_page.get_by_test_id("awaiting-row").get_by_role("link").click()
    intl_page.wait_for_url(url)
    intl_page.get_by_label("Comment").fill("Please give the survey's sample size.")
    intl_page.get_by_test_id("act-return").click()
    intl_page.wait_for_url(url)
    assert intl_page.get_by_test_id("status").get_attribute("data-value") == "returned"

    # The focal point reads the comment, changes a value and submits again.
    page.reload()
    assert page.get_by_test_id("status").get_attribute("data-value") == "returned"
    assert "sample size" in page.get_by_test_id("comments").inner_text()
    type_into(page, "PREV", MONTH, "1.5", state="")
    page.get_by_test_id("act-submit").click()
    page.wait_for_url(url)
    assert page.get_by_test_id("status").get_attribute("data-value") == "submitted"

    # The secretariat accepts and publishes.
    intl_page.reload()
    intl_page.get_by_test_id("act-accept").click()
    intl_page.wait_for_url(url)
    assert intl_page.get_by_test_id("status").get_attribute("data-value") == "accepted"
    intl_page.get_by_test_id("act-publish").click()
    intl_page.wait_for_url(url)
    assert intl_page.get_by_test_id("status").get_attribute("data-value") == "published"

    # Published: the German reader reads it.
    assert deu_page.goto(url).status == 200
    assert deu_page.get_by_test_id("status").get_attribute("data-value") == "published"
    assert cell(deu_page, "PREV", MONTH).locator(".value").inner_text() == "1.5"
    assert cell(deu_page, "PREV", YEAR).locator(".note").inner_text() == "A new national survey."
    assert deu_page.locator('input[name^="cell|"]').count() == 0
    deu_page.goto("/monitoring/")
    assert deu_page.get_by_test_id("published-row").count() == 1

    # In Chinese: the same grid and status.
    deu_page.goto(url)
    cells = deu_page.get_by_test_id("cell").count()
    deu_page.get_by_test_id("language-zh-hans").click()
    deu_page.wait_for_url(url)
    assert deu_page.locator("html").get_attribute("lang") == "zh-hans"
    assert deu_page.get_by_test_id("cell").count() == cells > 0
    assert deu_page.get_by_test_id("status").get_attribute("data-value") == "published"
    assert cell(deu_page, "PREV", MONTH).locator(".value").inner_text() == "1.5"
    assert deu_page.get_by_test_id("element").count() == 10

    for each in (page, intl_page, deu_page):
        assert each.console_errors == [], each.console_errors
    for each in (context, intl_context, deu_context):
        each.close()
