"""The scheduling pipeline as one table (the style of precursors/workflow.py): from which
stages each step may be taken, who may take it (an action of `permissions.py`), the stages
it may lead to, its audit event, the date it carries and its route.

The table drives every surface of the pipeline:

- the services check their step through it (`require_step` first, `check_step` on the
  locked row: a 409 with the row's message when the stage does not allow it);
- `allowed` offers exactly the rows whose stage and permission allow them: the review page's
  step forms and the API's `actions`;
- the API has one route per row, generated from the table (`route`);
- `perform` takes any row's step through the service registered for it (`implements`).

This module imports no service (services import it), so selectors and pages may read it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.errors import Conflict, ValidationFailed
from drugcontrol.core.permissions import can, require
from drugcontrol.nps.models.pipeline import ReviewAction, ReviewStage

OPEN_ACTION = "nps.review_open"
STEP_ACTION = "nps.review_step"
READ_ACTION = "nps.pipeline_read"


@dataclass(frozen=True)
class Step:
    action: str  # a ReviewAction
    sources: frozenset  # the stages the step may start from
    targets: tuple  # the stages it may lead to (the first is where it usually leads)
    permission: str
    audit: str  # the audit event's action
    date_field: str  # the day the step happened, as the service, API and form name it
    label: str  # the form's heading and button
    refusal: str  # the 409's message when the stage does not allow it
    route: str  # below /nps/pipeline/{id}

    def allows(self, review) -> bool:
        return review.stage in self.sources


S = ReviewStage
# fmt: off
TABLE = (
    Step(ReviewAction.PRE_REVIEW, frozenset({S.SURVEILLANCE}), (S.PRE_REVIEW,), STEP_ACTION,
         "nps.review_pre_review_begun", "started_on", _("Begin the WHO pre-review"),
         _("A pre-review begins while the substance is under surveillance."), "pre-review"),
    Step(ReviewAction.CRITICAL_REVIEW, frozenset({S.SURVEILLANCE, S.PRE_REVIEW}),
         (S.CRITICAL_REVIEW,), STEP_ACTION,
         "nps.review_critical_review_begun", "started_on", _("Begin the WHO critical review"),
         _("A critical review begins under surveillance or after a pre-review."),
         "critical-review"),
    Step(ReviewAction.RECOMMEND, frozenset({S.PRE_REVIEW, S.CRITICAL_REVIEW}),
         (S.RECOMMENDED, S.NOT_RECOMMENDED, S.SURVEILLANCE), STEP_ACTION,
         "nps.review_recommended", "recommended_on", _("Record the WHO recommendation"),
         _("WHO recommends after a pre-review or a critical review."), "recommendation"),
    Step(ReviewAction.VOTE, frozenset({S.RECOMMENDED}), (S.ADOPTED, S.REJECTED), STEP_ACTION,
         "nps.review_voted", "voted_on", _("Record the vote of the Commission"),
         _("The Commission votes on a recommendation to schedule."), "vote"),
    Step(ReviewAction.ENTER_INTO_FORCE, frozenset({S.ADOPTED}), (S.IN_FORCE,), STEP_ACTION,
         "nps.review_entered_into_force", "in_force_on", _("Record the entry into force"),
         _("A listing enters into force after the Commission adopted it."),
         "entry-into-force"),
)
# fmt: on
STEPS: dict[str, Step] = {str(step.action): step for step in TABLE}
BY_ROUTE: dict[str, Step] = {step.route: step for step in TABLE}


def step(action: str) -> Step:
    """The row of a step; an unknown step is a validation error."""
    row = STEPS.get(action)
    if row is None:
        raise ValidationFailed({"step": [_("Unknown step.")]})
    return row


def require_step(actor, review, action: str) -> None:
    """The permission check a service makes first."""
    require(actor, STEPS[action].permission, review)


def check_step(action: str, review) -> Step:
    """The stage check on the locked row: a 409 with the row's message when it is not open."""
    row = STEPS[action]
    if not row.allows(review):
        raise Conflict(row.refusal, details={"stage": review.stage})
    return row


def allowed(user, review) -> list[str]:
    """The steps the user may take now, in the table's order."""
    return [
        str(row.action) for row in TABLE if row.allows(review) and can(user, row.permission, review)
    ]


_services: dict[str, Callable] = {}


def implements(action: str):
    """Register the service that takes a row's step (the services module, on import)."""

    def register(service):
        if action not in STEPS:
            raise ImproperlyConfigured(f"{action} is not a row of the pipeline's table")
        _services[action] = service
        return service

    return register


def perform(action: str, *, actor, review, expected_version=None, **fields):
    """Take a step through its service, for the page and the API alike: `fields` are the
    service's own arguments (the step's date, recommendation, vote, note)."""
    step(action)
    if action not in _services:
        raise ImproperlyConfigured(f"no service takes the pipeline step {action}")
    return _services[action](
        actor=actor, review=review, expected_version=expected_version, **fields
    )
