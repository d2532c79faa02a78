import datetime

import pyotp
import pytest
from django.utils import timezone

from drugcontrol.core import selectors, services
from drugcontrol.core.errors import (
    Conflict,
    PermissionDenied,
    SecondFactorRequired,
    ValidationFailed,
)
from drugcontrol.core.models import ApiToken, AuditEvent, Country, Organisation, User
from drugcontrol.core.reference import load_countries

from ..conftest import PASSWORD
from .second_factor import enrol, fresh, require_second_factor, wrong_code

pytestmark = pytest.mark.django_db


def last_event():
    return AuditEvent.objects.order_by("-sequence").first()


# --- reference data ---


def test_countries_load_is_idempotent_and_audited(db):
    first = load_countries()
    assert first.created == Country.objects.count() >= 249
    events_after_first = AuditEvent.objects.count()
    assert last_event().action == "reference.countries_loaded"
    second = load_countries()
    assert (second.created, second.updated) == (0, 0)
    assert AuditEvent.objects.count() == events_after_first


def test_countries_load_updates_changed_rows(countries):
    Country.objects.filter(iso3="DEU").update(name_zh="旧名")
    result = load_countries()
    assert result.updated == 1
    assert Country.objects.get(iso3="DEU").name_zh == "德国"
    assert last_event().after["updated"]["DEU"] == {"name_zh": "德国"}


def test_country_rows_have_codes_regions_and_names(countries):
    china = Country.objects.get(iso3="CHN")
    assert (china.iso2, china.numeric, china.name_zh) == ("CN", "156", "中国")
    assert (china.region_name, china.subregion_name) == ("Asia", "Eastern Asia")
    germany = Country.objects.get(iso2="DE")
    assert germany.subregion_name == "Western Europe" and germany.name_fr == "Allemagne"


# --- organisations ---


def test_only_international_admins_create_organisations(intl_admin, chn_admin):
    organisation = services.organisation_create(
        actor=intl_admin, name="Brazil Federal Police", kind="law_enforcement", country_code="bra"
    )
    assert organisation.country_id == "BRA"
    event = last_event()
    assert (event.action, event.actor_id, event.object_id) == (
        "organisation.created",
        intl_admin.pk,
        str(organisation.pk),
    )
    assert event.after["country"] == "BRA"
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            actor=chn_admin, name="X", kind="law_enforcement", country_code="CHN"
        )


@pytest.mark.parametrize(
    ("kind", "country", "field"),
    [
        ("international", "CHN", "country"),
        ("fiu", None, "country"),
        ("fiu", "XXX", "country"),
        ("spy_agency", "CHN", "kind"),
    ],
)
def test_organisation_kind_and_country_must_agree(intl_admin, kind, country, field):
    with pytest.raises(ValidationFailed) as error:
        services.organisation_create(actor=intl_admin, name="N", kind=kind, country_code=country)
    assert field in error.value.details


def test_organisation_names_are_unique_per_country(intl_admin, make_org):
    make_org(country="FRA", name="Douane")
    with pytest.raises(ValidationFailed) as error:
        services.organisation_create(
            actor=intl_admin, name="douane", kind="law_enforcement", country_code="FRA"
        )
    assert "name" in error.value.details
    assert services.organisation_create(
        actor=intl_admin, name="Douane", kind="law_enforcement", country_code="BEL"
    )


def test_own_admin_may_require_a_second_factor_but_not_rename(chn_admin, chn_officer):
    organisation = chn_admin.organisation
    updated = services.organisation_update(
        actor=chn_admin, organisation=organisation, require_second_factor=True
    )
    assert updated.require_second_factor and updated.version == 2
    assert last_event().before["require_second_factor"] is False
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=chn_admin, organisation=organisation, name="New")
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            actor=chn_officer, organisation=organisation, require_second_factor=False
        )


def test_organisation_update_detects_a_stale_version(intl_admin, chn_admin):
    organisation = chn_admin.organisation
    services.organisation_update(
        actor=intl_admin, organisation=organisation, expected_version=1, name="Renamed"
    )
    with pytest.raises(Conflict):
        services.organisation_update(
            actor=intl_admin, organisation=organisation, expected_version=1, name="Lost update"
        )
    assert Organisation.objects.get(pk=organisation.pk).name == "Renamed"


