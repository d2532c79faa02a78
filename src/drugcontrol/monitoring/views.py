"""The monitoring pages: the reader's queue (their country's data sets, or those awaiting the
secretariat's decision), a data set's form for a year (the grid of its elements by their
options, last year's value beside each cell, a comment per cell, saving cell by cell as the
reader types and checking the rules live), its approval, and the definitions."""

import itertools
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from drugcontrol.core import selectors as core_selectors
from drugcontrol.core.bounds import plain_number
from drugcontrol.core.errors import ServiceError, ValidationFailed
from drugcontrol.core.forms import add_service_error
from drugcontrol.core.permissions import can, may_sometimes, require_page
from drugcontrol.monitoring import selectors, services, workflow
from drugcontrol.monitoring.choices import EDITABLE, Status
from drugcontrol.monitoring.expressions import disaggregation_key, parse_key
from drugcontrol.monitoring.forms import ActForm, DefinitionsUploadForm, OpenForm

CELL = "cell|"  # a grid input's name: cell|ELEMENT|category=option;...
NOTE = "note|"  # its comment's


@login_required
def home(request):
    require_page(request.user, "monitoring.data_read")
    user = request.user
    datasets = list(selectors.dataset_list(user))
    form = OpenForm(datasets=datasets) if may_sometimes(user, "monitoring.data_enter") else None
    own = selectors.submission_list(user, country=user.country_id) if user.country_id else []
    awaiting = (
        selectors.submission_list(user, status=Status.SUBMITTED)
        if may_sometimes(user, "monitoring.data_decide")
        else []
    )
    published = selectors.submission_list(user, status=Status.PUBLISHED)[:50]
    context = {
        "form": form,
        "own": list(own),
        "awaiting": list(awaiting),
        "published": list(published),
        "targets": list(selectors.target_list(user)),
        "indicators": list(selectors.indicator_list(user)),
    }
    return render(request, "monitoring/home.html", context)


