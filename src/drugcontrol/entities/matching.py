"""Candidate generation from blocking keys (keys.py), and scoring (scoring.py).

Blocking keys are stored as 64-bit hashes in one indexed table with a count per key; a key
shared by more than KEY_LIMIT parties says nothing and is skipped. The candidates that share
the most (and the rarest) keys are scored with rapidfuzz on several renderings of the name,
and every score carries its reasons.
"""

import math
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from rapidfuzz.distance import OSA

from drugcontrol.entities.keys import (
    DELETION_MIN,
    DOUBLE_DELETION_MIN,
    SHORT_NAME,
    distinctive_words,
    identifier_key,
    is_exact_key,
    key_hash,
    name_keys,
    name_units,
    query_keys,
    token_keys,
    total_key,
)
from drugcontrol.entities.normalize import (
    NormalizedName,
    normalize_name,
    split_pinyin,
)
from drugcontrol.entities.scoring import (
    GATE_WEIGHT,
    MIDDLE_NAME_POINTS,
    disagreement,
    han_core,
    may_reach,
    name_reasons,
    person_renderings,
    score_names,
)
from drugcontrol.entities.vocabulary import CANONICAL_WORDS, COMPOUND_ENDINGS, GENERIC_WORDS

__all__ = [
    "CANDIDATE_LIMIT",
    "DEFAULT_THRESHOLD",
    "DELETION_MIN",
    "DOUBLE_DELETION_MIN",
    "GATE_WEIGHT",
    "KEY_LIMIT",
    "MIDDLE_NAME_POINTS",
    "RARITY_FLOOR",
    "ROW_LIMIT",
    "SEARCH_FLOOR",
    "SHORT_NAME",
    "Candidate",
    "Query",
    "candidate_ids",
    "compound_slips",
    "disagreement",
    "distinctive_words",
    "han_core",
    "identifier_key",
    "is_exact_key",
    "key_hash",
    "key_weights",
    "may_reach",
    "name_keys",
    "name_reasons",
    "name_units",
    "person_renderings",
    "query_keys",
    "score_names",
    "token_keys",
    "token_rarity",
    "top_candidates",
    "total_key",
    "vocabulary_variants",
]

KEY_LIMIT = 5000  # parties sharing one key beyond which the key is skipped
ROW_LIMIT = 20_000  # key rows read per query, rarest keys first
CANDIDATE_LIMIT = (
    150  # candidates scored per query (300 gave the same answers at 1,000,000 parties)
)
DEFAULT_THRESHOLD = 85  # correlation proposals; a search also shows candidates below it
SEARCH_FLOOR = 60  # the lowest score a search shows (marked as below the threshold)
RARITY_FLOOR = 10_000  # below this many parties every known word counts as fairly rare
# A party whose whole normalised name (in any of its forms) is the query's comes first,
# however common the words it shares: at a million parties each pair of words a Hong Kong
# company shares with its pinyin or English name is shared by a thousand others.
EXACT_WEIGHT = 100.0
EXACT_LIMIT = CANDIDATE_LIMIT  # beyond this many parties a whole name is not told apart


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
            texts |= name_keys(self.kind, name) | query_keys(self.kind, name)
        texts |= {identifier_key(kind, value) for kind, value in self.identifiers}
        return {key_hash(text): text for text in texts}


COMPOUND_MIN = 8  # letters of a query word tried as two words of the index
COMPOUND_PART = 4  # letters of each of the two words at least


