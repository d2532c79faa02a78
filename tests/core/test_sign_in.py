"""Sign-in hardening: throttling by address and by account, answers that do not reveal which
accounts exist, and password strength wherever a password is set."""

import datetime
import io
import re
import sys

import pyotp
import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, RequestFactory
from django.utils import timezone

from drugcontrol.core import services
from drugcontrol.core.demo import DEMO_PASSWORD
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.models import AuditEvent, SignInLock, User
from drugcontrol.core.network import client_address

from ..conftest import PASSWORD, signed_in

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
VICTIM = "198.51.100.20"
WEAK = "passwordpassword"


def attempt(username, password, address, now=None):
    return services.sign_in_check_password(
        username=username, password=password, address=address, now=now
    )


def page_sign_in(username, password, address):
    return Client(REMOTE_ADDR=address).post(
        "/accounts/sign-in/", {"username": username, "password": password, "next": ""}
    )


# --- 1. nobody can lock someone else out; addresses are throttled ---


def test_failures_from_one_address_do_not_lock_the_owner_out_elsewhere(settings, chn_officer):
    settings.SIGN_IN_MAX_FAILURES = 3
    now = timezone.now()
    for _attempt in range(3):
        assert attempt(chn_officer.username, "wrong", ATTACKER, now).user is None
    assert attempt(chn_officer.username, PASSWORD, ATTACKER, now).locked, "locked from there"
    assert attempt(chn_officer.username, PASSWORD, VICTIM, now).user == chn_officer
    lock = AuditEvent.objects.filter(action="auth.locked_out").get()
    assert lock.object_id == str(chn_officer.pk) and lock.actor is None
    assert lock.after["scope"] == "address_account" and lock.after["address"] == ATTACKER
    assert not User.objects.get(pk=chn_officer.pk).is_locked(now), "no lock everywhere"
    later = now + datetime.timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES + 1)
    assert attempt(chn_officer.username, PASSWORD, ATTACKER, later).user == chn_officer


def test_an_address_guessing_many_accounts_is_throttled(settings, chn_officer, deu_officer):
    settings.SIGN_IN_ADDRESS_MAX_FAILURES = 4
    now = timezone.now()
    for name in ("nobody", "admin", chn_officer.username, "root"):
        assert not attempt(name, "guess", ATTACKER, now).throttled
    refused = attempt(deu_officer.username, PASSWORD, ATTACKER, now)
    assert refused.throttled and refused.user is None, "even the right password of another"
    event = AuditEvent.objects.get(action="auth.address_throttled")
    assert event.object_type == "core.signinlock" and event.object_id == ATTACKER
    assert event.actor is None
    assert attempt(deu_officer.username, PASSWORD, VICTIM, now).user == deu_officer
    later = now + datetime.timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES + 1)
    assert attempt(deu_officer.username, PASSWORD, ATTACKER, later).user == deu_officer


def test_hammering_a_locked_pair_throttles_the_address_not_the_account(settings, chn_officer):
    settings.SIGN_IN_MAX_FAILURES = 2
    settings.SIGN_IN_ADDRESS_MAX_FAILURES = 6
    settings.SIGN_IN_ACCOUNT_MAX_FAILURES = 3
    now = timezone.now()
    for _attempt in range(6):
        attempt(chn_officer.username, "wrong", ATTACKER, now)
    assert attempt(chn_officer.username, PASSWORD, ATTACKER, now).throttled
    assert not User.objects.get(pk=chn_officer.pk).is_locked(now)
    assert attempt(chn_officer.username, PASSWORD, VICTIM, now).user == chn_officer


def test_many_addresses_lock_the_account_everywhere_for_a_while(settings, chn_officer):
    settings.SIGN_IN_ACCOUNT_MAX_FAILURES = 4
    now = timezone.now()
    for number in range(4):
        attempt(chn_officer.username, "wrong", f"203.0.113.{number}", now)
    assert User.objects.get(pk=chn_officer.pk).is_locked(now)
    event = AuditEvent.objects.get(action="auth.locked_out")
    assert event.after["scope"] == "account" and event.object_id == str(chn_officer.pk)
    assert attempt(chn_officer.username, PASSWORD, VICTIM, now).locked
    later = now + datetime.timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES + 1)
    assert attempt(chn_officer.username, PASSWORD, VICTIM, later).user == chn_officer


