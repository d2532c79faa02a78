"""The conventions' rules as data, read from data/substances/: structural families, the
instruments' rules, recognised counter-ions and the group entries as structure patterns."""

import json
from dataclasses import dataclass
from pathlib import Path

from rdkit import Chem

from drugcontrol.substances import chemistry
from drugcontrol.substances.chemistry import Standardised
from drugcontrol.substances.names import normalize_name

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "substances"


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


@dataclass(frozen=True)
class Group:
    """A group entry of a list (a class of compounds) as structure patterns."""

    code: str
    instrument: str
    substance: str
    patterns: tuple
    member_skeletons: frozenset
    member_names: tuple = ()  # (normalised name, display name, SMILES) of each named member

    def matches(self, query: Standardised) -> bool:
        return query.skeleton_key in self.member_skeletons or any(
            query.parent.HasSubstructMatch(pattern) for pattern in self.patterns
        )


def _smarts_patterns(item: dict, what: str) -> tuple:
    patterns = tuple(Chem.MolFromSmarts(smarts) for smarts in item["smarts"])
    if any(pattern is None for pattern in patterns):
        raise ValueError(f"{what} {item['code']}: a SMARTS pattern does not parse")
    return patterns


def load_families(path: Path = DATA_DIR / "families.json") -> list[Family]:
    document = json.loads(path.read_text(encoding="utf-8"))
    families = []
    for item in document["families"]:
        patterns = _smarts_patterns(item, "family")
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


def load_counter_ions(path: Path = DATA_DIR / "counter_ions.json") -> frozenset:
    document = json.loads(path.read_text(encoding="utf-8"))
    return frozenset(
        chemistry.skeleton_of(chemistry.parse(item["smiles"])) for item in document["counter_ions"]
    )


def load_groups(path: Path = DATA_DIR / "groups.json") -> list[Group]:
    document = json.loads(path.read_text(encoding="utf-8"))
    groups = []
    for item in document["groups"]:
        patterns = _smarts_patterns(item, "group")
        members = frozenset(
            chemistry.skeleton_of(chemistry.parse(member["smiles"])) for member in item["members"]
        )
        named = tuple(
            (normalize_name(name), member["name"], member["smiles"])
            for member in item["members"]
            for name in [member["name"], *member.get("names", [])]
        )
        groups.append(
            Group(
                code=item["code"],
                instrument=item["instrument"],
                substance=item["substance"],
                patterns=patterns,
                member_skeletons=members,
                member_names=named,
            )
        )
    return groups
