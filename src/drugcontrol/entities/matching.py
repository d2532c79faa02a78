"""Candidate generation from blocking keys, and scoring with rapidfuzz.

Keys come from a name's pinyin-aware syllables (adjacent pairs, pairs one apart, and for
short names every sorted pair, so reordered words still meet) and from normalised
identifiers. They are stored as 64-bit hashes in one indexed table with a count per key; a
key shared by more than KEY_LIMIT parties says nothing and is skipped. The candidates that
share the most keys are scored with rapidfuzz on several renderings of the name, and every
score carries its reasons.
"""

import functools
import hashlib
import itertools
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from rapidfuzz import fuzz

from drugcontrol.entities.normalize import (
    _HAN,
    NormalizedName,
    _strip_han_legal_forms,
    _to_simplified,
    normalize_name,
)

KEY_LIMIT = 5000  # parties sharing one key beyond which the key is skipped
CANDIDATE_LIMIT = 300  # candidates scored per query
DEFAULT_THRESHOLD = 85
SHORT_NAME = 4
GENERIC_WORDS = frozenset(
    {
        "chemical",
        "pharmaceutical",
        "technology",
        "biotech",
        "logistics",
        "international",
        "industrial",
        "fine",
        "laboratories",
        "laboratory",
        "labs",
        "import",
        "export",
        "materials",
        "material",
        "solutions",
        "distribution",
        "healthcare",
        "medical",
        "sciences",
        "science",
        "life",
        "supply",
        "supplies",
        "products",
        "services",
        "global",
    }
)  # names of at most this many tokens also get every sorted pair


def key_hash(text: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True
    )


def name_keys(kind: str, normalized: NormalizedName) -> set[str]:
    tokens = list(normalized.syllables)
    keys: set[str] = set()
    family = "p" if kind == "person" else "n"
    for index, token in enumerate(tokens):
        if index + 1 < len(tokens):
            keys.add(f"{family}a:{token} {tokens[index + 1]}")
        if index + 2 < len(tokens):
            keys.add(f"{family}b:{token} {tokens[index + 2]}")
        if len(token) >= 6:
            keys.add(f"{family}w:{token}")
    if len(tokens) <= SHORT_NAME:
        for first in range(len(tokens)):
            for second in range(first + 1, len(tokens)):
                pair = sorted((tokens[first], tokens[second]))
                keys.add(f"{family}s:{pair[0]} {pair[1]}")
    if len(tokens) == 1:
        keys.add(f"{family}u:{tokens[0]}")
    if normalized.compact and len(normalized.compact) >= 4:
        keys.add(f"{family}c:{normalized.compact}")
    # Typing errors: a mistyped word usually keeps its first or its last letters, and its
    # neighbour intact, so these keys survive where the exact ones break.
    words = [w for w in normalized.words if len(w) >= 3]
    for first, second in itertools.pairwise(words):
        keys.add(f"{family}f:{first[:3]} {second[:3]}")
        keys.add(f"{family}l:{first[-3:]} {second[-3:]}")
    for word in words:
        if len(word) >= 7:
            keys.add(f"{family}x:{word[:3]}~{word[-3:]}")
    return keys


def identifier_key(kind: str, normalized: str) -> str:
    return f"i:{kind}:{normalized}"


@dataclass
class Candidate:
    party_id: int
    score: int
    reasons: list[str] = field(default_factory=list)
    name: str = ""


@dataclass
class Query:
    kind: str
    names: list[NormalizedName]
    identifiers: list[tuple[str, str]]  # (kind, normalized)
    country: str | None = None

    @classmethod
    def build(cls, *, kind: str, names: list[str], identifiers=(), country=None) -> "Query":
        return cls(
            kind=kind,
            names=[normalize_name(n, kind=kind) for n in names if n and n.strip()],
            identifiers=list(identifiers),
            country=country,
        )

    def keys(self) -> dict[int, str]:
        texts: set[str] = set()
        for name in self.names:
            texts |= name_keys(self.kind, name)
        texts |= {identifier_key(kind, value) for kind, value in self.identifiers}
        return {key_hash(text): text for text in texts}


def _in_chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def candidate_ids(query: Query, *, exclude: set[int] = frozenset()) -> tuple[Counter, dict]:
    """Parties sharing keys with the query, counted; the keys each shares."""
    keys = query.keys()
    if not keys:
        return Counter(), {}
    with connection.cursor() as cursor:
        usable = []
        for chunk in _in_chunks(list(keys)):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT key, count FROM entities_keycount WHERE key IN ({marks})",  # noqa: S608
                chunk,
            )
            usable += [key for key, count in cursor.fetchall() if count <= KEY_LIMIT]
        shared: Counter = Counter()
        evidence: dict[int, list[str]] = {}
        for chunk in _in_chunks(usable):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT key, party_id FROM entities_blockingkey WHERE key IN ({marks})",  # noqa: S608
                chunk,
            )
            for key, party_id in cursor.fetchall():
                if party_id in exclude:
                    continue
                shared[party_id] += 1
                evidence.setdefault(party_id, []).append(keys[key])
    return shared, evidence


def score_names(
    query: NormalizedName, other: NormalizedName, *, kind: str = "company"
) -> tuple[int, str]:
    """Best agreement of two names (0-100) and the reason code of how it was reached."""
    if not query.syllables or not other.syllables:
        return 0, ""
    if kind == "person":
        # Family and given names swap between conventions; the syllables of a given name
        # do not (Han Huixin is not Han Xinhui).
        words = other.words or other.syllables
        first_last = "".join((*words[1:], words[0]))
        last_first = "".join((words[-1], *words[:-1]))
        scores = [
            (fuzz.ratio(query.compact, other.compact), "name_spelling"),
            (fuzz.ratio(query.compact, first_last), "name_reordered"),
            (fuzz.ratio(query.compact, last_first), "name_reordered"),
        ]
    else:
        scores = [
            (fuzz.token_sort_ratio(query.syllable_text, other.syllable_text), "name_reordered"),
            (fuzz.ratio(query.compact, other.compact), "name_spelling"),
            (fuzz.token_set_ratio(query.syllable_text, other.syllable_text) * 0.9, "name_words"),
        ]
    value, how = max(scores)
    if kind != "person":
        # Generic words (Chemical, Pharma, Technology ...) make unrelated companies look
        # alike; what is left must agree too, within a small margin.
        mine = [t for t in query.syllables if t not in GENERIC_WORDS]
        theirs = [t for t in other.syllables if t not in GENERIC_WORDS]
        reduced = mine != list(query.syllables) or theirs != list(other.syllables)
        if mine and theirs and reduced and len(mine) == len(theirs):
            value = min(value, fuzz.token_sort_ratio(" ".join(mine), " ".join(theirs)) + 10)
    # Two names written in Chinese characters differ as their characters do: one different
    # character is another company or person, however close the pinyin.
    query_han, other_han = han_core(query.original), han_core(other.original)
    if query_han and other_han:
        value = min(value, fuzz.ratio(query_han, other_han))
    return round(value), how


@functools.lru_cache(maxsize=100_000)
def han_core(text: str) -> str:
    """The Chinese characters of a name, simplified, legal forms set aside."""
    if not text or not _HAN.search(text):
        return ""
    simplified = _strip_han_legal_forms(_to_simplified.convert(text))
    return "".join(_HAN.findall(simplified))


def name_reasons(query: NormalizedName, other: NormalizedName) -> list[str]:
    reasons = []
    if query.script != other.script and "latin" in (query.script, other.script):
        reasons.append("script_bridged")
    if query.legal_forms or other.legal_forms:
        reasons.append("legal_forms_ignored")
    return reasons
