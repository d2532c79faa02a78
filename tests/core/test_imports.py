"""The one path of every tabular import: the generic reader (core.tabular) on real files built
here, and the importers reached through core.imports (right first, then size and shape)."""

import codecs
import io
import re
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from drugcontrol.core import tabular
from drugcontrol.core.errors import PermissionDenied, ValidationFailed
from drugcontrol.core.imports import import_now, import_problems, import_run, import_start
from drugcontrol.core.models import ImportJob
from drugcontrol.core.tabular import read_rows, read_table
from drugcontrol.entities.models import Party
from drugcontrol.incidents.models import Incident
from drugcontrol.precursors.models import LegitimateRequirement
from drugcontrol.substances.models import Listing, SurveillanceChemical

from ..conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English, whatever an earlier test left active."""
    with translation.override("en"):
        yield


def xlsx(rows, *, dimension=None, formulas=()) -> bytes:
    """A workbook written by openpyxl; `dimension` rewrites the sheet's <dimension ref> to
    lie about its size, as some programs write it."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for reference, formula in formulas:
        sheet[reference] = formula
    buffer = io.BytesIO()
    book.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    return _rewrite_sheet(
        buffer.getvalue(),
        lambda xml: re.sub(
            rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), xml
        ),
    )


def _rewrite_sheet(content: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(item.filename, data)
    return out.getvalue()


def raw_xlsx(row_count: int, *, tail: bytes = b"") -> bytes:
    """A workbook of `row_count` rows written straight as XML (fast for big files), its
    dimension claiming A1:B2; `tail` is appended inside sheetData."""
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>seizure</t></is></c>'
        b'<c r="B%d" t="inlineStr"><is><t>2026-01-05</t></is></c></row>' % (n, n, n)
        for n in range(2, row_count + 2)
    )
    header = (
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>kind</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>date</t></is></c></row>'
    )
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:B2"/><sheetData>' + header + rows + tail + b"</sheetData></worksheet>"
    )
    return _rewrite_sheet(xlsx([["x"]]), lambda _xml: sheet)


def csv_table(name, content, **options):
    return read_table(name, content, **options)


# --- the generic reader ------------------------------------------------------------------------


def test_xlsx_rows_beyond_a_lying_dimension_are_all_read():
    rows = [["kind", "date"]] + [["seizure", f"2026-01-{day:02d}"] for day in range(1, 31)]
    content = xlsx(rows, dimension="A1:B2")
    assert b'<dimension ref="A1:B2"' in zipfile.ZipFile(io.BytesIO(content)).read(
        "xl/worksheets/sheet1.xml"
    )
    read = read_rows("lying.xlsx", content)
    assert len(read) == 30
    assert read[-1] == {"kind": "seizure", "date": "2026-01-30"} and read[-1].number == 31


def test_formula_cells_are_refused_with_their_reference():
    rows = [["kind", "date", "quantity"]] + [["seizure", "2026-01-05", 1]] * 6
    content = xlsx(rows, formulas=[("C7", "=C6*2")])
    with pytest.raises(ValidationFailed) as caught:
        read_rows("formula.xlsx", content)
    assert caught.value.details == {
        "row 7": {
            "quantity": [
                "C7 holds a formula; save the sheet as values (copy, then paste values only) "
                "and upload it again."
            ]
        }
    }


def test_xlsx_values_read_as_a_person_sees_them():
    import datetime

    content = xlsx([["Date", "Year", "Qty"], [datetime.datetime(2026, 1, 5), 2027.0, 12.5]])
    assert read_rows("v.xlsx", content) == [{"date": "2026-01-05", "year": "2027", "qty": "12.5"}]


def test_a_row_longer_than_the_header_names_its_row_and_column():
    content = b"kind,date\nseizure,2026-01-05\nseizure,2026-01-06,stray\n"
    with pytest.raises(ValidationFailed) as caught:
        read_rows("extra.csv", content)
    assert list(caught.value.details) == ["row 3"]
    assert list(caught.value.details["row 3"]) == ["C"]
    assert "no name in the header row" in caught.value.details["row 3"]["C"][0]
    # Empty trailing fields (a spreadsheet's trailing separators) are no problem.
    assert len(read_rows("trailing.csv", b"kind,date\nseizure,2026-01-05,,\n")) == 1


