"""Scoring of two party names with rapidfuzz (0-100), with the reasons of each score.

Names are compared on several renderings (syllables in any order, compact, word sets; every
order of a person's names), then through their spelling skeletons and their words as written;
words one name has and the other lacks take points off by their rarity in the index
(`disagreement`), and two names in Chinese characters differ as their characters do.
`may_reach` bounds the score from above in bulk, so that only the names that may pass are
scored one by one.
"""

import dataclasses
import functools
import math

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from drugcontrol.entities.normalize import (
    _HAN,
    _WORD,
    NormalizedName,
    _strip_han_legal_forms,
    _to_simplified,
    ascii_words,
    fold,
    pinyin_syllables,
    plain_form,
    skeleton,
    skeleton_form,
    split_pinyin,
)
from drugcontrol.entities.romanisation import has_cyrillic, romanised_alike, romanises
from drugcontrol.entities.vocabulary import CANONICAL_WORDS, GENERIC_WORDS

GATE_WEIGHT = 30  # points off per unit of rarity of the words two names do not share
# Names that agree word for word up to tolerated typing errors score at least this (the
# correlation threshold, matching.DEFAULT_THRESHOLD): two slips in a ten-letter name leave
# a ratio near 80, though a reader takes Kogrotörak AG for Kogroörar AG.
MISTYPED_FLOOR = 85
MISTYPED_MAX_EDITS = 2  # typing errors in a whole name for MISTYPED_FLOOR
MISTYPED_SCAN = 70  # may_reach: the ratio from which names are checked for MISTYPED_FLOOR
MIDDLE_NAME_POINTS = 1  # off a person's score reached by leaving a middle name out


def _allowed_edits(size: int) -> int:
    """Typing errors tolerated in a word of this length: none in three letters (Kin and Vin,
    Li and Lu are other names), one up to seven (Sacanko and Sadunko are two names), two
    from eight."""
    return 0 if size <= 3 else (1 if size <= 7 else 2)


def mistyped_words(mine, theirs) -> bool:
    """Whether two names' words are the same words, in the same order, with one to
    MISTYPED_MAX_EDITS typing errors in words long enough to carry them (_allowed_edits)."""
    if len(mine) != len(theirs) or not mine:
        return False
    edits = 0
    for word, other in zip(mine, theirs, strict=True):
        if word == other:
            continue
        allowed = _allowed_edits(max(len(word), len(other)))
        distance = OSA.distance(word, other, score_cutoff=allowed)
        if distance > allowed:
            return False
        edits += distance
    return 0 < edits <= MISTYPED_MAX_EDITS


def _mistyped(query: NormalizedName, other: NormalizedName) -> bool:
    """mistyped_words on the words as normalised or as written (plain_form), both names in
    Latin letters."""
    if query.script != "latin" or other.script != "latin":
        return False
    if mistyped_words(query.words, other.words):
        return True
    return mistyped_words(plain_form(query).words, plain_form(other).words)


def _near(token: str, words, edits: int) -> bool:
    return any(OSA.distance(token, word, score_cutoff=edits) <= edits for word in words)


