from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.alerts import unread_count
from drugcontrol.core.permissions import can


def navigation(request):
    """The main navigation: only modules that exist and that the user may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.organisation is None:
        return {"nav_items": []}
    items = [
        ("home", _("Home"), reverse("core:home")),
        (
            "organisation",
            _("My organisation"),
            reverse("core:organisation_detail", args=[user.organisation_id]),
        ),
    ]
    if can(user, "incidents.incident_read"):
        items.append(("incidents", _("Incidents"), reverse("incidents:list")))
    if can(user, "precursors.notification_read"):
        items.append(("precursors", _("Precursors"), reverse("precursors:list")))
    elif can(user, "precursors.order_report"):
        items.append(("precursors", _("Suspicious orders"), reverse("precursors:orders")))
    items.append(("substances", _("Substances"), reverse("substances:list")))
    if can(user, "entities.party_read"):
        items.append(("parties", _("Parties"), reverse("entities:list")))
    if user.is_international:
        items.append(("organisations", _("Organisations"), reverse("core:organisation_list")))
    if user.is_international or user.is_org_admin:
        items.append(("audit", _("Audit log"), reverse("core:audit_list")))
    items.append(("api", _("API"), reverse("api:openapi-view")))
    return {"nav_items": items, "unread_alerts": unread_count(user)}
