import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from drugcontrol.core import services
from drugcontrol.core.models import ApiToken, AuditEvent
from drugcontrol.core.testing import ScopeTarget, check_scope

from ..conftest import PASSWORD, signed_in
from .second_factor import enrol, fresh, require_second_factor

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


# --- scope on every record endpoint ---


def test_scope_countries(chn_officer, deu_officer, intl_viewer):
    check_scope(
        ScopeTarget(
            record_id="CHN",
            list_url="/api/v1/countries?search=CHN",
            detail_url="/api/v1/countries/CHN",
            id_key="iso3",
        ),
        own_country_user=chn_officer,
        other_country_user=deu_officer,
        international_user=intl_viewer,
        other_countries_see=True,
    )


def test_scope_organisations(chn_officer, deu_officer, intl_viewer):
    organisation_id = chn_officer.organisation_id
    check_scope(
        ScopeTarget(
            record_id=organisation_id,
            list_url="/api/v1/organisations",
            detail_url=f"/api/v1/organisations/{organisation_id}",
            page_url=f"/organisations/{organisation_id}/",
            list_page_url="/organisations/?country=CHN",
            page_marker=f'href="/organisations/{organisation_id}/"',
        ),
        own_country_user=chn_officer,
        other_country_user=deu_officer,
        international_user=intl_viewer,
    )


def test_scope_users(chn_officer, chn_admin, deu_admin, intl_admin, intl_viewer):
    target = ScopeTarget(
        record_id=chn_officer.pk,
        list_url="/api/v1/users",
        detail_url=f"/api/v1/users/{chn_officer.pk}",
        page_url=f"/users/{chn_officer.pk}/",
        list_page_url=f"/organisations/{chn_officer.organisation_id}/",
        page_marker=f'href="/users/{chn_officer.pk}/"',
    )
    check_scope(
        target,
        own_country_user=chn_admin,
        other_country_user=deu_admin,
        international_user=intl_admin,
    )
    # International staff other than administrators do not see national user accounts.
    check_scope(
        ScopeTarget(
            record_id=chn_officer.pk,
            list_url="/api/v1/users",
            detail_url=f"/api/v1/users/{chn_officer.pk}",
            page_url=f"/users/{chn_officer.pk}/",
        ),
        own_country_user=chn_admin,
        other_country_user=deu_admin,
        international_user=intl_viewer,
        international_sees=False,
    )


def test_scope_tokens(chn_officer, deu_officer, intl_admin):
    token, _secret = services.token_create(actor=chn_officer, user=chn_officer, name="scope")
    check_scope(
        ScopeTarget(
            record_id=token.pk,
            list_url="/api/v1/tokens",
            detail_url=f"/api/v1/tokens/{token.pk}",
            list_page_url="/accounts/tokens/",
            page_marker=f'id="token-{token.pk}"',
        ),
        own_country_user=chn_officer,
        other_country_user=deu_officer,
        international_user=intl_admin,
        international_sees=False,
    )


def test_scope_audit_events(chn_officer, chn_admin, deu_admin, intl_viewer):
    services.profile_update(
        actor=chn_officer, email="x@y.org", first_name="", last_name="", preferred_language=""
    )
    event = AuditEvent.objects.order_by("-sequence").first()
    check_scope(
        ScopeTarget(
            record_id=event.pk,
            list_url="/api/v1/audit-events",
            detail_url=f"/api/v1/audit-events/{event.pk}",
            page_url=f"/audit/{event.pk}/",
            list_page_url="/audit/",
            page_marker=f'href="/audit/{event.pk}/"',
        ),
        own_country_user=chn_admin,
        other_country_user=deu_admin,
        international_user=intl_viewer,
    )


# --- authentication ---


def test_me_with_token_and_session(chn_officer):
    _token, secret = services.token_create(actor=chn_officer, user=chn_officer, name="t")
    answer = bearer(secret).get("/api/v1/me").json()
    assert (answer["username"], answer["country"], answer["role"]) == (
        chn_officer.username,
        "CHN",
        "officer",
    )
    assert signed_in(chn_officer).get("/api/v1/me").json()["id"] == chn_officer.pk
    for client in (Client(), bearer("dct_wrong"), bearer("")):
        response = client.get("/api/v1/me")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


def test_revoked_token_stops_working(chn_officer):
    token, secret = services.token_create(actor=chn_officer, user=chn_officer, name="t")
    client = bearer(secret)
    assert client.get("/api/v1/me").status_code == 200
    response = client.post(f"/api/v1/tokens/{token.pk}/revoke")
    assert response.status_code == 200 and response.json()["revoked_at"]
    assert client.get("/api/v1/me").status_code == 401


