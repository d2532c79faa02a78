"""An import job's report is stored as messages of the catalogue with their parameters and
reads in the language of whoever reads it: the page, the API, and reports written as text
before (converted by migration core 0009)."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext_lazy

from drugcontrol.core import services as core_services
from drugcontrol.core.imports import import_problems, import_run, import_start
from drugcontrol.core.messages import gettext, ngettext, pgettext, render, stored
from drugcontrol.core.models import ImportJob

from ..conftest import signed_in

pytestmark = pytest.mark.django_db

NOTIFICATIONS = (
    "importing_country,point_of_entry,expected_dispatch,substance,quantity,unit,exporter,"
    "exporter_address,importer,importer_address,submit\n"
)
migration = importlib.import_module("drugcontrol.core.migrations.0009_import_report_messages")


def in_language(language: str, function, *args):
    with translation.override(language):
        return function(*args)


def run(actor, kind: str, name: str, content: bytes, language: str = "en") -> ImportJob:
    with translation.override(language):  # the uploader's language: the worker runs in it
        job = import_start(actor=actor, kind=kind, name=name, content=content)
    return import_run(job.pk)


def rows(job, language: str) -> list[tuple[str, str, str]]:
    problems = in_language(language, import_problems, job)
    return [(p.where, p.column, p.message) for p in problems]


# --- the messages themselves ---------------------------------------------------------------


def test_a_message_is_the_text_it_reads_as_and_keeps_its_entry():
    with translation.override("en"):
        message = gettext("Unknown substance: %(name)s.") % {"name": "Unobtainium"}
    assert message == "Unknown substance: Unobtainium." and isinstance(message, str)
    data = stored(message)
    assert data == {"key": "Unknown substance: %(name)s.", "params": {"name": "Unobtainium"}}
    assert in_language("zh-hans", render, data) == "未知物质：Unobtainium。"
    assert in_language("en", render, data) == "Unknown substance: Unobtainium."


def test_labels_plurals_contexts_and_plain_text_are_stored_too():
    with translation.override("en"):
        # a choice label (gettext_lazy) as a parameter is stored as its own message
        named = gettext("Name the %(role)s.") % {"role": gettext_lazy("Importer")}
        plural = ngettext("%(count)s incident imported.", "%(count)s incidents imported.", 3) % {
            "count": 3
        }
        sender = pgettext("sender", "From")
    assert stored(named)["params"] == {"role": {"key": "Importer"}}
    assert in_language("zh-hans", render, stored(named)) == "请填写进口商。"
    assert in_language("en", render, stored(plural)) == "3 incidents imported."
    assert in_language("zh-hans", render, stored(sender)) == "发送方"
    # text that is no message, and a date: kept as written
    assert stored("Hengrui " + named) == {"text": "Hengrui Name the Importer."}
    date_message = gettext("Unknown substance: %(name)s.") % {"name": datetime.date(2026, 1, 5)}
    assert stored(date_message)["params"] == {"name": "2026-01-05"}


def test_a_translation_naming_a_missing_parameter_shows_a_dash_not_an_error():
    data = {"key": "Unknown substance: %(name)s.", "params": {}}
    assert in_language("en", render, data) == "Unknown substance: —."
    assert in_language("en", render, {"key": "%(n)d rows", "params": {"n": "x"}}) == "%(n)d rows"


# --- stored on the job, read in the reader's language --------------------------------------


def test_a_job_started_in_english_reads_in_chinese(make_user):
    officer = make_user(country="CHN", role="officer", kind="law_enforcement")
    content = (
        b"kind,date,quantity,unit,substance,origin,exporter\n"
        b"explosion,2026-13-01,abc,kg,Ephedrine,QQQ,\n"
        b"seizure,2026-01-05,-4,kg,Ephedrine,," + b"x" * 301 + b"\n"
    )
    job = run(officer, "incidents.incidents", "bad.csv", content, language="en")
    assert job.state == "failed" and job.language == "en"
    # Nothing of the report is text of one language: every place and message is an entry.
    assert all("key" in p["where"] and "key" in p["message"] for p in job.report), job.report
    english, chinese = rows(job, "en"), rows(job, "zh-hans")
    assert ("row 2", "kind", "Unknown incident kind.") in english
    assert ("第2行", "kind", "未知的事件类型。") in chinese
    assert ("row 2", "quantity", "Not a number.") in english
    assert ("第2行", "quantity", "不是数字。") in chinese
    assert ("第3行", "quantity", "必须大于零。") in chinese
    assert len(english) == len(chinese) >= 5
    # the same columns, and no English sentence left in the Chinese report
    assert [c for _w, c, _m in english] == [c for _w, c, _m in chinese]
    assert not {m for _w, _c, m in english} & {m for _w, _c, m in chinese}


def test_whole_file_problems_and_submission_problems_read_in_either_language(make_user, registry):
    exporter = make_user(country="CHN", role="officer")
    job = run(exporter, "precursors.notifications", "empty.csv", NOTIFICATIONS.encode())
    assert rows(job, "en") == [("file", "", "The file has a header row but no rows below it.")]
    assert rows(job, "zh-hans") == [("文件", "", "文件只有标题行，下面没有数据行。")]
    dispatch = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    row = f"AUS,Melbourne,{dispatch},Ephedrine,5,kg,Hengrui,Lianyungang,,,yes\n"
    job = run(exporter, "precursors.notifications", "b.csv", (NOTIFICATIONS + row).encode())
    assert ("row 2", "importer", "Name the Importer.") in rows(job, "en")
    assert ("第2行", "importer", "请填写进口商。") in rows(job, "zh-hans")
    # every check a row meets stores messages, none text of the uploader's language
    header = "group,kind,importing_country,transit_countries,expected_dispatch,substance,"
    header += "concentration,quantity,unit,density,exporter,importer_country\n"
    bad = [
        "1,scheduled,QQQ,CHN;ZZZ,2026-02-30,Ephedrine,140,1e30,kg,,Hengrui,AUS",
        "1,scheduled,QQQ,,,Unobtainium,,5,l,-1,,",
        "2,bogus,CHN,,,Acetone,,5,kg,,Hengrui,QQ",
    ]
    content = (header + "\n".join(bad) + "\n").encode()
    job = run(exporter, "precursors.notifications", "bad.csv", content)
    assert len(job.report) >= 8, job.report
    assert all("key" in p["where"] and "key" in p["message"] for p in job.report), job.report
    assert rows(job, "en")[0][0] == "rows 2, 3"
    assert ("第4行", "kind", "未知通知类别。") in rows(job, "zh-hans")


def test_the_page_and_the_api_show_the_same_record_in_the_request_language(make_user):
    officer = make_user(country="CHN", role="officer", kind="law_enforcement")
    job = run(officer, "incidents.incidents", "b.csv", b"kind,date\nexplosion,2026-01-05\n")
    client = signed_in(officer)
    for language, where, message in (
        ("en", "row 2", "Unknown incident kind."),
        ("zh-hans", "第2行", "未知的事件类型。"),
    ):
        client.cookies["django_language"] = language
        page = client.get(f"/incidents/import/{job.pk}/").content.decode()
        assert f"<td>{where}</td><td>kind</td><td>{message}</td>" in page, language
        answer = client.get(f"/api/v1/imports/{job.pk}")
        assert answer.status_code == 200, answer.content
        body = answer.json()
        assert body["state"] == "failed" and body["kind"] == "incidents.incidents"
        assert body["problems"] == [
            {
                "where": where,
                "column": "kind",
                "message": message,
                "where_key": "row %(number)s",
                "where_params": {"number": 2},
                "message_key": "Unknown incident kind.",
                "params": {},
            }
        ]
    # with a token, the request's Accept-Language decides
    _token, secret = core_services.token_create(actor=officer, user=officer, name="imports")
    answer = Client().get(
        f"/api/v1/imports/{job.pk}",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert answer.json()["problems"][0]["message"] == "未知的事件类型。"
    # the summary of a finished import reads in the request's language too
    job = run(
        officer, "incidents.incidents", "g.csv", b"kind,date\nseizure,2026-01-05\n", "zh-hans"
    )
    client.cookies["django_language"] = "en"
    assert client.get(f"/api/v1/imports/{job.pk}").json()["summary"] == "1 incident imported."
    # another user's import is not found
    other = make_user(country="CHN", role="officer", kind="law_enforcement")
    assert signed_in(other).get(f"/api/v1/imports/{job.pk}").status_code == 404


# --- reports written as text before ---------------------------------------------------------


def test_the_migration_turns_old_text_reports_into_messages(make_user):
    officer = make_user(country="CHN", role="officer", kind="law_enforcement")
    old = {
        "row 4": {"quantity": ["Must be greater than zero."], "kind": ["Unknown incident kind."]},
        "第5行": {"substance": ["未知物质：Unobtainium。"]},
        "row 3, row 7": {"": ["A note nobody wrote in the catalogue."]},
        "file": {"": ["The file has a header row but no rows below it."]},
    }
    job = ImportJob.objects.create(
        kind="incidents.incidents",
        file_name="old.csv",
        content=b"",
        actor=officer,
        state="failed",
        report=old,
    )
    migration.to_messages(apps, None)
    job.refresh_from_db()
    assert isinstance(job.report, list) and len(job.report) == 5
    # In any order: PostgreSQL's JSON keeps an object's keys in its own order.
    assert sorted(rows(job, "zh-hans")) == sorted(
        [
            ("第4行", "quantity", "必须大于零。"),
            ("第4行", "kind", "未知的事件类型。"),
            ("第5行", "substance", "未知物质：Unobtainium。"),
            ("第3, 7行", "", "A note nobody wrote in the catalogue."),
            ("文件", "", "文件只有标题行，下面没有数据行。"),
        ]
    )
    english = rows(job, "en")
    assert ("row 5", "substance", "Unknown substance: Unobtainium.") in english
    assert ("rows 3, 7", "", "A note nobody wrote in the catalogue.") in english
    migration.to_messages(apps, None)  # a converted report is left as it is
    job.refresh_from_db()
    assert len(job.report) == 5
    # and back: text in the uploader's language
    job.language = "en"
    job.save(update_fields=["language"])
    migration.to_text(apps, None)
    job.refresh_from_db()
    assert job.report["row 4"] == {
        "quantity": ["Must be greater than zero."],
        "kind": ["Unknown incident kind."],
    }
    assert job.report["row 5"] == {"substance": ["Unknown substance: Unobtainium."]}
