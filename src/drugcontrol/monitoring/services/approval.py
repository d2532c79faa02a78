"""The approval of a country's data set for a year (workflow.py's table): submit (no error
left, every warning explained by a comment on one of its cells), return with comments,
accept, publish, reopen with a reason. Each step one transaction, one audit event, its alert."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from drugcontrol.core.alerts import alerts_raise
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.versioning import versioned_change
from drugcontrol.monitoring import alerts, selectors, workflow
from drugcontrol.monitoring.models import DataValue, Submission, SubmissionComment

MAX_COMMENT = 5000
MESSAGE_FOR = {
    "submit": "monitoring.submitted",
    "return": "monitoring.returned",
    "accept": "monitoring.accepted",
    "publish": "monitoring.published",
    "reopen": "monitoring.reopened",
}


def submission_problems(submission: Submission) -> dict[str, list[str]]:
    """What stops a submission: each error, and each warning no cell of it explains."""
    report = selectors.validation_report(submission)
    commented = set(
        DataValue.objects.filter(submission=submission)
        .exclude(comment="")
        .values_list("element__code", "disaggregation")
    )
    problems = {}
    errors = [v for v in report if v.is_error]
    unexplained = [v for v in report if not v.is_error and not commented & set(v.cells)]
    if errors:
        problems["errors"] = [selectors.violation_text(v) for v in errors]
    if unexplained:
        problems["warnings"] = [
            _("%(rule)s: explain it in a comment on the value.")
            % {"rule": selectors.violation_text(v)}
            for v in unexplained
        ]
    return problems


def submission_act(
    *, actor, submission: Submission, action: str, comment: str = "", expected_version=None
) -> Submission:
    # The step is the actor's on this record in another status: say so; otherwise it is
    # never theirs (another country's focal point, a data provider): refused.
    row, comment = workflow.MONITORING.prepare(
        actor,
        submission,
        action,
        comment,
        max_comment=MAX_COMMENT,
        wrong_status=_("This cannot be done while the data is %(status)s."),
        refused=_("You may not do this to this data."),
    )
    if action == "submit" and (problems := submission_problems(submission)):
        raise ValidationFailed(problems)
    with versioned_change(
        submission,
        expected_version=expected_version,
        actor=actor,
        action=row.audit,
        fields=("status",),
    ) as change:
        current = change.record
        if current.status not in row.sources:
            raise ValidationFailed({"status": [_("Someone moved this data on meanwhile.")]})
        current.status = row.target
        now = timezone.now()
        if action == "submit":
            current.submitted_at = now
        elif action in ("accept", "return"):
            current.decided_at = now
        elif action == "publish":
            current.published_at = now
        elif action == "reopen":
            current.published_at = None
        if comment:
            SubmissionComment.objects.create(
                submission=current,
                action=action,
                text=comment,
                author=actor,
                organisation=actor.organisation,
            )
        _alert(actor, current, action, comment)
    return change.record


def _alert(actor, submission: Submission, action: str, comment: str) -> None:
    event = alerts.SUBMITTED if action == "submit" else alerts.DECIDED
    if action == "reopen" and not actor.is_international:
        event = alerts.SUBMITTED
    alerts_raise(
        record_kind=alerts.RECORD_KIND,
        event=event,
        country_codes=[submission.country_id],
        message_key=MESSAGE_FOR[action],
        params={
            "country": submission.country_id,
            "dataset": submission.dataset.code,
            "year": submission.year,
            "comment": comment,
        },
        record_id=submission.pk,
        url=settings.SITE_URL.rstrip("/") + reverse("monitoring:submission", args=[submission.pk]),
        sender_organisation=actor.organisation,
    )
