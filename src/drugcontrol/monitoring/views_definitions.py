"""The secretariat keeps the definitions: a data element, validation rule, indicator or
target added or changed on its form (checked as the whole definitions would be), and the
definitions downloaded as JSON or loaded from such a file, all or nothing."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drugcontrol.core.bounds import plain_number
from drugcontrol.core.errors import Conflict, ServiceError
from drugcontrol.core.forms import add_service_error
from drugcontrol.core.permissions import require_page
from drugcontrol.monitoring import selectors, services
from drugcontrol.monitoring.forms import DEFINITION_FORMS, DefinitionsUploadForm

MAX_UPLOAD = 2 * 1024 * 1024  # a definitions file is some tens of kilobytes
TITLES = {
    "elements": (gettext_lazy("New data element"), gettext_lazy("Data element")),
    "rules": (gettext_lazy("New validation rule"), gettext_lazy("Validation rule")),
    "indicators": (gettext_lazy("New indicator"), gettext_lazy("Indicator")),
    "targets": (gettext_lazy("New target"), gettext_lazy("Target")),
}


def _existing(user, part: str, code: str):
    lists = {
        "elements": selectors.element_list,
        "rules": selectors.rule_list,
        "indicators": selectors.indicator_list,
        "targets": selectors.target_list,
    }
    found = lists[part](user).filter(code=code).first()
    if found is None:
        raise Http404
    return found


def _initial(part: str, row) -> dict:
    fields = {name: getattr(row, name) for name in ("code", "name_en", "name_zh", "version")}
    if part == "elements":
        fields.update(
            {n: getattr(row, n) for n in ("section", "value_type", "unit")},
            description_en=row.description_en,
            description_zh=row.description_zh,
            minimum="" if row.minimum is None else plain_number(row.minimum),
            maximum="" if row.maximum is None else plain_number(row.maximum),
            categories=[c.code for c in row.categories.all()],
        )
    elif part == "rules":
        fields.update({n: getattr(row, n) for n in ("left", "operator", "right", "importance")})
    elif part == "indicators":
        names = ("numerator", "denominator", "breakdown", "weight", "unit_en", "unit_zh")
        fields.update({n: getattr(row, n) for n in names}, decimals=row.decimals)
        fields["factor"] = plain_number(row.factor)
    else:
        fields.update(
            indicator=row.indicator.code,
            baseline_year=row.baseline_year,
            target_year=row.target_year,
            change_percent=plain_number(row.change_percent),
            source=row.source,
        )
    return fields


def _form(request, part: str, row):
    options = {"existing": row is not None}
    if part in ("elements", "indicators"):
        options["categories"] = list(selectors.category_list(request.user))
    if part == "elements":
        options["datasets"] = list(selectors.dataset_list(request.user))
    if part == "targets":
        options["indicators"] = list(selectors.indicator_list(request.user))
    initial = _initial(part, row) if row is not None else None
    form = DEFINITION_FORMS[part](request.POST or None, initial=initial, **options)
    if part == "elements" and row is not None:
        del form.fields["dataset"]
    return form


def _item(form, row) -> dict:
    data = dict(form.cleaned_data)
    data.pop("version", None)
    data.pop("dataset", None)
    if row is not None:
        data["code"] = row.code
    return {
        name: (None if value == "" and name in ("minimum", "maximum") else value)
        for name, value in data.items()
    }


@login_required
def definition_edit(request, part: str, code: str | None = None):
    if part not in DEFINITION_FORMS:
        raise Http404
    require_page(request.user, "monitoring.definitions_keep")
    row = _existing(request.user, part, code) if code is not None else None
    form = _form(request, part, row)
    if request.method == "POST" and form.is_valid():
        try:
            services.definition_save(
                actor=request.user,
                part=part,
                item=_item(form, row),
                expected_version=form.cleaned_data.get("version"),
                dataset=form.cleaned_data.get("dataset"),
            )
        except Conflict as error:
            form.add_error(None, str(error.message))
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The definitions were saved."))
            return redirect("monitoring:definitions")
    context = {"form": form, "title": TITLES[part][row is not None], "row": row, "part": part}
    status = 400 if form.errors else 200
    return render(request, "monitoring/definition_edit.html", context, status=status)


@login_required
def definitions_file(request):
    """GET: the definitions as JSON. POST: a definitions file loaded (or only checked)."""
    if request.method != "POST":
        require_page(request.user, "monitoring.definitions_read")
        response = HttpResponse(
            json.dumps(services.definitions_export(), ensure_ascii=False, indent=1, default=str),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="definitions.json"'
        return response
    require_page(request.user, "monitoring.definitions_keep")
    form = DefinitionsUploadForm(request.POST, request.FILES)
    problems = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_UPLOAD:
                raise ValueError
            document = json.loads(upload.read().decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            form.add_error("file", _("Not a JSON file of at most 2 MB."))
        else:
            try:
                counts = services.definitions_apply(
                    actor=request.user,
                    document=document,
                    source=upload.name,
                    dry_run=form.cleaned_data["dry_run"],
                )
            except ServiceError as error:
                problems = sorted((str(k), [str(m) for m in v]) for k, v in error.details.items())
                form.add_error(None, str(error.message))
            else:
                text = (
                    _("The file is correct: %(changed)s definitions would be added or changed.")
                    if form.cleaned_data["dry_run"]
                    else _("%(changed)s definitions were added or changed.")
                )
                messages.success(request, text % {"changed": counts["changed"]})
                return redirect("monitoring:definitions")
    context = {"upload_form": form, "problems": problems}
    return render(request, "monitoring/definitions_upload.html", context, status=400)
