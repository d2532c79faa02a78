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
import math
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from drugcontrol.entities.normalize import (
    _HAN,
    GENERIC_WORDS,
    NormalizedName,
    _strip_han_legal_forms,
    _to_simplified,
    normalize_name,
    pinyin_syllables,
    plain_form,
    skeleton_form,
    split_pinyin,
)

KEY_LIMIT = 5000  # parties sharing one key beyond which the key is skipped
ROW_LIMIT = 20_000  # key rows read per query, rarest keys first
CANDIDATE_LIMIT = 300  # candidates scored per query
DEFAULT_THRESHOLD = 85  # correlation proposals; a search also shows candidates below it
SEARCH_FLOOR = 60  # the lowest score a search shows (marked as below the threshold)
SHORT_NAME = 4
DELETION_MIN = 4  # words of at least this many letters also get their one-deletion keys
DOUBLE_DELETION_MIN = 8  # a query's words of this length also look up their two-deletions
GATE_WEIGHT = 30  # points off per unit of rarity of the words two names do not share
MIDDLE_NAME_POINTS = 1  # off a person's score reached by leaving a middle name out
RARITY_FLOOR = 10_000  # below this many parties every known word counts as fairly rare


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
    # One typing error in a distinctive word (inserted, dropped, replaced or swapped letters):
    # the word and its one-letter deletions meet the same deletions of the mistyped word.
    for word in distinctive_words(normalized):
        keys.add(f"{family}d:{word}")
        keys.update(f"{family}d:{word[:i]}{word[i + 1 :]}" for i in range(len(word)))
    # Words that read as pinyin keep it; their spelling skeleton (juergen -> iurgen) meets
    # the transliterations of the same name through the compact and deletion keys.
    skeletal = skeleton_form(normalized)
    if skeletal is not normalized:
        keys.add(f"{family}c:{skeletal.compact}")
        for word in set(distinctive_words(skeletal)) - set(normalized.words):
            keys.add(f"{family}d:{word}")
            keys.update(f"{family}d:{word[:i]}{word[i + 1 :]}" for i in range(len(word)))
    # The words as written before the skeleton (Miguel, Hernandez): a typing error that
    # breaks a digraph is one letter off in them.
    plain = plain_form(normalized)
    if plain is not normalized:
        keys.add(f"{family}c:{plain.compact}")
        for word in set(distinctive_words(plain)) - set(normalized.words) - set(skeletal.words):
            keys.add(f"{family}d:{word}")
            keys.update(f"{family}d:{word[:i]}{word[i + 1 :]}" for i in range(len(word)))
        words = [w for w in plain.words if len(w) >= 3]
        for first, second in itertools.pairwise(words):
            keys.add(f"{family}f:{first[:3]} {second[:3]}")
            keys.add(f"{family}l:{first[-3:]} {second[-3:]}")
    return keys


def query_keys(kind: str, normalized: NormalizedName) -> set[str]:
    """Keys a query looks up beyond its name_keys (never stored): the two-letter deletions
    of its long distinctive words as written (plain_form), which meet the stored words and
    their one-letter deletions through two typing errors (two letters inserted, or one
    inserted and one replaced: Zemdwralezl for Zemdralel)."""
    family = "p" if kind == "person" else "n"
    keys: set[str] = set()
    words = [w for w in distinctive_words(plain_form(normalized)) if len(w) >= DOUBLE_DELETION_MIN]
    for word in words:
        for first, second in itertools.combinations(range(len(word)), 2):
            keys.add(f"{family}d:{word[:first]}{word[first + 1 : second]}{word[second + 1 :]}")
    return keys


def distinctive_words(normalized: NormalizedName) -> list[str]:
    """Words long enough to carry a typing error, not generic, not one pinyin syllable."""
    syllables = pinyin_syllables()
    return [
        word
        for word in dict.fromkeys(normalized.words)
        if len(word) >= DELETION_MIN
        and word.isalpha()
        and word not in GENERIC_WORDS
        and word not in syllables
    ]


def name_units(normalized: NormalizedName) -> tuple[str, ...]:
    """The tokens two names are compared by, word for word: the words of a name in Latin
    letters (a Latin word that happens to read as pinyin stays whole), the syllables of a
    name in Chinese characters."""
    if normalized.script == "latin" and normalized.words:
        return normalized.words
    return normalized.syllables


