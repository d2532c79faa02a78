"""Monitoring values as files: the plain template (CSV, XLSX) and SDMX (SDMX-CSV, SDMX-ML
2.1) out, the template and SDMX-CSV back in (all or nothing, every problem by row and
column), the command line's contract and the pages."""

import csv
import io
import json

import pytest
import sdmx
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from drugcontrol.core.imports import import_now, import_run
from drugcontrol.core.models import AuditEvent, ImportJob, ImportState
from drugcontrol.monitoring import selectors, services
from drugcontrol.monitoring.exchange import plain_csv, plain_xlsx, structure
from drugcontrol.monitoring.exchange.cells import definitions, export_cells, template_cells
from drugcontrol.monitoring.exchange.sdmx_data import sdmx_csv, sdmx_ml, structure_ml
from drugcontrol.monitoring.imports import IMPORT_KIND
from drugcontrol.monitoring.models import DataValue, Submission, ValueRevision

from .conftest import cell

pytestmark = pytest.mark.django_db

USE_2024 = [
    cell("POP_15_64", "1000000"),
    cell("PREV", "1.25", "survey", drug="cannabis", period="past_year"),
    cell("PREV", "0.5", drug="cannabis", period="past_month"),
    cell("DEATHS", "12", sex="men"),
    cell("TREAT", "300", drug="opiates"),
]


