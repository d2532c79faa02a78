"""Human names for audit actions and record types, in the user's language.

Each app adds the actions its services record with `ACTION_LABELS.update(...)` in its
AppConfig.ready(); an action without a label is shown as its code.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "organisation.created": _("Organisation created"),
    "organisation.updated": _("Organisation changed"),
    "user.created": _("User created"),
    "user.updated": _("User changed"),
    "user.profile_updated": _("Profile changed"),
    "user.password_changed": _("Password changed"),
    "user.password_set": _("Password set by an administrator"),
    "user.second_factor_enrolment_started": _("Second factor set-up started"),
    "user.second_factor_enabled": _("Second factor turned on"),
    "user.second_factor_disabled": _("Second factor removed"),
    "auth.signed_in": _("Signed in"),
    "auth.sign_in_failed": _("Failed sign-in"),
    "auth.locked_out": _("Account locked after failed sign-ins"),
    "auth.address_throttled": _("Network address paused after failed sign-ins"),
    "token.created": _("API token created"),
    "token.revoked": _("API token revoked"),
    "reference.countries_loaded": _("Country reference data loaded"),
    "import.queued": _("File queued for import"),
    "audit.chain_head_recreated": _("Audit chain head re-created after it went missing"),
}

PROJECT_APP_PREFIX = "drugcontrol."


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def record_type_label(object_type: str) -> str:
    """`core.user` -> "user" in the active language (the code when unknown)."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def record_type_choices() -> list[tuple[str, str]]:
    """The record kinds of the project's own apps that people deal with (those named in
    both languages), for filters; index and helper tables are left out."""
    choices = []
    for config in apps.get_app_configs():
        if not config.name.startswith(PROJECT_APP_PREFIX):
            continue
        for model in config.get_models():
            if "verbose_name" in model._meta.original_attrs:
                choices.append((model._meta.label_lower, str(model._meta.verbose_name)))
    return sorted(choices, key=lambda choice: choice[1])
