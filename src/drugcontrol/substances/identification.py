"""Structure-based identification of control status: one engine for the CLI, API and pages.

The steps follow the conventions' own rules (data/substances/rules.json):
1. split the query into its components (each drug of a mixture, each enantiomer of a racemic
   enhanced-stereo drawing); recognised counter-ions and solvents (counter_ions.json) are set
   aside, every other fragment is identified on its own; isotope labels are removed;
2. exact match of a component's InChIKey; with counter-ions removed it is a `salt` match
   (never between inorganic salts: sodium permanganate is not potassium permanganate);
3. same skeleton, other stereochemistry: `stereoisomer` or `racemate` where the instrument
   extends control to isomers (1961 I-II, 1971 I) or the listing covers every configuration;
   a query that leaves undrawn what a listing fixes is `stereo_unspecified`: possibly that
   listed isomer, never plainly not controlled;
4. group entries (groups.json): structure patterns for the listed classes (`listed_group`);
5. for 1961 Schedule I, an ester or ether whose hydrolysed parts include a listed substance;
6. structural families (SMARTS) and the nearest listed neighbours by fingerprint similarity.

Every answer is for a day: the index holds each listing with the period it counts
(`listing_period`), and the matches are filtered by the day asked at answer time, so one
index answers every date.
"""

import datetime
import re
from dataclasses import dataclass, field, replace

import numpy
from rdkit import Chem, DataStructs
from rdkit.Chem.rdMolDescriptors import CalcMolFormula, CalcNumAromaticRings, CalcNumRings

from drugcontrol.substances import chemistry
from drugcontrol.substances.chemistry import Standardised, StructureError
from drugcontrol.substances.listing_periods import counts_on
from drugcontrol.substances.names import normalize_name
from drugcontrol.substances.reference_rules import Family

ANALOGUE_LIMIT = 5
ANALOGUE_THRESHOLD = 0.4
MIN_ANALOGUE_ATOMS = 6  # similarity between very small molecules (HCl, acetone) means nothing
INTERNATIONAL = ("1961", "1971", "1988")
STATUSES = ("controlled", "possibly_controlled", "not_controlled")
BASES = (
    "exact",
    "salt",
    "stereoisomer",
    "racemate",
    "stereo_unspecified",
    "isotopic_variant",
    "listed_group",
    "ester_or_ether",
)
# A basis that says the query may be the listed substance, not that it is.
UNCERTAIN_BASES = frozenset({"stereo_unspecified"})
UNCERTAIN_OR_SALT = UNCERTAIN_BASES | {"salt"}
STATUS_ORDER = ("not_controlled", "possibly_controlled", "controlled")

_ESTER = Chem.MolFromSmarts("[#6:1](=[#8])-[#8;!R:2]-[#6:3]")
_ETHER = Chem.MolFromSmarts("[#6;!$([#6]=[#8]):1]-[#8;!R:2]-[#6;!$([#6]=[#8]):3]")


@dataclass
class ReferenceListing:
    """One substance's place in one instrument (several schedules possible)."""

    substance_id: int
    name: str
    instrument: str
    country: str | None
    schedules: list[str]
    structure_kind: str
    inchikey: str
    skeleton_key: str
    has_stereo: bool
    full_inchikey: str = ""  # the listed form itself, e.g. potassium permanganate with K+
    name_zh: str = ""
    # Every InChIKey the listing covers exactly: the drawn form, and for a relative
    # configuration (norephedrine, erythro) its mirror image too.
    inchikeys: tuple = ()
    # The covered configurations as SMILES, parsed only when a partly drawn query needs
    # them (molecules for every listing would take megabytes for a rare step).
    form_smiles: tuple = ()
    smiles: str = ""  # as listed, for drawing the isomer a listing fixes
    # {schedule: (first day, first day no longer)} from `listing_period`; a schedule absent
    # here counts on every day.
    periods: dict = field(default_factory=dict)

    def __post_init__(self):
        if not self.inchikeys and self.inchikey:
            self.inchikeys = (self.inchikey,)

    @property
    def key(self) -> tuple:
        return (self.substance_id, self.instrument, self.country)

    def on(self, day: datetime.date | None) -> "ReferenceListing | None":
        """The listing as it stood on the day: only the schedules in force then (a copy when
        some were not), or None when none was; unchanged when no day is asked."""
        if day is None or not self.periods:
            return self
        schedules = [
            schedule
            for schedule in self.schedules
            if schedule not in self.periods or counts_on(self.periods[schedule], day)
        ]
        if len(schedules) == len(self.schedules):
            return self
        return replace(self, schedules=schedules) if schedules else None


