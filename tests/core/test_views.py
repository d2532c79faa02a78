import datetime

import pyotp
import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone

from drugcontrol.core import services
from drugcontrol.core.models import ApiToken, AuditEvent, User

from ..conftest import PASSWORD, signed_in
from .second_factor import enrol, fresh, require_second_factor, wrong_code

pytestmark = pytest.mark.django_db


def sign_in(client, username, password=PASSWORD, next_url=""):
    return client.post(
        "/accounts/sign-in/", {"username": username, "password": password, "next": next_url}
    )


def test_home_requires_sign_in_and_shows_the_organisation(chn_officer):
    response = Client().get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")
    page = signed_in(chn_officer).get("/").content.decode()
    assert chn_officer.organisation.name in page
    assert "China" in page and "CHN" in page


def test_sign_in_and_out(chn_officer):
    client = Client()
    response = sign_in(client, chn_officer.username, next_url="/accounts/profile/")
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.signed_in", actor=chn_officer).exists()
    client.post("/accounts/sign-out/")
    assert client.get("/").status_code == 302


def test_sign_in_refuses_foreign_next_urls(chn_officer):
    response = sign_in(Client(), chn_officer.username, next_url="https://evil.example/")
    assert response["Location"] == "/"


def test_wrong_password_and_lockout_messages(settings, chn_officer):
    settings.SIGN_IN_MAX_FAILURES = 2
    client = Client()
    response = sign_in(client, chn_officer.username, "wrong")
    assert response.status_code == 200
    assert "The user name or password is wrong." in response.content.decode()
    response = sign_in(client, chn_officer.username, "wrong again")
    assert "The user name or password is wrong." in response.content.decode()
    # Locked from this address: the same answer as a wrong password, even for the right one.
    response = sign_in(client, chn_officer.username)
    assert response.status_code == 200
    assert "The user name or password is wrong." in response.content.decode()
    assert client.get("/").status_code == 302


def test_sign_in_with_second_factor(chn_officer):
    secret = enrol(chn_officer)
    client = Client()
    response = sign_in(client, chn_officer.username)
    assert response["Location"] == "/accounts/sign-in/code/"
    assert client.get("/").status_code == 302, "not signed in before the code"
    response = client.post("/accounts/sign-in/code/", {"code": "000000"})
    assert response.status_code == 200 and "not valid" in response.content.decode()
    response = client.post("/accounts/sign-in/code/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.signed_in", after__second_factor=True).exists()


def test_code_page_without_a_pending_sign_in_goes_back(chn_officer):
    assert Client().get("/accounts/sign-in/code/")["Location"] == "/accounts/sign-in/"


def test_second_factor_enrolment_pages(chn_officer):
    client = signed_in(chn_officer)
    assert "Set up" in client.get("/accounts/second-factor/").content.decode()
    client.post("/accounts/second-factor/", {"action": "begin"})
    page = client.get("/accounts/second-factor/").content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    secret = User.objects.get(pk=chn_officer.pk).totp_secret
    assert secret in page
    confirming = pyotp.TOTP(secret).now()
    response = client.post("/accounts/second-factor/", {"action": "confirm", "code": confirming})
    assert response.status_code == 302
    assert User.objects.get(pk=chn_officer.pk).has_second_factor
    page = client.get("/accounts/second-factor/").content.decode()
    assert 'value="disable"' in page and 'name="code"' in page
    # The confirming code's step counts as used.
    client.post("/accounts/second-factor/", {"action": "disable", "code": confirming})
    assert User.objects.get(pk=chn_officer.pk).has_second_factor
    next_step = pyotp.TOTP(secret).at(timezone.now() + datetime.timedelta(seconds=30))
    client.post("/accounts/second-factor/", {"action": "disable", "code": next_step})
    assert not User.objects.get(pk=chn_officer.pk).has_second_factor


def test_required_second_factor_redirects_pages_until_enrolled(chn_admin, chn_officer):
    services.organisation_update(
        actor=chn_admin, organisation=chn_admin.organisation, require_second_factor=True
    )
    client = signed_in(chn_officer)
    assert client.get("/")["Location"] == "/accounts/second-factor/"
    assert client.get("/accounts/second-factor/").status_code == 200