def test_organisation_update_rejects_unknown_fields_and_blank_names(intl_admin, chn_admin):
    with pytest.raises(ValidationFailed):
        services.organisation_update(
            actor=intl_admin, organisation=chn_admin.organisation, kind="fiu"
        )
    with pytest.raises(ValidationFailed):
        services.organisation_update(
            actor=intl_admin, organisation=chn_admin.organisation, name=" "
        )


def test_organisation_for_finds_or_creates(countries):
    first = services.organisation_for(kind="fiu", country_code="NLD")
    assert first.name == "Financial intelligence unit (NLD)"
    assert services.organisation_for(kind="fiu", country_code="nld") == first
    international = services.organisation_for(kind="international", country_code=None)
    assert international.country is None


# --- users ---


def test_org_admin_adds_users_to_own_organisation_only(chn_admin, deu_officer):
    user = services.user_create(
        actor=chn_admin,
        organisation=chn_admin.organisation,
        username="wang.fang",
        role="officer",
        password=PASSWORD,
    )
    assert user.organisation == chn_admin.organisation and user.check_password(PASSWORD)
    event = last_event()
    assert event.action == "user.created" and "password" not in event.after
    assert event.owner_organisation_id == chn_admin.organisation_id
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=chn_admin,
            organisation=deu_officer.organisation,
            username="intruder",
            role="admin",
            password=PASSWORD,
        )


def test_user_create_reports_each_bad_field(chn_admin, chn_officer):
    with pytest.raises(ValidationFailed) as error:
        services.user_create(
            actor=chn_admin,
            organisation=chn_admin.organisation,
            username=chn_officer.username.upper(),
            role="emperor",
            password=PASSWORD,
        )
    assert set(error.value.details) == {"username", "role"}
    with pytest.raises(ValidationFailed) as error:
        services.user_create(
            actor=chn_admin,
            organisation=chn_admin.organisation,
            username="short.pw",
            role="viewer",
            password="12345",
        )
    assert "password" in error.value.details


def test_user_update_changes_role_with_version_check(chn_admin, chn_officer):
    updated = services.user_update(
        actor=chn_admin, user=chn_officer, expected_version=1, role="focal_point"
    )
    assert updated.role == "focal_point" and updated.version == 2
    assert (last_event().before["role"], last_event().after["role"]) == ("officer", "focal_point")
    with pytest.raises(Conflict):
        services.user_update(actor=chn_admin, user=chn_officer, expected_version=1, role="viewer")


def test_admins_cannot_lock_themselves_out(chn_admin):
    with pytest.raises(ValidationFailed):
        services.user_update(actor=chn_admin, user=chn_admin, role="viewer")
    with pytest.raises(ValidationFailed):
        services.user_update(actor=chn_admin, user=chn_admin, is_active=False)


def test_user_update_permissions(chn_officer, deu_admin, intl_admin):
    with pytest.raises(PermissionDenied):
        services.user_update(actor=deu_admin, user=chn_officer, role="viewer")
    with pytest.raises(ValidationFailed):
        services.user_update(actor=intl_admin, user=chn_officer, username="renamed")
    with pytest.raises(ValidationFailed):
        services.user_update(actor=intl_admin, user=chn_officer, role="king")
    assert (
        services.user_update(actor=intl_admin, user=chn_officer, is_active=False).is_active is False
    )


def test_profile_and_password_changes(chn_officer):
    services.profile_update(
        actor=chn_officer,
        email="li@example.org",
        first_name="Wei",
        last_name="Li",
        preferred_language="zh-hans",
    )
    chn_officer.refresh_from_db()
    assert chn_officer.preferred_language == "zh-hans"
    with pytest.raises(ValidationFailed):
        services.profile_update(
            actor=chn_officer, email="", first_name="", last_name="", preferred_language="tlh"
        )
    with pytest.raises(ValidationFailed) as error:
        services.password_change(actor=chn_officer, current_password="wrong", new_password="x")
    assert "current_password" in error.value.details
    services.password_change(
        actor=chn_officer, current_password=PASSWORD, new_password="another-long-passphrase"
    )
    assert User.objects.get(pk=chn_officer.pk).check_password("another-long-passphrase")
    assert last_event().action == "user.password_changed"