def stored() -> tuple:
    return (
        DataValue.objects.count(),
        ValueRevision.objects.count(),
        Submission.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def filled(use_2024, provider):
    services.values_set(actor=provider, submission=use_2024, items=USE_2024, source="form")
    return use_2024


@pytest.fixture
def submitted_2022(definitions, provider, focal_point):
    """CHN's use data of 2022, submitted: locked."""
    dataset = selectors.dataset_get(provider, "ARQ_USE")
    submission = services.submission_open(actor=provider, country="CHN", dataset=dataset, year=2022)
    services.values_set(actor=provider, submission=submission, items=[cell("PWID", "10")])
    submission.refresh_from_db()
    services.submission_act(
        actor=focal_point,
        submission=submission,
        action="submit",
        comment="",
        expected_version=submission.version,
    )
    return submission


def run(*args) -> tuple[int, str]:
    """The command line in process: (exit status, what it printed)."""
    out = io.StringIO()
    try:
        call_command("monitoring", *args, stdout=out, stderr=io.StringIO())
    except SystemExit as stop:
        return int(stop.code or 0), out.getvalue()
    return 0, out.getvalue()


def import_json(path, user, *extra) -> tuple[int, dict]:
    status, printed = run("import", str(path), "--user", user.username, "--format", "json", *extra)
    return status, json.loads(printed)


def test_sdmx_csv_export_reimports_with_dry_run_as_all_unchanged(filled, provider, tmp_path):
    path = tmp_path / "chn.csv"
    assert (
        run("export", "--format", "sdmx-csv", "--user", provider.username, "--output", str(path))[0]
        == 0
    )
    text = path.read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    assert header[:5] == ["STRUCTURE", "STRUCTURE_ID", "ACTION", "DATA_ELEMENT", "REF_AREA"]
    assert {
        "DRUG",
        "PERIOD",
        "SEX",
        "CROP",
        "METHOD",
        "TIME_PERIOD",
        "OBS_VALUE",
        "COMMENT",
    } <= set(header)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(USE_2024)
    pop = next(r for r in rows if r["DATA_ELEMENT"] == "POP_15_64")
    assert (pop["DRUG"], pop["SEX"], pop["OBS_VALUE"], pop["OBS_STATUS"]) == (
        "_Z",
        "_Z",
        "1000000",
        "P",
    )
    before = stored()
    status, answer = import_json(path, provider, "--dry-run")
    assert status == 0
    assert answer == {"rows": 5, "new": 0, "changed": 0, "unchanged": 5, "errors": []}
    assert stored() == before
    # sdmx1's own SDMX-CSV reader reads the file with the dataflow
    dataflow = structure(definitions()).dataflow
    message = sdmx.read_sdmx(io.BytesIO(path.read_bytes()), format="csv", structure=dataflow)
    assert len(message.data[0].obs) == 5


def test_the_published_values_are_exported_without_a_user(filled, provider, tmp_path):
    path = tmp_path / "published.csv"
    assert run("export", "--format", "sdmx-csv", "--output", str(path))[0] == 0
    assert len(path.read_text().splitlines()) == 1  # a draft is nobody's but CHN's yet
    assert len(export_cells(provider, country="CHN")) == 5


def test_sdmx_csv_imports_new_values(definitions, provider, tmp_path):
    path = tmp_path / "new.csv"
    path.write_text(
        "STRUCTURE,STRUCTURE_ID,ACTION,DATA_ELEMENT,REF_AREA,DRUG,PERIOD,SEX,CROP,METHOD,"
        "TIME_PERIOD,OBS_VALUE,OBS_STATUS,COMMENT\n"
        "dataflow,DRUGCONTROL:DF_MONITORING(1.0),I,SEIZ_KG,CHN,cocaine,_Z,_Z,_Z,_Z,2024,12.5,P,\n"
        "dataflow,DRUGCONTROL:DF_MONITORING(1.0),I,PWID,CHN,_Z,_Z,_Z,_Z,_Z,2024,400,P,estimate\n",
        encoding="utf-8",
    )
    status, answer = import_json(path, provider)
    assert (status, answer["new"], answer["errors"]) == (0, 2, [])
    values = {(v.element.code, v.disaggregation): v for v in DataValue.objects.all()}
    assert str(values[("SEIZ_KG", "drug=cocaine")].value.normalize()) == "12.5"
    assert values[("PWID", "")].comment == "estimate"
    assert {s.dataset.code for s in Submission.objects.all()} == {"ARQ_SUPPLY", "ARQ_USE"}


BAD = [
    # (line, the problem's column, what is wrong); rows 3 and on, after a good row 2
    ("XXX,2024,ARQ_USE,PWID,,,,10,", "country", "unknown country"),
    ("CHN,2024,ARQ_USE,NOPE,,,,10,", "element", "unknown element"),
    ("CHN,2024,ARQ_USE,PWID_HIV,,,,ten,", "value", "text in a number cell"),
    ("CHN,2024,ARQ_USE,PWID_HCV,,,,150,", "value", "a percentage above 100"),
    ("CHN,2024,ARQ_USE,PWID,,,,10,", "element", "row 2 again"),
    ("CHN,2022,ARQ_USE,PWID,,,,11,", "year", "a submitted (locked) data set"),
    ("CHN,1980,ARQ_USE,PWID,,,,10,", "year", "a year out of range"),
    ("DEU,2024,ARQ_USE,PWID,,,,10,", "country", "a country the user may not enter"),
    ("CHN,2024,ARQ_USE,PREV,cannabis,,,3,", "period", "a missing category"),
    ("CHN,2024,ARQ_USE,DEATHS,,,men,-1,", "value", "a negative count"),
    ("CHN,2024,NOPE,PWID,,,,10,", "dataset", "unknown data set"),
    ("CHN,2024,ARQ_USE,TREAT_TOTAL,,,,,\x1b[31m", "comment", "a control character"),
]


def test_a_bad_file_imports_nothing_and_names_every_problem(
    definitions, provider, submitted_2022, tmp_path
):
    lines = ["country,year,dataset,element,drug,period,sex,value,comment"]
    lines.append("CHN,2024,ARQ_USE,PWID,,,,10,a good row")
    lines += [line for line, _column, _what in BAD]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = stored()
    status, answer = import_json(path, provider)
    assert status == 1
    assert (answer["rows"], answer["new"], answer["changed"], answer["unchanged"]) == (0, 0, 0, 0)
    assert stored() == before
    found = [(error["row"], error["column"]) for error in answer["errors"]]
    expected = [(number, column) for number, (_l, column, _w) in enumerate(BAD, start=3)]
    assert found == expected, answer["errors"]
    messages = {(e["row"], e["column"]): e["message"] for e in answer["errors"]}
    assert messages[(3, "country")] == "Unknown country code."
    assert messages[(5, "value")] == "Not a number."
    assert messages[(6, "value")] == "At most 100."
    assert messages[(7, "element")] == "The same cell as row 2."
    assert "Submitted" in messages[(8, "year")]
    assert messages[(10, "country")] == "You may not enter the data of DEU."


def test_sdmx_csv_problems_are_named_by_its_columns(definitions, provider, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "STRUCTURE,STRUCTURE_ID,ACTION,DATA_ELEMENT,REF_AREA,DRUG,PERIOD,SEX,CROP,METHOD,"
        "TIME_PERIOD,OBS_VALUE,OBS_STATUS,COMMENT\n"
        "dataflow,OTHER:DF(1.0),I,PWID,CHN,_Z,_Z,_Z,_Z,_Z,2024,4,P,\n"
        "dataflow,DRUGCONTROL:DF_MONITORING(1.0),D,PWID_HIV,CHN,_Z,_Z,_Z,_Z,_Z,2024,4,P,\n"
        "dataflow,DRUGCONTROL:DF_MONITORING(1.0),I,SEIZ_KG,CHN,heroin,_Z,_Z,_Z,_Z,2024,4,P,\n"
        "dataflow,DRUGCONTROL:DF_MONITORING(1.0),I,PWID_HCV,CHN,cannabis,_Z,_Z,_Z,_Z,2024,4,P,\n"
        "dataflow,DRUGCONTROL:DF_MONITORING(1.0),I,PWID_HBV,CHN,_Z,_Z,_Z,_Z,_Z,24,1e3,P,\n"
        "dataflow,DRUGCONTROL:DF_MONITORING(1.0),I,WHAT,CHN,_Z,_Z,_Z,_Z,_Z,2024,4,P,\n",
        encoding="utf-8",
    )
    status, answer = import_json(path, provider)
    assert status == 1
    assert {(e["row"], e["column"]) for e in answer["errors"]} == {
        (2, "STRUCTURE_ID"),
        (3, "ACTION"),
        (4, "DRUG"),
        (5, "DRUG"),
        (6, "TIME_PERIOD"),
        (6, "OBS_VALUE"),
        (7, "DATA_ELEMENT"),
    }
    assert not DataValue.objects.exists()


def test_the_xlsx_template_round_trip(filled, provider, tmp_path):
    defs = definitions()
    cells = template_cells(provider, defs, dataset="ARQ_USE", country="CHN", year=2024)
    # every cell of the form: 7 elements without categories, PREV 10x3, TREAT 10, DEATHS 2
    assert len(cells) == 7 + 30 + 10 + 2
    content = plain_xlsx(cells, defs, defs.dataset_categories("ARQ_USE"))
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.values)
    assert rows[0] == (
        "country",
        "year",
        "dataset",
        "element",
        "element_name_en",
        "element_name_zh",
        "drug",
        "period",
        "sex",
        "value",
        "comment",
    )
    prevalence = next(r for r in rows if r[3] == "PREV" and r[6:8] == ("cannabis", "past_year"))
    assert (prevalence[9], prevalence[10], prevalence[8]) == (1.25, "survey", None)
    assert prevalence[5]  # the Chinese name as a helper column
    before = stored()
    result = import_now(
        actor=provider, kind=IMPORT_KIND, name="t.xlsx", content=content, dry_run=True
    )
    assert (result["rows"], result["new"], result["changed"], result["unchanged"]) == (49, 0, 0, 49)
    assert stored() == before
    # a cell filled in and one changed in the sheet, saved again: imported
    out = load_workbook(io.BytesIO(content))
    sheet = out.active
    for row in sheet.iter_rows(min_row=2):
        if row[3].value == "PWID":
            row[9].value = 2500
        if row[3].value == "DEATHS" and row[8].value == "men":
            row[9].value = 13
    buffer = io.BytesIO()
    out.save(buffer)
    result = import_now(actor=provider, kind=IMPORT_KIND, name="t.xlsx", content=buffer.getvalue())
    assert (result["new"], result["changed"], result["unchanged"]) == (1, 1, 47)
    assert DataValue.objects.get(element__code="PWID").value == 2500


