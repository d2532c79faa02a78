"""The NPS register: the secretariat sets each substance's effect group."""

from django.utils.translation import gettext as _

from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.permissions import require
from drugcontrol.core.versioning import versioned_change
from drugcontrol.nps.report_choices import EffectGroup


def register_effect_group_set(*, actor, entry, effect_group: str, expected_version=None):
    """Set (or clear, with "") a register substance's effect group; a stale version is a 409."""
    require(actor, "nps.register_keep")
    if effect_group not in ("", *EffectGroup.values):
        raise ValidationFailed(
            {
                "effect_group": [
                    _("Choose one of: %(choices)s.") % {"choices": ", ".join(EffectGroup.values)}
                ]
            }
        )
    with versioned_change(
        entry,
        expected_version=expected_version,
        actor=actor,
        action="nps.register_effect_group_set",
        fields=["effect_group"],
    ) as change:
        change.record.effect_group = effect_group
    return change.record