def test_admin_sets_password_and_unlocks(chn_admin, chn_officer, deu_admin):
    User.objects.filter(pk=chn_officer.pk).update(
        locked_until=timezone.now() + datetime.timedelta(hours=1)
    )
    services.password_set(actor=chn_admin, user=chn_officer, new_password="reset-by-the-admin-1")
    chn_officer.refresh_from_db()
    assert chn_officer.locked_until is None and chn_officer.check_password("reset-by-the-admin-1")
    with pytest.raises(PermissionDenied):
        services.password_set(actor=deu_admin, user=chn_officer, new_password="x-long-password-9")


@pytest.mark.real_hashing
def test_passwords_are_stored_with_argon2(chn_officer):
    assert User.objects.get(pk=chn_officer.pk).password.startswith("argon2")


# --- sign-in and lock-out ---


def test_sign_in_checks_password_and_locks_after_repeated_failures(settings, chn_officer):
    settings.SIGN_IN_MAX_FAILURES = 3
    now = timezone.now()
    assert (
        services.sign_in_check_password(address="192.0.2.1", username="nobody", password="x").user
        is None
    )
    for _attempt in range(2):
        result = services.sign_in_check_password(
            address="192.0.2.1", username=chn_officer.username, password="wrong", now=now
        )
        assert result.user is None and not result.locked
    assert last_event().action == "auth.sign_in_failed"
    result = services.sign_in_check_password(
        address="192.0.2.1", username=chn_officer.username, password="bad", now=now
    )
    assert result.locked
    assert last_event().action == "auth.locked_out"
    # Even the right password is refused while locked ...
    assert services.sign_in_check_password(
        address="192.0.2.1", username=chn_officer.username, password=PASSWORD, now=now
    ).locked
    # ... and accepted once the lock has expired.
    later = now + datetime.timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES + 1)
    result = services.sign_in_check_password(
        address="192.0.2.1", username=chn_officer.username.upper(), password=PASSWORD, now=later
    )
    assert result.user == chn_officer and not result.needs_second_factor


def test_inactive_users_and_organisations_cannot_sign_in(chn_officer, intl_admin):
    services.organisation_update(
        actor=intl_admin, organisation=chn_officer.organisation, is_active=False
    )
    assert (
        services.sign_in_check_password(
            address="192.0.2.1", username=chn_officer.username, password=PASSWORD
        ).user
        is None
    )


def test_sign_in_success_resets_failures(chn_officer):
    services.sign_in_record_failure(address="192.0.2.1", user=chn_officer)
    services.sign_in_succeeded(address="192.0.2.1", user=chn_officer, second_factor=False)
    chn_officer.refresh_from_db()
    assert chn_officer.failed_sign_ins == 0 and chn_officer.last_login is not None


# --- second factor ---


def test_second_factor_enrolment_and_single_use_codes(chn_officer):
    secret = services.second_factor_begin(actor=chn_officer)
    with pytest.raises(ValidationFailed):
        services.second_factor_confirm(actor=chn_officer, code="000000")
    now = timezone.now()
    services.second_factor_confirm(actor=chn_officer, code=pyotp.TOTP(secret).at(now), now=now)
    user = User.objects.get(pk=chn_officer.pk)
    assert user.has_second_factor
    assert services.sign_in_check_password(
        address="192.0.2.1", username=user.username, password=PASSWORD
    ).needs_second_factor
    later = now + datetime.timedelta(seconds=60)
    code = pyotp.TOTP(secret).at(later)
    assert services.sign_in_verify_totp(address="192.0.2.1", user=user, code=code, now=later)
    assert not services.sign_in_verify_totp(address="192.0.2.1", user=user, code=code, now=later), (
        "replayed code"
    )
    assert not services.sign_in_verify_totp(
        address="192.0.2.1", user=user, code="123456", now=later
    )


def test_the_code_that_confirmed_the_second_factor_cannot_sign_in(chn_officer):
    secret = services.second_factor_begin(actor=chn_officer)
    now = timezone.now()
    code = pyotp.TOTP(secret).at(now)
    services.second_factor_confirm(actor=chn_officer, code=code, now=now)
    user = fresh(chn_officer)
    for seconds in (0, 20, 29):  # within the same step and the drift window
        moment = now + datetime.timedelta(seconds=seconds)
        if pyotp.TOTP(secret).at(moment) == code:
            assert not services.sign_in_verify_totp(
                address="192.0.2.1", user=fresh(user), code=code, now=moment
            ), "the confirming code replayed at sign-in"
    # A new enrolment starts a new secret with no used step.
    secret = services.second_factor_begin(actor=fresh(chn_officer))
    assert fresh(chn_officer).totp_last_counter is None