def vocabulary_variants(query: Query) -> Query:
    """The query with, beside each name in Latin letters, its renderings through the index's
    own vocabulary (the token counts of name_units): a long word that is two words known
    in the index also as the two words (Hamburgteveca -> Hamburg Teveca, Kruegerchemie ->
    Krueger Chemie), two adjacent words also as the one word the index knows
    (Bravon Gut -> Bravongut). One KeyCount lookup for all the query's words; the query
    itself when nothing is known."""
    family = "p" if query.kind == "person" else "n"
    slipped = {
        variant.words: variant
        for name in query.names
        for variant in compound_slips(name, query.kind)
        if variant.words != name.words
    }
    proposals: list[tuple[NormalizedName, int, int, tuple[str, ...]]] = []
    texts: set[str] = set()
    for name in query.names:
        if name.script != "latin":
            continue
        words = name.words
        for position, word in enumerate(words):
            if len(word) >= COMPOUND_MIN and word.isalpha() and word not in GENERIC_WORDS:
                texts.add(f"t:{family}:{word}")
                for cut in range(COMPOUND_PART, len(word) - COMPOUND_PART + 1):
                    parts = (word[:cut], word[cut:])
                    texts.update(f"t:{family}:{part}" for part in parts)
                    proposals.append((name, position, position + 1, parts))
        for position in range(len(words) - 1):
            first, second = words[position], words[position + 1]
            if first.isalpha() and second.isalpha() and min(len(first), len(second)) >= 3:
                joined = first + second
                texts.add(f"t:{family}:{joined}")
                proposals.append((name, position, position + 2, (joined,)))
    if not proposals:
        return _with_names(query, slipped.values())
    hashes = {key_hash(text): text for text in texts}
    known: set[str] = set()
    with connection.cursor() as cursor:
        for chunk in _in_chunks(list(hashes)):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT key FROM entities_keycount WHERE key IN ({marks}) AND count > 0",  # noqa: S608
                chunk,
            )
            known.update(hashes[key][len(family) + 3 :] for (key,) in cursor.fetchall())
    variants: dict[tuple[str, ...], NormalizedName] = slipped
    for name, start, end, parts in proposals:
        if len(parts) == 2 and name.words[start] in known:
            continue  # a word of the index as it is
        if not all(part in known for part in parts):
            continue
        words = (*name.words[:start], *parts, *name.words[end:])
        if words in variants or words == name.words:
            continue
        syllables = tuple(token for word in words for token in (split_pinyin(word) or (word,)))
        variants[words] = NormalizedName(
            original=name.original,
            words=words,
            syllables=syllables,
            script="latin",
            legal_forms=name.legal_forms,
        )
    return _with_names(query, variants.values())


def _with_names(query: Query, names) -> Query:
    """The query with more names beside its own (the query itself when there are none)."""
    names = list(names)
    if not names:
        return query
    return Query(
        kind=query.kind,
        names=[*query.names, *names],
        identifiers=query.identifiers,
        country=query.country,
    )


SLIPPED_ENDING_MIN = 6  # letters of a compound ending looked for with a typing error


def compound_slips(name: NormalizedName, kind: str) -> list[NormalizedName]:
    """A company's long word that ends in a compound ending with one typing error
    (Grosmatrachemiehanrdel: Handel with a letter inserted, so that the normaliser did not
    split it) also written apart, the ending as it is spelt (Grosmatrachemie Handel, which
    normalises as Grosmatra Chemie Handel): the word alone shares no key with the
    compound's parts. Endings of SLIPPED_ENDING_MIN letters or more, the longest first;
    nothing for persons and for names not in Latin letters."""
    if kind == "person" or name.script != "latin":
        return []
    written = name.plain if len(name.plain) == len(name.words) else name.words
    variants = []
    for position, word in enumerate(written):
        if len(word) < COMPOUND_MIN or not word.isalpha() or word in CANONICAL_WORDS:
            continue
        for ending in COMPOUND_ENDINGS:
            if len(ending) < SLIPPED_ENDING_MIN or len(word) - len(ending) < 2:
                continue
            found = next(
                (
                    size
                    for size in (len(ending) + 1, len(ending), len(ending) - 1)
                    if len(word) - size >= 3
                    and word[-size:] != ending
                    and OSA.distance(word[-size:], ending, score_cutoff=1) <= 1
                ),
                None,
            )
            if found is not None:
                words = [*written[:position], word[:-found], ending, *written[position + 1 :]]
                variants.append(normalize_name(" ".join(words), kind=kind))
                break
    return variants


