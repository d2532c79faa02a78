"""Normalisation of party names and identifiers across languages and scripts.

Names become tokens that the same party shares however it was written: Unicode NFKC and case
folding; legal-form words of many languages set aside; traditional Chinese converted to
simplified (OpenCC) and Chinese rendered in pinyin (pypinyin); pinyin written in Latin letters
split into its syllables, so that 广州天河化工有限公司 and "Guangzhou Tianhe Huagong Youxian
Gongsi" give the same tokens; a few common business words mapped between pinyin and English.
Other scripts and letters with diacritics are written in ASCII (anyascii: Щербаков ->
Shcherbakov, Müller -> Muller, Søndergaard -> Sondergaard), and each Latin word that is not
pinyin is reduced to a spelling skeleton that the usual transliterations share (ue/oe/ae as
u/o/a, ss as s, kh/zh/ts/shch of Cyrillic romanisations as h/s/c/sc, w as v, j and y as i):
Müller, Mueller and Muller, or Щербаков, Shcherbakov and Schtscherbakow, meet. Company names:
the English and postal names of Chinese places become their pinyin (Canton -> Guangzhou, a
table with its provenance in data/entities/place_exonyms.csv), and compounds that end in a
business word are split (Chemiehandel -> Chemie Handel). Person names written "Surname, Given
names" are turned round to "Given names Surname".
The word tables are in vocabulary.py, identifiers are normalised in identifiers.py.
"""

import csv
import functools
import re
import unicodedata
from dataclasses import dataclass, field

import opencc
from anyascii import anyascii
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PINYIN_DICT
from pypinyin.style import convert
from rapidfuzz import process
from rapidfuzz.distance import OSA

from drugcontrol.entities.vocabulary import (
    BUSINESS_SYLLABLES,
    BUSINESS_VOCABULARY,
    BUSINESS_WORDS,
    CANONICAL_WORDS,
    COMPOUND_ENDINGS,
    HAN_BUSINESS_WORDS,
    LEGAL_FORM_SYLLABLES,
    LEGAL_FORM_WORD_SEQUENCES,
    LEGAL_FORMS_HAN,
    LEGAL_FORMS_LATIN,
    PERSON_KINDS,
    PLACE_EXONYMS_FILE,
    TRAILING_LEGAL_FORMS,
)

_to_simplified = opencc.OpenCC("t2s")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HAN_BUSINESS = re.compile("|".join(sorted(HAN_BUSINESS_WORDS, key=len, reverse=True)))
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ABBREVIATION = re.compile(r"(?<=\b\w)[./](?=\w\b)")
# A word with apostrophes inside (the soft sign of a Cyrillic romanisation, Solov'yev,
# Natal'ya; O'Brien; the syllable mark of pinyin, Xi'an).
_APOSTROPHED = re.compile(r"[^\W_]+(?:['\u2019\u02bc\u02b9][^\W_]+)+")


@functools.cache
def place_exonyms() -> dict[tuple[str, ...], str]:
    """English, postal and other names of Chinese places, as word sequences (folded, in
    ASCII), to their pinyin: ("hong", "kong") -> "xianggang", ("canton",) -> "guangzhou"."""
    table: dict[tuple[str, ...], str] = {}
    with PLACE_EXONYMS_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            pinyin = "".join(_WORD.findall(fold(row["pinyin"])))
            words = tuple(_WORD.findall(fold(anyascii(row["variant"]))))
            table[words] = pinyin
            if len(words) > 1:
                table[("".join(words),)] = pinyin
    return table


def _map_exonyms(words: list[str]) -> list[str]:
    table = place_exonyms()
    longest = max(len(k) for k in table)
    result: list[str] = []
    index = 0
    while index < len(words):
        for size in range(min(longest, len(words) - index), 0, -1):
            found = table.get(tuple(words[index : index + size]))
            if found:
                result.append(found)
                index += size
                break
        else:
            result.append(words[index])
            index += 1
    return result


def split_compound(word: str) -> tuple[str, ...]:
    """Chemiehandel -> (chemie, handel), Bravonpharma -> (bravon, pharma): a business word
    at the end of a longer word is split off (the rest at least three letters)."""
    if word in BUSINESS_WORDS or word in CANONICAL_WORDS or not word.isalpha():
        return (word,)
    for ending in COMPOUND_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return (*split_compound(word[: -len(ending)]), ending)
    return (word,)


