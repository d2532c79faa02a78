"""Who may act: one rule per action, declared by each app in its `permissions.py`.

An action names the organisation kinds that may take it at all and, for each, the lowest
role that may (roles are ordered viewer < officer < focal point < administrator). A
condition on the record (ownership, country, status) may narrow it further:

    action(
        "incidents.incident_update",
        _("Change an incident"),
        grants={CA: Role.OFFICER, LE: Role.OFFICER},
        condition=lambda user, incident: incident.reporting_organisation_id == ...,
        refusal=_("Only the reporting organisation changes an incident."),
    )

Services call `require(actor, name, record)` before writing; pages, the API and templates
ask `can(user, name, record)` which buttons and forms to offer. The table of every action
(`matrix()`) is written out in docs/architecture.md, and the permission tests read it from
there, so the document, the code and the tests say the same thing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.errors import PermissionDenied
from drugcontrol.core.models import OrganisationKind, Role
from drugcontrol.core.visibility import is_signed_in

ROLE_RANK = {Role.VIEWER: 0, Role.OFFICER: 1, Role.FOCAL_POINT: 2, Role.ADMIN: 3}
KINDS = tuple(OrganisationKind)

Condition = Callable[[object, object], bool]


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    grants: dict = field(default_factory=dict)  # organisation kind -> lowest role
    condition: Condition | None = None
    condition_text: str = ""
    refusal: str = ""

    def allows_kind_and_role(self, user) -> bool:
        lowest = self.grants.get(user.organisation.kind)
        return lowest is not None and ROLE_RANK[user.role] >= ROLE_RANK[lowest]


_actions: dict[str, Action] = {}


def action(
    name: str,
    label,
    *,
    grants: dict,
    condition: Condition | None = None,
    condition_text="",
    refusal=None,
) -> Action:
    """Declare an action (once, in its app's permissions module)."""
    unknown = set(grants) - set(KINDS)
    if unknown:
        raise ImproperlyConfigured(f"{name}: unknown organisation kinds {sorted(unknown)}")
    existing = _actions.get(name)
    declared = Action(
        name=name,
        label=label,
        grants={OrganisationKind(kind): Role(role) for kind, role in grants.items()},
        condition=condition,
        condition_text=condition_text,
        refusal=refusal or _("You may not do this."),
    )
    if (
        existing is not None
        and existing.condition is not None
        and condition is not None
        and existing.condition.__qualname__ != condition.__qualname__
    ):
        raise ImproperlyConfigured(f"{name} is declared twice")
    _actions[name] = declared
    return declared


def get_action(name: str) -> Action:
    try:
        return _actions[name]
    except KeyError:
        raise ImproperlyConfigured(f"No permission rule declares the action {name!r}") from None


def actions() -> list[Action]:
    return sorted(_actions.values(), key=lambda a: a.name)


def can(user, name: str, record=None) -> bool:
    """May `user` take action `name` (on `record`, when the action concerns one)?"""
    rule = get_action(name)
    if not is_signed_in(user) or not rule.allows_kind_and_role(user):
        return False
    if rule.condition is not None:
        return bool(rule.condition(user, record))
    return True


def may_sometimes(user, name: str) -> bool:
    """Whether the user's organisation kind and role allow the action on some record (the
    record's condition aside): for links to lists and forms."""
    return is_signed_in(user) and get_action(name).allows_kind_and_role(user)


def granted(user) -> list[str]:
    """The actions the user's organisation kind and role allow, record conditions aside:
    what a client may offer (the API's /me)."""
    if not is_signed_in(user):
        return []
    return [rule.name for rule in actions() if rule.allows_kind_and_role(user)]


def require(user, name: str, record=None) -> None:
    """Raise PermissionDenied, with the action's own message, unless `can`. `user=None` is
    the command line, run by whoever operates the installation."""
    if user is None:
        get_action(name)
        return
    if not can(user, name, record):
        raise PermissionDenied(get_action(name).refusal)


def matrix() -> list[dict]:
    """Every action as a row: for each organisation kind the lowest role that may take it
    (None: not that kind), and the condition in words."""
    return [
        {
            "action": rule.name,
            "grants": {kind.value: rule.grants.get(kind) for kind in KINDS},
            "condition": str(rule.condition_text),
        }
        for rule in actions()
    ]


def matrix_markdown() -> str:
    """The matrix as the Markdown table kept in docs/architecture.md."""
    header = ["action", *(kind.value for kind in KINDS), "condition"]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for row in matrix():
        cells = [f"`{row['action']}`"]
        for kind in KINDS:
            role = row["grants"][kind.value]
            if role is None:
                cells.append("-")
            else:
                cells.append(role.value + ("" if role == Role.ADMIN else "+"))
        cells.append(row["condition"])
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --- core's own actions ---------------------------------------------------------------------


def own_country_or_secretariat(user, country_code) -> bool:
    """A condition for records kept per country: the record is the country's code."""
    return user.is_international or (country_code is not None and user.country_id == country_code)


def _own_organisation_or_secretariat(user, organisation) -> bool:
    return organisation is not None and (
        user.is_international or user.organisation_id == organisation.pk
    )


action(
    "core.organisation_manage",
    _("Create organisations, rename and deactivate them"),
    grants={OrganisationKind.INTERNATIONAL: Role.ADMIN},
    refusal=_("Only administrators of the international secretariat may do this."),
)
action(
    "core.organisation_security",
    _("Require a second factor in an organisation"),
    grants={kind: Role.ADMIN for kind in KINDS},
    condition=_own_organisation_or_secretariat,
    condition_text="its own organisation (the secretariat: any)",
    refusal=_("You may not change this organisation."),
)
action(
    "core.user_manage",
    _("Add users, change their role, password or second factor"),
    grants={kind: Role.ADMIN for kind in KINDS},
    condition=_own_organisation_or_secretariat,
    condition_text="users of its own organisation (the secretariat: any)",
    refusal=_("You may not change this user."),
)


def _own_token_with_second_factor(user, owner) -> bool:
    from drugcontrol.core.selectors import second_factor_missing

    return owner is not None and owner.pk == user.pk and not second_factor_missing(user)


action(
    "core.token_create",
    _("Create an API token"),
    grants={kind: Role.VIEWER for kind in KINDS},
    condition=_own_token_with_second_factor,
    condition_text="for oneself, and not while a second factor the organisation requires is "
    "missing",
    refusal=_(
        "You may only create tokens for yourself, with the second factor your "
        "organisation requires."
    ),
)
action(
    "core.alert_broadcast",
    _("Broadcast a special alert"),
    grants={OrganisationKind.INTERNATIONAL: Role.FOCAL_POINT},
    refusal=_("Only focal points and administrators of the secretariat broadcast alerts."),
)


def require_page(user, name: str, record=None) -> None:
    """For a page that offers an action: a 403 page with the action's own message, for a
    user who may not take it (the service refuses them too)."""
    from django.core.exceptions import PermissionDenied as PageDenied

    if not can(user, name, record):
        raise PageDenied(get_action(name).refusal)