def in_force_on(listings, day: datetime.date | None) -> list:
    """The listings as they stood on the day (those with no schedule in force left out)."""
    return [found for listing in listings if (found := listing.on(day)) is not None]


@dataclass
class ReferenceSubstance:
    substance_id: int
    name: str
    smiles: str
    families: list[str]
    fingerprint: object
    name_zh: str = ""
    # The periods of its international listings; empty: listed on every day.
    periods: tuple = ()

    def listed_on(self, day: datetime.date | None) -> bool:
        return day is None or not self.periods or any(counts_on(p, day) for p in self.periods)


@dataclass
class Index:
    """Everything identification needs, held in memory (a few thousand substances)."""

    by_inchikey: dict[str, list[ReferenceListing]] = field(default_factory=dict)
    by_full_inchikey: dict[str, list[ReferenceListing]] = field(default_factory=dict)
    by_skeleton: dict[str, list[ReferenceListing]] = field(default_factory=dict)
    substances: list[ReferenceSubstance] = field(default_factory=list)
    fingerprints: list = field(default_factory=list)
    families: list[Family] = field(default_factory=list)
    rules: dict = field(default_factory=dict)
    exceptions: dict[str, set[str]] = field(default_factory=dict)
    counter_ions: frozenset = frozenset()  # first InChIKey blocks of counter-ions, solvents
    groups: list = field(default_factory=list)  # (Group, [ReferenceListing]) pairs
    national_lists: list[str] = field(default_factory=list)  # countries with a list loaded
    # Stereo-free canonical SMILES of the substances whose esters and ethers are covered:
    # a cheap first test before a split piece is given a full InChI.
    ester_ether_parents: set[str] = field(default_factory=set)
    # Substructure screens of those substances: a query that contains none of them cannot be
    # one of their esters or ethers, and is spared the splitting.
    ester_ether_screens: list = field(default_factory=list)
    ester_ether_molecules: list = field(default_factory=list)
    ester_ether_counts: list = field(default_factory=list)
    _screen_matrix: object = None
    _count_matrix: object = None
    version: str = ""

    def add_listing(self, listing: ReferenceListing) -> None:
        if listing.inchikey:
            for key in listing.inchikeys:
                self.by_inchikey.setdefault(key, []).append(listing)
            if listing.full_inchikey and listing.full_inchikey != listing.inchikey:
                self.by_full_inchikey.setdefault(listing.full_inchikey, []).append(listing)
            self.by_skeleton.setdefault(listing.skeleton_key, []).append(listing)

    def add_ester_ether_parent(self, molecule) -> None:
        if not _hydroxyl_oxygens(molecule):
            return  # without a free OH there is no ester or ether to make
        flat = chemistry.without_stereo(molecule)
        key = Chem.MolToSmiles(flat)
        if key not in self.ester_ether_parents:
            self.ester_ether_parents.add(key)
            self.ester_ether_screens.append(Chem.PatternFingerprint(molecule))
            self.ester_ether_molecules.append(flat)
            self.ester_ether_counts.append(_element_counts(CalcMolFormula(molecule), molecule))

    def count_matrix(self):
        if self._count_matrix is None and self.ester_ether_counts:
            self._count_matrix = numpy.vstack(self.ester_ether_counts)
        return self._count_matrix

    def screen_matrix(self):
        """The screens as one bit matrix, so a query is tested against all in one step."""
        if self._screen_matrix is None and self.ester_ether_screens:
            self._screen_matrix = numpy.vstack([_bits(fp) for fp in self.ester_ether_screens])
        return self._screen_matrix

    def add_substance(self, substance: ReferenceSubstance) -> None:
        self.substances.append(substance)
        self.fingerprints.append(substance.fingerprint)


def group_member_by_name(index: Index, name: str) -> tuple[str, str] | None:
    """(display name, SMILES) of a named member of a group entry (delta-8-THC ...)."""
    wanted = normalize_name(name)
    for group, _listings in index.groups:
        for normalised, display, smiles in group.member_names:
            if normalised == wanted:
                return display, smiles
    return None


def families_of(molecule, families: list[Family]) -> list[str]:
    return [family.code for family in families if family.matches(molecule)]


# --- the identification itself --------------------------------------------------------------


@dataclass
class Match:
    listing: ReferenceListing
    basis: str


