"""Every write of the substances app: loading the conventions' lists, national lists and
the special surveillance list."""

import csv
import datetime
import io
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from drugcontrol.core.audit import record_event
from drugcontrol.core.countries import country_or_error
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.permissions import require
from drugcontrol.substances import chemistry
from drugcontrol.substances.cas import cas_is_valid
from drugcontrol.substances.chemistry import StructureError
from drugcontrol.substances.identification import families_of
from drugcontrol.substances.models import (
    INTERNATIONAL_INSTRUMENTS,
    Listing,
    ListingOrigin,
    RegistryState,
    StructureKind,
    Substance,
    SubstanceKind,
    SurveillanceChemical,
    Synonym,
)
from drugcontrol.substances.names import normalize_name
from drugcontrol.substances.presentation import schedule_label
from drugcontrol.substances.reference_rules import DATA_DIR, load_families

REFERENCE_FILES = ("1961.csv", "1971.csv", "1988.csv")
SCHEDULES = {
    "1961": {"I", "II", "III", "IV"},
    "1971": {"I", "II", "III", "IV"},
    "1988": {"Table I", "Table II"},
}


@dataclass
class StructureFields:
    smiles: str = ""
    inchi: str = ""
    inchikey: str = ""
    skeleton_key: str = ""
    formula: str = ""
    families: list = field(default_factory=list)


def structure_fields(smiles: str, families) -> StructureFields:
    if not smiles:
        return StructureFields()
    standard = chemistry.standardise(chemistry.parse(smiles), with_fingerprint=False)
    return StructureFields(
        smiles=smiles,
        inchi=chemistry.Chem.MolToInchi(standard.parent),
        inchikey=standard.inchikey,
        skeleton_key=standard.skeleton_key,
        formula=standard.formula,
        families=families_of(standard.parent, families),
    )


@dataclass
class ListRow:
    line: int
    name: str
    name_zh: str
    inn: str
    synonyms: list[str]
    cas: str
    smiles: str
    structure: str
    schedules: list[str]
    in_force: str
    decision: str
    kind: str
    notes: str


def parse_list(text: str, *, instrument: str) -> tuple[list[ListRow], dict[int, list[str]]]:
    """Read a list file; returns the rows and the errors by line (all rows are checked)."""
    return parse_rows(enumerate(csv.DictReader(io.StringIO(text)), start=2), instrument=instrument)


def parse_rows(numbered, *, instrument: str) -> tuple[list[ListRow], dict[int, list[str]]]:
    """Check (row number, {column: value}) pairs of a list; all rows are checked."""
    rows, errors = [], {}
    allowed = SCHEDULES.get(instrument)
    for line, raw in numbered:
        problems = []
        name = (raw.get("name") or "").strip()
        if not name:
            problems.append(_("name is empty"))
        schedules = [s.strip() for s in (raw.get("schedules") or "").split(";") if s.strip()]
        if not schedules:
            problems.append(_("no schedule"))
        if allowed is not None:
            problems += [
                _("unknown schedule %(s)s") % {"s": s} for s in schedules if s not in allowed
            ]
        cas = (raw.get("cas") or "").strip()
        if cas and not cas_is_valid(cas):
            problems.append(_("CAS number %(cas)s fails its check digit") % {"cas": cas})
        smiles = (raw.get("smiles") or "").strip()
        if smiles:
            try:
                chemistry.parse(smiles)
            except StructureError as error:
                problems.append(_("SMILES: %(error)s") % {"error": error})
        structure = (raw.get("structure") or "").strip() or ("defined" if smiles else "none")
        if structure not in StructureKind.values:
            problems.append(_("unknown structure kind %(kind)s") % {"kind": structure})
        kind = (raw.get("kind") or "").strip() or SubstanceKind.OTHER
        if kind not in SubstanceKind.values:
            problems.append(_("unknown kind %(kind)s") % {"kind": kind})
        if problems:
            errors[line] = problems
            continue
        rows.append(
            ListRow(
                line=line,
                name=name,
                name_zh=(raw.get("name_zh") or "").strip(),
                inn=(raw.get("inn") or "").strip(),
                synonyms=[s.strip() for s in (raw.get("synonyms") or "").split(";") if s.strip()],
                cas=cas,
                smiles=smiles,
                structure=structure,
                schedules=schedules,
                in_force=(raw.get("in_force") or "").strip(),
                decision=(raw.get("decision") or "").strip(),
                kind=kind,
                notes=(raw.get("notes") or "").strip(),
            )
        )
    return rows, errors


def _bump_registry() -> None:
    RegistryState.objects.update_or_create(pk=1, defaults={"stamp": uuid.uuid4().hex})


