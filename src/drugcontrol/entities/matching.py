"""Candidate generation from blocking keys, and scoring with rapidfuzz.

Keys come from a name's pinyin-aware syllables (adjacent pairs, pairs one apart, and for
short names every sorted pair, so reordered words still meet) and from normalised
identifiers. They are stored as 64-bit hashes in one indexed table with a count per key; a
key shared by more than KEY_LIMIT parties says nothing and is skipped. The candidates that
share the most keys are scored with rapidfuzz on several renderings of the name, and every
score carries its reasons.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from rapidfuzz import fuzz

from drugcontrol.entities.normalize import NormalizedName, normalize_name

KEY_LIMIT = 5000  # parties sharing one key beyond which the key is skipped
CANDIDATE_LIMIT = 200  # candidates scored per query
DEFAULT_THRESHOLD = 85
SHORT_NAME = 4  # names of at most this many tokens also get every sorted pair


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


def score_names(query: NormalizedName, other: NormalizedName) -> tuple[int, str]:
    """Best agreement of two names (0-100) and the reason code of how it was reached."""
    if not query.syllables or not other.syllables:
        return 0, ""
    scores = [
        (fuzz.token_sort_ratio(query.syllable_text, other.syllable_text), "name_reordered"),
        (fuzz.ratio(query.compact, other.compact), "name_spelling"),
        (fuzz.token_set_ratio(query.syllable_text, other.syllable_text) * 0.9, "name_words"),
    ]
    value, how = max(scores)
    return round(value), how


def name_reasons(query: NormalizedName, other: NormalizedName) -> list[str]:
    reasons = []
    if query.script != other.script and "latin" in (query.script, other.script):
        reasons.append("script_bridged")
    if query.legal_forms or other.legal_forms:
        reasons.append("legal_forms_ignored")
    return reasons
