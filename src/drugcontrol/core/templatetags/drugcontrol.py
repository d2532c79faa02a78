from django import template

from drugcontrol.core.labels import action_label, record_type_label

register = template.Library()

register.filter("action_label", action_label)
register.filter("record_type_label", record_type_label)


@register.inclusion_tag("_field_errors.html")
def field_errors(errors, *parts):
    """The messages for one field of a nested form: {% field_errors errors "parties" 2 "name" %}."""
    key = ".".join(str(part) for part in parts)
    return {"messages": (errors or {}).get(key, []), "field": key}


@register.simple_tag
def posted(data, prefix, index):
    """What the user typed in a numbered field, to show it again after an error."""
    return (data or {}).get(f"{prefix}{index}", "")


@register.simple_tag(takes_context=True)
def can(context, action, record=None):
    """Whether the signed-in user may take an action, from the action's one rule:
    {% can "entities.correlation_decide" correlation as may_decide %}."""
    from drugcontrol.core.permissions import can as may

    request = context.get("request")
    return may(getattr(request, "user", None), action, record)


@register.simple_tag(takes_context=True)
def granted(context, action):
    """Whether the user's organisation kind and role allow an action on some record (for
    links to lists and forms whose records decide the rest):
    {% granted "precursors.order_review" as may_review %}."""
    from drugcontrol.core.permissions import may_sometimes

    request = context.get("request")
    return may_sometimes(getattr(request, "user", None), action)


@register.filter
def listed(items) -> str:
    """Names joined as the reader's language lists them ("a, b" in English, "a、b" in
    Chinese)."""
    from django.utils.translation import pgettext

    return pgettext("list separator", ", ").join(str(item) for item in items)