def test_the_csv_template_is_utf8_and_reimports(filled, provider):
    defs = definitions()
    cells = template_cells(provider, defs, dataset="ARQ_USE", country="CHN", year=2024)
    content = plain_csv(cells, defs, defs.dataset_categories("ARQ_USE"))
    assert content.startswith("\ufeffcountry,year,dataset,element".encode())
    result = import_now(
        actor=provider, kind=IMPORT_KIND, name="t.csv", content=content, dry_run=True
    )
    assert (result["new"], result["changed"], result["unchanged"]) == (0, 0, 49)


def test_the_command_line_contract(filled, provider, make_user, tmp_path):
    path = tmp_path / "values.csv"
    assert (
        run("export", "--format", "csv", "--user", provider.username, "--output", str(path))[0] == 0
    )
    status, printed = run(
        "import", str(path), "--user", provider.username, "--format", "json", "--dry-run"
    )
    answer = json.loads(printed)
    assert status == 0
    assert list(answer) == ["rows", "new", "changed", "unchanged", "errors"]
    assert answer["unchanged"] == 5
    # another country's provider: every row refused, exit status 1, nothing stored
    deu = make_user(country="DEU", kind="law_enforcement", role="officer")
    before = stored()
    status, answer = import_json(path, deu)
    assert status == 1
    assert answer["rows"] == 0 and len(answer["errors"]) == 5
    assert {e["column"] for e in answer["errors"]} == {"country"}
    assert all(isinstance(e["row"], int) and e["message"] for e in answer["errors"])
    assert stored() == before
    # a file that is no table: the whole file (row 0)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    status, answer = import_json(empty, provider)
    assert status == 1 and answer["errors"][0]["row"] == 0


