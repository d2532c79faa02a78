"""The main navigation as a registry: each app's AppConfig.ready() registers its entries
(label, URL name, who sees it, order) and core renders them, without knowing the apps."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from drugcontrol.core.permissions import can


@dataclass(frozen=True)
class NavEntry:
    """One link of the main navigation.

    `key` names the entry (the active-link marker and the tests use it; two entries may share
    one key when at most one of them shows); `action`, when given, is the permission action
    the user must be granted (`can(user, action)`); `visible(user)` narrows further;
    `url_args(user)` gives the URL's arguments. Entries show in ascending `order`."""

    key: str
    label: str
    url_name: str
    order: int
    action: str | None = None
    visible: Callable[[object], bool] | None = None
    url_args: Callable[[object], list] | None = None

    def shown_to(self, user) -> bool:
        if self.action is not None and not can(user, self.action):
            return False
        return self.visible is None or bool(self.visible(user))

    def url(self, user) -> str:
        return reverse(self.url_name, args=self.url_args(user) if self.url_args else None)


_ENTRIES: dict[tuple[str, str], NavEntry] = {}


def register_nav(*entries: NavEntry) -> None:
    """Register entries (again: the same key and URL name replace the earlier entry)."""
    for entry in entries:
        _ENTRIES[(entry.key, entry.url_name)] = entry


def nav_entries() -> list[NavEntry]:
    return sorted(_ENTRIES.values(), key=lambda entry: entry.order)


def nav_items(user) -> list[tuple[str, str, str]]:
    """(key, label, url) of every entry the user may see, in order."""
    return [
        (entry.key, entry.label, entry.url(user)) for entry in nav_entries() if entry.shown_to(user)
    ]
