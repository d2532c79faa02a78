"""One upload-and-follow-the-job pair of pages for every background import.

An app's import page is two thin views that call these with the importer's kind (as
registered with `core.imports.register_importer`), its templates, the right the page asks
and its navigation entry:

    @login_required
    def incident_import(request):
        return import_upload_page(
            request,
            kind="incidents.incidents",
            template="incidents/incident_import.html",
            permission="incidents.incident_import",
            nav="incidents",
            job_url="incidents:import_job",
            context={"columns": imports.COLUMNS},
        )

    @login_required
    def import_job(request, job_id: int):
        return import_job_page(
            request, job_id=job_id, kind="incidents.incidents",
            template="incidents/import_job.html", nav="incidents",
        )

The upload page checks the right (a 403 page otherwise), then hands the file to
`core.imports.import_upload`, which checks the importer's right again before reading the
file, its size and shape, and queues it through `import_start`; the page then follows the
job. The job page shows the progress (HTMX polls `?fragment=1`, answered with
`_import_progress.html`) and, once finished, the summary or the report by row and column.
Only the uploader sees a job; another kind's job is a 404."""

from collections.abc import Callable

from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from drugcontrol.core import imports as core_imports
from drugcontrol.core import selectors
from drugcontrol.core.errors import ServiceError
from drugcontrol.core.forms import Form, add_service_error
from drugcontrol.core.permissions import require_page

# The right an import page asks: an action's name (asked about no record), or a function
# of the request that raises PermissionDenied (a record of its own, a country ...).
Permission = str | Callable


class ImportUploadForm(Form):
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, suffixes=(), **kwargs):
        super().__init__(*args, **kwargs)
        if suffixes:
            self.fields["file"].widget.attrs["accept"] = ",".join(suffixes)


def _ask(request, permission: Permission) -> None:
    if callable(permission):
        permission(request)
    else:
        require_page(request.user, permission)


def form_errors(form) -> dict[str, list[str]]:
    """A form's errors as `{field: [messages]}` (`__all__` above the form), for templates
    that list them."""
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}


def import_upload_page(
    request,
    *,
    kind: str,
    template: str,
    permission: Permission,
    nav: str,
    job_url: str,
    context: dict | None = None,
):
    """The upload page of an import (GET: the form; POST: queue the file and follow it)."""
    _ask(request, permission)
    importer = core_imports.IMPORTERS[kind]
    form = ImportUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        suffixes=importer.suffixes,
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = core_imports.import_upload(
                actor=request.user, kind=kind, upload=form.cleaned_data["file"]
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            return redirect(job_url, job.pk)
    if "file" in form.errors:  # the one field: focused, and marked for assistive technology
        form.fields["file"].widget.attrs.update({"autofocus": True, "aria-invalid": "true"})
    page = {
        **(context or {}),
        "form": form,
        "errors": form_errors(form),
        "rules": core_imports.import_rules(kind),
        "active_nav": nav,
    }
    return render(request, template, page, status=422 if form.errors else 200)


def import_job_page(
    request,
    *,
    job_id: int,
    kind: str,
    template: str,
    nav: str,
    permission: Permission | None = None,
    context: dict | None = None,
):
    """The page following a background import (for HTMX, its progress fragment)."""
    if permission is not None:
        _ask(request, permission)
    job = selectors.import_job_get(user=request.user, job_id=job_id, kind=kind)
    page = {
        **(context or {}),
        "job": job,
        "done_message": core_imports.import_summary(job),
        "problems": core_imports.import_problems(job),
        "active_nav": nav,
    }
    fragment = request.GET.get("fragment")
    return render(request, "_import_progress.html" if fragment else template, page)