def test_second_factor_confirm_needs_a_started_enrolment(chn_officer):
    with pytest.raises(ValidationFailed):
        services.second_factor_confirm(actor=chn_officer, code="123456")


def test_second_factor_cannot_be_dropped_where_required(chn_admin, chn_officer, deu_admin):
    secret = services.second_factor_begin(actor=chn_officer)
    services.second_factor_confirm(actor=chn_officer, code=pyotp.TOTP(secret).now())
    services.organisation_update(
        actor=chn_admin, organisation=chn_admin.organisation, require_second_factor=True
    )
    chn_officer = User.objects.select_related("organisation").get(pk=chn_officer.pk)
    with pytest.raises(ValidationFailed):
        services.second_factor_disable(actor=chn_officer, user=chn_officer)
    with pytest.raises(PermissionDenied):
        services.second_factor_disable(actor=deu_admin, user=chn_officer)
    services.second_factor_disable(actor=chn_admin, user=chn_officer)  # lost phone
    assert not User.objects.get(pk=chn_officer.pk).has_second_factor


# --- API tokens ---


def test_token_is_stored_hashed_and_shown_once(chn_officer):
    token, secret = services.token_create(
        actor=chn_officer, user=chn_officer, name="national system", expires_in_days=30
    )
    assert secret.startswith("dct_") and len(secret) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in (stored.digest, stored.prefix) and stored.digest == services.token_digest(
        secret
    )
    assert secret.startswith(stored.prefix)
    assert secret not in str(last_event().after)
    assert services.token_authenticate(secret) == chn_officer
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_token_expiry_revocation_and_bad_secrets(chn_officer, chn_admin, deu_admin):
    token, secret = services.token_create(actor=None, user=chn_officer, name="", expires_in_days=1)
    assert token.name == "API token"
    assert (
        services.token_authenticate(secret, now=timezone.now() + datetime.timedelta(days=2)) is None
    )
    assert services.token_authenticate("dct_not-a-token") is None
    assert services.token_authenticate("Basic abc") is None
    with pytest.raises(PermissionDenied):
        services.token_revoke(actor=deu_admin, token=token)
    services.token_revoke(actor=chn_admin, token=token)
    assert services.token_authenticate(secret) is None
    assert last_event().action == "token.revoked"
    events = AuditEvent.objects.count()
    services.token_revoke(actor=chn_officer, token=token)  # revoking twice changes nothing
    assert AuditEvent.objects.count() == events


def test_token_rules(chn_officer, chn_admin):
    with pytest.raises(PermissionDenied):
        services.token_create(actor=chn_admin, user=chn_officer, name="for someone else")
    with pytest.raises(ValidationFailed):
        services.token_create(actor=chn_officer, user=chn_officer, name="x", expires_in_days=0)
    _token, secret = services.token_create(actor=chn_officer, user=chn_officer, name="x")
    services.user_update(actor=chn_admin, user=chn_officer, is_active=False)
    assert services.token_authenticate(secret) is None


# --- the second factor, when required, cannot be side-stepped ---


def test_second_factor_missing_only_where_required_and_not_enrolled(chn_admin, chn_officer):
    assert not services.second_factor_missing(fresh(chn_officer))
    require_second_factor(chn_admin)
    assert services.second_factor_missing(fresh(chn_officer))
    enrol(fresh(chn_officer))
    assert not services.second_factor_missing(fresh(chn_officer))


def test_no_token_is_created_while_the_required_second_factor_is_missing(
    chn_admin, chn_officer, deu_officer
):
    require_second_factor(chn_admin)
    tokens, events = ApiToken.objects.count(), AuditEvent.objects.count()
    with pytest.raises(PermissionDenied) as refused:
        services.token_create(actor=fresh(chn_officer), user=fresh(chn_officer), name="x")
    assert "second factor" in str(refused.value.message)
    with pytest.raises(PermissionDenied):  # nor by the command line
        services.token_create(actor=None, user=fresh(chn_officer), name="x")
    assert (ApiToken.objects.count(), AuditEvent.objects.count()) == (tokens, events)
    # another organisation's member is not concerned
    services.token_create(actor=deu_officer, user=deu_officer, name="x")
    enrol(fresh(chn_officer))
    services.token_create(actor=fresh(chn_officer), user=fresh(chn_officer), name="x")
    assert last_event().action == "token.created"