def _upsert_substance(row: ListRow, families, source: str) -> tuple[Substance, bool]:
    """Create or update one substance from a list row; returns (substance, changed)."""
    structure = structure_fields(row.smiles, families)
    values = {
        "name_zh": row.name_zh,
        "inn": row.inn,
        "cas": row.cas,
        "kind": row.kind,
        "structure_kind": row.structure,
        "smiles": structure.smiles,
        "inchi": structure.inchi,
        "inchikey": structure.inchikey,
        "skeleton_key": structure.skeleton_key,
        "formula": structure.formula,
        "families": structure.families,
        "source": source,
    }
    substance = Substance.objects.filter(name_en__iexact=row.name).first()
    changed = False
    if substance is None:
        substance = Substance.objects.create(name_en=row.name, **values)
        changed = True
    else:
        differing = {k: v for k, v in values.items() if v and getattr(substance, k) != v}
        if differing:
            for key, value in differing.items():
                setattr(substance, key, value)
            substance.version += 1
            substance.save()
            changed = True
    names = {normalize_name(n): n for n in [row.name, row.name_zh, row.inn, *row.synonyms] if n}
    existing = set(substance.synonyms.values_list("normalized", flat=True))
    new = [
        Synonym(substance=substance, name=n, normalized=k)
        for k, n in names.items()
        if k not in existing
    ]
    if new:
        Synonym.objects.bulk_create(new)
        changed = True
    return substance, changed


def reference_lists_load(*, directory: Path = DATA_DIR, actor=None) -> dict:
    """Load the three conventions' lists (all-or-nothing; a second load changes nothing)."""
    families = load_families()
    parsed, problems = {}, {}
    for file_name in REFERENCE_FILES:
        path = directory / file_name
        if not path.exists():
            continue
        instrument = file_name.split(".")[0]
        rows, errors = parse_list(path.read_text(encoding="utf-8"), instrument=instrument)
        parsed[instrument] = rows
        problems.update({f"{file_name}:{line}": messages for line, messages in errors.items()})
    if problems:
        raise ValidationFailed(
            problems, message=_("The list files have errors; nothing was loaded.")
        )
    summary = {"substances_changed": 0, "listings_changed": 0, "rows": 0}
    with transaction.atomic():
        for instrument, rows in parsed.items():
            for row in rows:
                summary["rows"] += 1
                substance, changed = _upsert_substance(row, families, f"{instrument} list")
                summary["substances_changed"] += int(changed)
                summary["listings_changed"] += _sync_listings(substance, instrument, None, row)
        if summary["substances_changed"] or summary["listings_changed"]:
            _bump_registry()
            record_event(
                actor=actor,
                action="substances.reference_loaded",
                object_type="substances.substance",
                after=summary,
            )
    return summary