def test_profile_and_password_pages(chn_officer):
    client = signed_in(chn_officer)
    response = client.post(
        "/accounts/profile/",
        {"first_name": "Wei", "last_name": "Li", "email": "not-an-email", "preferred_language": ""},
    )
    assert response.status_code == 200 and 'data-field="email"' in response.content.decode()
    response = client.post(
        "/accounts/profile/",
        {
            "first_name": "Wei",
            "last_name": "Li",
            "email": "li@example.org",
            "preferred_language": "zh-hans",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(pk=chn_officer.pk).get_full_name() == "Wei Li"
    response = client.post(
        "/accounts/password/",
        {"current_password": PASSWORD, "new_password": "123", "new_password_again": "123"},
    )
    assert 'data-field="new_password"' in response.content.decode()
    response = client.post(
        "/accounts/password/",
        {
            "current_password": PASSWORD,
            "new_password": "a-much-better-passphrase",
            "new_password_again": "a-much-better-passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200, "still signed in after changing the password"


def test_preferred_language_applies_without_a_cookie(chn_officer):
    services.profile_update(
        actor=chn_officer, email="", first_name="", last_name="", preferred_language="zh-hans"
    )
    chn_officer.refresh_from_db()
    page = signed_in(chn_officer).get("/").content.decode()
    assert '<html lang="zh-hans">' in page


def test_token_page_creates_and_revokes(chn_officer):
    client = signed_in(chn_officer)
    response = client.post("/accounts/tokens/", {"name": "ERP link", "expires_in_days": 30})
    page = response.content.decode()
    token = ApiToken.objects.get(user=chn_officer)
    assert response.status_code == 200 and "It will not be shown again" in page
    assert token.prefix in page and 'data-testid="new-token"' in page
    assert "not be shown again" not in client.get("/accounts/tokens/").content.decode()
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Revoked" in response.content.decode() and "<html" not in response.content.decode()
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302


def test_token_page_creates_no_token_while_the_required_second_factor_is_missing(
    chn_admin, chn_officer
):
    _token, _secret = services.token_create(actor=chn_officer, user=chn_officer, name="old")
    require_second_factor(chn_admin)
    client = signed_in(chn_officer)
    page = client.get("/accounts/tokens/").content.decode()
    assert 'name="expires_in_days"' not in page and "Create token" not in page
    assert 'href="/accounts/second-factor/"' in page and "Set up the second factor" in page
    assert "old" in page, "the existing tokens are still listed"
    response = client.post("/accounts/tokens/", {"name": "ERP link", "expires_in_days": 30})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="new-token"' not in page
    assert "Set it up before you create API tokens." in page
    assert ApiToken.objects.filter(user=chn_officer).count() == 1
    enrol(fresh(chn_officer))
    assert 'name="expires_in_days"' in client.get("/accounts/tokens/").content.decode()


def test_turning_off_the_second_factor_needs_a_current_code(chn_officer):
    secret = enrol(chn_officer)
    client = signed_in(chn_officer)
    events = AuditEvent.objects.count()
    for data in ({"action": "disable"}, {"action": "disable", "code": wrong_code(secret)}):
        response = client.post("/accounts/second-factor/", data)
        page = response.content.decode()
        assert response.status_code == 200 and 'data-field="code"' in page
        assert fresh(chn_officer).has_second_factor
    # The wrong code counted as a failed sign-in (bounded by the locks); nothing else changed.
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.order_by("-sequence").first().action == "auth.sign_in_failed"
    assert fresh(chn_officer).failed_sign_ins == 1
    events += 1
    response = client.post(
        "/accounts/second-factor/", {"action": "disable", "code": pyotp.TOTP(secret).now()}
    )
    assert response.status_code == 302
    assert not fresh(chn_officer).has_second_factor
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.order_by("-sequence").first().action == (
        "user.second_factor_disabled"
    )


def test_member_reset_by_an_administrator_must_enrol_again(chn_admin, chn_officer):
    enrol(chn_officer)
    enrol(chn_admin)
    _token, secret = services.token_create(actor=chn_officer, user=chn_officer, name="x")
    require_second_factor(chn_admin)
    member = signed_in(chn_officer)
    assert member.get("/").status_code == 200
    response = signed_in(chn_admin).post(
        f"/users/{chn_officer.pk}/", {"action": "reset_second_factor"}
    )
    assert response.status_code == 302
    own_page = signed_in(chn_admin).get(f"/users/{chn_admin.pk}/").content.decode()
    assert 'value="reset_second_factor"' not in own_page, "one's own needs a code"
    event = AuditEvent.objects.order_by("-sequence").first()
    assert (event.action, event.actor_id, event.after) == (
        "user.second_factor_disabled",
        chn_admin.pk,
        {"by_administrator": True},
    )
    assert member.get("/")["Location"] == "/accounts/second-factor/"
    response = Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/me")
    assert response.status_code == 401


def test_token_of_someone_else_cannot_be_revoked_from_the_page(chn_officer, deu_officer):
    token, _secret = services.token_create(actor=deu_officer, user=deu_officer, name="x")
    assert signed_in(chn_officer).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_organisation_page_admin_adds_user_and_sets_policy(chn_admin, chn_officer):
    url = f"/organisations/{chn_admin.organisation_id}/"
    client = signed_in(chn_admin)
    assert "Add a user" in client.get(url).content.decode()
    assert "Add a user" not in signed_in(chn_officer).get(url).content.decode()
    response = client.post(
        url,
        {"action": "add_user", "username": "zhao.lei", "role": "viewer", "password": "short"},
    )
    assert response.status_code == 200 and 'data-field="password"' in response.content.decode()
    response = client.post(
        url,
        {"action": "add_user", "username": "zhao.lei", "role": "viewer", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.get(username="zhao.lei").organisation_id == chn_admin.organisation_id
    response = client.post(
        url, {"action": "settings", "version": 1, "require_second_factor": "on", "name": "Hacked"}
    )
    assert response.status_code == 302
    chn_admin.organisation.refresh_from_db()
    assert chn_admin.organisation.require_second_factor
    assert chn_admin.organisation.name != "Hacked", "own admins may not rename"


def test_international_admin_edits_any_organisation(intl_admin, chn_officer):
    url = f"/organisations/{chn_officer.organisation_id}/"
    client = signed_in(intl_admin)
    data = {"action": "settings", "version": 1, "name": "Renamed authority", "is_active": "on"}
    assert client.post(url, data).status_code == 302
    chn_officer.organisation.refresh_from_db()
    assert chn_officer.organisation.name == "Renamed authority"
    stale = client.post(url, {**data, "name": "Stale edit"})
    assert stale.status_code == 409 and "changed by someone else" in stale.content.decode()


def test_officer_posts_to_organisation_page_change_nothing(chn_officer):
    url = f"/organisations/{chn_officer.organisation_id}/"
    signed_in(chn_officer).post(
        url, {"action": "add_user", "username": "sneaky", "role": "admin", "password": PASSWORD}
    )
    assert not User.objects.filter(username="sneaky").exists()


def test_user_page_edit_and_conflict(chn_admin, chn_officer):
    url = f"/users/{chn_officer.pk}/"
    client = signed_in(chn_admin)
    assert (
        client.post(url, {"version": 1, "role": "focal_point", "is_active": "on"}).status_code
        == 302
    )
    response = client.post(url, {"version": 1, "role": "viewer", "is_active": "on"})
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert User.objects.get(pk=chn_officer.pk).role == "focal_point"


def test_user_page_resets_a_lost_second_factor(chn_admin, chn_officer):
    secret = services.second_factor_begin(actor=chn_officer)
    services.second_factor_confirm(actor=chn_officer, code=pyotp.TOTP(secret).now())
    signed_in(chn_admin).post(f"/users/{chn_officer.pk}/", {"action": "reset_second_factor"})
    assert not User.objects.get(pk=chn_officer.pk).has_second_factor


def test_organisation_list_page_creates_for_international_admins(intl_admin, chn_admin):
    client = signed_in(intl_admin)
    response = client.post(
        "/organisations/",
        {"name": "Kenya Police", "kind": "law_enforcement", "country": "KEN"},
    )
    assert response.status_code == 302
    assert "Kenya Police" in client.get("/organisations/?country=KEN").content.decode()
    response = client.post("/organisations/", {"name": "Bad", "kind": "fiu", "country": "QQQ"})
    assert 'data-field="country"' in response.content.decode()
    assert "New organisation" not in signed_in(chn_admin).get("/organisations/").content.decode()


def test_audit_pages_filter_and_show_detail(intl_viewer, chn_officer):
    services.profile_update(
        actor=chn_officer, email="z@z.org", first_name="", last_name="", preferred_language=""
    )
    event = AuditEvent.objects.order_by("-sequence").first()
    client = signed_in(intl_viewer)
    page = client.get(f"/audit/?action=user.profile&actor={chn_officer.username}").content.decode()
    assert f'href="/audit/{event.pk}/"' in page and "1 event" in page
    assert "Profile changed" in page and ">user " in page  # labels, not codes
    by_type = client.get("/audit/?object_type=core.organisation").content.decode()
    assert f'href="/audit/{event.pk}/"' not in by_type
    page = client.get("/audit/?since=2000-01-01&until=2000-01-02").content.decode()
    assert "No events match." in page
    detail = client.get(f"/audit/{event.pk}/").content.decode()
    assert event.hash in detail and "z@z.org" in detail


def test_navigation_shows_only_what_the_user_may_open(chn_officer, chn_admin, intl_viewer):
    officer_page = signed_in(chn_officer).get("/").content.decode()
    assert 'href="/audit/"' not in officer_page and 'href="/organisations/"' not in officer_page
    assert 'href="/audit/"' in signed_in(chn_admin).get("/").content.decode()
    assert 'href="/organisations/"' in signed_in(intl_viewer).get("/").content.decode()


def test_healthz_reports_database_state(db, monkeypatch):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", unreachable)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"


def test_pages_404_for_unknown_paths(chn_officer):
    response = signed_in(chn_officer).get("/no/such/page/")
    assert response.status_code == 404