def test_second_factor_failures_count_and_the_code_page_obeys_the_lock(settings, chn_officer):
    settings.SIGN_IN_MAX_FAILURES = 2
    secret = services.second_factor_begin(actor=chn_officer)
    services.second_factor_confirm(actor=chn_officer, code=pyotp.TOTP(secret).now())
    client = Client(REMOTE_ADDR=ATTACKER)
    client.post("/accounts/sign-in/", {"username": chn_officer.username, "password": PASSWORD})
    for _attempt in range(2):
        client.post("/accounts/sign-in/code/", {"code": "000000"})
    assert SignInLock.objects.filter(address=ATTACKER, username=chn_officer.username).exists()
    response = client.post("/accounts/sign-in/code/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response["Location"] == "/accounts/sign-in/"
    assert client.get("/").status_code == 302, "not signed in"


def test_a_successful_sign_in_clears_the_failures_from_its_address(settings, chn_officer):
    settings.SIGN_IN_MAX_FAILURES = 2
    for _round in range(2):
        assert page_sign_in(chn_officer.username, "typo", VICTIM).status_code == 200
        assert page_sign_in(chn_officer.username, PASSWORD, VICTIM).status_code == 302
    assert not SignInLock.objects.exists()


def test_an_administrator_setting_the_password_lifts_the_locks(settings, chn_admin, chn_officer):
    settings.SIGN_IN_MAX_FAILURES = 1
    attempt(chn_officer.username, "wrong", ATTACKER)
    services.password_set(actor=chn_admin, user=chn_officer, new_password="new-tulip-harbour-77")
    assert attempt(chn_officer.username, "new-tulip-harbour-77", ATTACKER).user == chn_officer


# --- 2. unknown, locked and wrong answers cannot be told apart ---


class CountingHasher(MD5PasswordHasher):
    """Counts password verifications: the costly step that timing would reveal."""

    algorithm = "counting_md5"
    verifications = 0

    def verify(self, password, encoded):
        CountingHasher.verifications += 1
        return super().verify(password, encoded)


def _normalised(response, username) -> str:
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "", body)
    return body.replace(f'value="{username}"', 'value="NAME"')


@pytest.mark.parametrize("locked_by", ["address", "account"])
def test_unknown_locked_and_wrong_take_one_hash_and_answer_alike(settings, make_user, locked_by):
    settings.PASSWORD_HASHERS = ["tests.core.test_sign_in.CountingHasher"]
    settings.SIGN_IN_MAX_FAILURES = 2
    wrong, locked = make_user(), make_user()
    if locked_by == "address":
        for _attempt in range(2):
            attempt(locked.username, "wrong", VICTIM)
    else:
        User.objects.filter(pk=locked.pk).update(
            locked_until=timezone.now() + datetime.timedelta(minutes=10)
        )
    answers = []
    for username, password in (
        ("no-such-user", "whatever"),
        (locked.username, PASSWORD),
        (wrong.username, "wrong"),
    ):
        CountingHasher.verifications = 0
        response = page_sign_in(username, password, VICTIM)
        assert CountingHasher.verifications == 1, username
        answers.append((response.status_code, _normalised(response, username)))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 200
    assert "The user name or password is wrong." in answers[0][1]


def test_an_account_without_a_usable_password_also_costs_one_hash(settings, make_user):
    settings.PASSWORD_HASHERS = ["tests.core.test_sign_in.CountingHasher"]
    user = make_user()
    user.set_unusable_password()
    user.save()
    CountingHasher.verifications = 0
    assert attempt(user.username, "anything", VICTIM).user is None
    assert CountingHasher.verifications == 1


def test_a_throttled_address_gets_429_and_a_clear_message(settings, chn_officer):
    settings.SIGN_IN_ADDRESS_MAX_FAILURES = 2
    for name in ("a", "b"):
        assert page_sign_in(name, "guess", ATTACKER).status_code == 200
    response = page_sign_in(chn_officer.username, PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts came from your network address" in (
        response.content.decode()
    )
    assert int(response["Retry-After"]) == settings.SIGN_IN_LOCKOUT_MINUTES * 60
    assert f"Try again in {settings.SIGN_IN_LOCKOUT_MINUTES} minutes" in response.content.decode()
    assert page_sign_in(chn_officer.username, PASSWORD, VICTIM).status_code == 302


