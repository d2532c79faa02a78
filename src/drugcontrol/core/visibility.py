"""One mechanism for row-level visibility.

Each app declares, in its selectors, one rule per record kind:

    @visibility_rule(Incident)
    def incidents_visible_to(queryset, user):
        return queryset.filter(...)

Pages and the API both read through `visible()` / `get_visible_or_404()`, so the rule is
written once. Anonymous and inactive users see nothing; a record outside the rule is a 404.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.http import Http404

Rule = Callable[[QuerySet, object], QuerySet]
_rules: dict[type[Model], Rule] = {}


def visibility_rule(model: type[Model]) -> Callable[[Rule], Rule]:
    def register(rule: Rule) -> Rule:
        existing = _rules.get(model)
        if existing is not None and existing.__qualname__ != rule.__qualname__:
            raise ImproperlyConfigured(f"{model.__name__} already has a visibility rule")
        _rules[model] = rule
        return rule

    return register


def rule_for(model: type[Model]) -> Rule:
    try:
        return _rules[model]
    except KeyError:
        raise ImproperlyConfigured(
            f"{model.__name__} has no visibility rule; declare one with @visibility_rule"
        ) from None


def is_signed_in(user) -> bool:
    """An active user of an active organisation: the only users any rule lets read or act."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.organisation_id
        and user.organisation.is_active
    )


def visible(source: type[Model] | QuerySet, user) -> QuerySet:
    """The records of `source` that `user` may see."""
    queryset = source._default_manager.all() if isinstance(source, type) else source
    rule = rule_for(queryset.model)
    if not is_signed_in(user):
        return queryset.none()
    return rule(queryset, user)


def get_visible_or_404(source: type[Model] | QuerySet, user, **lookup) -> Model:
    queryset = visible(source, user)
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {queryset.model._meta.verbose_name} matches the given query.") from None


# Record kinds whose audit events are shown only to those who may see the record itself
# (a record kept within one country must not leak through the audit log).
_audited_kinds: dict[str, type[Model]] = {}


def audit_follows_record(object_type: str, model: type[Model]) -> None:
    """Called by an app (in ready()) for each record kind with a restrictive rule."""
    _audited_kinds[object_type] = model


def audited_kinds() -> dict[str, type[Model]]:
    return dict(_audited_kinds)