def test_existing_token_refused_until_enrolment_then_works_again(chn_admin, chn_officer):
    token, secret = services.token_create(actor=chn_officer, user=chn_officer, name="x")
    require_second_factor(chn_admin)
    with pytest.raises(SecondFactorRequired) as refused:
        services.token_authenticate(secret)
    assert refused.value.status == 401 and "second factor" in str(refused.value.message)
    assert ApiToken.objects.get(pk=token.pk).last_used_at is None, "a refused use is no use"
    enrol(fresh(chn_officer))
    assert services.token_authenticate(secret) == chn_officer
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_removing_ones_own_second_factor_needs_a_current_code(chn_officer):
    now = timezone.now()
    secret = enrol(chn_officer, now=now)
    used = pyotp.TOTP(secret).at(now)
    assert services.sign_in_verify_totp(address="192.0.2.1", user=chn_officer, code=used, now=now)
    user = fresh(chn_officer)
    before = (user.totp_secret, user.totp_confirmed_at, user.totp_last_counter)
    events = AuditEvent.objects.count()
    failures = 0
    for code in ("", "  ", wrong_code(secret, now), used):  # missing, wrong, already used
        with pytest.raises(ValidationFailed) as refused:
            services.second_factor_disable(
                actor=user, user=user, code=code, address="192.0.2.1", now=now
            )
        assert list(refused.value.details) == ["code"]
        after = fresh(chn_officer)
        assert (after.totp_secret, after.totp_confirmed_at, after.totp_last_counter) == before
        if code.strip():  # a wrong code counts as a failed sign-in, audited
            failures += 1
            assert last_event().action == "auth.sign_in_failed"
        assert after.failed_sign_ins == failures
        assert AuditEvent.objects.count() == events + failures
    events += failures
    later = now + datetime.timedelta(seconds=30)
    services.second_factor_disable(
        actor=user, user=user, code=pyotp.TOTP(secret).at(later), now=later
    )
    after = fresh(chn_officer)
    assert not after.has_second_factor and after.totp_secret == ""
    assert AuditEvent.objects.count() == events + 1
    event = last_event()
    assert (event.action, event.actor_id, event.object_id) == (
        "user.second_factor_disabled",
        chn_officer.pk,
        str(chn_officer.pk),
    )
    assert event.after == {"by_administrator": False}


def test_guessing_the_removal_code_is_bounded_by_the_sign_in_locks(settings, chn_officer):
    settings.SIGN_IN_MAX_FAILURES = 3
    now = timezone.now()
    secret = enrol(chn_officer, now=now)
    user = fresh(chn_officer)
    for _attempt in range(3):
        with pytest.raises(ValidationFailed):
            services.second_factor_disable(
                actor=user, user=user, code=wrong_code(secret, now), address="192.0.2.9", now=now
            )
    # Locked from that address: even the right code is not checked any more.
    with pytest.raises(ValidationFailed) as refused:
        services.second_factor_disable(
            actor=user, user=user, code=pyotp.TOTP(secret).at(now), address="192.0.2.9", now=now
        )
    assert "Too many wrong codes" in str(refused.value.details["code"][0])
    assert fresh(chn_officer).has_second_factor
    assert selectors.sign_in_blocked(user=fresh(chn_officer), address="192.0.2.9", now=now)


def test_a_new_password_equal_to_the_current_one_is_refused(chn_officer):
    with pytest.raises(ValidationFailed) as refused:
        services.password_change(
            actor=chn_officer, current_password=PASSWORD, new_password=PASSWORD
        )
    assert list(refused.value.details) == ["new_password"]
    assert fresh(chn_officer).check_password(PASSWORD)


def test_administrator_removes_a_members_second_factor_without_a_code(chn_admin, chn_officer):
    enrol(chn_officer)
    require_second_factor(chn_admin)
    events = AuditEvent.objects.count()
    services.second_factor_disable(actor=chn_admin, user=fresh(chn_officer))  # lost phone
    assert not fresh(chn_officer).has_second_factor
    assert AuditEvent.objects.count() == events + 1
    event = last_event()
    assert (event.action, event.actor_id, event.after) == (
        "user.second_factor_disabled",
        chn_admin.pk,
        {"by_administrator": True},
    )
    # the member must enrol again before any token can be used or made
    assert services.second_factor_missing(fresh(chn_officer))
