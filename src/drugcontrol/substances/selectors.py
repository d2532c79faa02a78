"""Every read of the substances app, and the identification entry point."""

import datetime
import threading

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from drugcontrol.core.permissions import can
from drugcontrol.core.visibility import get_visible_or_404, visibility_rule, visible
from drugcontrol.substances import chemistry
from drugcontrol.substances.chemistry import StructureError
from drugcontrol.substances.identification import (
    INTERNATIONAL,
    MIN_ANALOGUE_ATOMS,
    Index,
    ReferenceListing,
    ReferenceSubstance,
    group_member_by_name,
    identify_components,
)
from drugcontrol.substances.listing_periods import counts_on, listing_period, never_counts
from drugcontrol.substances.models import (
    Instrument,
    Listing,
    RegistryState,
    StructureKind,
    Substance,
    SurveillanceChemical,
    Synonym,
)
from drugcontrol.substances.names import normalize_name
from drugcontrol.substances.permissions import SURVEILLANCE_READ
from drugcontrol.substances.reference_rules import (
    load_counter_ions,
    load_families,
    load_groups,
    load_rules,
)


@visibility_rule(Substance)
def substances_visible_to(queryset: QuerySet, user) -> QuerySet:
    """The registry is reference data: every signed-in user sees all of it."""
    return queryset


@visibility_rule(Listing)
def listings_visible_to(queryset: QuerySet, user) -> QuerySet:
    """International and national listings are public law: visible to every signed-in user."""
    return queryset


@visibility_rule(SurveillanceChemical)
def surveillance_visible_to(queryset: QuerySet, user) -> QuerySet:
    """The list has a limited distribution: national authorities and the secretariat."""
    return queryset if surveillance_readable(user) else queryset.none()


def surveillance_readable(user) -> bool:
    """Whether the user reads the special surveillance list (and so sees which chemical of
    a record is on it)."""
    return can(user, SURVEILLANCE_READ.name)


def surveillance_list(*, user) -> QuerySet:
    return visible(SurveillanceChemical, user).select_related("substance").order_by("name")


def surveillance_match(text: str = "", *, substance: Substance | None = None):
    """The entry of the special surveillance list a reported chemical is: the entry of a
    registry substance that no convention lists, else the entry the typed text names (by
    name, case aside, or CAS number). None for a substance under international control.
    For services that link what a reporter gave: the link is made whoever reports; only
    readers of the list are shown it."""
    if substance is not None:
        controlled = Listing.objects.filter(substance=substance, removed="").exclude(
            instrument=Instrument.NATIONAL
        )
        if controlled.exists():
            return None
        entry = SurveillanceChemical.objects.filter(substance=substance).order_by("pk").first()
        if entry is not None:
            return entry
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text or len(text) > 300 or not _storable(text):
        return None
    by_name = SurveillanceChemical.objects.filter(name__iexact=text).order_by("pk").first()
    if by_name is not None or len(text) > 12:
        return by_name
    return SurveillanceChemical.objects.filter(cas=text).order_by("pk").first()


