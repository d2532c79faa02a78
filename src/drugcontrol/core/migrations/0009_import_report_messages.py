"""An import job's report is stored as messages of the catalogue with their parameters, so
that it reads in its reader's language (core.imports.stored_report), as a list of
{"where", "column", "message"} instead of {where: {column: [text]}} written in the
uploader's language.

Existing reports are converted: a text that is a message of the catalogue in English or in
Chinese (its parameters recovered from the text) becomes that message, and the rows a
report names ("row 4", "第4行", "row 3, row 4", "item 2", "file") become the messages
the importers now write; any other text is kept as it was written (`{"text": ...}`)."""

import gettext
import re
from functools import cache
from pathlib import Path

from django.db import migrations, models
from django.utils import translation

BATCH = 500
CATALOGUE = Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/django.mo"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
MIN_LITERAL = 6  # a template with less fixed text than this would match too much


def _pattern(template: str):
    parts, names, position = [], [], 0
    for found in PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[position : found.start()].replace("%%", "%")))
        name = found.group(1)
        parts.append(f"(?P={name})" if name in names else f"(?P<{name}>.+?)")
        names.append(name)
        position = found.end()
    parts.append(re.escape(template[position:].replace("%%", "%")))
    return re.compile("".join(parts) + r"\Z", re.S)


@cache
def _catalogue():
    """(exact texts -> message, [(pattern, message)]) from the English messages and their
    Chinese translations; templates with the most fixed text are tried first."""
    try:
        with CATALOGUE.open("rb") as handle:
            entries = gettext.GNUTranslations(handle)._catalog
    except (OSError, AttributeError):
        return {}, []
    exact, templates = {}, []
    for key, translated in entries.items():
        if not isinstance(key, str) or not key:
            continue  # plural forms and the header
        context, _sep, msgid = key.rpartition("\x04")
        message = {"key": msgid, **({"context": context} if context else {})}
        for text in (msgid, translated):
            if not text:
                continue
            if PLACEHOLDER.search(text):
                literal = len(PLACEHOLDER.sub("", text).strip())
                if literal >= MIN_LITERAL:
                    templates.append((literal, _pattern(text), message))
            else:
                exact.setdefault(text, message)
    templates.sort(key=lambda entry: -entry[0])
    return exact, [(pattern, message) for _literal, pattern, message in templates]


ROW = re.compile(r"(?:row |第)(\d+)行?\Z")
ITEM = re.compile(r"(?:item |第)(\d+)项?\Z")


def _where(text: str) -> dict:
    text = str(text).strip()
    if text in ("file", "文件"):
        return {"key": "file"}
    rows = [ROW.match(part.strip()) for part in text.split(",")]
    if rows and all(rows):
        numbers = [int(found.group(1)) for found in rows]
        if len(numbers) == 1:
            return {"key": "row %(number)s", "params": {"number": numbers[0]}}
        return {
            "key": "rows %(numbers)s",
            "params": {"numbers": ", ".join(str(n) for n in numbers)},
        }
    item = ITEM.match(text)
    if item and (text.startswith("item ") or text.endswith("项")):
        return {"key": "item %(number)s", "params": {"number": int(item.group(1))}}
    return {"text": text}


def _message(text) -> dict:
    text = "" if text is None else str(text)
    exact, templates = _catalogue()
    if text in exact:
        return dict(exact[text])
    for pattern, message in templates:
        found = pattern.match(text)
        if found:
            return {**message, "params": found.groupdict()}
    return {"text": text}


def to_messages(apps, schema_editor):
    ImportJob = apps.get_model("core", "ImportJob")
    jobs = ImportJob.objects.defer("content").order_by("pk")
    last = 0
    while batch := list(jobs.filter(pk__gt=last)[:BATCH]):
        last = batch[-1].pk
        changed = []
        for job in batch:
            if isinstance(job.report, list):
                continue
            problems = []
            for where, columns in (job.report or {}).items():
                if not isinstance(columns, dict):
                    columns = {"": columns}
                for column, messages in columns.items():
                    for message in messages if isinstance(messages, list) else [messages]:
                        problems.append(
                            {"where": _where(where), "column": str(column), "message": _message(message)}
                        )
            job.report = problems
            changed.append(job)
        ImportJob.objects.bulk_update(changed, ["report"])


def _text(message, language: str) -> str:
    if not isinstance(message, dict):
        return str(message)
    if not message.get("key"):
        return str(message.get("text", ""))
    with translation.override(language or "en"):
        if message.get("context"):
            template = translation.pgettext(message["context"], message["key"])
        else:
            template = translation.gettext(message["key"])
        params = {
            name: _text(value, language) if isinstance(value, dict) else value
            for name, value in (message.get("params") or {}).items()
        }
        try:
            return template % params if params else template
        except (KeyError, TypeError, ValueError):
            return template


def to_text(apps, schema_editor):
    """Back to {where: {column: [text]}}, written in the uploader's language."""
    ImportJob = apps.get_model("core", "ImportJob")
    jobs = ImportJob.objects.defer("content").order_by("pk")
    last = 0
    while batch := list(jobs.filter(pk__gt=last)[:BATCH]):
        last = batch[-1].pk
        for job in batch:
            report = {}
            for problem in job.report if isinstance(job.report, list) else []:
                where = _text(problem.get("where"), job.language)
                column = report.setdefault(where, {}).setdefault(problem.get("column", ""), [])
                column.append(_text(problem.get("message"), job.language))
            job.report = report
        ImportJob.objects.bulk_update(batch, ["report"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_import_job_language"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importjob",
            name="report",
            field=models.JSONField(default=list),
        ),
        migrations.RunPython(to_messages, to_text),
    ]