def _missing_latin(
    mine: tuple[str, ...],
    theirs: tuple[str, ...],
    tolerance: "Tolerance | None" = None,
) -> list[tuple[str, float]]:
    """Words of one name in Latin letters that the other lacks, with the share missing: not
    the same word, nor the same within a typing error (two in long words), nor part of one
    of its words; a short word two typing errors away is half missing. A word within typing
    errors of one of the other name's words is half missing too when `tolerance` says the
    two are different words (see Tolerance)."""
    theirs_set = set(theirs)
    runs = [
        "".join(theirs[i : i + size]) for size in (1, 2, 3) for i in range(len(theirs) - size + 1)
    ]
    missing = []
    for token in dict.fromkeys(mine):
        if tolerance is not None and not tolerance.romanised(token, theirs):
            # The same in the skeleton, or part of a word, but not a romanisation of the
            # Cyrillic letters (Gopiueev and Гопюёв, Ivano and Иванов).
            missing.append((token, 0.5))
            continue
        if token in theirs_set or any(token in word for word in theirs):
            continue
        # Typing errors tolerated by the longer of the two words (Cisaenk for Cistaenko).
        near = [
            run
            for run in runs
            if len(token) > 2 and _near(token, (run,), _allowed_edits(max(len(token), len(run))))
        ]
        if near:
            if tolerance is None or any(
                run not in theirs_set or tolerance.same(token, run) for run in near
            ):
                continue
            missing.append((token, 0.5))
            continue
        if _allowed_edits(len(token)) == 1 and len(token) >= 4 and _near(token, runs, 2):
            missing.append((token, 0.5))
            continue
        missing.append((token, 1.0))
    return missing


class Tolerance:
    """Which two words within typing errors of each other (in their spelling skeletons) are
    taken for one word mistyped or romanised another way.

    A word in Latin letters against one written in Cyrillic (`cyrillic`, from the word to
    its Cyrillic letters) only when its letters as written are a romanisation of those
    letters by the common systems (romanisation.romanises: Shchukin, Ščukin, Schtschukin
    for Щукин): the skeleton that joins the romanisations of a name also joins names a
    letter apart (Kyin and Kuin, Shatsaenko and Shatsenko), and a romanised name one
    Cyrillic letter from another is another name. Two words in Latin letters when their
    letters as written (`written`, from the word to its letters as written, in ASCII) are
    within the typing errors allowed, or can be romanisations of one Cyrillic word
    (romanisation.romanised_alike: Tsvetkov and Zwetkow), not merely close in the skeleton
    (Zuskii and Susuki are suski and susuki). Between two names in pinyin (`pinyin`: every
    word but the business words reads as pinyin), not when both read as pinyin of as many
    syllables, unless they differ by one slip in one syllable's final other than one vowel
    for another (Jiaqi for Jiaqiu; not Ningjing and Pingping, Peng and Feng, Lanjia and
    Linjia; see _pinyin_slip): Pierre and Paerre are not Chinese names."""

    __slots__ = ("cyrillic", "other_cyrillic", "other_written", "pinyin", "written")

    def __init__(
        self,
        written: dict[str, str] | None = None,
        other_written: dict[str, str] | None = None,
        *,
        pinyin: bool = False,
        cyrillic: dict[str, str] | None = None,
        other_cyrillic: dict[str, str] | None = None,
    ):
        # The letters as written of the words of the name compared (`written`) and of the
        # name it is compared with (`other_written`).
        self.written = written or {}
        self.other_written = other_written if other_written is not None else self.written
        self.pinyin = pinyin
        # The Cyrillic letters of the words of the name compared (`cyrillic`) and of the
        # name it is compared with (`other_cyrillic`).
        self.cyrillic = cyrillic or {}
        self.other_cyrillic = other_cyrillic or {}

    def reversed(self) -> "Tolerance":
        """The tolerance with the two names' roles exchanged."""
        return Tolerance(
            self.other_written,
            self.written,
            pinyin=self.pinyin,
            cyrillic=self.other_cyrillic,
            other_cyrillic=self.cyrillic,
        )

    def romanised(self, token: str, theirs) -> bool:
        """Whether a word that the other name has too (in the skeleton) or that is part of
        one of its words may be the same word: always, unless one of the two is written in
        Cyrillic and the other's letters are not its romanisation."""
        if not self.cyrillic and not self.other_cyrillic:
            return True
        matches = [word for word in theirs if token in word]
        return not matches or any(
            self._cyrillic_agree(token, word) is not False for word in matches
        )

    def _cyrillic_agree(self, token: str, other: str) -> bool | None:
        """True or False when one of the two words is written in Cyrillic (a romanisation
        of its letters, or of letters within typing errors when both are), None when
        neither is."""
        source, other_source = self.cyrillic.get(token), self.other_cyrillic.get(other)
        if source is None and other_source is None:
            return None
        if source is not None and other_source is not None:
            edits = _allowed_edits(max(len(source), len(other_source)))
            return _near(source, (other_source,), edits)
        if source is not None:
            return romanises(self.other_written.get(other, other), source)
        return romanises(self.written.get(token, token), other_source)

    def same(self, token: str, other: str) -> bool:
        agree = self._cyrillic_agree(token, other)
        if agree is not None:
            return agree
        written, other_written = (
            self.written.get(token, token),
            self.other_written.get(other, other),
        )
        if self.pinyin and not _pinyin_slip(written, other_written):
            return False
        edits = _allowed_edits(max(len(written), len(other_written)))
        return _near(written, (other_written,), edits) or romanised_alike(written, other_written)


