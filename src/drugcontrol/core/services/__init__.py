"""Every write of the core app: one transaction and one audit event each, by domain.

The services live in one module per domain; this package re-exports their public names, so
callers write `services.user_create(...)`. The reads the sign-in step and the second-factor
rule need are selectors (`core.selectors`), re-exported here for the callers that had them
from services."""

from drugcontrol.core.selectors import (
    second_factor_missing,
    sign_in_blocked,
)
from drugcontrol.core.services.organisations import (
    ORGANISATION_FIELDS,
    organisation_create,
    organisation_for,
    organisation_update,
)
from drugcontrol.core.services.reference import (
    COUNTRY_FIELDS,
    LoadResult,
    countries_load,
)
from drugcontrol.core.services.second_factor import (
    second_factor_begin,
    second_factor_confirm,
    second_factor_disable,
)
from drugcontrol.core.services.sign_in import (
    SignInResult,
    api_access_check,
    sign_in_check_password,
    sign_in_record_failure,
    sign_in_succeeded,
    sign_in_verify_totp,
)
from drugcontrol.core.services.tokens import (
    TOKEN_PREFIX,
    TOKEN_USE_RECORDED_EVERY,
    token_authenticate,
    token_create,
    token_digest,
    token_revoke,
)
from drugcontrol.core.services.users import (
    USER_FIELDS,
    password_change,
    password_set,
    profile_update,
    user_create,
    user_update,
)

__all__ = [
    "COUNTRY_FIELDS",
    "ORGANISATION_FIELDS",
    "TOKEN_PREFIX",
    "TOKEN_USE_RECORDED_EVERY",
    "USER_FIELDS",
    "LoadResult",
    "SignInResult",
    "api_access_check",
    "countries_load",
    "organisation_create",
    "organisation_for",
    "organisation_update",
    "password_change",
    "password_set",
    "profile_update",
    "second_factor_begin",
    "second_factor_confirm",
    "second_factor_disable",
    "second_factor_missing",
    "sign_in_blocked",
    "sign_in_check_password",
    "sign_in_record_failure",
    "sign_in_succeeded",
    "sign_in_verify_totp",
    "token_authenticate",
    "token_create",
    "token_digest",
    "token_revoke",
    "user_create",
    "user_update",
]