def _isomer_rule_applies(index: Index, listing: ReferenceListing) -> bool:
    if listing.instrument not in index.rules:
        return False
    schedules = set(index.rules[listing.instrument].get("isomer_schedules", []))
    return bool(schedules & set(listing.schedules))


def _salt_rule_applies(index: Index, listing: ReferenceListing) -> bool:
    rule = index.rules.get(listing.instrument, {"salts": True})
    return rule.get("salts", True) and listing.name not in rule.get("salt_excluded_substances", [])


def _stereo_compatible(query: Standardised, listing: ReferenceListing) -> bool:
    """Could the query be the listed configuration, its drawing leaving some of it open?"""
    if not query.has_stereo:
        return True
    atoms = query.parent.GetNumHeavyAtoms()
    forms = (Chem.MolFromSmiles(smiles) for smiles in listing.form_smiles)
    return any(
        form is not None
        and form.GetNumHeavyAtoms() == atoms
        and form.HasSubstructMatch(query.parent, useChirality=True)
        for form in forms
    )


def _structure_matches(index: Index, query: Standardised, day=None) -> list[Match]:
    matches: list[Match] = [
        Match(listing, "exact")
        for listing in in_force_on(index.by_full_inchikey.get(query.full_inchikey, []), day)
    ]
    as_listed = {m.listing.key for m in matches}
    for listing in in_force_on(index.by_inchikey.get(query.inchikey, []), day):
        if listing.key in as_listed:
            continue
        if listing.structure_kind == "inorganic" and (
            query.was_salt or listing.full_inchikey != listing.inchikey
        ):
            continue  # an inorganic listing is its own form, not the salts of its anion
        if query.was_salt:
            if _salt_rule_applies(index, listing):
                matches.append(Match(listing, "salt"))
        else:
            matches.append(Match(listing, "exact"))
    exact_ids = {(m.listing.substance_id, m.listing.instrument) for m in matches}
    for listing in in_force_on(index.by_skeleton.get(query.skeleton_key, []), day):
        if query.inchikey in listing.inchikeys or (listing.substance_id, listing.instrument) in (
            exact_ids
        ):
            continue
        if listing.structure_kind == "inorganic":
            continue
        if query.inchikey in index.exceptions.get(listing.instrument, set()):
            continue
        # Control reaches other configurations where the instrument says so for this
        # schedule, or where the listing itself fixes no configuration.
        if _isomer_rule_applies(index, listing) or listing.structure_kind == "stereo_unspecified":
            basis = "racemate" if not query.has_stereo and listing.has_stereo else "stereoisomer"
            matches.append(Match(listing, basis))
        elif _stereo_compatible(query, listing):
            matches.append(Match(listing, "stereo_unspecified"))
    if query.isotopic:
        matches = [
            Match(m.listing, "isotopic_variant") if m.basis in ("exact", "salt") else m
            for m in matches
        ]
    return matches


def _group_matches(index: Index, query: Standardised, found: list[Match], day=None) -> list[Match]:
    """Group entries (a class named in a list) the query belongs to."""
    already = {(m.listing.substance_id, m.listing.instrument) for m in found}
    matches = []
    for group, all_listings in index.groups:
        listings = in_force_on(all_listings, day)
        if not listings or not group.matches(query):
            continue
        for listing in listings:
            if (listing.substance_id, listing.instrument) not in already:
                matches.append(Match(listing, "listed_group"))
    return matches


def _bits(fingerprint):
    array = numpy.zeros((fingerprint.GetNumBits(),), dtype=numpy.uint8)
    DataStructs.ConvertToNumpyArray(fingerprint, array)
    return numpy.packbits(array)


_COUNTED_ELEMENTS = ("C", "N", "O", "F", "P", "S", "Cl", "Br", "I")
_FORMULA_PART = re.compile(r"([A-Z][a-z]?)(\d*)")


def _element_counts(formula: str, molecule=None):
    """Heavy atoms per element (C, N, O, F, P, S, Cl, Br, I) and in all, from a formula, and
    the rings and aromatic rings: none of these can be fewer in an ester or ether."""
    counts: dict[str, int] = {}
    for element, number in _FORMULA_PART.findall(formula):
        counts[element] = counts.get(element, 0) + (int(number) if number else 1)
    heavy = sum(n for element, n in counts.items() if element != "H")
    rings = (CalcNumRings(molecule), CalcNumAromaticRings(molecule))
    return numpy.array(
        [*(counts.get(e, 0) for e in _COUNTED_ELEMENTS), heavy, *rings], dtype=numpy.int16
    )