def _pinyin_slip(word: str, other: str) -> bool:
    """Whether two words in Latin letters a typing error apart may be one name in pinyin
    mistyped. Not when both read as pinyin of as many syllables (fuzzy pinyin allowed:
    zh/z, -ng/-n) and differ in more than one syllable (Ningjing and Pingping), in a word of
    one syllable (Lang and Liang), in a syllable's initial consonant (Peng and Feng, Xin
    and Jin are other characters) or by one vowel for another (Lanjia and Linjia); another
    slip in one syllable's final, its initial kept, is a slip (Jiaqi for Jiaqiu, Tiaoze for
    Tianze, Bizi for Binzi, Souzhou for Suzhou). A word that does not read as
    pinyin, or as fewer or more syllables, may be mistyped."""
    mine = split_pinyin(word)
    theirs = split_pinyin(other)
    if not mine or not theirs or len(mine) != len(theirs):
        return True
    differing = [
        (one, two)
        for one, two in zip(mine, theirs, strict=True)
        if _fuzzy_syllable(one) != _fuzzy_syllable(two)
    ]
    if not differing:
        return True
    if len(differing) > 1 or len(mine) < 2:
        return False
    one, two = differing[0]
    if _initial(one) != _initial(two) or OSA.distance(one, two, score_cutoff=1) > 1:
        return False
    # One vowel for another gives the commonest pairs of syllables (lan and lin, jia and
    # jie, yu and yi): names that differ so are other names more often than slips.
    changed = [pair for pair in zip(one, two, strict=False) if pair[0] != pair[1]]
    return not (len(one) == len(two) and len(changed) == 1 and set(changed[0]) <= _PINYIN_VOWELS)


_PINYIN_VOWELS = frozenset("aeiouv")


def _initial(syllable: str) -> str:
    """The initial consonant of a pinyin syllable (zh of zhou, none of an)."""
    for index, letter in enumerate(syllable):
        if letter in _PINYIN_VOWELS:
            return syllable[:index]
    return syllable


def _fuzzy_syllable(syllable: str) -> str:
    """A pinyin syllable with the distinctions input methods let writers blur (fuzzy
    pinyin): zh/ch/sh as z/c/s, and -ang/-eng/-ing as -an/-en/-in."""
    if syllable[:2] in ("zh", "ch", "sh"):
        syllable = syllable[0] + syllable[2:]
    if syllable.endswith("ng") and syllable[-3:-2] in ("a", "e", "i"):
        syllable = syllable[:-1]
    return syllable


def _typing_error_in_pinyin(word: str, syllables: tuple[str, ...]) -> bool:
    """Whether a word in Latin letters a typing error away from a run of pinyin syllables
    may be those characters mistyped: not when it reads as other pinyin syllables of the
    same number, one of them another character's (Xinwen is not 锦文 jin wen; Guangzou is
    广州 guang zhou written with fuzzy pinyin)."""
    split = split_pinyin(word) if syllables else None
    if not split or len(split) != len(syllables):
        return True
    return all(
        _fuzzy_syllable(mine) == _fuzzy_syllable(theirs)
        for mine, theirs in zip(split, syllables, strict=True)
    )


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
                if word != run and not _typing_error_in_pinyin(word, syllables[start:end]):
                    continue
                if OSA.distance(word, run, score_cutoff=edits) <= edits:
                    covered[start:end] = [True] * (end - start)
                    found = True
        if not found:
            missing.append((word, 1.0))
    missing += [(s, 1.0) for s, done in zip(syllables, covered, strict=True) if not done]
    return missing


