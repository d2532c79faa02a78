"""Test helpers shared by every app's tests (kept in the package so each app can import them).

`check_scope` is the one way to prove that a record kind's visibility rule holds on its list
endpoint, detail endpoint and page, for anonymous users, another country, the own country and
the international secretariat.
"""

from dataclasses import dataclass

from django.test import Client


@dataclass(frozen=True)
class ScopeTarget:
    """Where one record shows up. Any URL may be None when that surface does not exist."""

    record_id: object
    list_url: str | None = None
    detail_url: str | None = None
    page_url: str | None = None
    list_page_url: str | None = None
    page_marker: str | None = None  # text that shows the record on the list page
    id_key: str = "id"


def _client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="drugcontrol.core.backends.OrganisationAwareBackend")
    return client


def _listed_ids(client: Client, url: str, id_key: str) -> list:
    separator = "&" if "?" in url else "?"
    response = client.get(f"{url}{separator}page_size=200")
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return [item[id_key] for item in response.json()["items"]]


def _assert_sees(client: Client, target: ScopeTarget, who: str) -> None:
    if target.list_url:
        ids = _listed_ids(client, target.list_url, target.id_key)
        assert target.record_id in ids, f"{who} should find the record in {target.list_url}"
    if target.detail_url:
        response = client.get(target.detail_url)
        assert response.status_code == 200, f"{who}: {target.detail_url} -> {response.status_code}"
        assert response.json()[target.id_key] == target.record_id
    if target.page_url:
        response = client.get(target.page_url)
        assert response.status_code == 200, f"{who}: {target.page_url} -> {response.status_code}"
    if target.list_page_url:
        response = client.get(target.list_page_url)
        assert response.status_code == 200, f"{who}: {target.list_page_url}"
        assert target.page_marker in response.content.decode(), f"{who} should see it listed"


def _assert_hidden(client: Client, target: ScopeTarget, who: str) -> None:
    if target.list_url:
        ids = _listed_ids(client, target.list_url, target.id_key)
        assert target.record_id not in ids, f"{who} must not find the record in {target.list_url}"
    if target.detail_url:
        response = client.get(target.detail_url)
        assert response.status_code == 404, f"{who}: {target.detail_url} -> {response.status_code}"
        assert response.json()["error"]["code"] == "not_found"
    if target.page_url:
        response = client.get(target.page_url)
        assert response.status_code == 404, f"{who}: {target.page_url} -> {response.status_code}"
    if target.list_page_url:
        response = client.get(target.list_page_url)
        if response.status_code == 200:
            assert target.page_marker not in response.content.decode(), f"{who} sees it listed"
        else:
            assert response.status_code in (403, 404), f"{who}: {target.list_page_url}"


def check_scope(
    target: ScopeTarget,
    *,
    own_country_user,
    other_country_user,
    international_user=None,
    international_sees: bool = True,
    other_countries_see: bool = False,
) -> None:
    """Assert the visibility rule on every surface of one record.

    - anonymous: the API answers 401 in the common error shape, the page redirects to sign-in;
    - another country's user: omitted from the list, 404 on detail and page;
    - the own country's user: listed, 200 on detail and page;
    - an international user: as `international_sees` says.

    `other_countries_see=True` is for shared reference data that every signed-in user sees.
    """
    anonymous = Client()
    for url in (target.list_url, target.detail_url):
        if url:
            response = anonymous.get(url)
            assert response.status_code == 401, f"anonymous: {url} -> {response.status_code}"
            assert response.json()["error"]["code"] == "not_authenticated"
    for url in (target.page_url, target.list_page_url):
        if url:
            response = anonymous.get(url)
            assert response.status_code == 302, f"anonymous: {url} -> {response.status_code}"
            assert "/accounts/sign-in/" in response["Location"]

    if other_countries_see:
        _assert_sees(_client_for(other_country_user), target, "another country")
    else:
        _assert_hidden(_client_for(other_country_user), target, "another country")
    _assert_sees(_client_for(own_country_user), target, "own country")
    if international_user is not None:
        client = _client_for(international_user)
        if international_sees:
            _assert_sees(client, target, "international")
        else:
            _assert_hidden(client, target, "international")