def _storable(text: str) -> bool:
    """Text a query may carry on every database (no NUL, no lone surrogate): a reported
    description is checked for its column only when the row is saved."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def substance_list(
    *,
    user,
    search: str | None = None,
    instrument: str | None = None,
    schedule: str | None = None,
    family: str | None = None,
    kind: str | None = None,
) -> QuerySet:
    queryset = visible(Substance, user)
    if search:
        key = normalize_name(search)
        queryset = queryset.filter(
            Q(synonyms__normalized__contains=key)
            | Q(cas=search.strip())
            | Q(inchikey=search.strip().upper())
        )
    if instrument or schedule:
        listing = Q(listings__removed="")
        if instrument:
            listing &= Q(listings__instrument=instrument)
        if schedule:
            listing &= Q(listings__schedule__iexact=schedule)
        queryset = queryset.filter(listing)
    if family:
        ids = [
            s.pk for s in visible(Substance, user).only("id", "families") if family in s.families
        ]
        queryset = queryset.filter(pk__in=ids)
    if kind:
        queryset = queryset.filter(kind=kind)
    current = Listing.objects.filter(removed="").select_related("country")
    return (
        queryset.distinct()
        .prefetch_related(Prefetch("listings", queryset=current, to_attr="current_listings"))
        .order_by("name_en", "pk")
    )


def substance_suggestions(*, user, text: str, limit: int) -> list[Substance]:
    """Substances the reader may see for a field's suggestions: those with a name or synonym
    (either language) that starts with the text first, then those that contain it, each
    alphabetically; a CAS number's first digits count as a start."""
    key = normalize_name(text)
    starts = Exists(
        Synonym.objects.filter(substance=OuterRef("pk"), normalized__startswith=key)
    ) | Q(cas__startswith=text.strip())
    return list(
        substance_list(user=user, search=text)
        .alias(starts=ExpressionWrapper(starts, output_field=BooleanField()))
        .order_by("-starts", "name_en", "pk")[:limit]
    )


def substance_get(*, user, substance_id: int) -> Substance:
    return get_visible_or_404(
        Substance.objects.prefetch_related(
            Prefetch("listings", queryset=Listing.objects.select_related("country")),
            "synonyms",
        ),
        user,
        pk=substance_id,
    )


def related_substances(*, user, substance: Substance, limit: int = 6) -> list[dict]:
    """Listed substances structurally closest to this one (from the identification index)."""
    if not substance.smiles:
        return []
    result = identify(smiles=substance.smiles)
    return [a for a in result["analogues"] if a["substance_id"] != substance.pk][:limit]


# --- identification ---------------------------------------------------------------------------

_index_lock = threading.Lock()
_index_cache: dict[str, Index] = {}


def today() -> datetime.date:
    """The day an identification answers for when none is asked: today where the
    installation is (its TIME_ZONE)."""
    return timezone.localdate()


def internationally_controlled(substance_ids=None, *, day: datetime.date | None = None) -> set[int]:
    """The substances (of `substance_ids`, or all) with an international listing that counts
    on the day (default today), by the periods identification answers with
    (`listing_periods`): a decision announced ahead counts from its day, a removal from its."""
    day = day or today()
    listings = Listing.objects.filter(country=None, instrument__in=INTERNATIONAL)
    if substance_ids is not None:
        listings = listings.filter(substance_id__in=list(substance_ids))
    return {
        substance_id
        for substance_id, in_force, removed in listings.values_list(
            "substance_id", "in_force", "removed"
        )
        if counts_on(listing_period(in_force, removed), day)
    }


def registry_version() -> str:
    return RegistryState.objects.filter(pk=1).values_list("stamp", flat=True).first() or ""


def identification_index(*, version: str | None = None) -> Index:
    """The in-memory index, rebuilt when the registry has changed since it was built."""
    version = registry_version() if version is None else version
    cached = _index_cache.get("index")
    if cached is not None and cached.version == version:
        return cached
    with _index_lock:
        cached = _index_cache.get("index")
        if cached is not None and cached.version == version:
            return cached
        index = build_index(version)
        _index_cache["index"] = index
        return index


