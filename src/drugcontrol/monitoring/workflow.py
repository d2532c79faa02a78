"""The approval of a country's data set for a year, as one table: from which statuses each
action may be taken, who may take it, the status it leads to, whether it needs a comment,
and the audit event it writes. Services check their step through it; pages and the API offer
exactly the rows the user may take (`offered`).

    draft --submit--> submitted --accept--> accepted --publish--> published
      ^                   |                    |                     |
      +-----return--------+                    |                     |
      +-----reopen (with a reason)-------------+---------------------+

A returned data set is edited and submitted again like a draft. Other modules with answers
that go through the same approval (the implementation review's questionnaires) use this
table through `transition_for` and `offered`.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.permissions import can
from drugcontrol.monitoring.choices import Status
from drugcontrol.monitoring.permissions import DATA_DECIDE, DATA_SUBMIT


@dataclass(frozen=True)
class Transition:
    action: str
    label: object
    sources: frozenset
    target: str
    permission: str
    needs_comment: bool
    audit: str


TABLE = (
    Transition(
        "submit",
        _("Submit"),
        frozenset({Status.DRAFT, Status.RETURNED}),
        Status.SUBMITTED,
        DATA_SUBMIT.name,
        False,
        "monitoring.submitted",
    ),
    Transition(
        "return",
        _("Return with comments"),
        frozenset({Status.SUBMITTED, Status.ACCEPTED}),
        Status.RETURNED,
        DATA_DECIDE.name,
        True,
        "monitoring.returned",
    ),
    Transition(
        "accept",
        _("Accept"),
        frozenset({Status.SUBMITTED}),
        Status.ACCEPTED,
        DATA_DECIDE.name,
        False,
        "monitoring.accepted",
    ),
    Transition(
        "publish",
        _("Publish"),
        frozenset({Status.ACCEPTED}),
        Status.PUBLISHED,
        DATA_DECIDE.name,
        False,
        "monitoring.published",
    ),
    Transition(
        "reopen",
        _("Reopen for changes"),
        frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.PUBLISHED}),
        Status.DRAFT,
        DATA_SUBMIT.name,
        True,
        "monitoring.reopened",
    ),
    Transition(
        "reopen",
        _("Reopen for changes"),
        frozenset({Status.ACCEPTED, Status.PUBLISHED}),
        Status.DRAFT,
        DATA_DECIDE.name,
        True,
        "monitoring.reopened",
    ),
)
ACTIONS = tuple(dict.fromkeys(row.action for row in TABLE))


def offered(user, record) -> list[Transition]:
    """The rows the user may take on the record now (one per action)."""
    found = {}
    for row in TABLE:
        if record.status in row.sources and can(user, row.permission, record):
            found.setdefault(row.action, row)
    return list(found.values())


def transition_for(user, record, action: str) -> Transition | None:
    """The row the user may take for `action`; None when the action exists but is not the
    user's to take now; a field error for an unknown action."""
    if action not in ACTIONS:
        raise ValidationFailed({"action": [_("Unknown action.")]})
    for row in offered(user, record):
        if row.action == action:
            return row
    return None
