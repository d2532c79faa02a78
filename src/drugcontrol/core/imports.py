"""Every import of a file goes through here. Background imports: the page uploads the file
and watches the job; the worker checks every row (showing its progress), then saves
everything in one transaction or nothing, with a report naming each bad row and column.
Small reference files (and the command line) run at once through `import_now`. Both paths
take the same checks first: the importer's permission, then the file's size and shape
(`tabular.check_file`), so nothing is queued or read for someone without the right."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from drugcontrol.core import tabular
from drugcontrol.core.audit import record_event
from drugcontrol.core.errors import ServiceError, ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.core.messages import render, stored
from drugcontrol.core.models import ImportJob, ImportState
from drugcontrol.core.permissions import require
from drugcontrol.core.tabular import import_report

logger = logging.getLogger(__name__)
MAX_BYTES = tabular.MAX_BYTES
PROGRESS_EVERY = 10  # rows between two progress writes


@dataclass(frozen=True)
class Importer:
    """What an app registers for a kind of file (in its AppConfig.ready())."""

    run: Callable  # run(actor=, name=, content=, progress=, **options) -> result
    summary: Callable[[dict], str]  # the finished job's result in one sentence
    action: str  # the permission rule that decides who may upload such a file
    # the record that rule is asked about, from the uploader and the import's options
    record: Callable | None = None
    suffixes: tuple[str, ...] = (*tabular.TEXT_SUFFIXES, ".xlsx", ".xlsm")
    max_rows: int = tabular.MAX_ROWS  # the rows the importer reads at most (for its page)


IMPORTERS: dict[str, Importer] = {}


def register_importer(kind: str, importer: Importer) -> None:
    IMPORTERS[kind] = importer


def _admit(*, actor, kind: str, name: str, content: bytes | None, options: dict) -> Importer:
    """The checks every import passes before it is read or queued: a known kind, the
    uploader's right, then the file's size and shape."""
    importer = IMPORTERS.get(kind)
    if importer is None:
        raise ValidationFailed({"kind": [_("Unknown import.")]})
    require(actor, importer.action, importer.record(actor, **options) if importer.record else None)
    if content is not None:
        tabular.check_file(name, content, suffixes=importer.suffixes)
    return importer


def _read_upload(upload) -> tuple[str, bytes]:
    """A page's upload, refused before it is read when it is missing or too large."""
    if upload is None:
        raise ValidationFailed({"file": [_("Choose a file.")]})
    if upload.size > MAX_BYTES:
        raise ValidationFailed({"file": [_("The file is larger than 10 MB.")]})
    return upload.name, upload.read()


def import_upload(*, actor, kind: str, upload) -> ImportJob:
    """A page's upload, queued: the right is checked before the file is read."""
    _admit(actor=actor, kind=kind, name="", content=None, options={})
    name, content = _read_upload(upload)
    return import_start(actor=actor, kind=kind, name=name, content=content)


def import_start(*, actor, kind: str, name: str, content: bytes) -> ImportJob:
    """Queue a file for import; the background worker runs it."""
    from drugcontrol.core.tasks import run_import

    _admit(actor=actor, kind=kind, name=name, content=content, options={})
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            file_name=(name or "")[:200],
            content=content,
            actor=actor,
            language=translation.get_language() or "",
        )
        record_event(
            actor=actor,
            action="import.queued",
            obj=job,
            after={"kind": kind, "file": job.file_name, "bytes": len(content)},
        )
        transaction.on_commit(lambda: run_import.enqueue(job_id=job.pk))
    return job


def import_now(
    *, actor, kind: str, name: str = "", content: bytes = b"", upload=None, progress=None, **options
):
    """Run an import at once (small reference files, the command line) after the same
    checks as a queued one; returns the importer's result or raises its report."""
    importer = _admit(actor=actor, kind=kind, name=name, content=None, options=options)
    if upload is not None:
        name, content = _read_upload(upload)
    tabular.check_file(name, content, suffixes=importer.suffixes)
    return importer.run(actor=actor, name=name, content=content, progress=progress, **options)


def import_rules(kind: str) -> dict:
    """The limits an import page states (see _import_rules.html)."""
    return {
        "max_rows": IMPORTERS[kind].max_rows,
        "max_cell": tabular.MAX_CELL_CHARS,
        "max_mb": MAX_BYTES // (1024 * 1024),
    }


def import_summary(job: ImportJob) -> str:
    """A finished job's result in one sentence of the active language ("" before)."""
    if job.state != ImportState.DONE:
        return ""
    return IMPORTERS[job.kind].summary(job.result)


def _progress(job_id: int):
    def report(checked: int, total: int, state: str = ImportState.CHECKING) -> None:
        if state != ImportState.CHECKING or checked in (0, total) or checked % PROGRESS_EVERY == 0:
            ImportJob.objects.filter(pk=job_id).update(state=state, checked=checked, total=total)

    return report


def import_run(job_id: int) -> ImportJob:
    """Run one queued import (called by the worker), in the uploader's language."""
    job = ImportJob.objects.select_related("actor__organisation").get(pk=job_id)
    if job.state not in (ImportState.QUEUED, ImportState.CHECKING):
        return job  # already run
    language = job.language or job.actor.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            require(job.actor, IMPORTERS[job.kind].action)  # the right may have gone since
            result = IMPORTERS[job.kind].run(
                actor=job.actor,
                name=job.file_name,
                content=bytes(job.content),
                progress=_progress(job.pk),
            )
        except ValidationFailed as error:
            state, report, result = ImportState.FAILED, stored_report(error), {}
        except ServiceError as error:  # a refusal for the whole file (e.g. the right was lost)
            state, result = ImportState.FAILED, {}
            report = stored_report(ValidationFailed({tabular.FILE: [error.message]}))
        except Exception:  # the report must say something whatever went wrong
            logger.exception("import %s failed", job.pk)
            state, result = ImportState.FAILED, {}
            unexpected = _("The import stopped on an unexpected error.")
            report = stored_report(ValidationFailed({tabular.FILE: [unexpected]}))
        else:
            state, report = ImportState.DONE, []
    ImportJob.objects.filter(pk=job.pk).update(
        state=state, report=report, result=result, content=b"", finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def stored_report(error: ValidationFailed) -> list[dict]:
    """A failed import's problems as stored on its job: one entry per message, with where
    it is (a row, the rows of one record, an item of a JSON file, the whole file) and the
    message as catalogue entries and parameters (`core.messages.stored`), and the file's
    column as it is named there, so the report reads in whichever language its reader
    uses."""
    problems = []
    for where, columns in import_report(error).items():
        place = _("file") if where == tabular.FILE else where
        for column, messages in columns.items():
            for message in messages:
                problems.append(
                    {"where": stored(place), "column": str(column), "message": stored(message)}
                )
    return problems


@dataclass(frozen=True)
class ImportProblem:
    """One line of a failed import's report, in the active language; `stored_where` and
    `stored_message` are the stored message (for the API)."""

    where: str
    column: str
    message: str
    stored_where: dict
    stored_message: dict


def import_problems(job: ImportJob) -> list[ImportProblem]:
    """The job's report in the active language, in the order it was found."""
    report = job.report if isinstance(job.report, list) else []
    return [
        ImportProblem(
            where=render(problem.get("where")),
            column=str(problem.get("column") or ""),
            message=render(problem.get("message")),
            stored_where=problem.get("where") or {},
            stored_message=problem.get("message") or {},
        )
        for problem in report
        if isinstance(problem, dict)
    ]