def ascii_words(words: list[str]) -> list[str]:
    """Words in any script written in ASCII letters (anyascii: ß -> ss, ø -> o, Щ -> Shch),
    apostrophes and signs inside a word dropped."""
    result = []
    for word in words:
        if word.isascii():
            result.append(word)
            continue
        # ŝ is ISO 9's щ (shch in the other romanisations); anyascii would write s.
        written = "".join(_WORD.findall(anyascii(word.replace("ŝ", "shch")).casefold()))
        if written:
            result.append(written)
    return result


_SKELETON_RULES = [
    (re.compile(p), r)
    for p, r in (
        ("schtsch", "sc"),
        ("shch", "sc"),
        ("tsch", "c"),
        ("sch", "s"),
        ("zh", "s"),
        ("kh", "h"),
        ("ch", "c"),
        ("sh", "s"),
        ("ts", "c"),
        ("tz", "c"),
        ("ck", "k"),
        ("ph", "f"),
        ("w", "v"),
        ("[jy]", "i"),
        # Cyrillic е and ё as the romanisations write them: ye, je after a vowel and at
        # the start of a word (BGN/PCGN, German), yo, jo (German) for ё inside a word, e
        # in the others (John, Joseph keep their io).
        ("(?<=[a-z])io", "e"),
        ("(?<![^aeiou])ie", "e"),
        ("z", "s"),
        ("(?<![qg])ue", "u"),
        ("oe", "o"),
        ("ae", "a"),
        (r"(.)\1+", r"\1"),
    )
]


@functools.lru_cache(maxsize=200_000)
def skeleton(word: str) -> str:
    """The spelling skeleton of a Latin word that the common transliterations share:
    mueller, muller (Müller) -> muler; shcherbakov (BGN/PCGN, ICAO), scerbakov (ISO 9),
    schtscherbakow (German) -> scerbakov; iuliia, yuliya -> iulia; weiss (Weiß) -> veis;
    yevgeniy, evgenii -> evgeni; vorobyov, worobjow, vorobev (Воробьёв) -> vorobev."""
    for pattern, replacement in _SKELETON_RULES:
        word = pattern.sub(replacement, word)
    return word


@functools.cache
def pinyin_syllables() -> frozenset[str]:
    syllables = set()
    for readings in PINYIN_DICT.values():
        for reading in readings.split(","):
            plain = convert(reading, Style.NORMAL, strict=False)
            if plain.isascii() and plain.isalpha() and re.search(r"[aeiouv]", plain):
                syllables.add(plain)
    return frozenset(syllables)


@functools.lru_cache(maxsize=65536)
def split_pinyin(word: str) -> tuple[str, ...] | None:
    """`guangzhou` -> ("guang", "zhou"); None when the word is not pinyin."""
    syllables = pinyin_syllables()
    best: list[tuple[str, ...] | None] = [None] * (len(word) + 1)
    best[0] = ()
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):
            head = best[start]
            piece = word[start:end]
            if head is not None and piece in syllables:
                candidate = (*head, piece)
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[len(word)]


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold().strip()


def _strip_han_legal_forms(text: str) -> str:
    for form in LEGAL_FORMS_HAN:
        text = text.replace(form, " ")
    return text


def _remove_sequences(tokens: list[str], sequences) -> list[str]:
    result = list(tokens)
    for sequence in sequences:
        size = len(sequence)
        index = 0
        while index <= len(result) - size:
            if tuple(result[index : index + size]) == sequence:
                del result[index : index + size]
            else:
                index += 1
    return result


@dataclass(frozen=True)
class NormalizedName:
    original: str
    words: tuple[str, ...]  # Latin words, legal forms removed, business words mapped
    syllables: tuple[str, ...]  # the same with pinyin split into syllables
    script: str  # "han", "latin", "mixed"
    legal_forms: tuple[str, ...] = field(default_factory=tuple)
    # The words before their spelling skeleton (in ASCII, legal forms removed, business
    # words mapped), one for one with `words`; empty when they are the same.
    plain: tuple[str, ...] = field(default_factory=tuple)

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def syllable_text(self) -> str:
        return " ".join(self.syllables)

    @property
    def compact(self) -> str:
        return "".join(self.syllables)


