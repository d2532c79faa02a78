"""Every page of the application, read in Chinese, shows no interface text left in English.

The pages are those of the permission battery (every page is in its table), opened as each
kind of reader who may see them, in the battery's world of records; an interface string is
any message of the catalogue, so a label rendered outside the reader's language (a lazy
string forced at import, a stored English message, a choice label) is caught."""

import html
import json
import re
from functools import cache

import pytest
from babel.messages.pofile import read_po

import drugcontrol

from .test_permission_battery import PAGES, expected_read, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

CATALOGUE = (
    __import__("pathlib").Path(drugcontrol.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"
)
# Words the interface keeps in every language (names of things, not sentences).
KEPT = {
    "drugcontrol",
    "API",
    "English",
    "PDF",
    "CSV",
    "XLSX",
    "SMILES",
    "InChI",
    "InChIKey",
    "DDD",
}  # S-DDD: INCB's unit, also in its Chinese texts
# Readers tried per page: the secretariat, an authority and a law-enforcement officer.
READERS = (
    "intl.admin",
    "chn.competent_authority.focal_point",
    "chn.law_enforcement.officer",
    "deu.competent_authority.officer",
)


@cache
def english_messages() -> frozenset[str]:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    return frozenset(
        message.id
        for message in catalogue
        if isinstance(message.id, str) and message.id and message.id != message.string
    )


def visible_text(markup: str) -> list[str]:
    body = markup.split("<body", 1)[-1]
    body = re.sub(r"<(script|style|code|pre|textarea)[^>]*>.*?</\1>", " ", body, flags=re.S)
    parts = re.split(r"<[^>]+>", body)
    attributes = re.findall(r'(?:title|placeholder|aria-label|alt)="([^"]+)"', body)
    return [html.unescape(part).strip() for part in [*parts, *attributes] if part.strip()]


# Interface text that is not a catalogue message but still English: a date in Django's
# English style, a clock with a.m./p.m., a schedule or table code shown as stored.
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
ENGLISH_PATTERNS = {
    "English date": re.compile(
        rf"\b(?:{_MONTHS})[a-z]*\.? \d{{1,2}}, \d{{4}}|\b\d{{1,2}} (?:{_MONTHS})[a-z]*\.? \d{{4}}"
    ),
    "a.m./p.m.": re.compile(r"\b\d{1,2}(?::\d{2})? ?[ap]\.m\.|\b(?:noon|midnight)\b"),
    "numeric date": re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b"),
    "schedule code": re.compile(
        r"\b(?:Table|Schedule) (?:I|II|III|IV)\b|\b(?:1961|1971|1988) (?:I|II|III|IV|Table)\b"
    ),
}


def without_english_data(markup: str) -> str:
    """The page without the record data it marks as English (`lang="en"`: a note as the
    source published it), which is not interface text."""
    return re.sub(r'<(td|span|p|div)\b[^>]*\blang="en"[^>]*>.*?</\1>', " ", markup, flags=re.S)


def english_forms(texts: list[str]) -> list[str]:
    """The pieces of visible text that read as English interface forms (see above)."""
    return [
        f"{kind}: {text}"
        for text in texts
        for kind, pattern in ENGLISH_PATTERNS.items()
        if pattern.search(text)
    ]


CHART = re.compile(r'<svg\b[^>]*class="(?:chart|route-map)\b[^"]*"[^>]*>.*?</svg>', re.S)
JSON_DATA = re.compile(r'<script\b[^>]*type="application/json"[^>]*>(.*?)</script>', re.S)


def chart_texts(markup: str) -> list[str]:
    """Every text a chart or map draws or offers (labels, values, tooltips, its title) but
    the record data it marks as English (`lang="en"`), and every string of the data a page
    embeds for its scripts (json_script)."""
    texts = []
    for chart in CHART.findall(markup):
        chart = re.sub(r'<(title|text)\b[^>]*\blang="en"[^>]*>.*?</\1>', " ", chart, flags=re.S)
        texts += re.findall(r">([^<>]+)<", chart)
        texts += re.findall(r'(?:aria-label|title)="([^"]+)"', chart)
    for block in JSON_DATA.findall(markup):
        texts += [html.escape(value) for value in json_strings(json.loads(block))]
    return [html.unescape(text).strip() for text in texts if text.strip()]


def json_strings(data) -> list[str]:
    """The string values of embedded data (its keys are names for the script, not text)."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        data = list(data.values())
    if isinstance(data, list):
        return [text for item in data for text in json_strings(item)]
    return []


def english_in_charts(markup: str) -> list[str]:
    """Chart text with a Latin word in it: an English label, series or tooltip, or a
    country's code where its name belongs."""
    return [
        f"chart: {text}"
        for text in chart_texts(markup)
        if any(word not in KEPT for word in re.findall(r"[A-Za-z]{2,}", text))
    ]


def get_pages():
    return [
        (name, case)
        for name, cases in PAGES.items()
        for case in cases
        if case.method == "GET" and case.must_succeed
    ]


@pytest.mark.parametrize("name", sorted({name for name, _case in get_pages()}))
def test_page_in_chinese_has_no_english_interface_text(world, name):  # noqa: F811
    problems = []
    for case in [case for page, case in get_pages() if page == name]:
        readers = [world.people[key] for key in READERS if key in world.people]
        readers += [p for p in world.people.values() if p not in readers]
        tried = 0
        for person in readers:
            if expected_read(case, person) != 200 or tried >= 2:
                continue
            tried += 1
            client = world.clients[person.key]
            client.cookies["django_language"] = "zh-hans"
            try:
                response = client.get(world.fill(case.url))
            finally:
                client.cookies.pop("django_language", None)
            if "text/html" not in response.get("Content-Type", "") or response.status_code != 200:
                continue
            markup = response.content.decode()
            if "<html" in markup:  # a page; fragments (suggestions) carry data only
                assert '<html lang="zh-hans">' in markup, world.fill(case.url)
            left = [
                text
                for text in visible_text(markup)
                if text in english_messages() and text not in KEPT
            ]
            left += english_forms(visible_text(without_english_data(markup)))
            left += english_in_charts(markup)
            if left:
                problems.append(f"{person}: {world.fill(case.url)}: {sorted(set(left))}")
    assert not problems, "\n".join(problems)


def test_english_forms_are_recognised():
    assert english_forms(["Nov. 27, 2026", "27 Nov 2026", "1:34 p.m.", "11/29/2026"])
    assert english_forms(["Table I", "1961 I", "Schedule II"])
    assert not english_forms(["2026年11月27日 13:34", "附表一", "1961年公约 附表一", "表二"])


def test_english_in_charts_is_recognised():
    chart = (
        '<svg class="chart" role="img" aria-label="答复比例"><title>答复比例</title>'
        '<text class="chart-label">{label}</text><rect><title>{label}: 50 %</title></rect></svg>'
    )
    assert english_in_charts(chart.format(label="AUS")) == ["chart: AUS", "chart: AUS: 50 %"]
    assert not english_in_charts(chart.format(label="澳大利亚"))
    route = (
        '<svg class="route-map" aria-label="Route map"><title>中国 → 荷兰: 1 incident</title></svg>'
    )
    assert english_in_charts(route) == ["chart: 中国 → 荷兰: 1 incident", "chart: Route map"]
    data = '<script id="labels" type="application/json">{"series": "Answered"}</script>'
    assert english_in_charts(data) == ["chart: Answered"]
