#!/usr/bin/env python3
"""Build src/drugcontrol/data/countries.json (ISO 3166-1 + UN M49 + UN-language names).

This is a curation script for maintainers. It is run by hand when the
reference data is refreshed; it is NOT run at install time, and the
application reads only the generated JSON file, never this script.

Inputs
------
* ``pycountry`` (pinned by the maintainer who runs the script; the version is
  recorded in the output): ISO 3166-1 alpha-2, alpha-3, numeric, English short
  name and official name, plus the bundled gettext catalogues ``iso3166-1``
  for Chinese (simplified, ``zh_CN``), French, Spanish, Russian and Arabic.
  pycountry bundles these from the Debian iso-codes project.
* ``scripts/m49_regions.csv``: the UN M49 geographic-region assignment of
  every ISO 3166-1 entry, transcribed by hand from the UN Statistics Division
  "Standard country or area codes for statistical use (M49)" overview.
  Columns: iso3, region_code, region_name, subregion_code, subregion_name,
  intermediate_region_code, intermediate_region_name. Empty region columns
  mean "M49 assigns no region" (see M49_NOTES).

Output
------
``src/drugcontrol/data/countries.json``: UTF-8, indent 1, entries sorted by
alpha-3, with a ``provenance`` block. The output is deterministic for a given
pycountry version, CSV and ``--generated-on`` date.

Usage
-----
    python scripts/build_countries.py [--generated-on YYYY-MM-DD] [--output PATH]

Warnings (ISO entries without an M49 row or region, M49 rows that match no ISO
entry, names missing in a language) are printed to stderr; they do not stop the
build. Malformed input (bad CSV header, duplicate rows, codes that are not
three digits, inconsistent code/name pairs) is an error.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import gettext
import importlib.metadata
import json
import os
import re
import sys
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parent.parent
M49_CSV = ROOT / "scripts" / "m49_regions.csv"
DEFAULT_OUTPUT = ROOT / "src" / "drugcontrol" / "data" / "countries.json"

GETTEXT_DOMAIN = "iso3166-1"

# (output suffix, gettext locale in pycountry.LOCALES_DIR, label)
LANGUAGES = (
    ("zh", "zh_CN", "Chinese (simplified)"),
    ("fr", "fr", "French"),
    ("es", "es", "Spanish"),
    ("ru", "ru", "Russian"),
    ("ar", "ar", "Arabic"),
)

CSV_COLUMNS = [
    "iso3",
    "region_code",
    "region_name",
    "subregion_code",
    "subregion_name",
    "intermediate_region_code",
    "intermediate_region_name",
]

M49_SOURCE = (
    "UN Statistics Division, Standard country or area codes for statistical use (M49), "
    "online edition, geographic regions (https://unstats.un.org/unsd/methodology/m49/overview/); "
    "region composition as published 2020-2021 (UNSD's latest change summary is dated 2021). "
    "Verified on 2026-11-28 against archived copies of the UNSD overview download "
    "(not against the live page): assignments and region names are unchanged across those copies."
)

# Entries whose M49 assignment needs explaining. Keyed by alpha-3; the text
# goes verbatim into provenance.notes.
M49_NOTES = {
    "ATA": (
        "ATA (Antarctica): M49 lists Antarctica (010) directly under World (001) with no "
        "region, sub-region or intermediate region; the region fields are left empty."
    ),
    "TWN": (
        "TWN (Taiwan, Province of China): the UNSD M49 overview has no row for ISO numeric 158, "
        "so the region fields are left empty. Some derived datasets (e.g. "
        "lukes/ISO-3166-Countries-with-Regional-Codes) and other UN statistical products place "
        "it in Asia (142) / Eastern Asia (030), but that is not what the M49 overview says; "
        "assigning it is a project decision, not an M49 fact."
    ),
}

# Facts about what is deliberately not in the file.
SCOPE_NOTES = [
    "Kosovo is not in ISO 3166-1 (XK/XKX is a user-assigned code) and is not in pycountry; "
    "it is not included.",
    "Sark (M49 680, intermediate region Channel Islands 830) has no ISO 3166-1 code; "
    "it is not included.",
]

# Chinese names in pycountry's zh_CN catalogue that are clearly wrong:
# alpha-3 -> (pycountry's value, replacement, reason). An override is applied
# only while pycountry still has exactly that value; if pycountry changes it,
# the script warns and keeps pycountry's new value (review and drop the entry).
# Applied overrides are listed in provenance.notes.
ZH_OVERRIDES = {
    "KHM": (
        "柬埔塞",
        "柬埔寨",
        "pycountry has 柬埔塞 (wrong character 塞 for 寨); the country is 柬埔寨.",
    ),
    "GTM": (
        "瓜地马拉",
        "危地马拉",
        "pycountry has 瓜地马拉, the Taiwan/Hong Kong form; the simplified-Chinese (and UN "
        "Chinese) form is 危地马拉.",
    ),
    "KGZ": (
        "吉尔吉斯坦",
        "吉尔吉斯斯坦",
        "pycountry has 吉尔吉斯坦 (a syllable dropped); the standard form is 吉尔吉斯斯坦.",
    ),
    "PYF": (
        "法属玻利尼西亚",
        "法属波利尼西亚",
        "pycountry has 法属玻利尼西亚 (玻 for 波); Polynesia is 波利尼西亚.",
    ),
    "BGD": (
        "孟加拉",
        "孟加拉国",
        "pycountry has 孟加拉, which also names the Bengal region; the country is 孟加拉国.",
    ),
    "BOL": (
        "玻利维亚共和国",
        "多民族玻利维亚国",
        "pycountry has 玻利维亚共和国 (Republic of Bolivia, the pre-2009 name); ISO's "
        "'Bolivia, Plurinational State of' is 多民族玻利维亚国.",
    ),
    "SGS": (
        "南乔治亚和南桑德韦奇群岛",
        "南乔治亚和南桑威奇群岛",
        "pycountry has 南乔治亚和南桑德韦奇群岛 (non-standard transliteration of Sandwich); "
        "the standard form is 南桑威奇群岛.",
    ),
}

# Chinese names kept as pycountry gives them but worth a maintainer's attention.
# The note is emitted with the value actually found in pycountry.
ZH_REMARKS = {
    "TWN": "matches ISO's 'Taiwan, Province of China'.",
    "HKG": "short form; UN usage is 中国香港特别行政区.",
    "MAC": "short form; UN usage is 中国澳门特别行政区.",
    "ARE": "abbreviation; the full short name is 阿拉伯联合酋长国.",
    "ATF": "法属南部领地 is also in use.",
    "SWZ": "older transliteration, still widely used for Eswatini.",
}

GENERAL_NAME_NOTE = (
    "name_zh/fr/es/ru/ar are the Debian iso-codes community translations bundled with "
    "pycountry, not the official UN Terminology (UNTERM) names; apart from the Chinese "
    "overrides listed here they were not checked one by one. Minor quirks were seen, e.g. "
    "es CIV 'Costa de Marfíl', es TUN 'Tunez', ru USA 'Соединённые штаты'."
)


class _Missing(gettext.NullTranslations):
    """Gettext fallback that signals 'no translation' instead of echoing the msgid."""

    def gettext(self, message):
        return None


def load_translations():
    catalogues = {}
    revision_dates = {}
    for suffix, locale, _label in LANGUAGES:
        translation = gettext.translation(GETTEXT_DOMAIN, pycountry.LOCALES_DIR, languages=[locale])
        translation.add_fallback(_Missing())
        catalogues[suffix] = translation
        revision_dates[suffix] = translation.info().get("po-revision-date", "unknown")
    return catalogues, revision_dates


def newest_catalogue_revision():
    """Newest PO-Revision-Date over all bundled iso3166-1 catalogues.

    It dates the iso-codes snapshot that pycountry bundled.
    """
    newest = ""
    locales_dir = Path(pycountry.LOCALES_DIR)
    for mo_path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{GETTEXT_DOMAIN}.mo")):
        with mo_path.open("rb") as fh:
            date = gettext.GNUTranslations(fh).info().get("po-revision-date", "")
        if re.match(r"^\d{4}-\d{2}-\d{2}", date) and date > newest:
            newest = date
    return newest[:10] or "unknown"


def load_m49(path):
    three_digits = re.compile(r"^\d{3}$")
    rows = {}
    code_names = {}
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != CSV_COLUMNS:
            raise SystemExit(
                f"{path}: header must be {','.join(CSV_COLUMNS)}, got {reader.fieldnames}"
            )
        for line_no, row in enumerate(reader, start=2):
            iso3 = row["iso3"]
            if not re.match(r"^[A-Z]{3}$", iso3):
                raise SystemExit(f"{path}:{line_no}: bad iso3 {iso3!r}")
            if iso3 in rows:
                raise SystemExit(f"{path}:{line_no}: duplicate row for {iso3}")
            for level in ("region", "subregion", "intermediate_region"):
                code, name = row[f"{level}_code"], row[f"{level}_name"]
                if bool(code) != bool(name):
                    raise SystemExit(
                        f"{path}:{line_no}: {level} code and name must both be set or both empty"
                    )
                if code:
                    if not three_digits.match(code):
                        raise SystemExit(
                            f"{path}:{line_no}: {level}_code {code!r} is not three digits"
                        )
                    if code_names.setdefault(code, name) != name:
                        raise SystemExit(
                            f"{path}:{line_no}: code {code} named {name!r}, "
                            f"earlier {code_names[code]!r}"
                        )
            if row["intermediate_region_code"] and not row["subregion_code"]:
                raise SystemExit(f"{path}:{line_no}: intermediate region without sub-region")
            if row["subregion_code"] and not row["region_code"]:
                raise SystemExit(f"{path}:{line_no}: sub-region without region")
            rows[iso3] = row
    return rows


def build(generated_on):
    warnings = []
    notes = []
    catalogues, revision_dates = load_translations()
    m49 = load_m49(M49_CSV)

    countries = sorted(pycountry.countries, key=lambda c: c.alpha_3)
    iso3_set = {c.alpha_3 for c in countries}

    without_row = [c.alpha_3 for c in countries if c.alpha_3 not in m49]
    if without_row:
        warnings.append(f"ISO 3166-1 entries without an M49 row: {', '.join(without_row)}")
        notes.append(f"No M49 row in scripts/m49_regions.csv for: {', '.join(without_row)}.")
    unknown_rows = sorted(set(m49) - iso3_set)
    if unknown_rows:
        warnings.append(
            f"M49 rows matching no ISO 3166-1 entry (ignored): {', '.join(unknown_rows)}"
        )
    without_region = [
        c.alpha_3 for c in countries if c.alpha_3 in m49 and not m49[c.alpha_3]["region_code"]
    ]
    if without_region:
        warnings.append(f"ISO 3166-1 entries with no M49 region: {', '.join(without_region)}")
    for iso3 in without_region:
        notes.append(
            M49_NOTES.get(
                iso3, f"{iso3}: no M49 region (unexplained; check scripts/m49_regions.csv)."
            )
        )
    notes.extend(SCOPE_NOTES)

    missing = {suffix: [] for suffix, _locale, _label in LANGUAGES}
    applied_zh = []
    entries = []
    for country in countries:
        entry = {
            "iso2": country.alpha_2,
            "iso3": country.alpha_3,
            "numeric": country.numeric,
            "name_en": country.name,
        }
        for suffix, _locale, _label in LANGUAGES:
            value = catalogues[suffix].gettext(country.name)
            if suffix == "zh" and country.alpha_3 in ZH_OVERRIDES:
                expected, replacement, _reason = ZH_OVERRIDES[country.alpha_3]
                if value == expected:
                    value = replacement
                    applied_zh.append(country.alpha_3)
                else:
                    warnings.append(
                        f"ZH_OVERRIDES[{country.alpha_3}] not applied: pycountry now has "
                        f"{value!r}, expected {expected!r}; review the override"
                    )
            if not value:
                value = None
                missing[suffix].append(country.alpha_3)
            entry[f"name_{suffix}"] = value
        entry["official_name_en"] = getattr(country, "official_name", None)
        row = m49.get(country.alpha_3)
        for column in CSV_COLUMNS[1:]:
            entry[column] = row[column] if row else ""
        entries.append(entry)

    for suffix, locale, label in LANGUAGES:
        if missing[suffix]:
            warnings.append(
                f"name_{suffix} ({label}, {locale}) missing for: {', '.join(missing[suffix])}"
            )
            notes.append(
                f"name_{suffix} is null for {', '.join(missing[suffix])}: pycountry's {locale} "
                f"iso3166-1 catalogue has no translation of the current English name."
            )
    for iso3 in sorted(applied_zh):
        _expected, replacement, reason = ZH_OVERRIDES[iso3]
        notes.append(f"{iso3} name_zh overridden to {replacement}: {reason}")
    zh_by_iso3 = {entry["iso3"]: entry["name_zh"] for entry in entries}
    for iso3, remark in sorted(ZH_REMARKS.items()):
        if iso3 in zh_by_iso3:
            notes.append(
                f"{iso3} name_zh kept as pycountry gives it ({zh_by_iso3[iso3]}): {remark}"
            )
    notes.append(GENERAL_NAME_NOTE)

    pycountry_version = importlib.metadata.version("pycountry")
    provenance = {
        "iso3166": (
            f"ISO 3166-1 as bundled in pycountry {pycountry_version} (data from the Debian "
            f"iso-codes project; the iso-codes release number is not recorded in the installed "
            f"package; newest bundled iso3166-1 translation PO-Revision-Date: "
            f"{newest_catalogue_revision()})."
        ),
        "m49": M49_SOURCE,
        "names": (
            f"name_en and official_name_en: ISO 3166-1 short name and official name from pycountry "
            f"{pycountry_version}. name_zh/fr/es/ru/ar: pycountry's bundled gettext catalogues "
            f"'{GETTEXT_DOMAIN}' ("
            + "; ".join(
                f"{locale} PO-Revision-Date {revision_dates[suffix]}"
                for suffix, locale, _label in LANGUAGES
            )
            + f"), with {len(applied_zh)} documented Chinese overrides (ZH_OVERRIDES in "
            "scripts/build_countries.py). null means no translation is available."
        ),
        "generated_by": "scripts/build_countries.py",
        "generated_on": generated_on,
        "notes": notes,
    }
    return {"provenance": provenance, "countries": entries}, warnings, missing


def summarise(data, missing):
    entries = data["countries"]
    lines = [f"entries: {len(entries)}"]
    for suffix, _locale, label in LANGUAGES:
        have = len(entries) - len(missing[suffix])
        lines.append(f"name_{suffix} ({label}): {have}/{len(entries)}")
    regions = {}
    for entry in entries:
        key = (
            f"{entry['region_code']} {entry['region_name']}"
            if entry["region_code"]
            else "(no M49 region)"
        )
        regions[key] = regions.get(key, 0) + 1
    for key in sorted(regions):
        lines.append(f"region {key}: {regions[key]}")
    return lines


def default_generated_on():
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC).date().isoformat()
    return datetime.datetime.now(tz=datetime.UTC).date().isoformat()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--generated-on",
        default=None,
        help="date recorded as provenance.generated_on (default: $SOURCE_DATE_EPOCH or today, UTC)",
    )
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help=f"default: {DEFAULT_OUTPUT}"
    )
    args = parser.parse_args(argv)
    generated_on = args.generated_on or default_generated_on()
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", generated_on):
        parser.error("--generated-on must be YYYY-MM-DD")

    data, warnings, missing = build(generated_on)
    for warning in warnings:
        print(f"WARNING: {warning}", file=sys.stderr)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    args.output.write_text(text, encoding="utf-8")
    for line in summarise(data, missing):
        print(line, file=sys.stderr)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