def build_index(version: str) -> Index:
    rules, exceptions = load_rules()
    index = Index(
        families=load_families(),
        rules=rules,
        exceptions=exceptions,
        counter_ions=load_counter_ions(),
        version=version,
    )
    groups = load_groups()
    group_names = {group.substance for group in groups}
    group_listings: dict[str, list[ReferenceListing]] = {}
    # Every listing that counts on some day, with its period: answers filter by the day
    # asked, so the index is built once for every date.
    listings: dict[int, dict[tuple, dict[str, tuple]]] = {}
    for (
        substance_id,
        instrument,
        country,
        schedule,
        in_force,
        removed,
    ) in Listing.objects.values_list(
        "substance_id", "instrument", "country_id", "schedule", "in_force", "removed"
    ).iterator(chunk_size=2000):
        period = listing_period(in_force, removed)
        if never_counts(period):
            continue
        by_instrument = listings.setdefault(substance_id, {})
        by_instrument.setdefault((instrument, country), {})[schedule] = period
    for substance in Substance.objects.filter(pk__in=listings.keys()).only(
        "id", "name_en", "name_zh", "smiles", "structure_kind", "families"
    ):
        standard = None
        if substance.smiles:
            try:
                standard = chemistry.standardise(chemistry.parse(substance.smiles))
            except StructureError:
                standard = None
        if standard is None and substance.name_en not in group_names:
            continue
        forms, keys = _covered_forms(substance.structure_kind, standard)
        for (instrument, country), periods in listings[substance.pk].items():
            schedules = list(periods)
            covered = set(rules.get(instrument, {}).get("ester_ether_schedules", []))
            if standard is not None and covered & set(schedules):
                index.add_ester_ether_parent(standard.parent)
            listing = ReferenceListing(
                substance_id=substance.pk,
                name=substance.name_en,
                instrument=instrument,
                country=country,
                schedules=sorted(schedules, key=_schedule_order),
                structure_kind=substance.structure_kind,
                inchikey=standard.inchikey if standard else "",
                skeleton_key=standard.skeleton_key if standard else "",
                has_stereo=standard.has_stereo if standard else False,
                full_inchikey=standard.full_inchikey if standard else "",
                name_zh=substance.name_zh,
                inchikeys=keys,
                form_smiles=forms,
                smiles=substance.smiles,
                periods={s: p for s, p in periods.items() if p != (None, None)},
            )
            index.add_listing(listing)
            if substance.name_en in group_names:
                group_listings.setdefault(substance.name_en, []).append(listing)
        international_periods = [
            period
            for (instrument, _country), periods in listings[substance.pk].items()
            if instrument in INTERNATIONAL
            for period in periods.values()
        ]
        international = bool(international_periods)
        if (
            standard is not None
            and international
            and standard.parent.GetNumHeavyAtoms() >= MIN_ANALOGUE_ATOMS
        ):
            index.add_substance(
                ReferenceSubstance(
                    substance_id=substance.pk,
                    name=substance.name_en,
                    smiles=substance.smiles,
                    families=substance.families,
                    fingerprint=standard.fingerprint,
                    name_zh=substance.name_zh,
                    periods=()
                    if (None, None) in international_periods
                    else tuple(international_periods),
                )
            )
    index.groups = [(group, group_listings.get(group.substance, [])) for group in groups]
    index.national_lists = sorted(
        {
            country
            for by_instrument in listings.values()
            for instrument, country in by_instrument
            if instrument not in INTERNATIONAL and country
        }
    )
    return index


def national_lists() -> list[str]:
    """The countries (ISO alpha-3) whose national control list is loaded."""
    return identification_index().national_lists


def _covered_forms(structure_kind: str, standard) -> tuple[tuple, tuple]:
    """The configurations a listing covers exactly, as SMILES and InChIKeys: the drawn one,
    and for a relative configuration its mirror image as well."""
    if standard is None:
        return (), ()
    forms = [standard.parent]
    if structure_kind == StructureKind.RELATIVE:
        forms.append(chemistry.mirror_image(standard.parent))
    keys = tuple(dict.fromkeys(chemistry.Chem.MolToInchiKey(form) for form in forms))
    return tuple(chemistry.Chem.MolToSmiles(form) for form in forms), keys


def _schedule_order(schedule: str) -> tuple:
    roman = {"I": 1, "II": 2, "III": 3, "IV": 4}
    return (roman.get(schedule.replace("Table ", ""), 9), schedule)


def find_by_name(name: str) -> Substance | None:
    """A registry substance by name or synonym (either language) or CAS number."""
    text = (name or "").strip()
    if not text:
        return None
    by_cas = Substance.objects.filter(cas=text).first()
    if by_cas is not None:
        return by_cas
    synonym = (
        Synonym.objects.select_related("substance")
        .filter(normalized=normalize_name(text))
        .order_by("substance_id")
        .first()
    )
    return synonym.substance if synonym else None