def token_keys(kind: str, normalized: NormalizedName) -> set[str]:
    """Count-only keys (KeyCount, no BlockingKey rows): how many parties use each token."""
    family = "p" if kind == "person" else "n"
    return {f"t:{family}:{token}" for token in name_units(normalized)}


def total_key(kind: str) -> str:
    """Count-only key: how many parties of the kind family have a name."""
    return f"t:{'p' if kind == 'person' else 'n'}:"


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
        return query
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
    variants: dict[tuple[str, ...], NormalizedName] = {}
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
    if not variants:
        return query
    return Query(
        kind=query.kind,
        names=[*query.names, *variants.values()],
        identifiers=query.identifiers,
        country=query.country,
    )


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
    query: Query, *, exclude: set[int] = frozenset(), limit: int = CANDIDATE_LIMIT
) -> list[int]:
    """The `limit` parties with the heaviest shared keys (candidate_ids' ranking), summed
    by the database."""
    with connection.cursor() as cursor:
        weight = key_weights(query, cursor)
        if not weight:
            return []
        keys = list(weight)
        cases = " ".join(["WHEN %s THEN %s"] * len(keys))
        marks = ", ".join(["%s"] * len(keys))
        params: list = [value for key in keys for value in (key, weight[key])]
        params += keys
        excluded = ""
        if exclude:
            excluded = f" AND party_id NOT IN ({', '.join(['%s'] * len(exclude))})"
            params += sorted(exclude)
        cursor.execute(
            f"SELECT party_id, SUM(CASE key {cases} ELSE 0 END) AS weight "  # noqa: S608
            f"FROM entities_blockingkey WHERE key IN ({marks}){excluded} "
            "GROUP BY party_id ORDER BY weight DESC, party_id LIMIT %s",
            [*params, limit],
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


def _allowed_edits(size: int) -> int:
    """Typing errors tolerated in a word of this length."""
    return 0 if size <= 2 else (1 if size <= 6 else 2)


def _near(token: str, words, edits: int) -> bool:
    return any(OSA.distance(token, word, score_cutoff=edits) <= edits for word in words)


def _missing_latin(mine: tuple[str, ...], theirs: tuple[str, ...]) -> list[tuple[str, float]]:
    """Words of one name in Latin letters that the other lacks, with the share missing: not
    the same word, nor the same within a typing error (two in long words), nor part of one
    of its words; a short word two typing errors away is half missing."""
    theirs_set = set(theirs)
    runs = [
        "".join(theirs[i : i + size]) for size in (1, 2, 3) for i in range(len(theirs) - size + 1)
    ]
    missing = []
    for token in dict.fromkeys(mine):
        if token in theirs_set or any(token in word for word in theirs):
            continue
        # Typing errors tolerated by the longer of the two words (Cisaenk for Cistaenko).
        if any(
            _near(token, (run,), _allowed_edits(max(len(token), len(run))))
            for run in runs
            if len(token) > 2
        ):
            continue
        if _allowed_edits(len(token)) == 1 and len(token) >= 4 and _near(token, runs, 2):
            missing.append((token, 0.5))
            continue
        missing.append((token, 1.0))
    return missing


def _missing_across_scripts(
    words: tuple[str, ...], syllables: tuple[str, ...]
) -> list[tuple[str, float]]:
    """A name in Latin letters (its words) against one in Chinese characters (its pinyin
    syllables): each word must spell a run of adjacent syllables, within one typing error
    from five letters on (Guangzou for Guangzhou; one syllable for another is another
    character); the syllables no word spells are missing too."""
    covered = [False] * len(syllables)
    missing = []
    for word in dict.fromkeys(words):
        edits = 0 if len(word) <= 4 else 1
        found = False
        for start in range(len(syllables)):
            for end in range(start + 1, min(len(syllables), start + 4) + 1):
                run = "".join(syllables[start:end])
                if OSA.distance(word, run, score_cutoff=edits) <= edits:
                    covered[start:end] = [True] * (end - start)
                    found = True
        if not found:
            missing.append((word, 1.0))
    missing += [(s, 1.0) for s, done in zip(syllables, covered, strict=True) if not done]
    return missing


def _person_missing(mine: tuple[str, ...], theirs: tuple[str, ...]) -> list[tuple[str, float]]:
    """_missing_latin for person names, tolerant of middle names: a middle name (neither the
    first nor the last word) the other name lacks counts a fifth when the other name has no
    middle name of its own, and is not missing at all when the other has its initial."""
    initials = {word for word in theirs[1:-1] if len(word) == 1}
    middle = set(mine[1:-1])
    missing = []
    for token, share in _missing_latin(mine, theirs):
        if token in middle and token[0] in initials:
            continue
        if token in middle and len(theirs) <= 2:
            share *= 0.2
        missing.append((token, share))
    return missing


def disagreement(
    query: NormalizedName,
    other: NormalizedName,
    rarity: dict[str, float],
    *,
    kind: str = "company",
) -> float:
    """The rarity of the tokens one name has and the other lacks: generic words weigh
    little, a distinctive word or character (another company's) close to 1; initials and
    two-letter tokens carry less. Names in Latin letters are compared word for word (a
    Latin word that happens to read as pinyin stays whole), names in Chinese characters
    syllable by syllable; a person's middle name the other name lacks counts little."""
    query_latin = query.script == "latin" and bool(query.words)
    other_latin = other.script == "latin" and bool(other.words)
    if query_latin and other_latin:
        compare = _person_missing if kind == "person" else _missing_latin
        missing = compare(query.words, other.words)
        missing += compare(other.words, query.words)
    elif query_latin:
        missing = _missing_across_scripts(query.words, other.syllables)
    elif other_latin:
        missing = _missing_across_scripts(other.words, query.syllables)
    else:
        mine, theirs = set(query.syllables), set(other.syllables)
        missing = [(token, 1.0) for token in sorted(mine - theirs) + sorted(theirs - mine)]
    return sum(
        share * rarity.get(token, 1.0) * min(1.0, len(token) / 3) for token, share in missing
    )


def person_renderings(words: tuple[str, ...] | list[str]) -> dict[str, str]:
    """A person's name written together in the orders it is met in, with the reason code of
    each: as written, the first word moved last or the last word moved first (family and
    given names swap between conventions; the syllables of a given name do not: Han Huixin
    is not Han Xinhui), with the middle names cut to their initials and without them, in
    both orders."""
    words = tuple(words)
    if not words:
        return {}
    renderings = {"".join(words): "name_spelling"}
    if len(words) > 1:
        renderings.setdefault("".join((*words[1:], words[0])), "name_reordered")
        renderings.setdefault("".join((words[-1], *words[:-1])), "name_reordered")
    if len(words) > 2:
        initials = "".join(word[0] for word in words[1:-1])
        renderings.setdefault(words[0] + initials + words[-1], "middle_name_ignored")
        renderings.setdefault(words[-1] + words[0] + initials, "middle_name_ignored")
        renderings.setdefault(words[0] + words[-1], "middle_name_ignored")
        renderings.setdefault(words[-1] + words[0], "middle_name_ignored")
    return renderings


def _dropped_middle(words: tuple[str, ...] | list[str]) -> set[str]:
    """The renderings of person_renderings that leave the middle names out altogether."""
    if len(words) <= 2:
        return set()
    return {words[0] + words[-1], words[-1] + words[0]}


def score_names(
    query: NormalizedName,
    other: NormalizedName,
    *,
    kind: str = "company",
    rarity: dict[str, float] | None = None,
) -> tuple[int, str]:
    """Best agreement of two names (0-100) and the reason code of how it was reached. With
    `rarity` (token_rarity of both names' tokens) the words the names do not share take
    points off by their rarity in the index. Two names in Latin letters are also compared
    through their spelling skeletons (skeleton_form) and through their words as written
    before it (plain_form), the best counting."""
    value = _score_names(query, other, kind=kind, rarity=rarity)
    if query.script == "latin" and other.script == "latin":
        query_skeleton, other_skeleton = skeleton_form(query), skeleton_form(other)
        if query_skeleton is not query or other_skeleton is not other:
            value = max(
                value, _score_names(query_skeleton, other_skeleton, kind=kind, rarity=rarity)
            )
        query_plain, other_plain = plain_form(query), plain_form(other)
        if query_plain is not query or other_plain is not other:
            value = max(value, _score_names(query_plain, other_plain, kind=kind, rarity=rarity))
    return value


def _score_names(
    query: NormalizedName,
    other: NormalizedName,
    *,
    kind: str = "company",
    rarity: dict[str, float] | None = None,
) -> tuple[int, str]:
    if not query.syllables or not other.syllables:
        return 0, ""
    if kind == "person":
        # Every order of one name against every order of the other (symmetric).
        mine = person_renderings(query.words or query.syllables)
        theirs = person_renderings(other.words or other.syllables)
        # A name that keeps its middle name (or agrees on its initial) comes before one
        # without it: Agnieszka S. Gonzalez is Agnieszka Sarah Gonzalez rather than
        # Agnieszka Gonzalez, Joseph Schulz rather than Joseph Pierre Schulz.
        mine_dropped = _dropped_middle(query.words or query.syllables)
        theirs_dropped = _dropped_middle(other.words or other.syllables)
        scores = [(fuzz.ratio(query.compact, other.compact), "name_spelling")]
        for text, how in mine.items():
            for other_text, other_how in theirs.items():
                reason = max(how, other_how, key=_REASON_RANK.__getitem__)
                value = fuzz.ratio(text, other_text)
                if text in mine_dropped or other_text in theirs_dropped:
                    value -= MIDDLE_NAME_POINTS
                scores.append((value, reason))
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
            mine_text, theirs_text = " ".join(mine), " ".join(theirs)
            rest = max(
                fuzz.token_sort_ratio(mine_text, theirs_text), fuzz.ratio(mine_text, theirs_text)
            )
            value = min(value, rest + 10)
    # Two names written in Chinese characters differ as their characters do: one different
    # character is another company or person, however close the pinyin.
    query_han, other_han = han_core(query.original), han_core(other.original)
    if query_han and other_han:
        value = min(value, fuzz.ratio(query_han, other_han))
    if rarity is not None:
        value -= GATE_WEIGHT * disagreement(query, other, rarity, kind=kind)
    return max(0, round(value)), how


_REASON_RANK = {"name_spelling": 0, "name_reordered": 1, "middle_name_ignored": 2}


def may_reach(query: NormalizedName, kind: str, rows: list[tuple], threshold: float) -> set[int]:
    """Positions of the stored names (syllable text, words and, when they differ from the
    words, the plain words) whose score_names can reach the threshold: the rapidfuzz scores
    it takes the best of, computed in bulk, bound it from above (what follows them only
    lowers it). The spelling skeletons and the plain words are scanned too."""
    passes = _may_reach(query, kind, [(row[0], row[1]) for row in rows], threshold)
    skeletal = skeleton_form(query)
    skeletal_rows = []
    for syllables, words, *_plain in rows:
        stored = (words or syllables).split()
        form = NormalizedName(
            original="", words=tuple(stored), syllables=tuple(stored), script="latin"
        )
        text = " ".join(skeleton_form(form).words)
        skeletal_rows.append((text, text))
    passes |= _may_reach(skeletal, kind, skeletal_rows, threshold)
    plain = plain_form(query)
    if plain is not query or any(len(row) > 2 and row[2] for row in rows):
        plain_rows = []
        for syllables, words, *rest in rows:
            text = (rest[0] if rest else "") or words or syllables
            plain_rows.append((text, text))
        passes |= _may_reach(plain, kind, plain_rows, threshold)
    return passes


def _may_reach(
    query: NormalizedName, kind: str, rows: list[tuple[str, str]], threshold: float
) -> set[int]:
    if not query.syllables:
        return set()
    cutoff = threshold - 0.5  # score_names rounds
    compacts = [syllables.replace(" ", "") for syllables, _words in rows]
    passes: set[int] = set()

    def scan(text: str, choices: list[str], scorer, floor: float) -> None:
        found = process.extract(
            text, choices, scorer=scorer, processor=None, limit=None, score_cutoff=floor
        )
        passes.update(position for _choice, _score, position in found)

    if kind == "person":
        scan(query.compact, compacts, fuzz.ratio, cutoff)
        stored = [
            list(person_renderings((words or syllables).split())) for syllables, words in rows
        ]
        width = max((len(r) for r in stored), default=0)
        columns = [[r[i] if i < len(r) else "" for r in stored] for i in range(width)]
        for text in person_renderings(query.words or query.syllables):
            for column in columns:
                scan(text, column, fuzz.ratio, cutoff)
    else:
        texts = [syllables for syllables, _words in rows]
        scan(query.syllable_text, texts, fuzz.token_sort_ratio, cutoff)
        scan(query.compact, compacts, fuzz.ratio, cutoff)
        if cutoff / 0.9 <= 100:
            scan(query.syllable_text, texts, fuzz.token_set_ratio, cutoff / 0.9)
    return passes


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
