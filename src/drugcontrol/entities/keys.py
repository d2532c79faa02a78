"""Blocking keys of party names and identifiers.

Keys come from a name's pinyin-aware syllables (adjacent pairs, pairs one apart, and for
short names every sorted pair, so reordered words still meet), from the compact name in each
of its forms (syllables, spelling skeleton, words as written), from the first and last
letters of adjacent words, from distinctive words and their one-letter deletions (typing
errors), and from normalised identifiers. They are stored as 64-bit hashes in one indexed
table with a count per key (matching.py reads them).
"""

import hashlib
import itertools

from drugcontrol.entities.normalize import (
    NormalizedName,
    pinyin_syllables,
    plain_form,
    skeleton_form,
)
from drugcontrol.entities.vocabulary import GENERIC_WORDS

SHORT_NAME = 4
DELETION_MIN = 4  # words of at least this many letters also get their one-deletion keys
DOUBLE_DELETION_MIN = 8  # a query's words of this length also look up their two-deletions


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


def is_exact_key(text: str) -> bool:
    """A key of a whole name (its compact form: syllables, spelling skeleton or words as
    written, run together)."""
    return text[1:3] == "c:"


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
