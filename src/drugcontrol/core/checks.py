from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured


@register("security", deploy=True)
def secret_key_check(app_configs=None, **kwargs):
    """Refuse to serve without a real secret key whenever DEBUG is off.

    A deployment check: `drugcontrol check` runs it whenever DEBUG is off, and the WSGI entry
    point refuses to start on it; administrative commands still work on a bare checkout.
    """
    if settings.DEBUG:
        return []
    try:
        key = settings.SECRET_KEY or ""
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        key = ""
    if not key or key == settings.INSECURE_DEFAULT_SECRET_KEY or len(key) < 32:
        return [
            Error(
                "SECRET_KEY is missing, too short or the development default while DEBUG is off.",
                hint="Set the SECRET_KEY environment variable to at least 32 random characters "
                "(python -c 'import secrets; print(secrets.token_urlsafe(50))').",
                id="drugcontrol.E001",
            )
        ]
    return []


def _secret_key_or_none():
    try:
        return settings.SECRET_KEY
    except ImproperlyConfigured:
        return None


@register("security", deploy=True)
def audit_key_check(app_configs=None, **kwargs):
    """The audit log's HMAC key: a real one of its own whenever DEBUG is off."""
    if settings.DEBUG:
        return []
    key = getattr(settings, "AUDIT_KEY", "") or ""
    if len(key) < 32 or key == settings.INSECURE_DEFAULT_AUDIT_KEY or key == _secret_key_or_none():
        return [
            Error(
                "DRUGCONTROL_AUDIT_KEY is missing, too short, the development default or the "
                "same as SECRET_KEY while DEBUG is off.",
                hint="Set DRUGCONTROL_AUDIT_KEY to at least 32 random characters of its own "
                "before the first audit event is written (see docs/operations.md).",
                id="drugcontrol.E002",
            )
        ]
    return []


def refuse_to_start_if_insecure() -> None:
    """Called by the WSGI entry point: a production server never starts on a default key."""
    errors = secret_key_check() + audit_key_check()
    if errors:
        raise ImproperlyConfigured(f"{errors[0].msg} {errors[0].hint}")