@functools.lru_cache(maxsize=100_000)
def skeleton_form(normalized: NormalizedName) -> NormalizedName:
    """The name with every word in its spelling skeleton, pinyin included, one token a word
    (juergen -> iurgen, yuliya -> iulia): a word that happens to read as pinyin keeps its
    pinyin in the name itself, and meets its transliterations through this form. The name
    itself when it is not in Latin letters or no word changes."""
    if normalized.script != "latin" or not normalized.words:
        return normalized
    words = tuple(
        skeleton(w) if w.isalpha() and w not in CANONICAL_WORDS else w for w in normalized.words
    )
    if words == normalized.words and words == normalized.syllables:
        return normalized
    return NormalizedName(
        original=normalized.original,
        words=words,
        syllables=words,
        script="latin",
        legal_forms=normalized.legal_forms,
    )


@functools.lru_cache(maxsize=100_000)
def plain_form(normalized: NormalizedName) -> NormalizedName:
    """The name with its words as written before the spelling skeleton, one token a word:
    a typing error that breaks a digraph (Mgiuel for Miguel, Oernandz for Hernandez) is one
    letter off here, two or more in the skeleton. The name itself when it has none."""
    if normalized.script != "latin" or not normalized.plain or normalized.plain == normalized.words:
        return normalized
    return NormalizedName(
        original=normalized.original,
        words=normalized.plain,
        syllables=normalized.plain,
        script="latin",
        legal_forms=normalized.legal_forms,
    )


def normalize_name(name: str, *, kind: str = "company") -> NormalizedName:
    return _normalize_name(name, "person" if kind in PERSON_KINDS else "company")


def unaccent(word: str) -> str:
    """The word without its accents and cedillas (química -> quimica, ş -> s)."""
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _business_edits(word: str, known: str) -> int:
    """Typing errors tolerated between a word long enough to be looked up (six letters for
    a business word, five for a legal form) and the word it may be: one, two when both
    have eight letters or more (Technolg for Technology)."""
    return 2 if min(len(word), len(known)) >= 8 else 1


@functools.lru_cache(maxsize=65536)
def business_word(word: str) -> tuple[str, ...]:
    """The canonical tokens of a business word (Labs -> laboratories, Chemie -> chemical,
    Inhustries -> industrial, Technolg -> technology); the word itself when it is none."""
    plain = unaccent(word)
    if plain in BUSINESS_WORDS:
        return tuple(BUSINESS_WORDS[plain].split())
    if plain in BUSINESS_VOCABULARY or len(plain) < 6 or not plain.isalpha():
        return (word,)
    best = process.extractOne(plain, BUSINESS_VOCABULARY, scorer=OSA.distance, score_cutoff=2)
    if best is None or best[1] > _business_edits(plain, best[0]):
        return (word,)
    return tuple(BUSINESS_WORDS.get(best[0], best[0]).split())


LONG_LEGAL_WORDS = frozenset(w for w in LEGAL_FORMS_LATIN if len(w) >= 6)


@functools.lru_cache(maxsize=65536)
def is_legal_word(word: str) -> bool:
    """A legal form or a word set aside with them (Limited, Import ...), allowing one typing
    error in the long ones from five letters (Exprt, Impeort), two from eight."""
    plain = unaccent(word)
    if plain in LEGAL_FORMS_LATIN:
        return True
    if len(plain) < 5 or not plain.isalpha():
        return False
    best = process.extractOne(plain, LONG_LEGAL_WORDS, scorer=OSA.distance, score_cutoff=2)
    return best is not None and best[1] <= _business_edits(plain, best[0])


def _business_tokens(tokens: list[str], *, keep: bool = True, pairs: bool = True) -> list[str]:
    """Legal forms and business words written in pinyin syllables (you xian gong si, hua
    gong, jing xi ...) set aside or mapped like the words are (all tokens set aside only
    when not `keep`). Without `pairs`, two syllables are not read as one business word: the
    syllables of a name in Chinese characters, whose business words were read on the
    characters (HAN_BUSINESS_WORDS)."""
    tokens = _remove_sequences(tokens, LEGAL_FORM_SYLLABLES) or ([] if not keep else tokens)
    merged: list[str] = []
    index = 0
    while index < len(tokens):
        pair = "".join(tokens[index : index + 2])
        if pairs and index + 1 < len(tokens) and pair in BUSINESS_WORDS:
            merged.extend(BUSINESS_WORDS[pair].split())
            index += 2
        else:
            merged.append(tokens[index])
            index += 1
    return _map_sequences(merged, BUSINESS_SYLLABLES)


