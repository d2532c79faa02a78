"""Units of quantity and modes of transport: one definition for every module.

A quantity recorded in one module (a suspicious order in tonnes) must be acceptable in the
next (the incident it becomes), so units and their conversion to kilograms live here.
"""

import decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    KG = "kg", _("kg")
    G = "g", _("g")
    T = "t", _("t")
    L = "l", _("l")
    ML = "ml", _("ml")
    TABLETS = "tablets", _("tablets")
    UNITS = "units", _("units")


MASS_IN_KG = {
    Unit.KG: decimal.Decimal(1),
    Unit.G: decimal.Decimal("0.001"),
    Unit.T: decimal.Decimal(1000),
}
VOLUME_IN_L = {Unit.L: decimal.Decimal(1), Unit.ML: decimal.Decimal("0.001")}
MASS_UNITS = frozenset(MASS_IN_KG)
VOLUME_UNITS = frozenset(VOLUME_IN_L)
MEASURED_UNITS = MASS_UNITS | VOLUME_UNITS
# Models that take a weight or a volume only (a notification's lines), in Unit's order.
MEASURED_UNIT_CHOICES = [(unit.value, unit.label) for unit in Unit if unit in MEASURED_UNITS]


def to_kg(
    quantity: decimal.Decimal, unit: str, *, density: decimal.Decimal | None = None
) -> decimal.Decimal | None:
    """Kilograms in `quantity` of `unit`; a volume needs the density (kg/l). None when the
    quantity cannot be weighed: a volume without density, or a count (tablets, units)."""
    if unit in MASS_IN_KG:
        return quantity * MASS_IN_KG[unit]
    if unit in VOLUME_IN_L and density is not None:
        return quantity * VOLUME_IN_L[unit] * density
    return None


class TransportMode(models.TextChoices):
    AIR = "air", _("Air")
    SEA = "sea", _("Sea")
    ROAD = "road", _("Road")
    RAIL = "rail", _("Rail")
    POST = "post", _("Post or courier")
    MULTIMODAL = "multimodal", _("Multimodal")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


def transport_mode_choices(*modes: TransportMode) -> list[tuple[str, str]]:
    """Choices for a model that offers some of the modes (a notification names a planned
    mode, so it has no "unknown"), in TransportMode's order."""
    return [(mode.value, mode.label) for mode in TransportMode if mode in modes]
