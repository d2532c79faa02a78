"""Users and their accounts: created and changed by administrators; own profile and password."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from drugcontrol.core.audit import record_event, snapshot
from drugcontrol.core.errors import (
    PermissionDenied,
    ValidationFailed,
)
from drugcontrol.core.models import (
    Organisation,
    Role,
    SignInLock,
    User,
)
from drugcontrol.core.permissions import can
from drugcontrol.core.selectors import username_key
from drugcontrol.core.versioning import versioned_change

USER_FIELDS = ["username", "email", "first_name", "last_name", "organisation", "role", "is_active"]

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
    with versioned_change(
        user,
        expected_version=expected_version,
        actor=actor,
        action="user.updated",
        fields=USER_FIELDS,
        owner_organisation=user.organisation,
    ) as change:
        for field, value in changes.items():
            setattr(change.record, field, value)
    return change.record


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
    if actor.check_password(new_password):
        raise ValidationFailed(
            {"new_password": [_("The new password must differ from the current one.")]}
        )
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
        SignInLock.objects.filter(username=username_key(user.username)).delete()
        record_event(
            actor=actor,
            action="user.password_set",
            obj=user,
            owner_organisation=user.organisation,
        )
