"""Every write of the core app: one transaction and one audit event each."""

import datetime
import functools
import hashlib
import secrets
from dataclasses import dataclass

import pyotp
from django.conf import settings
from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from drugcontrol.core.audit import record_event, snapshot
from drugcontrol.core.errors import (
    PermissionDenied,
    SecondFactorRequired,
    ValidationFailed,
    check_version,
)
from drugcontrol.core.models import (
    ApiToken,
    Country,
    Organisation,
    OrganisationKind,
    Role,
    SignInFailure,
    SignInLock,
    User,
)
from drugcontrol.core.permissions import can, require

ORGANISATION_FIELDS = ["name", "kind", "country", "require_second_factor", "is_active"]
USER_FIELDS = ["username", "email", "first_name", "last_name", "organisation", "role", "is_active"]
TOKEN_PREFIX = "dct_"


# --- organisations ------------------------------------------------------------------------


def _require_international_admin(actor) -> None:
    require(actor, "core.organisation_manage")


def _organisation_country(kind: str, country_code: str | None) -> Country | None:
    if kind not in OrganisationKind.values:
        raise ValidationFailed({"kind": [_("Unknown organisation kind.")]})
    if kind == OrganisationKind.INTERNATIONAL:
        if country_code:
            raise ValidationFailed(
                {"country": [_("An international organisation has no country.")]}
            )
        return None
    if not country_code:
        raise ValidationFailed({"country": [_("A national organisation needs a country.")]})
    country = Country.objects.filter(iso3=country_code.upper()).first()
    if country is None:
        raise ValidationFailed({"country": [_("Unknown country code.")]})
    return country


def organisation_create(
    *, actor, name: str, kind: str, country_code: str | None, require_second_factor=False
) -> Organisation:
    _require_international_admin(actor)
    return _organisation_create(
        actor=actor,
        name=name,
        kind=kind,
        country_code=country_code,
        require_second_factor=require_second_factor,
    )


def _organisation_create(*, actor, name, kind, country_code, require_second_factor=False):
    name = _organisation_name(name)
    country = _organisation_country(kind, country_code)
    _organisation_name_free(name, country)
    with transaction.atomic():
        organisation = Organisation.objects.create(
            name=name, kind=kind, country=country, require_second_factor=require_second_factor
        )
        record_event(
            actor=actor,
            action="organisation.created",
            obj=organisation,
            after=snapshot(organisation, ORGANISATION_FIELDS),
            owner_organisation=organisation,
        )
    return organisation


def _organisation_name(name) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": [_("A name is required.")]})
    limit = Organisation._meta.get_field("name").max_length
    if len(name) > limit:
        raise ValidationFailed({"name": [_("At most %(limit)s characters.") % {"limit": limit}]})
    return name


def _organisation_name_free(name: str, country, *, other_than=None) -> None:
    same = Organisation.objects.filter(country=country, name__iexact=name)
    if other_than is not None:
        same = same.exclude(pk=other_than.pk)
    if same.exists():
        raise ValidationFailed({"name": [_("An organisation with this name already exists.")]})