def test_sdmx_ml_parses_back_with_its_series_and_observations(filled, provider, tmp_path):
    services.values_set(
        actor=provider,
        submission=services.submission_open(
            actor=provider,
            country="CHN",
            dataset=selectors.dataset_get(provider, "ARQ_USE"),
            year=2023,
        ),
        items=[cell("POP_15_64", "990000"), cell("PWID", "77")],
    )
    path = tmp_path / "chn.xml"
    assert (
        run("export", "--format", "sdmx-ml", "--user", provider.username, "--output", str(path))[0]
        == 0
    )
    dsd = structure(definitions()).dsd
    message = sdmx.read_sdmx(path, structure=dsd)
    data = message.data[0]
    # series: POP_15_64 (2023, 2024), PWID (2023), the other four of 2024
    assert len(data.series) == 6
    assert len(data.obs) == 7
    values = {
        (key.values["DATA_ELEMENT"].value, obs.dimension.values["TIME_PERIOD"].value): obs.value
        for key, observations in data.series.items()
        for obs in observations
    }
    assert values[("POP_15_64", "2023")] == "990000"
    structure_message = sdmx.read_sdmx(io.BytesIO(structure_ml(structure(definitions()))))
    read = structure_message.structure["DSD_MONITORING"]
    assert [d.id for d in read.dimensions.components] == [
        "DATA_ELEMENT",
        "REF_AREA",
        "DRUG",
        "PERIOD",
        "SEX",
        "CROP",
        "METHOD",
        "REGION",
        "TIME_PERIOD",
    ]
    assert sdmx_ml(structure(definitions()), []).startswith(b"<?xml")
    assert sdmx_csv(structure(definitions()), []).startswith(b"STRUCTURE,")


def test_the_pages_as_a_data_provider_of_china(filled, provider, client_for):
    client = client_for(provider)
    page = client.get(reverse("monitoring:exchange"))
    assert page.status_code == 200
    assert reverse("monitoring:exchange_import").encode() in page.content
    template = client.get(
        reverse("monitoring:exchange_template"),
        {"dataset": "ARQ_USE", "country": "CHN", "year": 2024, "format": "csv"},
    )
    assert template.status_code == 200
    assert template["Content-Disposition"].endswith('.csv"')
    text = template.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 49
    for row in rows:
        if row["element"] == "PWID":
            row["value"] = "640"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    upload = io.BytesIO(buffer.getvalue().encode())
    upload.name = "filled.csv"
    answer = client.post(reverse("monitoring:exchange_import"), {"file": upload})
    job = ImportJob.objects.get(kind=IMPORT_KIND)
    assert answer.status_code == 302
    assert answer["Location"] == reverse("monitoring:exchange_import_job", args=[job.pk])
    assert import_run(job.pk).state == ImportState.DONE
    shown = client.get(answer["Location"])
    assert "49 rows: 1 new values, 0 changed, 48 unchanged." in shown.content.decode()
    assert DataValue.objects.get(element__code="PWID").value == 640
    sdmx_file = client.get(reverse("monitoring:exchange_sdmx"), {"format": "sdmx-csv"})
    assert sdmx_file.status_code == 200 and sdmx_file.content.count(b"\n") == 7
    bad = client.get(reverse("monitoring:exchange_template"), {"dataset": "NOPE", "year": "x"})
    assert bad.status_code == 422


def test_a_failed_upload_reports_rows_and_columns_on_its_page(definitions, provider, client_for):
    client = client_for(provider)
    upload = io.BytesIO(b"country,year,dataset,element,value\nCHN,2024,ARQ_USE,PWID,many\n")
    upload.name = "bad.csv"
    client.post(reverse("monitoring:exchange_import"), {"file": upload})
    job = import_run(ImportJob.objects.get(kind=IMPORT_KIND).pk)
    assert job.state == ImportState.FAILED
    assert job.report[0]["where"]["params"] == {"number": 2}
    assert job.report[0]["column"] == "value"
    assert job.report[0]["message"]["key"] == "Not a number."
    page = client.get(reverse("monitoring:exchange_import_job", args=[job.pk]))
    assert "Not a number." in page.content.decode()


def test_the_secretariat_downloads_but_does_not_import(filled, secretariat, client_for):
    client = client_for(secretariat)
    page = client.get(reverse("monitoring:exchange"))
    assert page.status_code == 200 and b"import-link" not in page.content
    assert client.get(reverse("monitoring:exchange_import")).status_code == 403
    template = client.get(
        reverse("monitoring:exchange_template"),
        {"dataset": "ARQ_USE", "year": 2024, "format": "xlsx"},
    )
    rows = list(load_workbook(io.BytesIO(template.content)).active.values)
    assert len(rows) == 1 + 49  # CHN, the one country with the data set that year
