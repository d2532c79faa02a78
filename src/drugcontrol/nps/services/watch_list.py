"""The watch list: substances of concern not under international control, kept by the
secretariat with the reason each is watched."""

from django.db import transaction
from django.utils.translation import gettext as _

from drugcontrol.core.audit import record_event
from drugcontrol.core.bounds import read_text
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.permissions import require
from drugcontrol.nps.models import WatchEntry
from drugcontrol.nps.services.common import read_substance
from drugcontrol.substances import selectors as substance_selectors
from drugcontrol.substances.models import SubstanceKind
from drugcontrol.substances.services import unlisted_substance_register


def watch_add(*, actor, raw: dict) -> WatchEntry:
    """Put a substance on the watch list: a registry substance (`substance_id` or
    `substance`), or a structure (`smiles`, with `substance` as its name) that the registry
    takes first if it does not know it."""
    require(actor, "nps.register_keep")
    errors: dict[str, list] = {}
    reason = read_text(raw, "reason", errors, max_length=2000, required=True)
    smiles = read_text(raw, "smiles", errors, max_length=5000)
    name = read_text(raw, "substance", errors, max_length=300)
    substance = None
    if not smiles:
        substance = read_substance(raw, errors, "substance")
    if substance is not None:
        if substance_selectors.internationally_controlled([substance.pk]):
            errors["substance"] = [
                _(
                    "%(name)s is under international control: the watch list is for substances "
                    "that are not."
                )
                % {"name": substance.name}
            ]
        elif WatchEntry.objects.filter(substance=substance).exists():
            errors["substance"] = [
                _("%(name)s is on the watch list already.") % {"name": substance.name}
            ]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        if substance is None:
            substance, _created = unlisted_substance_register(
                actor=actor, smiles=smiles, name=name, kind=SubstanceKind.OTHER
            )
            if WatchEntry.objects.filter(substance=substance).exists():
                raise ValidationFailed(
                    {
                        "substance": [
                            _("%(name)s is on the watch list already.") % {"name": substance.name}
                        ]
                    }
                )
            if substance_selectors.internationally_controlled([substance.pk]):
                raise ValidationFailed(
                    {"smiles": [_("This structure is under international control.")]}
                )
        entry = WatchEntry.objects.create(substance=substance, reason=reason, created_by=actor)
        record_event(
            actor=actor,
            action="nps.watch_entry_added",
            obj=entry,
            after={"substance": substance.pk, "reason": reason},
        )
    return entry