def organisation_update(
    *, actor, organisation: Organisation, expected_version: int | None = None, **changes
) -> Organisation:
    """Change name, second-factor requirement or active flag.

    International admins may change any organisation; an organisation's own admins may
    require a second factor for their organisation.
    """
    allowed = {"name", "require_second_factor", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed({field: [_("This field cannot be changed.")] for field in unknown})
    if set(changes) <= {"require_second_factor"}:
        require(actor, "core.organisation_security", organisation)
    else:
        require(actor, "core.organisation_manage")
    if "name" in changes:
        changes["name"] = _organisation_name(changes["name"])
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        check_version(current, expected_version)
        if "name" in changes:
            _organisation_name_free(changes["name"], current.country, other_than=current)
        before = snapshot(current, ORGANISATION_FIELDS)
        for field, value in changes.items():
            setattr(current, field, value)
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        record_event(
            actor=actor,
            action="organisation.updated",
            obj=current,
            owner_organisation=current,
            before=before,
            after=snapshot(current, ORGANISATION_FIELDS),
        )
    return current


# --- users ----------------------------------------------------------------------------------


def _may_manage_users_of(actor, organisation: Organisation) -> bool:
    if actor is None:  # command line, run by the operator of the installation
        return True
    return can(actor, "core.user_manage", organisation)


def _validated_password(password: str, user: User) -> str:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationFailed({"password": list(error.messages)}) from None
    return password


def user_create(
    *,
    actor,
    organisation: Organisation,
    username: str,
    role: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create a user in `organisation`. `actor=None` means the command line."""
    if not _may_manage_users_of(actor, organisation):
        raise PermissionDenied(_("You may not add users to this organisation."))
    username = (username or "").strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = [_("A user name is required.")]
    elif len(username) > User._meta.get_field("username").max_length:
        limit = User._meta.get_field("username").max_length
        errors["username"] = [_("At most %(limit)s characters.") % {"limit": limit}]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This user name is taken.")]
    if role not in Role.values:
        errors["role"] = [_("Unknown role.")]
    if errors:
        raise ValidationFailed(errors)
    user = User(
        username=username,
        organisation=organisation,
        role=role,
        email=email,
        first_name=first_name,
        last_name=last_name,
    )
    user.set_password(_validated_password(password, user))
    with transaction.atomic():
        user.save()
        record_event(
            actor=actor,
            action="user.created",
            obj=user,
            after=snapshot(user, USER_FIELDS),
            owner_organisation=organisation,
        )
    return user


def user_update(*, actor, user: User, expected_version: int | None = None, **changes) -> User:
    """Change a user's role, names, e-mail or active flag (administrators only)."""
    allowed = {"role", "email", "first_name", "last_name", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed({field: [_("This field cannot be changed.")] for field in unknown})
    if not _may_manage_users_of(actor, user.organisation):
        raise PermissionDenied(_("You may not change this user."))
    if "role" in changes and changes["role"] not in Role.values:
        raise ValidationFailed({"role": [_("Unknown role.")]})
    if (
        actor is not None
        and actor.pk == user.pk
        and (changes.get("is_active") is False or changes.get("role", Role.ADMIN) != Role.ADMIN)
    ):
        raise ValidationFailed({"role": [_("You cannot demote or deactivate yourself.")]})
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        check_version(current, expected_version)
        before = snapshot(current, USER_FIELDS)
        for field, value in changes.items():
            setattr(current, field, value)
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        record_event(
            actor=actor,
            action="user.updated",
            obj=current,
            before=before,
            after=snapshot(current, USER_FIELDS),
            owner_organisation=current.organisation,
        )
    return current


def profile_update(
    *, actor: User, email: str, first_name: str, last_name: str, preferred_language: str
) -> User:
    fields = ["email", "first_name", "last_name", "preferred_language"]
    languages = {code for code, _name in settings.LANGUAGES}
    if preferred_language and preferred_language not in languages:
        raise ValidationFailed({"preferred_language": [_("Unknown language.")]})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        before = snapshot(user, fields)
        user.email, user.first_name, user.last_name = email, first_name, last_name
        user.preferred_language = preferred_language
        user.save(update_fields=fields)
        record_event(
            actor=actor,
            action="user.profile_updated",
            obj=user,
            owner_organisation=user.organisation,
            before=before,
            after=snapshot(user, fields),
        )
    return user


def password_change(*, actor: User, current_password: str, new_password: str) -> None:
    if not actor.check_password(current_password):
        raise ValidationFailed({"current_password": [_("The current password is wrong.")]})
    _validated_password(new_password, actor)
    with transaction.atomic():
        actor.set_password(new_password)
        actor.save(update_fields=["password"])
        record_event(
            actor=actor,
            action="user.password_changed",
            obj=actor,
            owner_organisation=actor.organisation,
        )


def password_set(*, actor, user: User, new_password: str) -> None:
    """An administrator (or the command line, `actor=None`) sets someone's password."""
    if not _may_manage_users_of(actor, user.organisation):
        raise PermissionDenied(_("You may not change this user."))
    _validated_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.failed_sign_ins = 0
        user.locked_until = None
        user.save(update_fields=["password", "failed_sign_ins", "locked_until"])
        SignInLock.objects.filter(username=_username_key(user.username)).delete()
        record_event(
            actor=actor,
            action="user.password_set",
            obj=user,
            owner_organisation=user.organisation,
        )


# --- sign-in, lock-out and second factor ---------------------------------------------------


@dataclass(frozen=True)
class SignInResult:
    """`locked` and a wrong password are answered alike (nothing tells them apart from
    outside); `throttled` is the client address's own lock, answered 429."""

    user: User | None
    needs_second_factor: bool = False
    locked: bool = False
    throttled: bool = False


@functools.cache
def _dummy_hash(algorithm: str) -> str:
    return make_password(secrets.token_urlsafe(24))


def _verify_dummy(password: str) -> None:
    """Run the password hasher once against a throwaway hash, so that an unknown name, a
    locked account or an account without a usable password take as long as a wrong password."""
    check_password(password, _dummy_hash(get_hasher().algorithm))


def _username_key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def _lock_active(address: str, username: str, now) -> bool:
    return SignInLock.objects.filter(address=address, username=username, until__gt=now).exists()


def sign_in_address_throttled(*, address: str, now=None) -> bool:
    """Whether the client address is locked for every account (answered 429)."""
    return _lock_active(address, "", now or timezone.now())


def sign_in_blocked(*, user: User, address: str, now=None) -> bool:
    """Whether `user` may not sign in from `address` now: the address, the account from
    that address, or the whole account is locked."""
    now = now or timezone.now()
    return (
        user.is_locked(now)
        or SignInLock.objects.filter(
            address=address, username__in=["", _username_key(user.username)], until__gt=now
        ).exists()
    )


def sign_in_check_password(*, username: str, password: str, address: str, now=None):
    """Check a password from the client `address`; count failures and lock after too many.

    Every answer but the address's own lock runs the password hasher exactly once, so that
    unknown names, locked accounts and wrong passwords cannot be told apart by their timing.
    """
    now = now or timezone.now()
    if sign_in_address_throttled(address=address, now=now):
        return SignInResult(user=None, throttled=True)
    key = _username_key(username)
    user = User.objects.select_related("organisation").filter(username__iexact=key).first()
    # Unknown names are locked like accounts, so that the answers do not differ.
    if _lock_active(address, key, now) or (user is not None and user.is_locked(now)):
        _verify_dummy(password)
        _failure(username=key, user=None, address=address, checked=False, now=now)
        return SignInResult(user=None, locked=True)
    if user is None or not user.has_usable_password():
        _verify_dummy(password)
        locked = _failure(username=key, user=user, address=address, checked=True, now=now)
        return SignInResult(user=None, locked=locked)
    active = user.is_active and (user.organisation is None or user.organisation.is_active)
    if not user.check_password(password) or not active:
        locked = _failure(username=key, user=user, address=address, checked=True, now=now)
        return SignInResult(user=None, locked=locked)
    return SignInResult(user=user, needs_second_factor=user.has_second_factor)


def sign_in_record_failure(*, user: User, address: str, now=None) -> bool:
    """Count a failed password or second-factor code of `user` from `address`. Returns
    whether the attempt locked the account (from there or everywhere) or the address."""
    return _failure(
        username=_username_key(user.username),
        user=user,
        address=address,
        checked=True,
        now=now or timezone.now(),
    )


def _failure(*, username: str, user: User | None, address: str, checked: bool, now) -> bool:
    """Store one failure and take the locks it brings about, each audited:

    - the account from this address after `SIGN_IN_MAX_FAILURES` (the account's owner,
      elsewhere, is not affected, so nobody can lock someone else out by guessing);
    - the address, for every account, after `SIGN_IN_ADDRESS_MAX_FAILURES` (password
      spraying; it stops one source long before it could lock an account everywhere);
    - the whole account after `SIGN_IN_ACCOUNT_MAX_FAILURES` from any addresses (a
      distributed attack); temporary like the others.

    Failures count for `SIGN_IN_LOCKOUT_MINUTES`, and each lock lasts as long."""
    window = datetime.timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)
    since, until = now - window, now + window
    locked = False
    with transaction.atomic():
        SignInFailure.objects.filter(at__lt=since).delete()
        SignInLock.objects.filter(until__lte=now).delete()
        SignInFailure.objects.create(at=now, address=address, username=username, checked=checked)
        current = None
        if user is not None:
            current = User.objects.select_for_update().get(pk=user.pk)
            current.failed_sign_ins += 1
            current.save(update_fields=["failed_sign_ins"])
        recent = SignInFailure.objects.filter(at__gte=since)
        if checked:
            pair = recent.filter(address=address, username=username, checked=True).count()
            if pair >= settings.SIGN_IN_MAX_FAILURES and not _lock_active(address, username, now):
                locked = True
                SignInLock.objects.update_or_create(
                    address=address, username=username, defaults={"until": until}
                )
                _audit_lock(current, username, address, until, scope="address_account")
            if current is not None and not current.is_locked(now):
                everywhere = recent.filter(username=username, checked=True).count()
                if everywhere >= settings.SIGN_IN_ACCOUNT_MAX_FAILURES:
                    locked = True
                    current.locked_until = until
                    current.failed_sign_ins = 0
                    current.save(update_fields=["failed_sign_ins", "locked_until"])
                    _audit_lock(current, username, "", until, scope="account")
        from_address = recent.filter(address=address).count()
        if from_address >= settings.SIGN_IN_ADDRESS_MAX_FAILURES and not _lock_active(
            address, "", now
        ):
            locked = True
            SignInLock.objects.update_or_create(
                address=address, username="", defaults={"until": until}
            )
            record_event(
                actor=None,
                action="auth.address_throttled",
                object_type="core.signinlock",
                object_id=address,
                after={"address": address, "locked_until": until},
            )
        if current is not None and not locked:
            record_event(
                actor=None,
                action="auth.sign_in_failed",
                obj=current,
                owner_organisation=current.organisation,
                after={"address": address},
            )
    return locked


def _audit_lock(user: User | None, username: str, address: str, until, *, scope: str) -> None:
    """One event per lock of an account (from one address, or everywhere). Unknown names are
    locked alike, so that the answers do not differ, but have no account to notify."""
    after = {"scope": scope, "locked_until": until, "address": address or None}
    if user is None:
        record_event(actor=None, action="auth.locked_out", after={**after, "username": username})
        return
    record_event(
        actor=None,
        action="auth.locked_out",
        obj=user,
        owner_organisation=user.organisation,
        after=after,
    )
    if user.email:
        transaction.on_commit(lambda: _notify_locked_out(user, address=address, until=until))


def _notify_locked_out(user: User, *, address: str, until) -> None:
    from drugcontrol.core.tasks import send_email

    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = _("drugcontrol: your account was locked")
        values = {"username": user.username, "until": until.strftime("%Y-%m-%d %H:%M")}
        if address:
            body = _(
                "There were %(count)d failed attempts to sign in to your account %(username)s "
                "from the address %(address)s. Sign-in from that address is paused until "
                "%(until)s (UTC); elsewhere you can still sign in. If this was not you, tell "
                "your organisation's administrator."
            ) % {**values, "count": settings.SIGN_IN_MAX_FAILURES, "address": address}
        else:
            body = _(
                "There were %(count)d failed attempts to sign in to your account %(username)s. "
                "It is locked until %(until)s (UTC). If this was not you, tell your "
                "organisation's administrator."
            ) % {**values, "count": settings.SIGN_IN_ACCOUNT_MAX_FAILURES}
    send_email.enqueue(to=[user.email], subject=str(subject), body=str(body))


def sign_in_succeeded(*, user: User, second_factor: bool, address: str) -> None:
    """Record a sign-in; the account's failures from this address stop counting."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_sign_ins=0, last_login=timezone.now())
        SignInFailure.objects.filter(
            address=address, username=_username_key(user.username)
        ).delete()
        record_event(
            actor=user,
            action="auth.signed_in",
            obj=user,
            owner_organisation=user.organisation,
            after={"second_factor": second_factor},
        )


def _totp_code_accepted(current: User, code: str, now) -> bool:
    """Whether `code` is a valid code of the (locked) user row's secret, within one time
    step of `now`. Each time step is accepted once: the accepted one is stored, and a code of
    that step or an earlier one is refused afterwards. Sign-in and removal share this rule."""
    if not current.totp_secret:
        return False
    totp = pyotp.TOTP(current.totp_secret)
    code = (code or "").strip().replace(" ", "")
    for drift in (0, -1, 1):
        moment = now + datetime.timedelta(seconds=drift * totp.interval)
        counter = totp.timecode(moment)
        if secrets.compare_digest(totp.at(moment).encode(), code.encode()):
            if current.totp_last_counter is not None and counter <= current.totp_last_counter:
                return False  # replayed code
            current.totp_last_counter = counter
            current.save(update_fields=["totp_last_counter"])
            return True
    return False


def sign_in_verify_totp(*, user: User, code: str, address: str, now=None) -> bool:
    """Check a second-factor code; each code is accepted once."""
    now = now or timezone.now()
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        if _totp_code_accepted(current, code, now):
            return True
    sign_in_record_failure(user=user, address=address, now=now)
    return False


def second_factor_missing(user) -> bool:
    """The one rule for a mandatory second factor: the user's organisation requires it and
    the user has not enrolled. Such a user is sent to the set-up page by every page, the API
    refuses their session and their tokens, and no token can be created for them."""
    organisation = getattr(user, "organisation", None)
    return bool(
        organisation is not None
        and organisation.require_second_factor
        and not user.has_second_factor
    )


def api_access_check(user) -> None:
    """Refuse the API (bearer token or browser session) to a user who must still enrol."""
    if second_factor_missing(user):
        raise SecondFactorRequired(
            _(
                "Your organisation requires a second factor. Set it up on your account page "
                "before using the API; your API tokens work again once it is on."
            )
        )


def second_factor_begin(*, actor: User) -> str:
    """Start enrolment: store a fresh secret (not yet active) and return it."""
    secret = pyotp.random_base32()
    with transaction.atomic():
        User.objects.filter(pk=actor.pk).update(totp_secret=secret, totp_confirmed_at=None)
        record_event(
            actor=actor,
            action="user.second_factor_enrolment_started",
            obj=actor,
            owner_organisation=actor.organisation,
        )
    actor.totp_secret, actor.totp_confirmed_at = secret, None
    return secret


def second_factor_confirm(*, actor: User, code: str, now=None) -> None:
    now = now or timezone.now()
    if not actor.totp_secret:
        raise ValidationFailed({"code": [_("Start the set-up first.")]})
    if not pyotp.TOTP(actor.totp_secret).verify((code or "").strip(), for_time=now, valid_window=1):
        raise ValidationFailed(
            {"code": [_("The code is not valid. Check the time on your device.")]}
        )
    with transaction.atomic():
        User.objects.filter(pk=actor.pk).update(totp_confirmed_at=now)
        record_event(
            actor=actor,
            action="user.second_factor_enabled",
            obj=actor,
            owner_organisation=actor.organisation,
        )
    actor.totp_confirmed_at = now


def second_factor_disable(*, actor, user: User, code: str = "", now=None) -> None:
    """Remove a second factor.

    Users removing their own confirm it with a current code from it (the sign-in rule: each
    time step accepted once); a wrong or missing code changes nothing. An administrator of
    the user's organisation (or the command line, `actor=None`) removes a member's without
    one, for a lost device; the event says so. Where the organisation requires a second
    factor, members cannot remove their own.
    """
    own = actor is not None and actor.pk == user.pk
    if not own and not _may_manage_users_of(actor, user.organisation):
        raise PermissionDenied(_("You may not change this user."))
    if own and user.organisation and user.organisation.require_second_factor:
        raise ValidationFailed(
            {"code": [_("Your organisation requires a second factor; it cannot be removed.")]}
        )
    now = now or timezone.now()
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        if own:
            if not current.has_second_factor:
                return  # nothing to remove
            if not (code or "").strip():
                raise ValidationFailed(
                    {"code": [_("Enter the current code from your authenticator app.")]}
                )
            if not _totp_code_accepted(current, code, now):
                raise ValidationFailed({"code": [_("The code is not valid.")]})
        User.objects.filter(pk=user.pk).update(
            totp_secret="", totp_confirmed_at=None, totp_last_counter=None
        )
        record_event(
            actor=actor,
            action="user.second_factor_disabled",
            obj=user,
            owner_organisation=user.organisation,
            after={"by_administrator": not own},
        )
    user.totp_secret, user.totp_confirmed_at, user.totp_last_counter = "", None, None


# --- API tokens -----------------------------------------------------------------------------


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(
    *, actor, user: User, name: str, expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the record and the secret, shown only once."""
    if second_factor_missing(user):  # said first, and from the command line too
        raise PermissionDenied(
            _("Your organisation requires a second factor. Set it up before you create API tokens.")
        )
    require(actor, "core.token_create", user)
    name = (name or "").strip() or _("API token")
    if expires_in_days is None:
        expires_in_days = settings.API_TOKEN_DEFAULT_DAYS
    if expires_in_days < 1 or expires_in_days > 366 * 2:
        raise ValidationFailed({"expires_in_days": [_("Choose between 1 and 732 days.")]})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            created_at=now,
            name=name,
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            digest=token_digest(secret),
            expires_at=now + datetime.timedelta(days=expires_in_days),
        )
        record_event(
            actor=actor,
            action="token.created",
            obj=token,
            after=snapshot(token, ["user", "name", "prefix", "expires_at"]),
            owner_organisation=user.organisation,
        )
    return token, secret


def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token: its owner, an administrator of the owner's organisation, or the
    command line (`actor=None`)."""
    if (
        actor is not None
        and token.user_id != actor.pk
        and not _may_manage_users_of(actor, token.user.organisation)
    ):
        raise PermissionDenied(_("You may not revoke this token."))
    with transaction.atomic():
        current = ApiToken.objects.select_for_update().get(pk=token.pk)
        if current.revoked_at is None:
            current.revoked_at = timezone.now()
            current.save(update_fields=["revoked_at"])
            record_event(
                actor=actor,
                action="token.revoked",
                obj=current,
                after=snapshot(current, ["revoked_at"]),
            )
    return current


def token_authenticate(secret: str, now=None) -> User | None:
    """The active user a bearer secret belongs to, or None. Raises SecondFactorRequired
    while the user must still set up a second factor. Read-mostly: no audit event."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    now = now or timezone.now()
    token = _token_with_owner(token_digest(secret))
    if token is None or not token.is_usable(now):
        return None
    user = token.user
    if not user.is_active or (user.organisation and not user.organisation.is_active):
        return None
    api_access_check(user)  # the token is kept and works again once the user has enrolled
    # Record use at most once a minute to keep the hot path free of writes.
    if token.last_used_at is None or now - token.last_used_at > TOKEN_USE_RECORDED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


TOKEN_USE_RECORDED_EVERY = datetime.timedelta(minutes=1)

# Token, user, organisation and country, in that order, as read by _token_with_owner.
_TOKEN_MODELS = (ApiToken, User, Organisation, Country)
_token_readers: dict[str, tuple] = {}


def _token_reader(alias: str) -> tuple:
    """The SQL of one query through the digest's unique index, with the owner, the owner's
    organisation and its country joined, and for each model its fields and their database
    converters. Made once per database: building the query with the ORM on every request
    cost more than running it."""
    if alias not in _token_readers:
        connection = connections[alias]
        quote = connection.ops.quote_name
        models = []
        for model in _TOKEN_MODELS:
            table = model._meta.db_table
            fields = []
            for field in model._meta.concrete_fields:
                column = field.get_col(table)
                converters = connection.ops.get_db_converters(column) + column.get_db_converters(
                    connection
                )
                fields.append((field, column, converters))
            models.append((model, quote(table), fields))

        def join(kind, model_index, key_index, fk_attname):
            _model, table, _fields = models[model_index]
            target = quote(_TOKEN_MODELS[model_index]._meta.pk.column)
            source = models[key_index][1]
            return f" {kind} JOIN {table} ON {table}.{target} = {source}.{quote(fk_attname)}"

        columns = ", ".join(
            f"{table}.{quote(field.column)}"
            for _m, table, fields in models
            for field, _c, _v in fields
        )
        token_table = models[0][1]
        # Only quoted table and column names are written in; the digest is a parameter.
        sql = (
            f"SELECT {columns} FROM {token_table}"  # noqa: S608
            + join("INNER", 1, 0, ApiToken._meta.get_field("user").column)
            + join("LEFT OUTER", 2, 1, User._meta.get_field("organisation").column)
            + join("LEFT OUTER", 3, 2, Organisation._meta.get_field("country").column)
            + f" WHERE {token_table}.{quote(ApiToken._meta.get_field('digest').column)} = %s"
        )
        _token_readers[alias] = (sql, models)
    return _token_readers[alias]


def _token_with_owner(digest: str) -> ApiToken | None:
    alias = router.db_for_read(ApiToken)
    connection = connections[alias]
    sql, models = _token_reader(alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, [digest])
        row = cursor.fetchone()
    if row is None:
        return None
    instances = []
    start = 0
    for model, _table, fields in models:
        values = row[start : start + len(fields)]
        start += len(fields)
        if values[0] is None:  # no organisation (the database superuser), so no country
            instances.append(None)
            continue
        converted = []
        for (_field, column, converters), value in zip(fields, values, strict=True):
            for converter in converters:  # as the ORM reads the row
                value = converter(value, column, connection)
            converted.append(value)
        attnames = [field.attname for field, _c, _v in fields]
        instances.append(model.from_db(alias, attnames, converted))
    token, user, organisation, country = instances
    if organisation is not None:
        organisation.country = country
    user.organisation = organisation
    token.user = user
    return token


# --- command-line helpers -------------------------------------------------------------------


def organisation_for(*, kind: str, country_code: str | None, name: str | None = None):
    """Find the organisation of this kind in this country, creating it when missing."""
    country = _organisation_country(kind, country_code)
    queryset = Organisation.objects.filter(kind=kind, country=country)
    if name:
        queryset = queryset.filter(name__iexact=name.strip())
    organisation = queryset.order_by("pk").first()
    if organisation is not None:
        return organisation
    if not name:
        with translation.override("en"):
            kind_label = str(OrganisationKind(kind).label)
        name = f"{kind_label} ({country.iso3})" if country else kind_label
    return _organisation_create(actor=None, name=name, kind=kind, country_code=country_code)


# --- reference data -------------------------------------------------------------------------

COUNTRY_FIELDS = [
    "iso2",
    "numeric",
    "name_en",
    "name_zh",
    "name_fr",
    "name_es",
    "name_ru",
    "name_ar",
    "region_code",
    "region_name",
    "subregion_code",
    "subregion_name",
]


@dataclass(frozen=True)
class LoadResult:
    total: int
    created: int
    updated: int
    unchanged: int


def countries_load(*, rows: list[dict], source: str) -> LoadResult:
    """Insert or update countries from the reference file; no event when nothing changed."""
    existing = {country.iso3: country for country in Country.objects.all()}
    to_create, to_update, changes = [], [], {}
    for row in rows:
        values = {field: row.get(field) or "" for field in COUNTRY_FIELDS}
        current = existing.get(row["iso3"])
        if current is None:
            to_create.append(Country(iso3=row["iso3"], **values))
            continue
        changed = {f: v for f, v in values.items() if getattr(current, f) != v}
        if changed:
            for field, value in changed.items():
                setattr(current, field, value)
            to_update.append(current)
            changes[current.iso3] = changed
    if to_create or to_update:
        with transaction.atomic():
            Country.objects.bulk_create(to_create)
            if to_update:
                Country.objects.bulk_update(to_update, COUNTRY_FIELDS)
            record_event(
                actor=None,
                action="reference.countries_loaded",
                object_type="core.country",
                after={
                    "source": source,
                    "created": sorted(c.iso3 for c in to_create),
                    "updated": changes,
                },
            )
    return LoadResult(
        total=len(rows),
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(rows) - len(to_create) - len(to_update),
    )