def _sync_listings(substance: Substance, instrument: str, country, row: ListRow) -> int:
    changed = 0
    for schedule in row.schedules:
        values = {
            "in_force": row.in_force[:10],
            "decision": row.decision[:200],
            "notes": row.notes,
            "removed": "",
        }
        listing, created = Listing.objects.get_or_create(
            substance=substance,
            instrument=instrument,
            country=country,
            schedule=schedule,
            defaults=values,
        )
        if created:
            changed += 1
        elif any(getattr(listing, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(listing, key, value)
            listing.save()
            changed += 1
    # Schedules no longer in the file: kept as history with a removal mark. A listing
    # recorded from a decision is the file's successor, not something the file withdrew.
    stale = Listing.objects.filter(
        substance=substance,
        instrument=instrument,
        country=country,
        removed="",
        origin=ListingOrigin.LIST_FILE,
    ).exclude(schedule__in=row.schedules)
    changed += stale.update(removed="removed")
    return changed


# What an international listing makes of a substance whose kind the registry did not know.
KIND_BY_INSTRUMENT = {
    "1961": SubstanceKind.NARCOTIC_DRUG,
    "1971": SubstanceKind.PSYCHOTROPIC_SUBSTANCE,
    "1988": SubstanceKind.PRECURSOR,
}


def schedule_problems(instrument, schedule) -> dict[str, list[str]]:
    """A convention and a schedule it has (the errors by field, `instrument` and `schedule`;
    empty when both are right). listing_add and the scheduling pipeline's recommendation
    check the same rule."""
    if instrument not in INTERNATIONAL_INSTRUMENTS:
        return {"instrument": [_("Choose the 1961, 1971 or 1988 Convention.")]}
    if schedule not in SCHEDULES[instrument]:
        return {
            "schedule": [
                _("The %(instrument)s Convention has no %(schedule)s; it has %(allowed)s.")
                % {
                    "instrument": instrument,
                    "schedule": schedule_label(schedule) if isinstance(schedule, str) else "",
                    "allowed": ", ".join(schedule_label(s) for s in sorted(SCHEDULES[instrument])),
                }
            ]
        }
    return {}


def already_listed_problem(substance: Substance, instrument, schedule) -> str | None:
    """The message when the substance is in that schedule now (None otherwise)."""
    listed = Listing.objects.filter(
        substance=substance, instrument=instrument, country=None, schedule=schedule, removed=""
    ).exists()
    return _already_listed(substance, instrument, schedule) if listed else None


def _already_listed(substance: Substance, instrument, schedule) -> str:
    return _("%(substance)s is already in %(schedule)s of the %(instrument)s Convention.") % {
        "substance": substance.name,
        "schedule": schedule_label(schedule),
        "instrument": instrument,
    }


def listing_add(
    *,
    actor,
    substance: Substance,
    instrument: str,
    schedule: str,
    in_force: datetime.date,
    decision: str,
    notes: str = "",
) -> Listing:
    """Place a substance in a schedule of a convention from a day on (a decision of the
    Commission that entered into force). The registry's stamp is renewed, so every process's
    identification index takes the listing at its next answer; identifying the substance
    answers controlled from `in_force` on and not controlled the day before.

    A schedule the substance is already in is refused; one it was removed from is listed
    again (the earlier period stays in the audit log)."""
    require(actor, "substances.listing_add", substance)
    errors = schedule_problems(instrument, schedule)
    if not isinstance(in_force, datetime.date) or isinstance(in_force, datetime.datetime):
        errors["in_force"] = [_("Give the day the listing enters into force.")]
    decision = decision.strip() if isinstance(decision, str) else ""
    if not decision:
        errors["decision"] = [_("Name the decision (e.g. CND 67/1).")]
    elif len(decision) > 200:
        errors["decision"] = [_("At most 200 characters.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        substance = Substance.objects.select_for_update().get(pk=substance.pk)
        listing = Listing.objects.filter(
            substance=substance, instrument=instrument, country=None, schedule=schedule
        ).first()
        if listing is not None and not listing.removed:
            raise ValidationFailed({"schedule": [_already_listed(substance, instrument, schedule)]})
        before = (
            {"in_force": listing.in_force, "removed": listing.removed, "decision": listing.decision}
            if listing is not None
            else None
        )
        values = {
            "in_force": in_force.isoformat(),
            "decision": decision,
            "removed": "",
            "notes": notes,
            "origin": ListingOrigin.DECISION,
        }
        if listing is None:
            listing = Listing.objects.create(
                substance=substance,
                instrument=instrument,
                country=None,
                schedule=schedule,
                **values,
            )
        else:
            for key, value in values.items():
                setattr(listing, key, value)
            listing.save()
        if substance.kind in (SubstanceKind.OTHER, SubstanceKind.NPS):
            substance.kind = KIND_BY_INSTRUMENT[instrument]
            substance.version += 1
            substance.save(update_fields=["kind", "version"])
        _bump_registry()
        record_event(
            actor=actor,
            action="substances.listing_added",
            obj=listing,
            before=before,
            after={
                "substance": substance.name_en,
                "instrument": instrument,
                "schedule": schedule,
                "in_force": values["in_force"],
                "decision": decision,
            },
        )
    return listing


def national_list_load(
    *,
    actor,
    country_code: str,
    content: bytes,
    name: str = "list.csv",
    source: str = "",
    progress=None,
) -> dict:
    """Load a country's national control list (CSV or XLSX: name, cas, smiles, schedules,
    ...). All-or-nothing: any bad row stops the load and every bad row is reported."""
    from drugcontrol.core.tabular import read_table, where

    require(actor, "substances.national_list_load", (country_code or "").strip().upper())
    country = country_or_error(country_code)
    table = read_table(name, content, required=("name", "schedules"))
    rows, errors = parse_rows(((row.number, row) for row in table.rows), instrument="national")
    if errors:
        raise ValidationFailed(
            {where(line): {"": messages} for line, messages in errors.items()},
            message=_("The file has errors; nothing was loaded."),
        )
    source = source or name
    families = load_families()
    summary = {"country": country.iso3, "rows": len(rows), "listings_changed": 0, "source": source}
    with transaction.atomic():
        for row in rows:
            substance = _find_existing(row)
            if substance is None:
                substance, _changed = _upsert_substance(
                    row, families, f"national list {country.iso3}"
                )
            summary["listings_changed"] += _sync_listings(substance, "national", country, row)
        _bump_registry()
        record_event(
            actor=actor,
            action="substances.national_list_loaded",
            object_type="substances.listing",
            after=summary,
        )
    return summary


def national_list_summary(result: dict) -> str:
    return _("National list %(country)s: %(rows)s rows, %(changed)s listings added or changed.") % {
        "country": result.get("country", ""),
        "rows": result.get("rows", 0),
        "changed": result.get("listings_changed", 0),
    }


def _find_existing(row: ListRow) -> Substance | None:
    """A national entry joins the substance it names, by structure, CAS or name."""
    if row.smiles:
        key = structure_fields(row.smiles, []).inchikey
        found = Substance.objects.filter(inchikey=key).first()
        if found:
            return found
    if row.cas:
        found = Substance.objects.filter(cas=row.cas).first()
        if found:
            return found
    return Substance.objects.filter(synonyms__normalized=normalize_name(row.name)).first()


# --- the special surveillance list ----------------------------------------------------------

SURVEILLANCE_COLUMNS = ("name", "cas", "hs_code", "notes")
SURVEILLANCE_MAX_ROWS = 5000
SURVEILLANCE_RECORD_TYPE = "substances.surveillancechemical"


def surveillance_load(
    *, actor, content: bytes, edition: str, name: str = "list.csv", progress=None
) -> dict:
    """Replace the limited international special surveillance list with a file's rows (CSV
    or XLSX with `name,cas,hs_code,notes`); a bad file changes nothing and names each bad
    row. Entries a record points at (a notification line, a Form D row, an incident's
    substance) are kept."""
    from drugcontrol.core.tabular import read_table, where

    require(actor, "substances.surveillance_load")
    edition = edition.strip() if isinstance(edition, str) else ""
    if not edition:
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
                edition=edition[:40],
                substance=Substance.objects.filter(cas=cas).first() if cas else None,
            )
        )
    if errors:
        raise ValidationFailed(errors, message=_("Nothing was loaded: fix these rows."))
    with transaction.atomic():
        kept = SurveillanceChemical.objects.count()
        # Entries records point at stay (PROTECT); the others are replaced.
        used = _surveillance_entries_in_use()
        SurveillanceChemical.objects.exclude(pk__in=used).delete()
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
            action="substances.surveillance_loaded",
            object_type=SURVEILLANCE_RECORD_TYPE,
            object_id=edition[:40],
            before={"entries": kept},
            after={"entries": len(rows), "edition": edition},
        )
    return {"loaded": len(rows), "edition": edition}


def _surveillance_entries_in_use() -> set[int]:
    """The entries some record points at, whichever app's model holds the reference (each
    foreign key to the list, as Django's own deletion finds them): the apps above this one
    are not imported."""
    used: set[int] = set()
    for relation in SurveillanceChemical._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and relation.one_to_many):
            continue
        column = relation.field.attname
        used |= set(
            relation.related_model._base_manager.exclude(**{column: None})
            .values_list(column, flat=True)
            .distinct()
        )
    return used


