"""The notification import page queues the file; the background worker checks every row
(the page shows how far it has come) and saves all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

from drugcontrol.core.imports import import_problems
from drugcontrol.core.models import ImportJob
from drugcontrol.precursors.models import Notification

from ..conftest import signed_in
from .conftest import future

pytestmark = pytest.mark.django_db(transaction=True)
HEADER = (
    "importing_country,point_of_entry,expected_dispatch,substance,quantity,unit,exporter,"
    "exporter_address,importer,importer_address,submit\n"
)


def run_worker():
    call_command(
        "db_worker", batch=True, queue_name="*", startup_delay=False, reload=False, verbosity=0
    )


def upload(client, text: str):
    return client.post(
        "/precursors/import/", {"file": SimpleUploadedFile("batch.csv", text.encode())}
    )


def test_a_good_file_is_imported_by_the_worker(people, registry):
    client = signed_in(people["exporter"])
    rows = "".join(
        f"AUS,Melbourne,{future()},Ephedrine,{n},kg,Hengrui,Lianyungang,Southern Cross,"
        f"Melbourne,yes\n"
        for n in range(1, 13)
    )
    response = upload(client, HEADER + rows)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/precursors/import/{job.pk}/"
    waiting = client.get(f"/precursors/import/{job.pk}/")
    assert b'data-state="queued"' in waiting.content and b"hx-trigger" in waiting.content
    run_worker()
    job.refresh_from_db()
    assert job.state == "done" and job.checked == job.total == 12
    assert job.result["imported"] == 12 and job.result["submitted"] == 12
    assert bytes(job.content) == b""  # the file is not kept
    assert Notification.objects.filter(status="submitted").count() == 12
    fragment = client.get(f"/precursors/import/{job.pk}/?fragment=1")
    assert b"12 notifications imported, 12 submitted." in fragment.content
    assert b"hx-trigger" not in fragment.content  # finished: the page stops asking
    # Another user does not see the job.
    assert signed_in(people["importer"]).get(f"/precursors/import/{job.pk}/").status_code == 404


def test_a_bad_file_imports_nothing_and_the_page_names_rows(people, registry):
    client = signed_in(people["exporter"])
    rows = (
        f"AUS,Melbourne,{future()},Ephedrine,5,kg,Hengrui,Lianyungang,Southern Cross,Melb,no\n"
        f"AUS,Melbourne,{future()},Unobtainium,5,kg,Hengrui,Lianyungang,Southern Cross,Melb,no\n"
        f"CHN,Melbourne,{future()},Ephedrine,-1,kg,Hengrui,Lianyungang,Southern Cross,Melb,no\n"
    )
    upload(client, HEADER + rows)
    run_worker()
    job = ImportJob.objects.get()
    assert job.state == "failed"
    problems = [(p.where, p.column, p.message) for p in import_problems(job)]
    assert {where for where, _column, _message in problems} == {"row 3", "row 4"}
    assert [(column, message) for where, column, message in problems if where == "row 4"] == [
        ("importing_country", "The importing country is the exporting country."),
        ("quantity", "Must be greater than zero."),
    ]
    assert Notification.objects.count() == 0
    page = client.get(f"/precursors/import/{job.pk}/")
    assert b'data-testid="import-report"' in page.content and b"row 3" in page.content


def test_the_report_reads_in_its_readers_language(people, make_user, registry):
    """The worker runs in the uploader's language (Chinese here); the report is stored as
    messages and reads in whichever language the page is read in."""
    officer = make_user(organisation=people["exporter"].organisation, preferred_language="zh-hans")
    client = signed_in(officer)
    upload(client, HEADER + "AUS,,,Unobtainium,5,kg,,,,,\n")
    run_worker()
    job = ImportJob.objects.get()
    assert job.report[0]["where"] == {"key": "row %(number)s", "params": {"number": 2}}
    assert job.report[0]["message"] == {
        "key": "Unknown substance: %(name)s.",
        "params": {"name": "Unobtainium"},
    }
    with translation.override("zh-hans"):
        chinese = [(p.where, p.column, p.message) for p in import_problems(job)]
    with translation.override("en"):
        english = [(p.where, p.column, p.message) for p in import_problems(job)]
    assert chinese == [("第2行", "substance", "未知物质：Unobtainium。")]
    assert english == [("row 2", "substance", "Unknown substance: Unobtainium.")]
    for language, texts in (("en", english[0]), ("zh-hans", chinese[0])):
        client.cookies["django_language"] = language
        page = client.get(f"/precursors/import/{job.pk}/").content.decode()
        assert f"<td>{texts[0]}</td><td>substance</td><td>{texts[2]}</td>" in page, language


def test_who_may_import(people, registry):
    response = upload(signed_in(people["operator"]), HEADER)
    assert response.status_code == 403 and not ImportJob.objects.exists()
    assert upload(signed_in(people["exporter"]), "").status_code == 422