def _in_chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def key_weights(query: Query, cursor) -> dict[int, float]:
    """The query's usable keys and their weights. A key counts by its rarity: sharing a key
    with three parties says more than sharing one with three thousand (1/log(2 + count)).
    Keys shared by more than KEY_LIMIT parties are skipped, and the rarest keys are taken
    first up to ROW_LIMIT rows in all: what the commonest would add weighs little and costs
    the most."""
    keys = query.keys()
    counts: list[tuple[int, int]] = []
    for chunk in _in_chunks(list(keys)):
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(
            f"SELECT key, count FROM entities_keycount WHERE key IN ({marks})",  # noqa: S608
            chunk,
        )
        counts += [(count, key) for key, count in cursor.fetchall() if count <= KEY_LIMIT]
    weight: dict[int, float] = {}
    rows = 0
    for count, key in sorted(counts):
        rows += count
        if rows > ROW_LIMIT and weight:
            break
        weight[key] = 1 / math.log(2 + count)
        if is_exact_key(keys[key]) and count <= EXACT_LIMIT:
            weight[key] += EXACT_WEIGHT
    return weight


def candidate_ids(query: Query, *, exclude: set[int] = frozenset()) -> tuple[Counter, dict]:
    """Every party sharing usable keys with the query, with the weight of the keys it
    shares; the keys each shares."""
    keys = query.keys()
    if not keys:
        return Counter(), {}
    shared: Counter = Counter()
    evidence: dict[int, list[str]] = {}
    with connection.cursor() as cursor:
        weight = key_weights(query, cursor)
        for chunk in _in_chunks(list(weight)):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT key, party_id FROM entities_blockingkey WHERE key IN ({marks})",  # noqa: S608
                chunk,
            )
            for key, party_id in cursor.fetchall():
                if party_id in exclude:
                    continue
                shared[party_id] += weight[key]
                evidence.setdefault(party_id, []).append(keys[key])
    return shared, evidence


def top_candidates(
    query: Query, *, exclude: set[int] = frozenset(), limit: int | None = None
) -> list[int]:
    """The `limit` parties with the heaviest shared keys (candidate_ids' ranking), summed
    by the database."""
    with connection.cursor() as cursor:
        weight = key_weights(query, cursor)
        if not weight:
            return []
        keys = list(weight)
        # The weights as a table joined on the key (the key index probed once per key),
        # rather than a CASE of every key evaluated on every row.
        rows = ", ".join(["(CAST(%s AS BIGINT), CAST(%s AS DOUBLE PRECISION))"] * len(keys))
        params: list = [value for key in keys for value in (key, weight[key])]
        excluded = ""
        if exclude:
            excluded = f" WHERE b.party_id NOT IN ({', '.join(['%s'] * len(exclude))})"
            params += sorted(exclude)
        cursor.execute(
            f"WITH w (key, weight) AS (VALUES {rows}) "  # noqa: S608
            "SELECT b.party_id, SUM(w.weight) AS total FROM w "
            f"JOIN entities_blockingkey b ON b.key = w.key{excluded} "
            "GROUP BY b.party_id ORDER BY total DESC, b.party_id LIMIT %s",
            [*params, CANDIDATE_LIMIT if limit is None else limit],
        )
        return [party_id for party_id, _weight in cursor.fetchall()]


def token_rarity(kind: str, tokens) -> dict[str, float]:
    """How distinctive each token is in the index, 0 (every party) to 1 (no party): the
    share of the information a party's name carries, log(N / count) / log(N)."""
    texts = {f"t:{'p' if kind == 'person' else 'n'}:{token}": token for token in tokens}
    texts[total_key(kind)] = ""
    hashes = {key_hash(text): token for text, token in texts.items()}
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for chunk in _in_chunks(list(hashes)):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT key, count FROM entities_keycount WHERE key IN ({marks})",  # noqa: S608
                chunk,
            )
            counts.update((hashes[key], count) for key, count in cursor.fetchall())
    total = max(counts.pop("", 0), RARITY_FLOOR)
    scale = math.log(total + 1)
    return {
        token: max(0.0, min(1.0, math.log((total + 1) / (counts.get(token, 0) + 1)) / scale))
        for token in tokens
    }