def surveillance_summary(result: dict) -> str:
    return _("%(count)s chemicals were loaded.") % {"count": result.get("loaded", 0)}


# --- substances first met in a report (registered by the nps app's services) ----------------

REGISTERED_RECORD_TYPE = "substances.substance"


def unlisted_substance_register(
    *, actor, smiles: str, name: str = "", kind: str = SubstanceKind.NPS
) -> tuple[Substance, bool]:
    """The registry substance with this structure, or a new one: for another module's record
    whose own service decided that the actor may write it (an identification report of a new
    psychoactive substance, the watch list). Returns (substance, created).

    A structure is the same substance when the InChIKey of its standardised parent is (salts
    and counter-ions aside). A new substance is named as reported, unless that name is empty
    or already names another substance, then by its formula and skeleton key, which are the
    same in every language. No listing is made, so the identification index stays as it is:
    scheduling a substance is the listings' business."""
    try:
        standard = chemistry.standardise(chemistry.parse(smiles), with_fingerprint=False)
    except StructureError as error:
        raise ValidationFailed({"smiles": [str(error)]}) from error
    from drugcontrol.substances.selectors import identification_index

    existing = (
        Substance.objects.filter(inchikey=standard.inchikey).order_by("pk").first()
        if standard.inchikey
        else None
    )
    if existing is not None:
        return existing, False
    name = (name or "").strip()
    taken = not name or (
        Substance.objects.filter(name_en__iexact=name).exists()
        or Synonym.objects.filter(normalized=normalize_name(name)).exists()
    )
    if taken:
        name = f"{standard.formula} ({standard.skeleton_key})"
    with transaction.atomic():
        substance = Substance.objects.create(
            name_en=name,
            kind=kind,
            structure_kind=StructureKind.DEFINED,
            smiles=standard.smiles,
            inchi=chemistry.Chem.MolToInchi(standard.parent),
            inchikey=standard.inchikey,
            skeleton_key=standard.skeleton_key,
            formula=standard.formula,
            families=families_of(standard.parent, identification_index().families),
            source="reported",
        )
        Synonym.objects.create(substance=substance, name=name, normalized=normalize_name(name))
        record_event(
            actor=actor,
            action="substances.substance_registered",
            obj=substance,
            after={"name": name, "inchikey": standard.inchikey, "kind": kind},
        )
    return substance, True
