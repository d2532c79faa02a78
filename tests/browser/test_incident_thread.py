"""On an incident China shared with Germany, a German police officer asks for a controlled
delivery; China's focal point is alerted, accepts it, and the officer sees the answer. The
thread's form is read in Chinese too."""

import datetime

import pytest

from drugcontrol.core.visibility import visible
from drugcontrol.entities.models import Party
from drugcontrol.incidents import services

from .test_incident_flow import sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_controlled_delivery_is_asked_and_accepted(browser, live_server, make_user):
    chn_police = make_user(country="CHN", role="officer", kind="law_enforcement")
    chn_focal = make_user(country="CHN", role="focal_point", organisation=chn_police.organisation)
    deu_officer = make_user(country="DEU", role="officer", kind="law_enforcement")
    data = services.validate_incident(
        {
            "kind": "seizure",
            "occurred_on": (datetime.date.today() - datetime.timedelta(days=2)).isoformat(),
            "countries": [
                {"country": "CHN", "role": "departure"},
                {"country": "DEU", "role": "destination"},
            ],
            "place_of_seizure": "Port of Shanghai, Yangshan",
            "seizure_locode": "CNSHA",
        },
        visible_parties=visible(Party, chn_police),
    )
    incident = services.incident_create(actor=chn_police, data=data)
    url = f"/incidents/{incident.pk}/"

    context, page = sign_in_as(browser, live_server, deu_officer)
    page.goto(url)
    assert "CNSHA" in page.get_by_test_id("place-of-seizure").inner_text()
    form = page.get_by_test_id("message-form")
    form.locator("select[name=kind]").select_option("controlled_delivery_request")
    form.locator("select[name=addressed_country]").select_option("CHN")
    form.locator("textarea[name=body]").fill("Please let the container run to Hamburg.")
    form.get_by_role("button", name="Send").click()
    page.wait_for_url(f"**{url}#thread")
    request = page.get_by_test_id("thread-message").last
    assert "Please let the container run to Hamburg." in request.inner_text()
    assert request.get_by_test_id("request-status").inner_text() == "Open"
    # The requester may withdraw, not accept, its own request.
    assert request.get_by_role("button", name="Withdraw").count() == 1
    assert request.get_by_role("button", name="Accept").count() == 0
    context.close()

    context, page = sign_in_as(browser, live_server, chn_focal)
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    page.get_by_test_id("alerts-link").click()
    row = page.get_by_test_id("alert-row").first
    assert "Request for a controlled delivery" in row.inner_text()
    row.get_by_role("button", name="Open").click()
    page.wait_for_url(f"**{url}")
    request = page.get_by_test_id("thread-message").last
    request.locator("input[name=note]").fill("Agreed; our liaison officer will call.")
    request.get_by_role("button", name="Accept").click()
    page.wait_for_url(f"**{url}#thread")
    request = page.get_by_test_id("thread-message").last
    assert request.get_by_test_id("request-status").inner_text() == "Accepted"
    assert "Agreed; our liaison officer will call." in request.inner_text()
    assert request.get_by_role("button", name="Accept").count() == 0
    context.close()

    context, page = sign_in_as(browser, live_server, deu_officer)
    page.get_by_test_id("alerts-link").click()  # the answer is the newest alert
    assert "Accepted" in page.get_by_test_id("alert-row").first.inner_text()
    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page.goto(url)
    # The thread's form in Chinese: its button reads 发送 ("Send").
    assert page.get_by_test_id("message-form").get_by_role("button", name="发送").count() == 1
    context.close()