def _person_missing(
    mine: tuple[str, ...], theirs: tuple[str, ...], tolerance: Tolerance | None = None
) -> list[tuple[str, float]]:
    """_missing_latin for person names, tolerant of middle names: a middle name (neither the
    first nor the last word) the other name lacks counts a fifth when the other name has no
    middle name of its own, and is not missing at all when the other has its initial."""
    initials = {word for word in theirs[1:-1] if len(word) == 1}
    middle = set(mine[1:-1])
    missing = []
    for token, share in _missing_latin(mine, theirs, tolerance):
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
    syllable by syllable; a person's middle name the other name lacks counts little.
    Typing errors are tolerated as Tolerance says."""
    query_latin = query.script == "latin" and bool(query.words)
    other_latin = other.script == "latin" and bool(other.words)
    if query_latin and other_latin:
        compare = _person_missing if kind == "person" else _missing_latin

        # The words as written (in ASCII) and, for a name written in Cyrillic, its letters.
        written, other_written = _written_words(query), _written_words(other)
        pinyin = all(
            word in CANONICAL_WORDS or split_pinyin(letters.get(word, word))
            for words, letters in ((query.words, written), (other.words, other_written))
            for word in words
        )
        tolerance = Tolerance(
            written,
            other_written,
            pinyin=pinyin,
            cyrillic=_cyrillic_words(query),
            other_cyrillic=_cyrillic_words(other),
        )
        missing = compare(query.words, other.words, tolerance)
        missing += compare(other.words, query.words, tolerance.reversed())
    elif query_latin:
        missing = _missing_across_scripts(query.words, other.syllables)
    elif other_latin:
        missing = _missing_across_scripts(other.words, query.syllables)
    else:
        mine, theirs = set(query.syllables), set(other.syllables)
        missing = [(token, 1.0) for token in sorted(mine - theirs) + sorted(theirs - mine)]
    # fsum: the same total whichever name comes first (a plain sum may differ in its last
    # bit, and the score round the other way).
    return math.fsum(
        share * rarity.get(token, 1.0) * min(1.0, len(token) / 3) for token, share in missing
    )


def _written_words(form: NormalizedName) -> dict[str, str]:
    """From each word of a name to its letters as written (in ASCII), where they differ."""
    if form.plain and len(form.plain) == len(form.words):
        return dict(zip(form.words, form.plain, strict=True))
    return {}


def _cyrillic_words(form: NormalizedName) -> dict[str, str]:
    """The words of a name written in Cyrillic: from each normalised word to its letters."""
    if not has_cyrillic(form.original):
        return {}
    letters = {}
    for word in _WORD.findall(fold(form.original)):
        if has_cyrillic(word):
            for ascii_word in ascii_words([word]):
                letters[ascii_word] = word
    plain = form.plain if len(form.plain) == len(form.words) else form.words
    return {
        word: letters[written]
        for word, written in zip(form.words, plain, strict=True)
        if written in letters
    }


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
        query_skeleton, other_skeleton = _written(query), _written(other)
        if query_skeleton is not query or other_skeleton is not other:
            value = max(
                value,
                _score_names(query_skeleton, other_skeleton, kind=kind, rarity=rarity),
            )
        query_plain, other_plain = plain_form(query), plain_form(other)
        if query_plain is not query or other_plain is not other:
            value = max(value, _score_names(query_plain, other_plain, kind=kind, rarity=rarity))
    return value


def _written(normalized: NormalizedName) -> NormalizedName:
    """skeleton_form, with the name's words as written beside its skeleton words."""
    skeletal = skeleton_form(normalized)
    if skeletal is normalized:
        return normalized
    written = normalized.plain or normalized.words
    if len(written) != len(skeletal.words):
        return skeletal
    return dataclasses.replace(skeletal, plain=written)


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
    if value < MISTYPED_FLOOR and _mistyped(query, other):
        # The rarity check below still takes points off words the tolerance tells apart.
        value, how = MISTYPED_FLOOR, "name_spelling"
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
    else:
        value = min(value, _pinyin_agreement(query, other))
    if rarity is not None:
        value -= GATE_WEIGHT * disagreement(query, other, rarity, kind=kind)
    return max(0, round(value)), how