def identify(
    *,
    smiles: str | None = None,
    inchi: str | None = None,
    molblock: str | None = None,
    name: str | None = None,
    index: Index | None = None,
    on: datetime.date | None = None,
) -> dict:
    """Identify one query on a day (`on`, default today in the installation's time zone):
    the status under the listings in force that day. The answer always has every key, with
    `errors` saying what failed, and `on` the day it answers for."""
    day = on or today()
    result = _identify(
        smiles=smiles, inchi=inchi, molblock=molblock, name=name, index=index, day=day
    )
    result["on"] = day.isoformat()
    return result


def _identify(*, smiles, inchi, molblock, name, index, day: datetime.date) -> dict:
    smiles, inchi, name = (v.strip() if v else None for v in (smiles, inchi, name))
    molblock = molblock if molblock and molblock.strip() else None
    query = {
        key: value
        for key, value in (
            ("smiles", smiles),
            ("inchi", inchi),
            ("molblock", molblock),
            ("name", name),
        )
        if value
    }
    empty = {
        "query": query,
        "status": "not_controlled",
        "matches": [],
        "families": [],
        "analogues": [],
    }
    if len(query) != 1:
        return {**empty, "errors": ["give exactly one of smiles, inchi, molblock or name"]}
    index = index or identification_index()
    if name:
        substance = find_by_name(name)
        member = group_member_by_name(index, name) if substance is None else None
        if substance is None and member is None:
            return {**empty, "errors": [f"no substance in the registry is called {name!r}"]}
        if member is not None:
            query["substance"], text = member
        elif not substance.smiles:
            query["substance"] = substance.name_en
            return {**_listed_without_structure(substance, day), "query": query}
        else:
            query["substance"], text = substance.name_en, substance.smiles
        kind = "smiles"
    elif inchi:
        text, kind = inchi, "inchi"
    elif molblock:
        text, kind = molblock, "molblock"
    else:
        text, kind = smiles, "smiles"
    try:
        components = chemistry.split_components(
            chemistry.parse(text, kind=kind), index.counter_ions
        )
    except StructureError as error:
        return {**empty, "errors": [str(error)]}
    first = components[0]
    if len(components) == 1:
        query.update(
            parent_smiles=first.smiles,
            inchikey=first.inchikey,
            formula=first.formula,
            removed_fragments=first.removed_fragments,
        )
    else:
        joined = ".".join(component.smiles for component in components)
        query.update(
            parent_smiles=joined,
            inchikey=chemistry.inchikey_of(joined),
            formula=".".join(component.formula for component in components),
            removed_fragments=first.removed_fragments,
        )
    return {"query": query, **identify_components(index, components, day)}


def _listed_without_structure(substance: Substance, day: datetime.date) -> dict:
    """Plants and mixtures (opium, coca leaf ...) are identified by name only, from their
    listings in force on the day."""
    by_instrument: dict[tuple, list[str]] = {}
    for listing in substance.listings.all():
        if not counts_on(listing_period(listing.in_force, listing.removed), day):
            continue
        by_instrument.setdefault((listing.instrument, listing.country_id), []).append(
            listing.schedule
        )
    matches, national = [], []
    for (instrument, country), schedules in sorted(by_instrument.items(), key=str):
        item = {
            "substance": substance.name_en,
            "instrument": instrument,
            "schedules": sorted(schedules, key=_schedule_order),
            "basis": "exact",
            "substance_id": substance.pk,
            "substance_zh": substance.name_zh,
        }
        if instrument in INTERNATIONAL:
            matches.append(item)
        else:
            national.append({**item, "country": country})
    result = {
        "status": "controlled" if matches else "not_controlled",
        "matches": matches,
        "families": [],
        "analogues": [],
        "errors": [],
    }
    if national:
        result["national"] = national
    return result