def _hydroxyl_oxygens(molecule) -> set[int]:
    """Oxygens carrying a hydrogen (alcohols, phenols, acids): where esters and ethers form."""
    return {
        atom.GetIdx()
        for atom in molecule.GetAtoms()
        if atom.GetAtomicNum() == 8 and atom.GetTotalNumHs() > 0
    }


def _as_parent_part(query, parent, match: tuple) -> object | None:
    """If the query is `parent` with only its hydroxyl oxygens alkylated or acylated, the
    query cut back to the parent's atoms (keeping the query's stereochemistry); else None."""
    matched = set(match)
    hydroxyls = {match[i] for i in _hydroxyl_oxygens(parent)}
    crossing = [
        (bond.GetBeginAtomIdx(), bond.GetEndAtomIdx())
        for bond in query.GetBonds()
        if (bond.GetBeginAtomIdx() in matched) != (bond.GetEndAtomIdx() in matched)
    ]
    if not crossing:
        return None
    for begin, end in crossing:
        inner = begin if begin in matched else end
        if inner not in hydroxyls:
            return None
    editable = Chem.RWMol(query)
    for index in sorted(
        (a.GetIdx() for a in query.GetAtoms() if a.GetIdx() not in matched), reverse=True
    ):
        editable.RemoveAtom(index)
    part = editable.GetMol()
    for atom in part.GetAtoms():
        atom.SetNoImplicit(False)
        atom.SetNumExplicitHs(0)
    try:
        Chem.SanitizeMol(part)
    except (ValueError, RuntimeError):
        return None
    return part


def _ester_ether_matches(index: Index, query: Standardised, day=None) -> list[Match]:
    """Is the query an ester or ether of a substance whose esters and ethers are covered?

    Screens first (an ester or ether contains its parent's atoms), then checks that the query
    differs from a parent only by groups on the parent's hydroxyl oxygens, and finally runs
    the cut-back parent through the ordinary matching, so isomer rules and exceptions apply.
    """
    parent = query.parent
    if not index.ester_ether_molecules or not (
        parent.HasSubstructMatch(_ESTER) or parent.HasSubstructMatch(_ETHER)
    ):
        return []
    # A parent has fewer atoms of every element than its esters and ethers: a cheap first
    # cut before the (costlier) substructure fingerprint.
    counts = _element_counts(query.formula, parent)
    possible = (index.count_matrix() <= counts).all(axis=1)
    if not possible.any():
        return []
    screens = index.screen_matrix()
    query_bits = _bits(Chem.PatternFingerprint(parent))
    candidates = numpy.flatnonzero(possible & ((screens & query_bits) == screens).all(axis=1))
    found: dict[tuple, Match] = {}
    for position in candidates:
        listed = index.ester_ether_molecules[position]
        if listed.GetNumHeavyAtoms() >= parent.GetNumHeavyAtoms():
            continue
        for match in parent.GetSubstructMatches(listed, useChirality=False, maxMatches=8):
            part = _as_parent_part(parent, listed, match)
            if part is None:
                continue
            try:
                standard = chemistry.standardise(part, with_fingerprint=False)
            except StructureError:
                continue
            for hit in _structure_matches(index, standard, day):
                listing = hit.listing
                covered = set(
                    index.rules.get(listing.instrument, {}).get("ester_ether_schedules", [])
                )
                if covered & set(listing.schedules) and hit.basis not in UNCERTAIN_OR_SALT:
                    found.setdefault(
                        (listing.substance_id, listing.instrument),
                        Match(listing, "ester_or_ether"),
                    )
    return list(found.values())


def _match_json(match: Match) -> dict:
    listing = match.listing
    item = {
        "substance": listing.name,
        "instrument": listing.instrument,
        "schedules": listing.schedules,
        "basis": match.basis,
        "substance_id": listing.substance_id,
        "substance_zh": listing.name_zh,
        "smiles": listing.smiles,
    }
    if listing.country:
        item["country"] = listing.country
    return item


