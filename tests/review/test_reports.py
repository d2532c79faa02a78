"""A cycle's reports: a country answers, the secretariat accepts and publishes, and the
global report counts the answers beside the evidence computed from the modules; the PDF in
Chinese and in English carries its text (extracted with pypdf); the API and the command
line give the same report."""

import io

import pypdf
import pytest
from django.core.management import call_command
from django.utils import translation

from drugcontrol.medicines import statistics
from drugcontrol.review import pdf, reports, services
from drugcontrol.review.models import Paragraph
from tests.conftest import signed_in

from .test_responses import _answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(make_user):
    return make_user(kind="international", role="officer")


@pytest.fixture
def kenya(make_user):
    return make_user(country="KEN", kind="competent_authority", role="focal_point")


def _text(content: bytes) -> str:
    document = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in document.pages)


@pytest.fixture
def published(secretariat, kenya):
    services.statement_load()
    cycle = services.cycle_create(
        actor=secretariat,
        data={
            "code": "report-test",
            "name_en": "Report test review",
            "name_zh": "报告测试审议",
            "first_year": 2019,
            "last_year": 2023,
            "deadline": "2030-06-30",
            "paragraphs": ["A.14", "C.41"],
            "items": [
                {"paragraph": "A.14", "question_en": "Are opioid analgesics available?",
                 "question_zh": "阿片类镇痛药是否可获得？"},
                {"paragraph": "C.41", "question_en": "Are proceeds confiscated?",
                 "question_zh": "是否没收犯罪所得？"},
            ],
        },
    )  # fmt: skip
    statistics.population_record_many(
        actor=secretariat,
        figures=[{"country": "KEN", "year": y, "population": "50000000"} for y in (2021, 2022)],
    )
    statistics.consumption_record_many(
        actor=secretariat,
        figures=[
            {"country": "KEN", "year": 2021, "substance": "Morphine", "quantity_kg": "36.5"},
            {"country": "KEN", "year": 2022, "substance": "Morphine", "quantity_kg": "73"},
        ],
    )
    response = _answer_all(kenya, cycle, rating="partly")
    response = services.response_act(actor=kenya, response=response, action="submit")
    for step in ("accept", "publish"):
        response = services.response_act(actor=secretariat, response=response, action=step)
    return cycle


def test_the_global_report_includes_the_accepted_answers_with_the_evidence(
    published, secretariat, make_user
):
    reader = make_user(country="DEU", kind="law_enforcement", role="viewer")
    built = reports.build(reader, published)
    assert built.responses == 1
    rows = {
        row.paragraph.key: row for _s, groups in built.sections for _k, rs in groups for row in rs
    }
    assert rows["A.14"].ratings["partly"] == 1
    availability = rows["A.14"].figures[0]
    # Kenya: 20 S-DDD per million a day in 2021, 40 in 2022; the world is Kenya alone.
    assert availability.points == [(2021, pytest.approx(20.0)), (2022, pytest.approx(40.0))]
    assert availability.trend == "up"
    assert rows["C.41"].figures[0].available is False
    country = reports.build(reader, published, reports.scope_country(reader, "KEN"))
    assert {row.answer.rating for _s, g in country.sections for _k, rs in g for row in rs} == {
        "partly"
    }
    assert reports.annex(reader, published)[0][1] == {"A.14": "Partly", "C.41": "Partly"}


def test_the_pdf_reports_carry_their_text_in_chinese_and_in_english(published, secretariat):
    a14 = Paragraph.objects.get(key="A.14")
    for language, known in (
        ("en", ["Report test review: the world", a14.text_en[:40], "Answers by country"]),
        ("zh-hans", ["报告测试审议", a14.text_zh.replace("\n", "")[:12], "各国答复"]),
    ):
        with translation.override(language):
            built = reports.build(secretariat, published)
            content = pdf.render(built, annex=reports.annex(secretariat, published))
        assert content.startswith(b"%PDF")
        text = _text(content).replace("\n", "").replace(" ", "")
        for sentence in known:
            assert sentence.replace(" ", "") in text, (language, sentence)


def test_the_page_the_api_and_the_command_line(published, secretariat, tmp_path):
    client = signed_in(secretariat)
    page = client.get(f"/review/cycles/{published.code}/report/world/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-paragraph="A.14"' in html and 'data-testid="annex"' in html
    # The evidence as a table by year beside its chart: Kenya's 20 and 40 S-DDD.
    table = html.split('data-testid="evidence-table" data-evidence="medicines.availability"')[1]
    assert "<th>2021</th><th>2022</th>" in table.split("</table>")[0]
    assert "<td>20</td><td>40</td>" in table.split("</table>")[0]
    as_pdf = client.get(f"/review/cycles/{published.code}/report/ken/?format=pdf")
    assert as_pdf["Content-Type"] == "application/pdf"
    data = client.get(f"/api/v1/review/reports/{published.code}/world").json()
    assert data["responses"] == 1 and data["sections"][0]["section"] == "A"
    pdf_answer = client.get(
        f"/api/v1/review/reports/{published.code}/KEN", HTTP_ACCEPT="application/pdf"
    )
    assert pdf_answer.content.startswith(b"%PDF")
    assert client.get(f"/api/v1/review/reports/{published.code}/XXX").status_code == 404
    output = tmp_path / "world-zh.pdf"
    call_command(
        "review", "report", "--cycle", published.code, "--world", "--lang", "zh-hans",
        "--output", str(output),
    )  # fmt: skip
    assert "报告测试审议" in _text(output.read_bytes())


def test_two_cycles_compared(published, secretariat, kenya):
    later = services.cycle_create(
        actor=secretariat,
        data={
            "code": "report-later",
            "name_en": "Later review",
            "name_zh": "后续审议",
            "first_year": 2021,
            "last_year": 2022,
            "deadline": "2031-06-30",
            "paragraphs": ["A.14"],
            "items": [
                {"paragraph": "A.14", "question_en": "Available?", "question_zh": "可获得？"}
            ],
        },
    )
    response = _answer_all(kenya, later, rating="yes")
    services.response_act(actor=kenya, response=response, action="submit")
    kenya_place = reports.scope_country(kenya, "KEN")
    [change] = reports.compare(kenya, published, later, kenya_place)
    assert (change.paragraph.key, change.before, change.after) == (
        "A.14",
        {"partly": 1},
        {"yes": 1},
    )
    assert change.direction == "up"
    old, new = change.evidence[0]
    assert old.latest == (2022, pytest.approx(40.0)) and new.points[0] == (
        2021,
        pytest.approx(20.0),
    )
    # The world counts published answers only: the later cycle's submitted one is not.
    [world] = reports.compare(secretariat, published, later)
    assert world.after == {} and world.direction == ""
    page = signed_in(kenya).get(
        f"/review/compare/?first={published.code}&second={later.code}&country=KEN"
    )
    assert 'data-paragraph="A.14" data-direction="up"' in page.content.decode()
    data = (
        signed_in(kenya)
        .get(f"/api/v1/review/compare?first={published.code}&second={later.code}&country=KEN")
        .json()
    )
    assert data[0]["direction"] == "up"
