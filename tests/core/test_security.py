import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from drugcontrol.core.checks import audit_key_check, refuse_to_start_if_insecure, secret_key_check

from ..conftest import signed_in


@pytest.mark.parametrize(
    "key", ["", "short", "drugcontrol-insecure-development-key-do-not-use-in-production"]
)
def test_server_refuses_to_start_without_a_real_key_when_debug_is_off(settings, key):
    settings.DEBUG = False
    settings.SECRET_KEY = key
    assert [error.id for error in secret_key_check()] == ["drugcontrol.E001"]
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        refuse_to_start_if_insecure()


def test_debug_allows_the_development_key(settings):
    settings.DEBUG = True
    settings.SECRET_KEY = settings.INSECURE_DEFAULT_SECRET_KEY
    assert secret_key_check() == []
    refuse_to_start_if_insecure()


def test_a_real_key_passes(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "x" * 50
    assert secret_key_check() == []


@pytest.mark.parametrize("audit_key", ["", "short", "development default", "the secret key"])
def test_server_refuses_to_start_without_an_audit_key_of_its_own(settings, audit_key):
    settings.DEBUG = False
    settings.SECRET_KEY = "s" * 50
    settings.AUDIT_KEY = {
        "development default": settings.INSECURE_DEFAULT_AUDIT_KEY,
        "the secret key": settings.SECRET_KEY,
    }.get(audit_key, audit_key)
    assert [error.id for error in audit_key_check()] == ["drugcontrol.E002"]
    with pytest.raises(ImproperlyConfigured, match="DRUGCONTROL_AUDIT_KEY"):
        refuse_to_start_if_insecure()
    settings.AUDIT_KEY = "a" * 50
    assert audit_key_check() == []
    refuse_to_start_if_insecure()


def test_production_cookie_and_hsts_settings(settings):
    # The test run imports settings with DEBUG off, as production does.
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SECURE_HSTS_SECONDS >= 31536000


@pytest.mark.django_db
def test_security_headers_on_pages(chn_officer):
    response = signed_in(chn_officer).get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert len(response["X-Request-ID"]) >= 8


@pytest.mark.django_db
def test_hsts_is_sent_over_https(chn_officer):
    response = signed_in(chn_officer).get("/", secure=True)
    assert "max-age=31536000" in response["Strict-Transport-Security"]


@pytest.mark.django_db
def test_request_id_is_kept_from_the_proxy_when_well_formed(chn_officer):
    from drugcontrol.core.models import AuditEvent

    client = signed_in(chn_officer)
    client.post(
        "/accounts/profile/",
        {"first_name": "A", "last_name": "B", "email": "", "preferred_language": ""},
        headers={"X-Request-ID": "proxy-req-0001"},
    )
    assert AuditEvent.objects.order_by("-sequence").first().request_id == "proxy-req-0001"
    response = Client().get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert response["X-Request-ID"] != "bad id with spaces"


@pytest.mark.django_db
def test_no_page_loads_scripts_from_elsewhere(chn_officer):
    html = signed_in(chn_officer).get("/").content.decode()
    assert "<script>" not in html and "cdn" not in html.lower()
    assert 'src="/static/vendor/htmx/htmx.min.js"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/static/vendor/htmx/htmx.min.js",
        "/static/css/app.css",
        "/static/js/app.js",
        "/static/favicon.svg",
        "/static/ninja/swagger-ui-bundle.js",
    ],
)
def test_vendored_static_files_are_served_by_the_app(path):
    response = Client().get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)