def test_a_huge_cell_names_its_row_and_column():
    content = b"kind,description\nseizure," + b"x" * (128 * 1024 + 10) + b"\n"
    with pytest.raises(ValidationFailed) as caught:
        read_rows("big.csv", content)
    assert list(caught.value.details) == ["row 2"]
    assert "131,082 characters" in caught.value.details["row 2"]["description"][0]


@pytest.mark.parametrize(
    "content",
    [
        b"Kind;Date;Description\nseizure;2026-01-05;drums, blue\n",
        b"kind\tdate\tdescription\nseizure\t2026-01-05\tdrums, blue\n",
        codecs.BOM_UTF8 + b'kind,date,description\nseizure,2026-01-05,"drums, blue"\n',
        # a spreadsheet's "Unicode text": UTF-16 with its byte order mark, tab separated
        "kind\tdate\tdescription\r\nseizure\t2026-01-05\tdrums, blue\r\n".encode("utf-16"),
    ],
    ids=["semicolon", "tab", "utf-8-bom", "utf-16"],
)
def test_delimiters_and_encodings(content):
    table = csv_table("batch.csv", content)
    assert table.columns == ["kind", "date", "description"]
    assert table.rows == [{"kind": "seizure", "date": "2026-01-05", "description": "drums, blue"}]


def test_chinese_spreadsheet_text_in_gb18030():
    text = "名称,国家\n广州天河化工有限公司,CHN\n郑州彬泉贸易有限公司,CHN\n"
    rows = read_rows("parties.csv", text.encode("gb18030"))
    assert [row["名称"] for row in rows] == ["广州天河化工有限公司", "郑州彬泉贸易有限公司"]


def test_text_in_another_code_page_is_refused_by_name():
    content = "name,city\nMüller Chemie,Düsseldorf\nCafé,Orléans\n".encode("cp1252")
    with pytest.raises(ValidationFailed) as caught:
        read_rows("latin.csv", content)
    assert "not UTF-8, UTF-16 or GB18030 text" in caught.value.details["file"][0]


def test_headers_are_trimmed_and_case_folded_and_duplicates_refused():
    table = csv_table("h.csv", b" Kind , DATE \nseizure,2026-01-05\n")
    assert table.columns == ["kind", "date"]
    with pytest.raises(ValidationFailed) as caught:
        read_rows("dup.csv", b"kind,date,Kind\nseizure,2026-01-05,x\n")
    assert caught.value.details == {
        "file": ["The column kind appears twice in the header (columns A and C)."]
    }


def test_empty_and_header_only_files_say_so():
    for content in (b"", b"\n\n"):
        with pytest.raises(ValidationFailed) as caught:
            read_rows("e.csv", content)
        assert caught.value.details["file"][0] in (
            "The file is empty.",
            "The file has no header row and no rows.",
        )
    with pytest.raises(ValidationFailed) as caught:
        read_rows("h.csv", b"kind,date\n")
    assert caught.value.details == {"file": ["The file has a header row but no rows below it."]}
    with pytest.raises(ValidationFailed) as caught:
        read_rows("h.xlsx", xlsx([["kind", "date"]]))
    assert caught.value.details == {"file": ["The file has a header row but no rows below it."]}


def test_row_numbers_are_the_spreadsheet_rows():
    # a blank line and a value spanning two lines: rows as a spreadsheet numbers them
    content = b'kind,description\nseizure,"two\nlines"\n\nseizure,after a blank row\n'
    assert [row.number for row in read_rows("n.csv", content)] == [2, 4]
    book = xlsx([["kind"], ["seizure"], [None], ["seizure"]])
    assert [row.number for row in read_rows("n.xlsx", book)] == [2, 4]