def test_session_writes_need_csrf_but_tokens_do_not(chn_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(chn_officer)
    response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert "error" in response.json()
    client.get("/accounts/tokens/")  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/tokens",
        {"name": "x"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201
    _token, secret = services.token_create(actor=chn_officer, user=chn_officer, name="t")
    response = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {secret}"}).post(
        "/api/v1/tokens", {"name": "y"}, content_type="application/json"
    )
    assert response.status_code == 201


def test_session_of_user_who_must_enrol_second_factor_is_refused(chn_officer, chn_admin):
    services.organisation_update(
        actor=chn_admin, organisation=chn_admin.organisation, require_second_factor=True
    )
    response = signed_in(chn_officer).get("/api/v1/me")
    assert response.status_code == 401
    assert_second_factor_required(response)


def assert_second_factor_required(response):
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "second_factor_required"
    assert "second factor" in error["message"]


def test_token_of_user_who_must_enrol_is_refused_until_enrolment(
    chn_officer, chn_admin, deu_officer
):
    token, secret = services.token_create(actor=chn_officer, user=chn_officer, name="t")
    _other_token, other_secret = services.token_create(
        actor=deu_officer, user=deu_officer, name="t"
    )
    require_second_factor(chn_admin)
    client = bearer(secret)
    tokens = ApiToken.objects.count()
    assert_second_factor_required(client.get("/api/v1/me"))
    assert_second_factor_required(client.get("/api/v1/countries"))
    assert_second_factor_required(client.get("/api/v1/tokens"))
    assert_second_factor_required(client.get("/api/v1/incidents"))  # every app's endpoints
    assert_second_factor_required(
        client.post("/api/v1/tokens", {"name": "another"}, content_type="application/json")
    )
    assert_second_factor_required(client.post(f"/api/v1/tokens/{token.pk}/revoke"))
    assert ApiToken.objects.count() == tokens, "no token was created"
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    # a member of an organisation that does not require it is not concerned
    assert bearer(other_secret).get("/api/v1/me").status_code == 200
    enrol(fresh(chn_officer))
    # the same token works again, without being issued anew
    assert client.get("/api/v1/me").json()["id"] == chn_officer.pk
    assert client.get("/api/v1/countries").status_code == 200
    assert client.get("/api/v1/incidents").status_code == 200
    response = client.post("/api/v1/tokens", {"name": "another"}, content_type="application/json")
    assert response.status_code == 201


def test_api_creates_no_token_for_a_session_that_must_enrol(chn_officer, chn_admin):
    require_second_factor(chn_admin)
    client = Client(enforce_csrf_checks=True)
    client.force_login(chn_officer)
    client.get("/accounts/tokens/")  # sets the CSRF cookie
    response = client.post(
        "/api/v1/tokens",
        {"name": "x"},
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert_second_factor_required(response)
    assert not ApiToken.objects.filter(user=chn_officer).exists()


# --- tokens through the API ---


def test_create_token_shows_secret_once(chn_officer):
    client = signed_in(chn_officer)
    response = client.post(
        "/api/v1/tokens", {"name": "ERP", "expires_in_days": 10}, content_type="application/json"
    )
    assert response.status_code == 201
    created = response.json()
    assert created["secret"].startswith("dct_")
    listed = client.get("/api/v1/tokens").json()["items"]
    assert [item["id"] for item in listed] == [created["id"]]
    assert "secret" not in listed[0]
    assert bearer(created["secret"]).get("/api/v1/me").status_code == 200


# --- errors and pagination ---


def test_validation_errors_name_the_field(chn_officer):
    response = signed_in(chn_officer).post(
        "/api/v1/tokens", {"expires_in_days": "soon"}, content_type="application/json"
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error" and "expires_in_days" in error["details"]
    response = signed_in(chn_officer).post(
        "/api/v1/tokens", {"expires_in_days": 9999}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "expires_in_days" in response.json()["error"]["details"]


def test_service_errors_keep_the_shape(chn_admin, intl_admin):
    response = signed_in(chn_admin).post(
        "/api/v1/organisations",
        {"name": "X", "kind": "fiu", "country": "CHN"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    response = signed_in(intl_admin).post(
        "/api/v1/organisations",
        {"name": "X", "kind": "fiu", "country": "ZZZ"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"] == {"country": ["Unknown country code."]}


def test_unknown_api_path_is_a_json_404(chn_officer):
    response = signed_in(chn_officer).get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_conflict_on_stale_version(intl_admin, chn_officer):
    client = signed_in(intl_admin)
    url = f"/api/v1/users/{chn_officer.pk}"
    first = client.patch(url, {"version": 1, "role": "viewer"}, content_type="application/json")
    assert first.status_code == 200 and first.json()["version"] == 2
    second = client.patch(url, {"version": 1, "role": "admin"}, content_type="application/json")
    assert second.status_code == 409
    assert second.json()["error"] == {
        "code": "conflict",
        "message": "This record was changed by someone else. Reload it and try again.",
        "details": {"current_version": 2},
    }


def test_create_and_update_through_the_api(intl_admin):
    client = signed_in(intl_admin)
    response = client.post(
        "/api/v1/organisations",
        {"name": "Policía Nacional", "kind": "law_enforcement", "country": "col"},
        content_type="application/json",
    )
    assert response.status_code == 201
    organisation = response.json()
    assert organisation["country"] == "COL"
    response = client.post(
        "/api/v1/users",
        {
            "organisation_id": organisation["id"],
            "username": "ana.gomez",
            "role": "focal_point",
            "password": PASSWORD,
        },
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["country"] == "COL"
    response = client.patch(
        f"/api/v1/organisations/{organisation['id']}",
        {"version": organisation["version"], "require_second_factor": True},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["require_second_factor"] is True


def test_pagination_limits(intl_viewer):
    client = signed_in(intl_viewer)
    page = client.get("/api/v1/countries?page=2&page_size=100").json()
    assert page["count"] >= 249 and page["page"] == 2 and len(page["items"]) == 100
    assert page["pages"] == (page["count"] + 99) // 100
    assert client.get("/api/v1/countries?page=99").json()["items"] == []
    response = client.get("/api/v1/countries?page_size=201")
    assert response.status_code == 422
    assert "page_size" in response.json()["error"]["details"]


def _queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), len(response.json()["items"])


@pytest.mark.parametrize(
    "path", ["/api/v1/audit-events", "/api/v1/organisations", "/api/v1/users", "/api/v1/countries"]
)
def test_queries_per_page_do_not_grow_with_page_size(intl_admin, make_user, path):
    for country in ("FRA", "ITA", "ESP", "PRT", "POL", "SWE"):
        make_user(country=country)
    _token, secret = services.token_create(actor=intl_admin, user=intl_admin, name="q")
    client = bearer(secret)
    client.get("/api/v1/me")  # the first use of a token records its time of use
    small_queries, small_items = _queries_for(client, f"{path}?page_size=2")
    large_queries, large_items = _queries_for(client, f"{path}?page_size=200")
    assert large_items > small_items
    # Never more queries for a longer page (fewer when that page holds the whole list, which
    # then needs no count).
    assert large_queries <= small_queries


def test_openapi_document_and_docs_page(chn_officer):
    document = Client().get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/audit-events" in document["paths"]
    schemes = document["components"]["securitySchemes"]
    assert {"BearerTokenAuth", "BrowserSessionAuth"} <= set(schemes)
    page = Client().get("/api/v1/docs")
    html = page.content.decode()
    assert page.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()


def test_audit_event_list_filters(intl_viewer, chn_officer):
    services.profile_update(
        actor=chn_officer, email="f@g.org", first_name="", last_name="", preferred_language=""
    )
    items = (
        signed_in(intl_viewer)
        .get(f"/api/v1/audit-events?action=user.profile&actor={chn_officer.username}")
        .json()["items"]
    )
    assert len(items) == 1 and items[0]["after"]["email"] == "f@g.org"
    assert json.dumps(items[0])  # serialisable as it stands


def test_schema_refusals_read_in_the_callers_language(definitions_free_user):
    client, body = definitions_free_user
    english = client.put(*body, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 422
    error = english.json()["error"]
    assert error["message"] == "Some fields are not valid."
    assert error["details"]["name_en"] == ["This field is required."]
    assert error["details"]["version"] == ["Not a whole number."]
    chinese = client.put(*body, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["error"]
    assert chinese["message"] == "部分字段无效。"
    assert chinese["details"]["name_en"] == ["此字段为必填项。"]
    assert chinese["details"]["version"] == ["不是整数。"]
    missing = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/api/v1/countries")
    assert missing.json()["error"]["message"].startswith("请登录")


@pytest.fixture
def definitions_free_user(make_user):
    user = make_user(kind="international", role="officer")
    payload = {"code": "X", "name_zh": "x", "left": "1", "operator": "<=", "right": "2"}
    body = (
        "/api/v1/monitoring/validation-rules/X",
        json.dumps({**payload, "importance": "error", "version": "two"}),
        "application/json",
    )
    return signed_in(user), body
