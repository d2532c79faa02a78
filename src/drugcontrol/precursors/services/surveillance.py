"""The limited international special surveillance list, loaded from the secretariat's file."""

from django.db import transaction
from django.utils.translation import gettext as _

from drugcontrol.core.audit import record_event
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.permissions import require
from drugcontrol.precursors.models import (
    NotificationLine,
    SurveillanceChemical,
)
from drugcontrol.substances.cas import cas_is_valid

SURVEILLANCE_COLUMNS = ("name", "cas", "hs_code", "notes")
SURVEILLANCE_MAX_ROWS = 5000


def surveillance_load(
    *, actor, content: bytes, edition: str, name: str = "list.csv", progress=None
) -> dict:
    """Replace the list with a file's rows (CSV or XLSX with `name,cas,hs_code,notes`); a
    bad file changes nothing and names each bad row."""
    from drugcontrol.core.tabular import read_table, where
    from drugcontrol.substances.models import Substance as SubstanceModel

    require(actor, "precursors.surveillance_load")
    if not edition.strip():
        raise ValidationFailed({"edition": [_("Name the edition of the list.")]})
    table = read_table(name, content, required=("name", "cas"), max_rows=SURVEILLANCE_MAX_ROWS)
    rows, errors, seen = [], {}, set()
    for row in table.rows:
        entry = row.get("name", "")
        problems = {}
        if not entry:
            problems["name"] = [_("A name is required.")]
        elif entry.lower() in seen:
            problems["name"] = [_("Listed twice.")]
        cas = row.get("cas", "")
        if cas and not cas_is_valid(cas):
            problems["cas"] = [_("Not a valid CAS number.")]
        if problems:
            errors[where(row.number)] = problems
            continue
        seen.add(entry.lower())
        rows.append(
            SurveillanceChemical(
                name=entry[:300],
                cas=cas,
                hs_code=row.get("hs_code", "")[:12],
                notes=row.get("notes", "")[:500],
                edition=edition.strip()[:40],
                substance=SubstanceModel.objects.filter(cas=cas).first() if cas else None,
            )
        )
    if errors:
        raise ValidationFailed(errors, message=_("Nothing was loaded: fix these rows."))
    with transaction.atomic():
        kept = SurveillanceChemical.objects.count()
        # Entries already used on notifications stay; the others are replaced.
        used = set(
            NotificationLine.objects.exclude(surveillance_chemical=None).values_list(
                "surveillance_chemical__name", flat=True
            )
        )
        SurveillanceChemical.objects.exclude(name__in=used).delete()
        for chemical in rows:
            SurveillanceChemical.objects.update_or_create(
                name=chemical.name,
                defaults={
                    "cas": chemical.cas,
                    "hs_code": chemical.hs_code,
                    "notes": chemical.notes,
                    "edition": chemical.edition,
                    "substance": chemical.substance,
                },
            )
        record_event(
            actor=actor,
            action="precursors.surveillance_loaded",
            object_type="precursors.surveillancechemical",
            object_id=edition.strip()[:40],
            before={"entries": kept},
            after={"entries": len(rows), "edition": edition.strip()},
        )
    return {"loaded": len(rows), "edition": edition.strip()}


def surveillance_summary(result: dict) -> str:
    return _("%(count)s chemicals were loaded.") % {"count": result.get("loaded", 0)}
