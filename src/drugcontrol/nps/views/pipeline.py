"""The scheduling pipeline's pages: the board (every review with its progress), opening a
review, and one review's timeline with the step forms the reader may use."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from drugcontrol.core.errors import ServiceError, ValidationFailed
from drugcontrol.core.filters import filter_form
from drugcontrol.core.forms import add_service_error
from drugcontrol.core.permissions import can, require_page
from drugcontrol.nps import pipeline_workflow, selectors_pipeline
from drugcontrol.nps.forms_pipeline import STEP_FORMS, ReviewOpenForm
from drugcontrol.nps.permissions import PIPELINE_READ, REVIEW_OPEN
from drugcontrol.nps.pipeline_choices import PIPELINE_STAGES, ReviewStage
from drugcontrol.nps.services import pipeline as services

ACTIVE_NAV = "nps"


def _stages():
    return [(str(stage), stage.label) for stage in PIPELINE_STAGES]


@login_required
def pipeline_board(request):
    """Every review the filter selects, each with its progress along the six stages, and the
    number of reviews in each stage."""
    require_page(request.user, PIPELINE_READ.name)
    form = filter_form(selectors_pipeline.ReviewFilter, request.GET)
    board = selectors_pipeline.board(user=request.user, filters=form.filters())
    for review in board["reviews"]:
        review.steps_done = range(review.progress)
        review.steps_left = range(len(PIPELINE_STAGES) - review.progress)
    context = {
        "form": form,
        "board": board,
        "columns": [(code, label, board["counts"].get(code, 0)) for code, label in _stages()],
        "closed": [
            (str(stage), stage.label, board["counts"].get(str(stage), 0))
            for stage in (ReviewStage.NOT_RECOMMENDED, ReviewStage.REJECTED)
        ],
        "may_open": can(request.user, REVIEW_OPEN.name),
        "active_nav": ACTIVE_NAV,
        "section": "pipeline",
    }
    return render(request, "nps/pipeline_board.html", context)


@login_required
def pipeline_open(request):
    """Place a registry substance under review (the secretariat)."""
    require_page(request.user, REVIEW_OPEN.name)
    form = ReviewOpenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        substance = selectors_pipeline.substance_for_review(
            user=request.user, name=form.cleaned_data["substance"]
        )
        try:
            if substance is None:
                raise ValidationFailed(
                    {"substance": [_("No substance of the registry has this name.")]}
                )
            review = services.review_open(
                actor=request.user,
                substance=substance,
                opened_on=form.cleaned_data["opened_on"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as error:
            add_service_error(form, error, fields={"substance_id": "substance"})
            status = error.status
        else:
            messages.success(request, _("The substance is under review."))
            return redirect("nps:pipeline_review", review.pk)
    elif request.method == "POST":
        status = 422
    context = {"form": form, "active_nav": ACTIVE_NAV, "section": "pipeline"}
    return render(request, "nps/pipeline_open.html", context, status=status)


def _review_page(request, review, *, failed=None, status=200):
    actions = selectors_pipeline.review_actions(user=request.user, review=review)
    forms = []
    for action in actions:
        row = pipeline_workflow.STEPS[action]
        if failed is not None and failed.prefix == action:
            form = failed
        else:
            form = STEP_FORMS[action](prefix=action, initial={"version": review.version})
        forms.append({"action": action, "label": row.label, "route": row.route, "form": form})
    context = {
        "review": review,
        "steps": selectors_pipeline.review_steps(user=request.user, review=review),
        "stages": _stages(),
        "step_forms": forms,
        "active_nav": ACTIVE_NAV,
        "section": "pipeline",
    }
    return render(request, "nps/pipeline_review.html", context, status=status)


@login_required
def pipeline_review(request, review_id: int):
    review = selectors_pipeline.review_get(user=request.user, review_id=review_id)
    return _review_page(request, review)


@require_POST
@login_required
def pipeline_step(request, review_id: int, route: str):
    """One step of the pipeline's table, from the review page's form."""
    review = selectors_pipeline.review_get(user=request.user, review_id=review_id)
    row = pipeline_workflow.BY_ROUTE.get(route)
    if row is None:
        raise Http404
    action = str(row.action)
    require_page(request.user, row.permission, review)
    form = STEP_FORMS[action](request.POST, prefix=action)
    status = 422
    if form.is_valid():
        try:
            pipeline_workflow.perform(
                action,
                actor=request.user,
                review=review,
                expected_version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except ServiceError as error:
            add_service_error(form, error)
            status = error.status
        else:
            messages.success(request, _("The step is recorded."))
            return redirect("nps:pipeline_review", review.pk)
    review = selectors_pipeline.review_get(user=request.user, review_id=review_id)
    return _review_page(request, review, failed=form, status=status)
