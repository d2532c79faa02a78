"""The statement as data: every numbered paragraph of the seed is in the data file, its
Chinese text exactly as printed; each section has the paragraphs it should; the loader is
idempotent; the statement page shows each paragraph with its evidence."""

import json
import re
from pathlib import Path

import pytest

from drugcontrol.review import services
from drugcontrol.review.models import Paragraph

DATA = Path(services.STATEMENT)
SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed"
HEADINGS = {"总体成就", "一般挑战和优先行动", "成就", "挑战和优先行动", "挑战和优先事项"}
NUMBERED = re.compile(r"^(\d+)\.\s*")
FOOTNOTE = tuple("⁰¹²³⁴⁵⁶⁷⁸⁹")


def document() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def seed_paragraphs(text: str) -> list[tuple[str, int, str]]:
    """(section, number, text) of every numbered paragraph of the seed, by the rule the
    data file's README states: the body runs from the statement's title line to the back
    cover; a paragraph runs from its numbered line to the next numbered line or heading,
    blank lines and footnote lines dropped, its lines joined by newlines."""
    lines = text.split("\n")
    title = document()["provenance"]["title_zh"]
    start = next(i for i, line in enumerate(lines) if line == title) + 1
    end = next(i for i in range(start, len(lines)) if lines[i] == "UNODC")
    section, found, current = "general", [], None
    for line in lines[start:end]:
        if re.match(r"^[ABC]\. ", line) or line in HEADINGS:
            if re.match(r"^[ABC]\. ", line):
                section = line[0]
            current = None
            continue
        match = NUMBERED.match(line)
        if match:
            current = [section, int(match.group(1)), [line[match.end() :]]]
            found.append(current)
        elif current is not None and line.strip() and not line.startswith(FOOTNOTE):
            current[2].append(line)
    return [(s, n, "\n".join(parts).strip()) for s, n, parts in found]


def test_every_numbered_paragraph_of_the_seed_is_in_the_file_as_printed():
    files = sorted(SEED.glob("*.txt")) if SEED.exists() else []
    if not files:
        pytest.skip(f"the seed is not here ({SEED}): the Chinese text is not compared")
    expected = seed_paragraphs(files[0].read_text(encoding="utf-8"))
    stored = [(p["section"], p["number"], p["text_zh"]) for p in document()["paragraphs"]]
    assert len(expected) == 78
    assert stored == expected


def test_each_section_has_its_paragraphs():
    paragraphs = document()["paragraphs"]
    counts = {}
    for p in paragraphs:
        counts[(p["section"], p["kind"])] = counts.get((p["section"], p["kind"]), 0) + 1
    assert counts == {
        ("general", "general"): 16,
        ("general", "achievement"): 5,
        ("general", "challenge"): 12,
        ("A", "achievement"): 5,
        ("A", "challenge"): 9,
        ("B", "achievement"): 7,
        ("B", "challenge"): 16,
        ("C", "achievement"): 3,
        ("C", "challenge"): 5,
    }
    # General 1-33, then A-C numbered on from 1 to 45; keys name the section.
    assert [p["number"] for p in paragraphs] == [*range(1, 34), *range(1, 46)]
    assert [p["key"] for p in paragraphs][32:35] == ["33", "A.1", "A.2"]
    assert all(p["text_en"] and p["text_zh"] for p in paragraphs)


@pytest.mark.django_db
def test_the_loader_is_idempotent_and_the_statement_page_shows_the_evidence(make_user):
    from tests.conftest import signed_in

    services.statement_load()
    assert services.statement_load()["changed"] == 0
    assert Paragraph.objects.count() == 78
    reader = signed_in(make_user(country="DEU", kind="law_enforcement", role="viewer"))
    page = reader.get("/review/").content.decode()
    assert 'data-paragraph="A.14"' in page and 'data-paragraph="C.45"' in page
    # Money laundering's evidence has no module yet: said, not an error.
    assert 'data-evidence="finance.confiscated_proceeds" data-state="no-source"' in page
    assert 'data-evidence="medicines.availability" data-state="none"' in page
    chinese = signed_in(make_user(country="CHN", kind="law_enforcement", role="viewer"))
    chinese.cookies["django_language"] = "zh-hans"
    paragraph = chinese.get("/review/paragraphs/A.14/").content.decode()
    a14 = Paragraph.objects.get(key="A.14")
    assert a14.text_zh.replace("\n", "")[:30] in paragraph
