"""Which Latin spellings can be romanisations of which Cyrillic letters.

The spelling skeleton (normalize.skeleton) brings the romanisations of one name together,
and with them names a letter apart: Kyin and Kuin, Shatsaenko and Shatsenko both meet after
it. What tells a romanisation variant from another name is whether the two spellings can
come from the same Cyrillic letters under the common systems (BGN/PCGN, ICAO 9303, ISO 9
written in ASCII, GOST 7.79 B, the German Duden system, the Library of Congress and the
national systems of Ukraine and Belarus): Shchukin, Ščukin and Schtschukin can all be Щукин;
Kyin cannot be Куин (no system writes its second letter as y), and Shatsaenko is not Шаценко.

`romanises(latin, cyrillic)` says whether a word in ASCII letters is a romanisation of a
Cyrillic word; `romanised_alike(one, other)` whether two words in ASCII letters can be
romanisations of one Cyrillic word. Both compare letters as written (folded, in ASCII as
normalize.ascii_words writes them), not within typing errors.
"""

import functools
import re

from anyascii import anyascii

# Each Cyrillic letter (lower case) and the ways the common systems write it in ASCII
# letters (diacritics of ISO 9 dropped as anyascii drops them: č -> c, û -> u, â -> a).
LETTERS: dict[str, tuple[str, ...]] = {
    "а": ("a",),
    "б": ("b",),
    "в": ("v", "w"),
    "г": ("g", "h", "gh"),
    "ґ": ("g",),
    "д": ("d",),
    "е": ("e", "ye", "je", "ie"),
    "ё": ("e", "yo", "jo", "io", "ye", "je"),
    "є": ("ye", "ie", "je", "e"),
    "ж": ("zh", "z", "j", "sch"),
    "з": ("z", "s"),
    "и": ("i", "y"),
    "і": ("i",),
    "ї": ("yi", "i", "ji"),
    "й": ("y", "i", "j"),
    "к": ("k",),
    "л": ("l",),
    "м": ("m",),
    "н": ("n",),
    "о": ("o",),
    "п": ("p",),
    "р": ("r",),
    "с": ("s", "ss"),
    "т": ("t",),
    "у": ("u", "ou"),
    "ў": ("u", "w"),
    "ф": ("f",),
    "х": ("kh", "h", "ch", "x"),
    "ц": ("ts", "c", "tz", "z", "cz", "tc"),
    "ч": ("ch", "c", "tsch", "tch", "cz"),
    "ш": ("sh", "s", "sch"),
    "щ": ("shch", "sch", "schtsch", "shh", "sc"),
    "ъ": ("", "ie"),
    "ы": ("y", "i"),
    "ь": ("",),
    "э": ("e", "eh"),
    "ю": ("yu", "iu", "ju", "u"),
    "я": ("ya", "ia", "ja", "a"),
}
# Letter pairs some systems write as one (Aleksandr or Alexander, Dmitriy or Dmitry).
PAIRS: dict[str, tuple[str, ...]] = {
    "кс": ("ks", "x"),
    "ий": ("iy", "ii", "ij", "i", "y"),
    "ый": ("y", "yy", "yi", "yj", "iy"),
}
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def has_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC.search(text))


@functools.lru_cache(maxsize=4096)
def _spellings(letter: str) -> tuple[str, ...]:
    if letter in LETTERS:
        return LETTERS[letter]
    written = "".join(c for c in anyascii(letter).casefold() if c.isalnum())
    return (written,)


@functools.lru_cache(maxsize=65536)
def romanises(latin: str, cyrillic: str) -> bool:
    """Whether `latin` (ASCII letters, folded) is `cyrillic` (one word, folded) written by
    the common romanisations, a system per letter: shchukin, scukin, schtschukin for щукин;
    not kyin for куин."""
    size = len(latin)

    @functools.cache
    def reach(i: int, j: int) -> bool:
        if j == len(cyrillic):
            return i == size
        options = [(1, _spellings(cyrillic[j]))]
        if cyrillic[j : j + 2] in PAIRS:
            options.append((2, PAIRS[cyrillic[j : j + 2]]))
        return any(
            latin.startswith(spelling, i) and reach(i + len(spelling), j + step)
            for step, spellings in options
            for spelling in spellings
        )

    return reach(0, 0)


def _pair_spellings() -> dict[str, list[str]]:
    """For each spelling, the spellings that may stand for the same Cyrillic letter or pair,
    itself included (kh: kh, h, ch, x)."""
    alike: dict[str, set[str]] = {}
    for spellings in (*LETTERS.values(), *PAIRS.values()):
        for spelling in spellings:
            if spelling:
                alike.setdefault(spelling, set()).update(s for s in spellings if s)
    return {spelling: sorted(others) for spelling, others in alike.items()}


_ALIKE = _pair_spellings()
_LONGEST = max(len(spelling) for spelling in _ALIKE)


@functools.lru_cache(maxsize=65536)
def romanised_alike(one: str, other: str) -> bool:
    """Whether two words in ASCII letters can be romanisations of one Cyrillic word, a
    letter (or letter pair) at a time: shcherbakov and schtscherbakow, iuliia and yuliya,
    tsvetkov and zwetkow; not kyin and kuin, nor shatsaenko and shatsenko."""

    @functools.cache
    def reach(i: int, j: int) -> bool:
        if i == len(one) or j == len(other):
            return i == len(one) and j == len(other)
        for size in range(1, min(_LONGEST, len(one) - i) + 1):
            for spelling in _ALIKE.get(one[i : i + size], ()):
                if other.startswith(spelling, j) and reach(i + size, j + len(spelling)):
                    return True
        return False

    return reach(0, 0)
