"""Incident files are imported by the background worker; the page follows the job and shows
the result or the report of every bad row (nothing is imported from a bad file)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook

from drugcontrol.core.models import ImportJob
from drugcontrol.incidents.models import Incident

from ..conftest import signed_in

pytestmark = pytest.mark.django_db(transaction=True)

CSV = (
    "kind,date,distribution,transport_mode,substance,quantity,unit,purity,origin,departure,transit,"
    "destination,seizure_country,exporter,exporter_country,consignee,consignee_country,concealment,description\n"
    "seizure,2026-01-05,countries_involved,sea,Ephedrine,25,kg,,IND,IND,ARE;NLD,MEX,NLD,"
    "Mumbai Fine Chem,IND,Guadalajara Quimica,MEX,drums,\n"
    "stopped_shipment,2026-02-11,all,air,Acetone,100,l,,,CHN,,AUS,,,,,,,\n"
)


def run_worker():
    call_command(
        "db_worker", batch=True, queue_name="*", startup_delay=False, reload=False, verbosity=0
    )


def upload(client, name, content):
    response = client.post("/incidents/import/", {"file": SimpleUploadedFile(name, content)})
    if response.status_code != 302:
        return response, None
    run_worker()
    job = ImportJob.objects.order_by("-pk").first()
    return client.get(f"/incidents/import/{job.pk}/"), job


def test_import_csv_and_xlsx(scenario, registry):
    client = signed_in(scenario["a_officer"])
    page, job = upload(client, "batch.csv", CSV.encode())
    assert job.state == "done" and 'data-testid="import-result"' in page.content.decode()
    assert "2 incidents imported." in page.content.decode()
    assert Incident.objects.count() == 2
    book = Workbook()
    sheet = book.active
    for line in CSV.splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    _page, job = upload(client, "batch.xlsx", buffer.getvalue())
    assert job.state == "done" and Incident.objects.count() == 4


def test_import_reports_every_bad_row_and_imports_nothing(scenario, registry):
    bad = CSV + "explosion,2026-13-01,,,Nothingine,-4,kg,,QQQ,,,,,,,,,,\n"
    client = signed_in(scenario["a_officer"])
    page, job = upload(client, "bad.csv", bad.encode())
    html = page.content.decode()
    assert job.state == "failed" and 'data-testid="import-report"' in html
    assert "row 4" in html
    for column in (
        "kind",
        "date",
        "quantity",
        "origin/departure/transit/destination/seizure_country",
    ):
        assert f"<td>{column}</td>" in html, column
    assert not Incident.objects.exists()
    _page, job = upload(client, "e.csv", b"kind,date\n")
    assert job.state == "failed"
    # A file that is no workbook is refused at upload, before anything is queued.
    page, job = upload(client, "x.xlsx", b"not a workbook")
    assert job is None and page.status_code == 422
    assert "Not a readable XLSX file." in page.content.decode()


def test_the_report_is_written_in_the_language_the_uploader_reads(scenario, registry):
    """The worker has no request: it writes the report in the language the file was uploaded
    in, even when the uploader never chose one on their profile."""
    bad = CSV + "explosion,2026-01-05,,,,,,,,,,,,,,,,,\n"
    user = scenario["a_officer"]
    assert not user.preferred_language
    client = signed_in(user)
    client.cookies["django_language"] = "zh-hans"
    page, job = upload(client, "bad.csv", bad.encode())
    html = page.content.decode()
    assert job.state == "failed" and job.language == "zh-hans"
    assert "未知的事件类型。" in html and "Unknown incident kind." not in html


def test_the_upload_page_names_a_missing_file_on_its_field(scenario):
    client = signed_in(scenario["a_officer"])
    page = client.post("/incidents/import/", {})
    html = page.content.decode()
    assert page.status_code == 422 and 'data-field="file"' in html
    assert 'name="file"' in html and "required" in html and "autofocus" in html
