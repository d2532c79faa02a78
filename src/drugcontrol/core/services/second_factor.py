"""The second factor (TOTP): enrolment, confirmation and removal."""

import pyotp
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drugcontrol.core.audit import record_event
from drugcontrol.core.errors import (
    PermissionDenied,
    ValidationFailed,
)
from drugcontrol.core.models import (
    User,
)
from drugcontrol.core.selectors import sign_in_blocked
from drugcontrol.core.services.sign_in import _totp_code_accepted, sign_in_record_failure
from drugcontrol.core.services.users import _may_manage_users_of

# The answer while a sign-in lock of the account (or of the address) holds.
TOO_MANY_WRONG_CODES = gettext_lazy(
    "Too many wrong codes or passwords were entered for this account. Try again later."
)


def second_factor_begin(*, actor: User) -> str:
    """Start enrolment: store a fresh secret (not yet active) and return it."""
    secret = pyotp.random_base32()
    with transaction.atomic():
        User.objects.filter(pk=actor.pk).update(
            totp_secret=secret, totp_confirmed_at=None, totp_last_counter=None
        )
        record_event(
            actor=actor,
            action="user.second_factor_enrolment_started",
            obj=actor,
            owner_organisation=actor.organisation,
        )
    actor.totp_secret, actor.totp_confirmed_at, actor.totp_last_counter = secret, None, None
    return secret


def second_factor_confirm(*, actor: User, code: str, now=None) -> None:
    """Turn the enrolled secret on with a code from it. The code's time step counts as used,
    as at sign-in, so the code that confirmed cannot sign in a second time."""
    now = now or timezone.now()
    if not actor.totp_secret:
        raise ValidationFailed({"code": [_("Start the set-up first.")]})
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=actor.pk)
        if not _totp_code_accepted(current, code, now):
            raise ValidationFailed(
                {"code": [_("The code is not valid. Check the time on your device.")]}
            )
        User.objects.filter(pk=actor.pk).update(totp_confirmed_at=now)
        record_event(
            actor=actor,
            action="user.second_factor_enabled",
            obj=actor,
            owner_organisation=actor.organisation,
        )
    actor.totp_confirmed_at, actor.totp_last_counter = now, current.totp_last_counter


def second_factor_disable(*, actor, user: User, code: str = "", address: str = "", now=None):
    """Remove a second factor.

    Users removing their own confirm it with a current code from it (the sign-in rule: each
    time step accepted once); a wrong or missing code changes nothing. A wrong code counts as
    a failed sign-in of the account from `address` (the client's network address), so the
    sign-in locks also bound the guesses here; while a lock holds, no code is checked. An
    administrator of the user's organisation (or the command line, `actor=None`) removes a
    member's without one, for a lost device; the event says so. Where the organisation
    requires a second factor, members cannot remove their own.
    """
    own = actor is not None and actor.pk == user.pk
    if not own and not _may_manage_users_of(actor, user.organisation):
        raise PermissionDenied(_("You may not change this user."))
    if own and user.organisation and user.organisation.require_second_factor:
        raise ValidationFailed(
            {"code": [_("Your organisation requires a second factor; it cannot be removed.")]}
        )
    now = now or timezone.now()
    wrong_code = False
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        if own:
            if not current.has_second_factor:
                return  # nothing to remove
            if not (code or "").strip():
                raise ValidationFailed(
                    {"code": [_("Enter the current code from your authenticator app.")]}
                )
            if sign_in_blocked(user=current, address=address, now=now):
                raise ValidationFailed({"code": [TOO_MANY_WRONG_CODES]})
            if not _totp_code_accepted(current, code, now):
                wrong_code = True
        if not wrong_code:
            _remove(actor=actor, user=user, own=own)
    if wrong_code:
        # Counted outside the refused transaction, which would otherwise undo it.
        sign_in_record_failure(user=user, address=address, now=now)
        raise ValidationFailed({"code": [_("The code is not valid.")]})
    user.totp_secret, user.totp_confirmed_at, user.totp_last_counter = "", None, None


def _remove(*, actor, user: User, own: bool) -> None:
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
