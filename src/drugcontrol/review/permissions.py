"""Who may do which action in the implementation review: one rule per action.

The statement, the cycles and their questionnaires are read by every signed-in user; the
secretariat keeps the cycles. A country's focal point answers its questionnaire and submits
it; the secretariat accepts, returns and publishes answers (the monitoring data's approval,
in the review's own permissions)."""

from django.utils.translation import gettext_lazy as _

from drugcontrol.core.models import OrganisationKind as Kind
from drugcontrol.core.models import Role
from drugcontrol.core.permissions import action

_EVERY_READER = {kind: Role.VIEWER for kind in Kind}
_NATIONAL_FOCAL_POINTS = {Kind.COMPETENT_AUTHORITY: Role.FOCAL_POINT}
_SECRETARIAT_OFFICERS = {Kind.INTERNATIONAL: Role.OFFICER}


def _own_country(user, record) -> bool:
    return record is None or (
        user.country_id is not None and user.country_id == getattr(record, "country_id", None)
    )


REVIEW_READ = action(
    "review.report_read",
    _("Read the statement, review cycles, published answers and reports"),
    grants=_EVERY_READER,
    condition_text="answers: published ones; unpublished: the country and the secretariat",
    refusal=_("Sign in to read the review."),
)
CYCLE_KEEP = action(
    "review.cycle_keep",
    _("Open and change review cycles and their questionnaires"),
    grants=_SECRETARIAT_OFFICERS,
    refusal=_("The secretariat keeps the review cycles."),
)
RESPONSE_SUBMIT = action(
    "review.response_submit",
    _("Answer the country's questionnaire, submit it; reopen it with a reason"),
    grants=_NATIONAL_FOCAL_POINTS,
    condition=_own_country,
    condition_text="the user's own country",
    refusal=_("The country's focal point answers its questionnaire."),
)
RESPONSE_DECIDE = action(
    "review.response_decide",
    _("Accept, return, publish or reopen a country's answers"),
    grants=_SECRETARIAT_OFFICERS,
    refusal=_("The secretariat accepts, returns and publishes answers."),
)
