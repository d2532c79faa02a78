"""Helpers for the tests of the second factor."""

import datetime

import pyotp
from django.utils import timezone

from drugcontrol.core import services
from drugcontrol.core.models import User


def enrol(user, now=None) -> str:
    """Set up and confirm a second factor for `user` two time steps before `now` (the
    confirming code's step counts as used, so codes around `now` are still fresh); returns
    the secret."""
    now = now or timezone.now()
    secret = services.second_factor_begin(actor=user)
    totp = pyotp.TOTP(secret)
    confirmed = now - datetime.timedelta(seconds=2 * totp.interval)
    services.second_factor_confirm(actor=user, code=totp.at(confirmed), now=confirmed)
    return secret


def wrong_code(secret: str, now=None) -> str:
    """A six-digit code that is not valid for `secret` around `now`."""
    now = now or timezone.now()
    totp = pyotp.TOTP(secret)
    valid = {totp.at(now + datetime.timedelta(seconds=step * totp.interval)) for step in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def require_second_factor(admin) -> None:
    services.organisation_update(
        actor=admin, organisation=admin.organisation, require_second_factor=True
    )


def fresh(user) -> User:
    """The user as the database has it now (with the organisation's current settings)."""
    return User.objects.select_related("organisation").get(pk=user.pk)
