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
table through an `Approval` of their own rules and audit events.
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


@dataclass(frozen=True)
class Approval:
    """The table as one app uses it: its own rule for the table's submitting steps and
    for its deciding steps, and its own audit events (`<audit_prefix>.submitted`, ...)."""

    submit: str
    decide: str
    audit_prefix: str

    def permission(self, row: Transition) -> str:
        return self.submit if row.permission == DATA_SUBMIT.name else self.decide

    def audit(self, row: Transition) -> str:
        return f"{self.audit_prefix}.{row.audit.split('.', 1)[1]}"

    def offered(self, user, record) -> list[Transition]:
        """The rows the user may take on the record now (one per action)."""
        found = {}
        for row in TABLE:
            if record.status in row.sources and can(user, self.permission(row), record):
                found.setdefault(row.action, row)
        return list(found.values())

    def transition_for(self, user, record, action: str) -> Transition | None:
        """The row the user may take for `action`; None when the action exists but is not
        the user's to take now; a field error for an unknown action."""
        if action not in ACTIONS:
            raise ValidationFailed({"action": [_("Unknown action.")]})
        for row in self.offered(user, record):
            if row.action == action:
                return row
        return None

    def prepare(
        self, user, record, action: str, comment, *, max_comment: int, wrong_status, refused
    ) -> tuple[Transition, str]:
        """The step the user asks for, checked before anything changes: the row (a field
        error `wrong_status % {"status": ...}` when the step is the user's in another
        status, PermissionDenied(`refused`) when it never is) and the comment, trimmed and
        checked (required where the step needs one)."""
        from drugcontrol.core.bounds import text_problem
        from drugcontrol.core.errors import PermissionDenied

        row = self.transition_for(user, record, action)
        if row is None:
            if self.ever_allowed(user, record, action):
                label = Status(record.status).label
                raise ValidationFailed({"status": [wrong_status % {"status": label}]})
            raise PermissionDenied(refused)
        comment = comment.strip() if isinstance(comment, str) else ""
        if row.needs_comment and not comment:
            raise ValidationFailed({"comment": [_("Say why, for the other side to read.")]})
        if len(comment) > max_comment:
            raise ValidationFailed(
                {"comment": [_("At most %(limit)s characters.") % {"limit": max_comment}]}
            )
        if problem := text_problem(comment):
            raise ValidationFailed({"comment": [problem]})
        return row, comment

    def ever_allowed(self, user, record, action: str) -> bool:
        """Whether the step is ever the user's on this record (in some status)."""
        return any(can(user, self.permission(row), record) for row in TABLE if row.action == action)


MONITORING = Approval(DATA_SUBMIT.name, DATA_DECIDE.name, "monitoring")


def offered(user, record) -> list[Transition]:
    """The rows the user may take on the record now (one per action)."""
    return MONITORING.offered(user, record)


def transition_for(user, record, action: str) -> Transition | None:
    """The row the user may take for `action`; None when the action exists but is not the
    user's to take now; a field error for an unknown action."""
    return MONITORING.transition_for(user, record, action)