def test_row_limit_stops_reading_without_reading_the_rest():
    # 60,000 rows and then broken XML: refused by the row limit, so the reader stopped early
    content = raw_xlsx(60_000, tail=b"<row r='999999'><c><broken")
    started = time.monotonic()
    with pytest.raises(ValidationFailed) as caught:
        read_rows("big.xlsx", content)
    assert caught.value.details == {
        "file": ["The file has more than 50,000 rows; split it into smaller files."]
    }
    assert time.monotonic() - started < 30
    with pytest.raises(ValidationFailed) as caught:
        read_rows("some.csv", b"kind\n" + b"seizure\n" * 11, max_rows=10)
    assert "more than 10 rows" in caught.value.details["file"][0]


def test_a_workbook_that_unpacks_too_far_is_refused_before_queueing(monkeypatch, make_user):
    monkeypatch.setattr(tabular, "MAX_XLSX_UNPACKED", 1024 * 1024)
    padding = b" " * (2 * 1024 * 1024)  # compresses to a few kilobytes
    content = _rewrite_sheet(xlsx([["kind"], ["seizure"]]), lambda xml: xml + padding)
    assert len(content) < 100_000
    officer = make_user(country="CHN", role="officer")
    with pytest.raises(ValidationFailed) as caught:
        import_start(actor=officer, kind="incidents.incidents", name="bomb.xlsx", content=content)
    assert "unpacks to more than 1 MB" in caught.value.details["file"][0]
    assert not ImportJob.objects.exists()


# --- through an importer -----------------------------------------------------------------------


def _run(actor, name, content, kind="incidents.incidents"):
    return import_run(import_start(actor=actor, kind=kind, name=name, content=content).pk)


def test_incident_import_reads_every_row_of_a_lying_workbook(make_user):
    officer = make_user(country="CHN", role="officer")
    rows = [["Kind", "Date", "Distribution"]] + [["seizure", "2026-01-05", "country"]] * 3
    job = _run(officer, "lying.xlsx", xlsx(rows, dimension="A1:C2"))
    assert job.state == "done" and job.result["imported"] == 3
    assert Incident.objects.count() == 3


def test_incident_import_semicolon_csv(make_user):
    officer = make_user(country="CHN", role="officer")
    job = _run(officer, "batch.csv", b"kind;date;distribution\nseizure;2026-01-05;country\n")
    assert job.state == "done" and Incident.objects.count() == 1


def test_incident_import_failures_are_rows_and_columns(make_user):
    officer = make_user(country="CHN", role="officer")
    formula = xlsx([["kind", "date"], ["seizure", "2026-01-05"]], formulas=[("B3", "=B2")])
    extra = b"kind,date\nseizure,2026-01-05,stray\n"
    huge = b"kind,date,description\nseizure,2026-01-05," + b"y" * (140 * 1024) + b"\n"
    for name, content, where, column in (
        ("f.xlsx", formula, "row 3", "date"),
        ("extra.csv", extra, "row 2", "C"),
        ("huge.csv", huge, "row 2", "description"),
    ):
        job = _run(officer, name, content)
        assert job.state == "failed", name
        problems = import_problems(job)
        assert [(p.where, p.column) for p in problems] == [(where, column)], job.report
        assert "unexpected" not in problems[0].message
    assert not Incident.objects.exists()


def test_a_job_whose_uploader_lost_the_right_is_refused_by_the_worker(make_user):
    officer = make_user(country="CHN", role="officer")
    job = import_start(
        actor=officer,
        kind="incidents.incidents",
        name="b.csv",
        content=b"kind,date\nseizure,2026-01-05\n",
    )
    type(officer).objects.filter(pk=officer.pk).update(role="viewer")
    job = import_run(job.pk)
    assert job.state == "failed"
    [problem] = import_problems(job)
    assert problem.where == "file" and "unexpected" not in problem.message
    assert problem.stored_message == {
        "key": "Incidents are reported by officers of national authorities and law enforcement."
    }
    assert not Incident.objects.exists()


def test_requirements_page_reads_a_semicolon_file(make_user, registry):
    officer = make_user(country="AUS", role="officer")
    upload = SimpleUploadedFile(
        "requirements.csv", b"Country;Substance;Year;Quantity_KG\nAUS;Ephedrine;2027;300\n"
    )
    client = signed_in(officer)
    response = client.post("/precursors/requirements/", {"file": upload})
    assert response.status_code == 302
    requirement = LegitimateRequirement.objects.get()
    # The source is stored as a code and named in the reader's language.
    assert requirement.source == "file import"
    page = client.get(f"/precursors/requirements/{requirement.pk}/").content.decode()
    assert "<dd>imported from a file</dd>" in page


