from drugcontrol.core.alerts import unread_count
from drugcontrol.core.navigation import nav_items


def navigation(request):
    """The main navigation: the entries the apps registered (core.navigation) that the user
    may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.organisation is None:
        return {"nav_items": []}
    return {"nav_items": nav_items(user), "unread_alerts": unread_count(user)}
