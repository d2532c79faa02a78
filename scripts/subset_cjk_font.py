"""Subset the fonts the PDF reports embed, so that Chinese and English render on a fresh
machine without a system font:

- Droid Sans Fallback (Apache 2.0, from Debian's fonts-droid-fallback), cut to the 6,763
  characters of GB 2312, Chinese punctuation and every CJK character of the project's
  Chinese catalogue and reference data;
- DejaVu Sans and DejaVu Sans Bold (the DejaVu fonts' free licence, from Debian's
  fonts-dejavu-core), cut to Latin, Greek and Cyrillic letters, punctuation, arrows and
  common symbols (Droid Sans Fallback has no Latin letters).

    apt-get download fonts-droid-fallback fonts-dejavu-core
    for deb in *.deb; do dpkg-deb -x "$deb" x; done
    .venv/bin/python scripts/subset_cjk_font.py \
        x/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf \
        x/usr/share/fonts/truetype/dejavu
"""

import contextlib
import sys
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "src" / "drugcontrol" / "static" / "fonts"
OUTPUT = FONTS / "DroidSansFallback-subset.ttf"
LATIN = (
    "".join(
        map(
            chr,
            [
                *range(0x20, 0x250),
                *range(0x370, 0x400),
                *range(0x400, 0x460),
                *range(0x2000, 0x2070),
            ],
        )
    )
    + "€₹№™←↑→↓↔≈≠≤≥−×÷√∞•…"
)
SOURCES = [
    ROOT / "src" / "drugcontrol" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
    *sorted((ROOT / "src" / "drugcontrol" / "data").rglob("*.json")),
    *sorted((ROOT / "src" / "drugcontrol" / "data").rglob("*.csv")),
]


def gb2312() -> set[str]:
    found = set()
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                found.add(bytes([high, low]).decode("gb2312"))
    return found


def _cut(source: str, text: str, output: Path) -> None:
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.layout_features = []
    font = subset.load_font(source, options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    subset.save_font(font, str(output), options)
    print(f"{output.name}: {len(set(text))} characters asked, {output.stat().st_size:,} bytes")


def main(source: str, dejavu: str) -> None:
    wanted = set(map(chr, range(0x20, 0x7F))) | set(map(chr, range(0xA0, 0x100)))
    wanted |= set("，。、；：？！“”‘’（）《》【】—…·％－／～　") | gb2312()
    for path in SOURCES:
        wanted |= {c for c in path.read_text(encoding="utf-8", errors="ignore") if ord(c) > 0x2E7F}
    _cut(source, "".join(sorted(wanted)), OUTPUT)
    for name in ("DejaVuSans", "DejaVuSans-Bold"):
        _cut(f"{dejavu}/{name}.ttf", LATIN, FONTS / f"{name}-subset.ttf")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
