"""The home page as a work queue: each app registers panels in its AppConfig.ready(), and
core renders those with something for the reader, without knowing the apps.

A panel's `build(user)` returns its template context, or None when it has nothing for this
user (no permission, nothing waiting): the home page then leaves it out. Panels show in
ascending `order`, before the organisation's own summary.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HomePanel:
    key: str
    template: str
    order: int
    build: Callable[[object], dict | None]


_PANELS: dict[str, HomePanel] = {}


def register_home_panel(*panels: HomePanel) -> None:
    """Register panels (again: the same key replaces the earlier panel)."""
    for panel in panels:
        _PANELS[panel.key] = panel


def home_panels(user) -> list[dict]:
    """The panels with something for `user`, each its context plus `template` and `key`."""
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda panel: panel.order):
        context = panel.build(user)
        if context is not None:
            shown.append({**context, "key": panel.key, "template": panel.template})
    return shown
