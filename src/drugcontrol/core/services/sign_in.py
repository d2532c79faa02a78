"""Sign-in: the password check with its throttles and locks, the second-factor step, and
whether a user may use the API yet."""

import datetime
import functools
import math
import secrets
from dataclasses import dataclass

import pyotp
from django.conf import settings
from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from drugcontrol.core.audit import record_event
from drugcontrol.core.errors import (
    SecondFactorRequired,
)
from drugcontrol.core.models import (
    SignInFailure,
    SignInLock,
    User,
)
from drugcontrol.core.selectors import (
    second_factor_missing,
    sign_in_address_locked_until,
    sign_in_lock_active,
    username_key,
)

# --- sign-in, lock-out and second factor ---------------------------------------------------


@dataclass(frozen=True)
class SignInResult:
    """`locked` and a wrong password are answered alike (nothing tells them apart from
    outside); `throttled` is the client address's own lock, answered 429, and
    `retry_after` the seconds until it ends."""

    user: User | None
    needs_second_factor: bool = False
    locked: bool = False
    throttled: bool = False
    retry_after: int = 0


@functools.cache
def _dummy_hash(algorithm: str) -> str:
    return make_password(secrets.token_urlsafe(24))


def _verify_dummy(password: str) -> None:
    """Run the password hasher once against a throwaway hash, so that an unknown name, a
    locked account or an account without a usable password take as long as a wrong password."""
    check_password(password, _dummy_hash(get_hasher().algorithm))


def sign_in_check_password(*, username: str, password: str, address: str, now=None):
    """Check a password from the client `address`; count failures and lock after too many.

    Every answer but the address's own lock runs the password hasher exactly once, so that
    unknown names, locked accounts and wrong passwords cannot be told apart by their timing.
    """
    now = now or timezone.now()
    locked_until = sign_in_address_locked_until(address=address, now=now)
    if locked_until is not None:
        remaining = math.ceil((locked_until - now).total_seconds())
        return SignInResult(user=None, throttled=True, retry_after=max(remaining, 1))
    key = username_key(username)
    user = User.objects.select_related("organisation").filter(username__iexact=key).first()
    # Unknown names are locked like accounts, so that the answers do not differ.
    if sign_in_lock_active(address, key, now) or (user is not None and user.is_locked(now)):
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
        username=username_key(user.username),
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
            if pair >= settings.SIGN_IN_MAX_FAILURES and not sign_in_lock_active(
                address, username, now
            ):
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
        if from_address >= settings.SIGN_IN_ADDRESS_MAX_FAILURES and not sign_in_lock_active(
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
        SignInFailure.objects.filter(address=address, username=username_key(user.username)).delete()
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


def api_access_check(user) -> None:
    """Refuse the API (bearer token or browser session) to a user who must still enrol."""
    if second_factor_missing(user):
        raise SecondFactorRequired(
            _(
                "Your organisation requires a second factor. Set it up on your account page "
                "before using the API; your API tokens work again once it is on."
            )
        )
