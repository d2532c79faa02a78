"""Every page of the application, read in Chinese, shows no interface text left in English.

The pages are those of the permission battery (every page is in its table), opened as each
kind of reader who may see them, in the battery's world of records; an interface string is
any message of the catalogue, so a label rendered outside the reader's language (a lazy
string forced at import, a stored English message, a choice label) is caught."""

import html
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
KEPT = {"drugcontrol", "API", "English", "PDF", "CSV", "XLSX", "SMILES", "InChI", "InChIKey"}
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
            if left:
                problems.append(f"{person}: {world.fill(case.url)}: {sorted(set(left))}")
    assert not problems, "\n".join(problems)