def _pinyin_agreement(query: NormalizedName, other: NormalizedName) -> float:
    """A name in pinyin against one in Chinese characters agrees as their syllables do, one
    for one (a syllable is a character; in any order, fuzzy pinyin allowed): Yu Hao Chao is
    not 余超, Xinwen is not 锦文. 100 unless one name is in Chinese characters and every token
    of the other (Latin letters) is a pinyin syllable or one of its tokens."""
    if query.script == "han" and other.script == "latin":
        han, latin = query, other
    elif other.script == "han" and query.script == "latin":
        han, latin = other, query
    else:
        return 100.0
    theirs = set(han.syllables)
    syllables = pinyin_syllables()
    if not all(token in syllables or token in theirs for token in latin.syllables):
        return 100.0
    mine = [_fuzzy_syllable(token) for token in latin.syllables]
    theirs = [_fuzzy_syllable(token) for token in han.syllables]
    # One for one in any order, or letter for letter in the order written (Xian for 西安
    # xi an, Yingan for 鹰安 ying an: pinyin without its syllable marks splits either way).
    return max(fuzz.ratio(sorted(mine), sorted(theirs)), fuzz.ratio("".join(mine), "".join(theirs)))


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
        text = _skeleton_text(words or syllables)
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


@functools.lru_cache(maxsize=200_000)
def _skeleton_text(text: str) -> str:
    """A stored name's words (or syllables) in their spelling skeletons, as skeleton_form
    writes them."""
    return " ".join(
        skeleton(word) if word.isalpha() and word not in CANONICAL_WORDS else word
        for word in text.split()
    )


@functools.lru_cache(maxsize=200_000)
def _stored_renderings(text: str) -> tuple[str, ...]:
    """person_renderings of a stored name's words (or syllables)."""
    return tuple(person_renderings(text.split()))


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

    if MISTYPED_SCAN < cutoff <= MISTYPED_FLOOR - 0.5 and query.script == "latin":
        # Names that may be the query mistyped (MISTYPED_FLOOR), checked word for word; a
        # threshold at MISTYPED_SCAN or below lets the scans below find them.
        found = process.extract(
            query.compact,
            compacts,
            scorer=fuzz.ratio,
            processor=None,
            limit=None,
            score_cutoff=MISTYPED_SCAN,
        )
        for _choice, _score, position in found:
            words = tuple((rows[position][1] or rows[position][0]).split())
            if mistyped_words(query.words, words):
                passes.add(position)
    if kind == "person":
        scan(query.compact, compacts, fuzz.ratio, cutoff)
        # Every rendering of every stored name in one list (one scan per rendering of the
        # query), each with the position of its name.
        choices: list[str] = []
        owners: list[int] = []
        for position, (syllables, words) in enumerate(rows):
            renderings = _stored_renderings(words or syllables)
            choices += renderings
            owners += [position] * len(renderings)
        for text in person_renderings(query.words or query.syllables):
            found = process.extract(
                text, choices, scorer=fuzz.ratio, processor=None, limit=None, score_cutoff=cutoff
            )
            passes.update(owners[index] for _choice, _score, index in found)
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
