"""API tokens: created, revoked, and the bearer check of every API request."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drugcontrol.core.audit import record_event, snapshot
from drugcontrol.core.errors import (
    PermissionDenied,
    ValidationFailed,
)
from drugcontrol.core.models import (
    ApiToken,
    Country,
    Organisation,
    User,
)
from drugcontrol.core.permissions import require
from drugcontrol.core.selectors import second_factor_missing
from drugcontrol.core.services.sign_in import api_access_check
from drugcontrol.core.services.users import _may_manage_users_of

TOKEN_PREFIX = "dct_"

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
