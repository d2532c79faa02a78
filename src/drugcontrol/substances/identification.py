"""Structure-based identification of control status: one engine for the CLI, API and pages.

The steps follow the conventions' own rules (data/substances/rules.json):
1. standardise the query (parent compound, neutral; counter-ions and solvents set aside);
2. exact match of the parent's InChIKey; with counter-ions removed it is a `salt` match;
3. same skeleton, other stereochemistry: `stereoisomer` or `racemate`, where the instrument
   extends control to isomers (1961 I-II, 1971 I) unless the compound is excepted;
4. for 1961 Schedule I, an ester or ether whose hydrolysed parts include a listed substance;
5. structural families (SMARTS) and the nearest listed neighbours by fingerprint similarity.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from rdkit import Chem

from drugcontrol.substances import chemistry
from drugcontrol.substances.chemistry import Standardised, StructureError

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "substances"
ANALOGUE_LIMIT = 5
ANALOGUE_THRESHOLD = 0.4
MIN_ANALOGUE_ATOMS = 6  # similarity between very small molecules (HCl, acetone) means nothing
INTERNATIONAL = ("1961", "1971", "1988")

_ESTER = Chem.MolFromSmarts("[#6:1](=[#8])-[#8;!R:2]-[#6:3]")
_ETHER = Chem.MolFromSmarts("[#6;!$([#6]=[#8]):1]-[#8;!R:2]-[#6;!$([#6]=[#8]):3]")


@dataclass(frozen=True)
class Family:
    code: str
    name_en: str
    name_zh: str
    explanation_en: str
    explanation_zh: str
    patterns: tuple

    def matches(self, molecule) -> bool:
        return any(molecule.HasSubstructMatch(pattern) for pattern in self.patterns)


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


@dataclass
class ReferenceSubstance:
    substance_id: int
    name: str
    smiles: str
    families: list[str]
    fingerprint: object
    name_zh: str = ""


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
    # Stereo-free canonical SMILES of the substances whose esters and ethers are covered:
    # a cheap first test before a split piece is given a full InChI.
    ester_ether_parents: set[str] = field(default_factory=set)
    version: str = ""

    def add_listing(self, listing: ReferenceListing) -> None:
        if listing.inchikey:
            self.by_inchikey.setdefault(listing.inchikey, []).append(listing)
            if listing.full_inchikey and listing.full_inchikey != listing.inchikey:
                self.by_full_inchikey.setdefault(listing.full_inchikey, []).append(listing)
            self.by_skeleton.setdefault(listing.skeleton_key, []).append(listing)

    def add_ester_ether_parent(self, molecule) -> None:
        self.ester_ether_parents.add(Chem.MolToSmiles(chemistry.without_stereo(molecule)))

    def add_substance(self, substance: ReferenceSubstance) -> None:
        self.substances.append(substance)
        self.fingerprints.append(substance.fingerprint)


def load_families(path: Path = DATA_DIR / "families.json") -> list[Family]:
    document = json.loads(path.read_text(encoding="utf-8"))
    families = []
    for item in document["families"]:
        patterns = tuple(Chem.MolFromSmarts(smarts) for smarts in item["smarts"])
        if any(pattern is None for pattern in patterns):
            raise ValueError(f"family {item['code']}: a SMARTS pattern does not parse")
        families.append(
            Family(
                code=item["code"],
                name_en=item["name_en"],
                name_zh=item["name_zh"],
                explanation_en=item["explanation_en"],
                explanation_zh=item["explanation_zh"],
                patterns=patterns,
            )
        )
    return families


def load_rules(path: Path = DATA_DIR / "rules.json") -> tuple[dict, dict[str, set[str]]]:
    document = json.loads(path.read_text(encoding="utf-8"))
    rules = document["instruments"]
    exceptions = {
        instrument: {
            chemistry.standardise(chemistry.parse(item["smiles"]), with_fingerprint=False).inchikey
            for item in rule.get("isomer_exceptions", [])
        }
        for instrument, rule in rules.items()
    }
    return rules, exceptions


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


def _structure_matches(index: Index, query: Standardised) -> list[Match]:
    matches: list[Match] = [
        Match(listing, "exact") for listing in index.by_full_inchikey.get(query.full_inchikey, [])
    ]
    as_listed = {id(m.listing) for m in matches}
    for listing in index.by_inchikey.get(query.inchikey, []):
        if id(listing) in as_listed:
            continue
        if query.was_salt:
            if _salt_rule_applies(index, listing):
                matches.append(Match(listing, "salt"))
        else:
            matches.append(Match(listing, "exact"))
    exact_ids = {(m.listing.substance_id, m.listing.instrument) for m in matches}
    for listing in index.by_skeleton.get(query.skeleton_key, []):
        if listing.inchikey == query.inchikey or (listing.substance_id, listing.instrument) in (
            exact_ids
        ):
            continue
        excepted = query.inchikey in index.exceptions.get(listing.instrument, set())
        if excepted:
            continue
        # Control reaches other configurations where the instrument says so for this
        # schedule, or where the listing itself fixes no configuration.
        if not (
            _isomer_rule_applies(index, listing) or listing.structure_kind == "stereo_unspecified"
        ):
            continue
        basis = "racemate" if not query.has_stereo and listing.has_stereo else "stereoisomer"
        matches.append(Match(listing, basis))
    return matches


def _hydrolysed_parts(molecule) -> list:
    """The pieces an ester or an open-chain ether falls into when split, with -OH restored."""
    parts = []
    for carbonyl_carbon, _carbonyl_oxygen, oxygen, _carbon in molecule.GetSubstructMatches(_ESTER):
        parts.extend(_split(molecule, carbonyl_carbon, oxygen, hydroxylate_carbon=True))
    for carbon_a, oxygen, carbon_b in molecule.GetSubstructMatches(_ETHER):
        for carbon in (carbon_a, carbon_b):
            parts.extend(_split(molecule, carbon, oxygen, hydroxylate_carbon=False))
    return parts


def _split(molecule, carbon: int, oxygen: int, *, hydroxylate_carbon: bool) -> list:
    editable = Chem.RWMol(molecule)
    editable.RemoveBond(carbon, oxygen)
    if hydroxylate_carbon:
        new_oxygen = editable.AddAtom(Chem.Atom(8))
        editable.AddBond(carbon, new_oxygen, Chem.BondType.SINGLE)
    pieces = []
    try:
        split = editable.GetMol()
        Chem.SanitizeMol(split)
        for fragment in Chem.GetMolFrags(split, asMols=True):
            if fragment.GetNumHeavyAtoms() >= 6:
                pieces.append(fragment)
    except (ValueError, RuntimeError):
        return []
    return pieces


def _all_hydrolysed_parts(molecule, *, depth: int = 3, limit: int = 60) -> list:
    """Split esters and ethers repeatedly (a diester such as heroin needs two steps)."""
    seen: dict[str, object] = {}
    frontier = [molecule]
    for _step in range(depth):
        following = []
        for current in frontier:
            for part in _hydrolysed_parts(current):
                key = Chem.MolToSmiles(part)
                if key not in seen and len(seen) < limit:
                    seen[key] = part
                    following.append(part)
        frontier = following
    return list(seen.values())


def _ester_ether_matches(index: Index, query: Standardised) -> list[Match]:
    found: dict[tuple, Match] = {}
    if not index.ester_ether_parents:
        return []
    for part in _all_hydrolysed_parts(query.parent):
        if Chem.MolToSmiles(chemistry.without_stereo(part)) not in index.ester_ether_parents:
            continue
        try:
            standard = chemistry.standardise(part, with_fingerprint=False)
        except StructureError:
            continue
        for match in _structure_matches(index, standard):
            listing = match.listing
            eligible = set(index.rules.get(listing.instrument, {}).get("ester_ether_schedules", []))
            if eligible & set(listing.schedules) and match.basis != "salt":
                found.setdefault(
                    (listing.substance_id, listing.instrument), Match(listing, "ester_or_ether")
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
    }
    if listing.country:
        item["country"] = listing.country
    return item


def identify_structure(index: Index, query: Standardised) -> dict:
    """The identification object for one standardised structure (without the `query` key)."""
    matches = _structure_matches(index, query)
    matched_1961 = any(m.listing.instrument == "1961" for m in matches)
    if not matched_1961:
        matches += _ester_ether_matches(index, query)
    international = [m for m in matches if m.listing.instrument in INTERNATIONAL]
    national = [m for m in matches if m.listing.instrument not in INTERNATIONAL]
    matched_ids = {m.listing.substance_id for m in matches}
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
            ),
            reverse=True,
        )[:ANALOGUE_LIMIT]
        query_families = families_of(query.parent, index.families)
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
        "status": "controlled" if international else "not_controlled",
        "matches": sorted(
            (_match_json(m) for m in international),
            key=lambda item: (item["instrument"], item["substance"]),
        ),
        "families": families_of(query.parent, index.families),
        "analogues": analogues,
        "errors": [],
    }
    if national:
        result["national"] = sorted(
            (_match_json(m) for m in national),
            key=lambda item: (item["country"], item["substance"]),
        )
    return result


PUBLIC_ANALOGUE_KEYS = ("substance", "similarity", "family")
PUBLIC_MATCH_KEYS = ("substance", "instrument", "schedules", "basis", "country")


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
    if "national" in result:
        answer["national"] = [_public_match(m) for m in result["national"]]
    return answer


def _public_match(match: dict) -> dict:
    return {key: match[key] for key in PUBLIC_MATCH_KEYS if key in match}
