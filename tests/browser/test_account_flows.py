"""A real Chromium signs in, switches language, creates and revokes an API token."""

import pytest
from django.utils import translation

from drugcontrol.core.models import ApiToken

from ..conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def chinese(text: str) -> str:
    with translation.override("zh-hans"):
        translated = translation.gettext(text)
    assert translated != text, f"no Chinese translation for {text!r}"
    return translated


def sign_in(page, user):
    page.goto("/")
    assert "/accounts/sign-in/" in page.url
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def test_sign_in_and_switch_language(page, chn_officer):
    sign_in(page, chn_officer)
    assert page.locator("h1").inner_text() == chn_officer.organisation.name
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_test_id("language-zh-hans").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("button", name=chinese("Sign out")).is_visible()
    assert page.get_by_role("link", name=chinese("Home")).is_visible()

    page.get_by_test_id("language-en").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert page.console_errors == []


def test_create_use_and_revoke_an_api_token(page, chn_officer, live_server):
    sign_in(page, chn_officer)
    page.goto("/accounts/tokens/")
    page.get_by_label("Name").fill("Customs risk engine")
    page.get_by_label("Valid for (days)").fill("30")
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_test_id("new-token").inner_text().strip()
    assert secret.startswith("dct_")

    api = page.context.request
    response = api.get(
        f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status == 200 and response.json()["username"] == chn_officer.username

    row = page.get_by_test_id("token-row").filter(has_text="Customs risk engine")
    assert row.get_by_test_id("token-status").inner_text() == "Active"
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Revoke").click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=token-status]').innerText.includes('Revoked')"
    )
    assert ApiToken.objects.get(user=chn_officer).revoked_at is not None

    anonymous = page.context.browser.new_context()
    response = anonymous.request.get(
        f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    anonymous.close()
    assert page.console_errors == []