@login_required
def open_submission(request):
    require_page(request.user, "monitoring.data_enter")
    datasets = list(selectors.dataset_list(request.user))
    form = OpenForm(request.POST or None, datasets=datasets)
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.submission_open(
                actor=request.user,
                country=request.user.country_id or "",
                dataset=selectors.dataset_get(request.user, form.cleaned_data["dataset"]),
                year=form.cleaned_data["year"],
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            return redirect("monitoring:submission", submission.pk)
    context = {"form": form, "own": [], "awaiting": [], "published": []}
    return render(request, "monitoring/home.html", context, status=422 if form.errors else 200)


def _states(user, submission) -> tuple[list, dict]:
    """(the violations with their text, {cell: (state, texts)})."""
    names = selectors.option_names()
    report = selectors.validation_report(submission, user)
    shown, states = [], {}
    for violation in report:
        text = selectors.violation_text(violation, names)
        shown.append((violation, text))
        for cell_key in violation.cells:
            state, texts = states.get(cell_key, ("", []))
            state = "error" if violation.is_error or state == "error" else "warning"
            states[cell_key] = (state, [*texts, text])
    return shown, states


def grid(user, submission, *, typed=None, problems=None) -> list[dict]:
    """The data set's elements as grids: rows are the options of all but the last category,
    columns those of the last; each cell with its value (or what was typed), last year's,
    its comment and its state (a field error, a rule's error or warning)."""
    typed, problems = typed or {}, problems or {}
    options = selectors.category_options(user, country=submission.country_id)
    values = {
        (v.element_code, v.disaggregation): v
        for v in selectors.value_list(user).filter(submission=submission)
    }
    previous = selectors.previous_values(submission, user)
    _shown, states = _states(user, submission)
    blocks = []
    for element in selectors.dataset_elements(user, submission.dataset):
        categories = [c.code for c in element.categories.all()]
        heads = options.get(categories[-1], []) if categories else [None]
        row_lists = [options.get(c, []) for c in categories[:-1]]
        rows = []
        for row_options in itertools.product(*row_lists):
            cells = []
            for head in heads:
                chosen = {o.category.code: o.code for o in (*row_options, head) if o is not None}
                key = disaggregation_key(chosen)
                cells.append(_cell(element, key, values, previous, states, typed, problems))
            label = " / ".join(o.label for o in row_options)
            rows.append({"label": label, "cells": cells})
        blocks.append({"element": element, "heads": heads, "rows": rows})
    return blocks


def _cell(element, key, values, previous, states, typed, problems) -> dict:
    stored = values.get((element.code, key))
    name = f"{CELL}{element.code}|{key}"
    state, texts = states.get((element.code, key), ("", []))
    problem = problems.get(name)
    return {
        "element": element.code,
        "key": key,
        "name": name,
        "note_name": f"{NOTE}{element.code}|{key}",
        "value": typed.get(name, plain_number(stored.value) if stored else ""),
        "comment": typed.get(f"{NOTE}{element.code}|{key}", stored.comment if stored else ""),
        "version": stored.version if stored else 0,
        "previous": plain_number(previous.get((element.code, key))),
        "state": "error" if problem else state,
        "messages": [problem] if problem else texts,
    }


def _options(key: str) -> dict:
    """A cell's {category: option} from its name (a name made by hand that does not read
    gives none: the service then asks for each option)."""
    try:
        return parse_key(key)
    except ValueError:
        return {}


def _page(request, submission, *, typed=None, problems=None, act_form=None, status=200):
    user = request.user
    shown, _states_of_cells = _states(user, submission)
    context = {
        "submission": submission,
        "blocks": grid(user, submission, typed=typed, problems=problems),
        "editable": submission.status in EDITABLE
        and can(user, "monitoring.data_enter", submission),
        "violations": shown,
        "errors": sum(1 for v, _t in shown if v.is_error),
        "warnings": sum(1 for v, _t in shown if not v.is_error),
        "actions": workflow.offered(user, submission),
        "act_form": act_form or ActForm(initial={"version": submission.version}),
        "comments": selectors.comments_of(user, submission),
        "problems": problems or {},
    }
    return render(request, "monitoring/submission.html", context, status=status)


@login_required
def submission(request, submission_id: int):
    """The form; posting it saves every cell at once (the page without script)."""
    require_page(request.user, "monitoring.data_read")
    record = selectors.submission_get(request.user, submission_id)
    if request.method != "POST":
        return _page(request, record)
    require_page(request.user, "monitoring.data_enter", record)
    typed = {k: v for k, v in request.POST.items() if k.startswith((CELL, NOTE))}
    items = []
    for name, value in typed.items():
        if not name.startswith(CELL):
            continue
        _prefix, element, key = [*name.split("|", 2), "", ""][:3]
        items.append(
            services.ValueInput(
                element=element,
                options=_options(key),
                value=value,
                comment=typed.get(f"{NOTE}{element}|{key}", ""),
                row=name,
            )
        )
    try:
        counts = services.values_set(
            actor=request.user, submission=record, items=items, source="form"
        )
    except ValidationFailed as error:
        problems = {}
        for where, texts in error.details.items():
            cell, _dot, _column = where.rpartition(".")
            problems[cell if cell.startswith(CELL) else where] = texts[0]
        return _page(request, record, typed=typed, problems=problems, status=422)
    except ServiceError as error:
        return _page(
            request,
            record,
            typed=typed,
            problems={"": error.describe()},
            status=error.status,
        )
    messages.success(
        request,
        _("Saved: %(new)s new, %(changed)s changed, %(removed)s removed.") % counts,
    )
    return redirect("monitoring:submission", record.pk)


@require_POST
@login_required
def cell(request, submission_id: int):
    """One cell saved as the reader leaves it (htmx): the cell drawn again with its state,
    and the rules' panel beside the form brought up to date."""
    require_page(request.user, "monitoring.data_enter")
    record = selectors.submission_get(request.user, submission_id)
    require_page(request.user, "monitoring.data_enter", record)
    element = request.POST.get("element", "")
    key = request.POST.get("key", "")
    options = _options(key)
    # The cell as the grid names it (its options in the order of the category codes).
    name, note = (f"{prefix}{element}|{disaggregation_key(options)}" for prefix in (CELL, NOTE))
    typed = {
        name: request.POST.get(f"{CELL}{element}|{key}", ""),
        note: request.POST.get(f"{NOTE}{element}|{key}", ""),
    }
    problems = {}
    try:
        services.value_set(
            actor=request.user,
            submission=record,
            item=services.ValueInput(
                element=element, options=options, value=typed[name], comment=typed[note]
            ),
        )
        typed = {}
    except ServiceError as error:
        problems[name] = (
            error.describe()
            if not isinstance(error, ValidationFailed)
            else ("; ".join(texts[0] for texts in error.details.values()))
        )
    blocks = grid(request.user, record, typed=typed, problems=problems)
    found = next(
        (c for b in blocks for r in b["rows"] for c in r["cells"] if c["name"] == name), None
    )
    if found is None:  # no cell of this form (a hand-made request): nothing was stored
        return HttpResponse(
            problems.get(name) or _("No such cell in this form."),
            status=422,
            content_type="text/plain; charset=utf-8",
        )
    shown, _states_of_cells = _states(request.user, record)
    context = {
        "cell": found,
        "submission": record,
        "editable": True,
        "violations": shown,
        "errors": sum(1 for v, _t in shown if v.is_error),
        "warnings": sum(1 for v, _t in shown if not v.is_error),
    }
    return render(request, "monitoring/_cell_saved.html", context)


@require_POST
@login_required
def act(request, submission_id: int):
    """A step of the approval (the buttons beside the form)."""
    require_page(request.user, "monitoring.data_read")
    record = selectors.submission_get(request.user, submission_id)
    form = ActForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.submission_act(
                actor=request.user,
                submission=record,
                action=form.cleaned_data["action"],
                comment=form.cleaned_data["comment"],
                expected_version=form.cleaned_data["version"],
            )
        except ServiceError as error:
            add_service_error(form, error)
            status = error.status
        else:
            messages.success(
                request,
                _("Done: the data is now %(status)s.")
                % {
                    "status": Status(selectors.submission_get(request.user, record.pk).status).label
                },
            )
            return redirect("monitoring:submission", record.pk)
    record = selectors.submission_get(request.user, submission_id)
    return _page(request, record, act_form=form, status=status)


def _listed(user, options: list) -> tuple[list, list]:
    """(the options, []) or, for regions (each of one country), ([], [(country, how many)])."""
    if not any(option.country_id for option in options):
        return options, []
    counts = Counter(option.country_id for option in options)
    countries = core_selectors.country_list(user=user).filter(iso3__in=list(counts))
    names = {country.iso3: country.name for country in countries}
    return [], sorted((names.get(code, code), count) for code, count in counts.items())


@login_required
def definitions(request):
    require_page(request.user, "monitoring.definitions_read")
    options = selectors.category_options(request.user)
    context = {
        "elements": [
            (
                element,
                [
                    (c, *_listed(request.user, options.get(c.code, [])))
                    for c in element.categories.all()
                ],
            )
            for element in selectors.element_list(request.user)
        ],
        "datasets": [
            (d, selectors.dataset_elements(request.user, d))
            for d in selectors.dataset_list(request.user)
        ],
        "rules": selectors.rule_list(request.user),
        "indicators": selectors.indicator_list(request.user),
        "targets": selectors.target_list(request.user),
        "may_keep": can(request.user, "monitoring.definitions_keep"),
        "upload_form": DefinitionsUploadForm(),
    }
    return render(request, "monitoring/definitions.html", context)