def test_surveillance_list_from_xlsx_through_the_page(make_user):
    admin = make_user(kind="international", role="officer")
    content = xlsx([["Name", "CAS"], ["Benzaldehyde", "100-52-7"], [None, None], ["X", "1-1-1"]])
    response = signed_in(admin).post(
        "/precursors/surveillance/",
        {"edition": "2026", "file": SimpleUploadedFile("list.xlsx", content)},
    )
    assert response.status_code == 422
    assert "row 4: cas" in response.content.decode()  # the spreadsheet's row, blank row counted
    assert not SurveillanceChemical.objects.exists()


# --- nobody queues or runs an import without its right ----------------------------------------

CSV = b"kind,date\nseizure,2026-01-05\n"


@pytest.mark.parametrize(
    ("kind", "user", "options"),
    [
        ("incidents.incidents", {"country": "CHN", "role": "viewer"}, {}),
        ("incidents.incidents", {"country": "CHN", "kind": "operator"}, {}),
        ("precursors.notifications", {"country": "CHN", "kind": "law_enforcement"}, {}),
        ("precursors.requirements", {"country": "CHN", "kind": "operator"}, {}),
        ("substances.surveillance", {"country": "CHN", "role": "admin"}, {"edition": "2026"}),
        ("entities.parties", {"country": "CHN", "kind": "forensic_lab"}, {}),
        ("substances.national_list", {"country": "CHN", "role": "admin"}, {"country_code": "DEU"}),
    ],
)
def test_no_import_without_its_right(kind, user, options, make_user):
    actor = make_user(**user)
    if not options:  # the background path: nothing is queued
        with pytest.raises(PermissionDenied):
            import_start(actor=actor, kind=kind, name="f.csv", content=CSV)
        assert not ImportJob.objects.exists()
    with pytest.raises(PermissionDenied):
        import_now(actor=actor, kind=kind, name="f.csv", content=CSV, **options)
    assert not ImportJob.objects.exists()
    assert not Incident.objects.exists() and not Party.objects.exists()
    assert (
        not SurveillanceChemical.objects.exists()
        and not Listing.objects.filter(instrument="national").exists()
    )
    assert not LegitimateRequirement.objects.exists()


@pytest.mark.parametrize(
    ("url", "user"),
    [
        ("/incidents/import/", {"country": "CHN", "role": "viewer"}),
        ("/precursors/import/", {"country": "CHN", "kind": "law_enforcement"}),
        ("/precursors/requirements/", {"country": "CHN", "kind": "law_enforcement"}),
        ("/precursors/surveillance/", {"country": "CHN"}),
    ],
)
def test_import_pages_refuse_without_the_right(url, user, make_user):
    client = signed_in(make_user(**user))
    response = client.post(url, {"edition": "2026", "file": SimpleUploadedFile("f.csv", CSV)})
    assert response.status_code in (403, 404)
    assert not ImportJob.objects.exists() and not SurveillanceChemical.objects.exists()
    assert not LegitimateRequirement.objects.exists()


def test_the_command_line_reads_through_the_same_reader(tmp_path, make_org, countries):
    from django.core.management import call_command

    organisation = make_org(country="CHN")
    path = tmp_path / "parties.csv"
    path.write_bytes(
        "ID;Kind;Name;Country\nc1;company;广州天河化工有限公司;CHN\n".encode("gb18030")
    )
    out = io.StringIO()
    call_command(
        "entities", "import", str(path), "--organisation", str(organisation.pk), stdout=out
    )
    assert "imported 1 parties" in out.getvalue()
    assert Party.objects.get().name == "广州天河化工有限公司"


def test_import_pages_state_the_rules(make_user):
    page = signed_in(make_user(country="CHN", role="officer")).get("/incidents/import/")
    html = page.content.decode()
    assert 'data-testid="import-rules"' in html
    assert "At most 5000 rows below the header, 32767 characters in a cell and 10 MB" in html