def identify_structure(index: Index, query: Standardised, day: datetime.date | None = None) -> dict:
    """The identification object for one standardised structure (without the `query` key),
    from the listings in force on `day` (None: every listing the index holds)."""
    matches = _structure_matches(index, query, day)
    matches += _group_matches(index, query, matches, day)
    matched_1961 = any(
        m.listing.instrument == "1961" and m.basis not in UNCERTAIN_BASES for m in matches
    )
    if not matched_1961:
        matches += _ester_ether_matches(index, query, day)
    international = [m for m in matches if m.listing.instrument in INTERNATIONAL]
    national = [m for m in matches if m.listing.instrument not in INTERNATIONAL]
    matched_ids = {m.listing.substance_id for m in matches}
    query_families = families_of(query.parent, index.families)
    analogues = []
    if (
        index.fingerprints
        and query.fingerprint is not None
        and query.parent.GetNumHeavyAtoms() >= MIN_ANALOGUE_ATOMS
    ):
        scores = chemistry.similarities(query.fingerprint, index.fingerprints)
        ranked = sorted(
            (
                (score, position)
                for position, score in enumerate(scores)
                if score >= ANALOGUE_THRESHOLD
                and index.substances[position].substance_id not in matched_ids
                and index.substances[position].listed_on(day)
            ),
            reverse=True,
        )[:ANALOGUE_LIMIT]
        for score, position in ranked:
            reference = index.substances[position]
            shared = [code for code in reference.families if code in query_families]
            analogues.append(
                {
                    "substance": reference.name,
                    "similarity": round(score, 3),
                    "family": (shared or reference.families or [None])[0],
                    "substance_id": reference.substance_id,
                    "substance_zh": reference.name_zh,
                    "smiles": reference.smiles,
                }
            )
    result = {
        "status": status_of(international),
        "matches": sorted(
            (_match_json(m) for m in international),
            key=lambda item: (item["instrument"], item["substance"]),
        ),
        "families": query_families,
        "analogues": analogues,
        "errors": [],
    }
    if national:
        result["national"] = sorted(
            (_match_json(m) for m in national),
            key=lambda item: (item["country"], item["substance"]),
        )
    return result


def status_of(international: list[Match]) -> str:
    """Controlled when one match is certain; possibly controlled when every match leaves the
    configuration open; otherwise not controlled."""
    if any(m.basis not in UNCERTAIN_BASES for m in international):
        return "controlled"
    return "possibly_controlled" if international else "not_controlled"


def identify_components(
    index: Index, components: list[Standardised], day: datetime.date | None = None
) -> dict:
    """The identification object of a whole input: one component as before; several (a
    mixture, or the two enantiomers of a racemic drawing) each identified on its own, the
    most serious status winning, and each match naming its component."""
    if len(components) == 1:
        return identify_structure(index, components[0], day)
    results = [identify_structure(index, component, day) for component in components]
    matches, national, families, analogues = [], [], [], {}
    for position, result in enumerate(results):
        matches += [{**match, "component": position} for match in result["matches"]]
        national += [{**match, "component": position} for match in result.get("national", [])]
        families += [code for code in result["families"] if code not in families]
        for analogue in result["analogues"]:
            best = analogues.get(analogue["substance_id"])
            if best is None or analogue["similarity"] > best["similarity"]:
                analogues[analogue["substance_id"]] = analogue
    matched = {match["substance_id"] for match in matches}
    combined = {
        "status": max((r["status"] for r in results), key=STATUS_ORDER.index),
        "matches": matches,
        "families": families,
        "analogues": sorted(
            (a for a in analogues.values() if a["substance_id"] not in matched),
            key=lambda a: -a["similarity"],
        )[:ANALOGUE_LIMIT],
        "errors": [],
        "components": [
            {
                "parent_smiles": component.smiles,
                "inchikey": component.inchikey,
                "formula": component.formula,
                "status": result["status"],
                "families": result["families"],
            }
            for component, result in zip(components, results, strict=True)
        ],
    }
    if national:
        combined["national"] = national
    return combined


PUBLIC_ANALOGUE_KEYS = ("substance", "similarity", "family")
PUBLIC_MATCH_KEYS = ("substance", "instrument", "schedules", "basis", "country", "component")


def public(result: dict) -> dict:
    """The documented JSON object: internal helper keys (ids, SMILES) left out."""
    answer = {
        "query": result["query"],
        "status": result["status"],
        "matches": [_public_match(m) for m in result["matches"]],
        "families": result["families"],
        "analogues": [{k: a[k] for k in PUBLIC_ANALOGUE_KEYS} for a in result["analogues"]],
        "errors": result["errors"],
    }
    if "on" in result:
        answer["on"] = result["on"]
    if "national" in result:
        answer["national"] = [_public_match(m) for m in result["national"]]
    if "components" in result:
        answer["components"] = result["components"]
    return answer


def _public_match(match: dict) -> dict:
    return {key: match[key] for key in PUBLIC_MATCH_KEYS if key in match}