def _pinyin_business_word(word: str) -> tuple[str, ...]:
    """A word of several pinyin syllables that holds a business word or a legal form
    (Xincailiao, Jinchukou, Shengwukeji): its syllables, mapped; any other word as is."""
    split = split_pinyin(word) if word.isascii() and len(word) > 4 else None
    if not split or len(split) < 2:
        return (word,)
    mapped = _business_tokens(list(split), keep=False)
    return (word,) if mapped == list(split) else tuple(mapped)


def _map_sequences(tokens: list[str], sequences) -> list[str]:
    result = list(tokens)
    for sequence, replacement in sequences:
        size = len(sequence)
        index = 0
        while index <= len(result) - size:
            if tuple(result[index : index + size]) == sequence:
                result[index : index + size] = replacement
                index += len(replacement)
            else:
                index += 1
    return result


@functools.lru_cache(maxsize=200_000)
def _normalize_name(name: str, kind: str) -> NormalizedName:
    text = fold(name)
    if kind in PERSON_KINDS and "," in text:
        # "Surname, Given names" -> "Given names Surname"
        family, given = (part.strip() for part in text.split(",", 1))
        if family and given:
            text = f"{given} {family}"
    has_han = bool(_HAN.search(text))
    legal_found: list[str] = []
    if has_han:
        text = _to_simplified.convert(text)
        stripped = _strip_han_legal_forms(text) if kind not in PERSON_KINDS else text
        if stripped != text:
            legal_found.append("han")
        # Business words are read on the characters; each other Han character becomes its
        # pinyin syllable; other characters stay as written.
        if kind not in PERSON_KINDS:
            stripped = _HAN_BUSINESS.sub(lambda m: f" {HAN_BUSINESS_WORDS[m.group()]} ", stripped)
        pieces = lazy_pinyin(stripped, style=Style.NORMAL, errors=lambda chars: [chars])
        text = " ".join(pieces)
    # Dotted and slashed abbreviations become one word: S.A. -> sa, A/S -> as, B.V. -> bv.
    text = _ABBREVIATION.sub("", text)
    text = _APOSTROPHED.sub(_apostrophes, text)
    words = ascii_words(_WORD.findall(text))
    if kind not in PERSON_KINDS:
        words = _map_exonyms(words)
        words = [part for w in words for part in split_compound(w)]
        before = len(words)
        words = _remove_sequences(words, LEGAL_FORM_WORD_SEQUENCES) or words
        if len(words) < before:
            legal_found.append("multiword")
        if len(words) > 1 and words[-1] in TRAILING_LEGAL_FORMS:
            legal_found.append(words.pop())
        kept = [w for w in words if not is_legal_word(w)]
        legal_found += [w for w in words if is_legal_word(w)]
        words = kept or words
        words = [token for w in words for token in business_word(w)]
        words = [token for w in words for token in _pinyin_business_word(w)] or words
        words = _business_tokens(words, pairs=not has_han)
    syllables: list[str] = []
    plain = list(words)
    for position, word in enumerate(words):
        split = split_pinyin(word) if word.isascii() else None
        if split:
            syllables.extend(split)
            continue
        if word not in CANONICAL_WORDS and word.isalpha():
            word = words[position] = skeleton(word)
        syllables.append(word)
    if kind not in PERSON_KINDS:
        syllables = _business_tokens(syllables, pairs=not has_han)
    script = (
        "han"
        if has_han and not re.search(r"[a-z]", fold(name))
        else ("mixed" if has_han else "latin")
    )
    return NormalizedName(
        original=name,
        words=tuple(words),
        syllables=tuple(syllables),
        script=script,
        legal_forms=tuple(legal_found),
        plain=tuple(plain) if plain != words else (),
    )


def _apostrophes(match: re.Match) -> str:
    """Xi'an stays two pinyin syllables; Solov'yev, Natal'ya, O'Brien become one word."""
    pieces = re.split(r"['\u2019\u02bc\u02b9]", match.group(0))
    if all(piece.isascii() and split_pinyin(piece) for piece in pieces):
        return " ".join(pieces)
    return "".join(pieces)
