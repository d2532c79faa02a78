"""What core does for the apps without importing them: each app's AppConfig.ready() registers
its reference-data loader and its process warm-up here, and core runs what is registered.

Core imports no app (an import-linter contract and tests/test_layers.py hold it); the apps
call in, in their AppConfig.ready(), in the order of INSTALLED_APPS."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ReferenceLoader:
    """One part of `drugcontrol load_reference`: `load()` loads or updates the shipped data
    (idempotent) and returns what `describe` turns into the command's line of output."""

    name: str
    load: Callable[[], object]
    describe: Callable[[object], str]
    order: int = 100


_REFERENCE_LOADERS: dict[str, ReferenceLoader] = {}
_WARM_UPS: dict[str, Callable[[], object]] = {}


def register_reference_loader(loader: ReferenceLoader) -> None:
    """Registering a name again replaces the loader (AppConfig.ready() may run twice in tests)."""
    _REFERENCE_LOADERS[loader.name] = loader


def reference_loaders() -> list[ReferenceLoader]:
    """The registered loaders, countries first, then in their order."""
    return sorted(_REFERENCE_LOADERS.values(), key=lambda loader: loader.order)


def register_warm_up(name: str, warm: Callable[[], object]) -> None:
    """Something a server process loads before it takes requests (a dictionary, a cache)."""
    _WARM_UPS[name] = warm


def warm_ups() -> list[Callable[[], object]]:
    return list(_WARM_UPS.values())