def test_the_429_tells_the_time_left_on_the_lock(settings, chn_officer):
    settings.SIGN_IN_ADDRESS_MAX_FAILURES = 2
    for name in ("a", "b"):
        page_sign_in(name, "guess", ATTACKER)
    lock = SignInLock.objects.get(address=ATTACKER, username="")
    lock.until = timezone.now() + datetime.timedelta(seconds=150)
    lock.save()
    response = page_sign_in(chn_officer.username, PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert 140 <= int(response["Retry-After"]) <= 150
    assert "Try again in 3 minutes" in response.content.decode()
    lock.until = timezone.now() + datetime.timedelta(seconds=20)
    lock.save()
    response = page_sign_in(chn_officer.username, PASSWORD, ATTACKER)
    assert "Try again in 1 minute." in response.content.decode()


def test_authenticate_does_not_bypass_the_sign_in_page(chn_officer):
    # The page throttles and asks for the second factor; authenticate() would do neither.
    assert authenticate(username=chn_officer.username, password=PASSWORD) is None


# --- the client address ---


def test_client_address_trusts_only_the_configured_proxies(settings):
    factory = RequestFactory()
    forwarded = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 192.0.2.9"}
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(factory.get("/", **forwarded)) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(factory.get("/", **forwarded)) == "192.0.2.9", "spoofed entry ignored"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(factory.get("/", **forwarded)) == "1.2.3.4"
    assert client_address(factory.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


def test_ipv6_clients_are_throttled_by_their_64_network():
    factory = RequestFactory()
    first = client_address(factory.get("/", REMOTE_ADDR="2001:db8:1:2::1"))
    second = client_address(factory.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9"))
    assert first == second == "2001:db8:1:2::/64"
    assert client_address(factory.get("/", REMOTE_ADDR="::ffff:192.0.2.1")) == "192.0.2.1"
    assert client_address(factory.get("/", REMOTE_ADDR="")) == "unknown"


# --- 3. passwords that are easy to guess are refused everywhere ---


def test_validator_refuses_guessable_passwords_with_feedback():
    with pytest.raises(ValidationError) as refused:
        validate_password(WEAK)
    message = " ".join(refused.value.messages)
    assert "This password is too easy to guess." in message
    assert "Avoid repeated words and characters." in message
    for strong in (PASSWORD, DEMO_PASSWORD, "new-tulip-harbour-77"):
        validate_password(strong)


def test_validator_counts_the_users_own_names(make_user):
    user = make_user(first_name="Wenxuan", last_name="Zhangsheng")
    with pytest.raises(ValidationError):
        validate_password("wenxuanzhangsheng", user)


def test_guessable_password_refused_by_the_services(chn_officer, chn_admin):
    with pytest.raises(ValidationFailed) as refused:
        services.user_create(
            actor=None,
            organisation=chn_officer.organisation,
            username="weak.one",
            role="viewer",
            password=WEAK,
        )
    assert "too easy to guess" in refused.value.details["password"][0]
    with pytest.raises(ValidationFailed):
        services.password_change(actor=chn_officer, current_password=PASSWORD, new_password=WEAK)
    with pytest.raises(ValidationFailed):
        services.password_set(actor=chn_admin, user=chn_officer, new_password=WEAK)
    assert User.objects.get(pk=chn_officer.pk).check_password(PASSWORD)


def test_guessable_password_refused_by_the_api(chn_admin):
    response = signed_in(chn_admin).post(
        "/api/v1/users",
        {
            "organisation_id": chn_admin.organisation_id,
            "username": "weak.api",
            "role": "viewer",
            "password": WEAK,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "password" in response.json()["error"]["details"]
    assert not User.objects.filter(username="weak.api").exists()


def test_guessable_password_refused_by_the_pages(chn_officer):
    response = signed_in(chn_officer).post(
        "/accounts/password/",
        {"current_password": PASSWORD, "new_password": WEAK, "new_password_again": WEAK},
    )
    assert response.status_code == 200 and "too easy to guess" in response.content.decode()
    assert User.objects.get(pk=chn_officer.pk).check_password(PASSWORD)


def test_guessable_password_refused_by_createuser(countries, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(WEAK + "\n"))
    with pytest.raises(CommandError, match="too easy to guess"):
        call_command(
            "createuser",
            "weak.cli",
            "--international",
            "--role",
            "admin",
            "--password-stdin",
            stdout=io.StringIO(),
        )
    assert not User.objects.filter(username="weak.cli").exists()
