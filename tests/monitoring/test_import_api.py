"""The monitoring API's file import (`POST /api/v1/monitoring/imports`) and the answer of
opening a data set (201 given as `ninja.Status`, not the deprecated tuple)."""

import io
import warnings

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from drugcontrol.core import imports as core_imports
from drugcontrol.core.models import AuditEvent
from drugcontrol.monitoring import selectors, services
from drugcontrol.monitoring.models import DataValue, Submission, ValueRevision
from tests.conftest import signed_in

from .conftest import cell

pytestmark = pytest.mark.django_db

V1 = "/api/v1/monitoring"


def test_opening_a_data_set_answers_201_without_a_deprecated_tuple(definitions, provider):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        response = signed_in(provider).post(
            f"{V1}/submissions",
            {"country": "CHN", "dataset": "ARQ_USE", "year": 2021},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    assert response.json()["year"] == 2021


# --- POST /api/v1/monitoring/imports ---------------------------------------------------------

HEADER = "country,year,dataset,element,drug,period,sex,value,comment\n"


def upload(user, content: bytes, name="values.csv", **fields):
    return signed_in(user).post(
        f"{V1}/imports", {"file": SimpleUploadedFile(name, content), **fields}
    )


def snapshot() -> tuple:
    return (
        DataValue.objects.count(),
        ValueRevision.objects.count(),
        Submission.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def deu_provider(make_user):
    return make_user(country="DEU", kind="competent_authority", role="officer")


@pytest.fixture
def draft_2023(definitions, provider):
    dataset = selectors.dataset_get(provider, "ARQ_USE")
    submission = services.submission_open(actor=provider, country="CHN", dataset=dataset, year=2023)
    services.values_set(
        actor=provider,
        submission=submission,
        items=[cell("PWID", "10"), cell("DEATHS", "4", sex="men")],
    )
    return submission


FILE = (
    HEADER
    + "CHN,2023,ARQ_USE,PWID,,,,12,revised\n"  # changed
    + "CHN,2023,ARQ_USE,DEATHS,,,men,4,\n"  # unchanged
    + "CHN,2023,ARQ_USE,DEATHS,,,women,3,\n"  # new
    + "CHN,2023,ARQ_USE,PREV,cannabis,past_year,,,\n"  # empty: unchanged
    + "CHN,2022,ARQ_SUPPLY,SEIZ_KG,cocaine,,,2.5,\n"  # new, in a data set opened by it
).encode()


def test_an_import_answers_the_command_line_s_counts(draft_2023, provider):
    revisions = ValueRevision.objects.count()
    response = upload(provider, FILE)
    assert response.status_code == 200, response.content
    assert response.json() == {"rows": 5, "new": 2, "changed": 1, "unchanged": 2, "errors": []}
    pwid = DataValue.objects.get(submission=draft_2023, element__code="PWID")
    assert (pwid.value, pwid.comment) == (12, "revised")
    assert ValueRevision.objects.count() == revisions + 3
    supply = Submission.objects.get(year=2022, dataset__code="ARQ_SUPPLY")
    assert AuditEvent.objects.filter(
        action="monitoring.submission_opened", object_id=str(supply.pk)
    ).exists()
    again = upload(provider, FILE)
    assert again.json() == {"rows": 5, "new": 0, "changed": 0, "unchanged": 5, "errors": []}


def test_a_dry_run_counts_and_saves_nothing(draft_2023, provider):
    before = snapshot()
    response = upload(provider, FILE, dry_run="true")
    assert response.status_code == 200, response.content
    assert response.json()["new"] == 2 and response.json()["changed"] == 1
    assert snapshot() == before


def test_an_sdmx_csv_file_and_an_xlsx_template_are_read_too(definitions, provider, tmp_path):
    sdmx = (
        b"STRUCTURE,STRUCTURE_ID,ACTION,DATA_ELEMENT,REF_AREA,DRUG,PERIOD,SEX,CROP,METHOD,"
        b"TIME_PERIOD,OBS_VALUE,OBS_STATUS,COMMENT\n"
        b"dataflow,DRUGCONTROL:DF_MONITORING(1.0),I,PWID,CHN,_Z,_Z,_Z,_Z,_Z,2021,400,P,\n"
    )
    response = upload(provider, sdmx, name="sdmx.csv")
    assert response.json() == {"rows": 1, "new": 1, "changed": 0, "unchanged": 0, "errors": []}
    workbook = Workbook()
    sheet = workbook.active
    for row in (
        ["country", "year", "dataset", "element", "value"],
        ["CHN", 2021, "ARQ_USE", "PWID", 401],
    ):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(provider, buffer.getvalue(), name="template.xlsx")
    assert response.json() == {"rows": 1, "new": 0, "changed": 1, "unchanged": 0, "errors": []}


def test_a_bad_file_is_refused_by_row_and_column_and_nothing_saved(draft_2023, provider):
    before = snapshot()
    bad = (
        HEADER
        + "CHN,2023,ARQ_USE,PWID,,,,11,\n"  # a good row: not saved either
        + "CHN,2023,ARQ_USE,PWID_HIV,,,,ten,\n"
        + "CHN,2023,ARQ_USE,PREV,cannabis,,,3,\n"
        + "XXX,2023,ARQ_USE,PWID,,,,1,\n"
    ).encode()
    response = upload(provider, bad)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert (error["code"], error["message"]) == (
        "validation_error",
        "The file has errors; nothing was imported.",
    )
    assert error["details"]["errors"] == [
        {"row": 3, "column": "value", "message": "Not a number."},
        {"row": 4, "column": "period", "message": "Choose the period."},
        {"row": 5, "column": "country", "message": "Unknown country code."},
    ]
    assert snapshot() == before
    assert DataValue.objects.get(submission=draft_2023, element__code="PWID").value == 10


def test_a_problem_of_the_whole_file_is_row_0(definitions, provider):
    response = upload(provider, b"country,year\nCHN,2023\n")
    assert response.status_code == 422
    [problem] = response.json()["error"]["details"]["errors"]
    assert (problem["row"], problem["column"]) == (0, "")
    assert "dataset" in problem["message"]
    response = upload(provider, b"%PDF-1.4", name="values.pdf")
    assert response.json()["error"]["details"]["errors"][0]["row"] == 0


def test_another_country_s_data_is_refused_by_row_and_nothing_saved(
    draft_2023, provider, deu_provider
):
    before = snapshot()
    response = upload(deu_provider, FILE)
    assert response.status_code == 422
    errors = response.json()["error"]["details"]["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {
        (2, "country"),
        (3, "country"),
        (4, "country"),
        (5, "country"),
        (6, "country"),
    }
    assert errors[0]["message"] == "You may not enter the data of CHN."
    assert snapshot() == before


def test_whoever_may_not_enter_data_is_refused_before_the_file_is_read(
    definitions, secretariat, make_user
):
    viewer = make_user(country="CHN", kind="competent_authority", role="viewer")
    for user in (secretariat, viewer):
        response = upload(user, FILE)
        assert response.status_code == 403, response.content
        assert response.json()["error"]["code"] == "permission_denied"
    assert not Submission.objects.exists()
    assert signed_out_post().status_code == 401


def signed_out_post():
    return Client().post(f"{V1}/imports", {"file": SimpleUploadedFile("v.csv", FILE)})


def test_a_file_over_10_mb_is_refused_before_it_is_read(definitions, provider, monkeypatch):
    monkeypatch.setattr(core_imports, "MAX_BYTES", 100)
    response = upload(provider, FILE + b"x" * 200)
    assert response.status_code == 422
    assert response.json()["error"]["details"]["errors"] == [
        {"row": 0, "column": "", "message": "The file is larger than 10 MB."}
    ]


def test_the_messages_are_in_the_caller_s_language(definitions, provider):
    response = signed_in(provider).post(
        f"{V1}/imports",
        {"file": SimpleUploadedFile("v.csv", HEADER.encode() + b"CHN,2023,ARQ_USE,PWID,,,,x,\n")},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    [problem] = response.json()["error"]["details"]["errors"]
    assert problem["message"] != "Not a number." and problem["column"] == "value"
