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


def refuse_to_start_if_insecure() -> None:
    """Called by the WSGI entry point: a production server never starts on a default key."""
    errors = secret_key_check()
    if errors:
        raise ImproperlyConfigured(f"{errors[0].msg} {errors[0].hint}")
