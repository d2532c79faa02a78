"""The notification workflow is one table (precursors/workflow.py): every row has its
service, its button and its API route, and the actions offered are what the table and the
permissions say, the same as the rules the pages and services followed before the table."""

import datetime

import pytest
from django.utils import timezone

from drugcontrol.api import api
from drugcontrol.core.errors import Conflict, ValidationFailed
from drugcontrol.core.models import AuditEvent
from drugcontrol.core.permissions import can
from drugcontrol.precursors import selectors, services, workflow
from drugcontrol.precursors.models import AWAITING_ANSWER, Notification, Status

from .conftest import draft, submitted

pytestmark = pytest.mark.django_db

BASE = "/api/v1/precursors/notifications/{notification_id}"
SERVICES = {
    "edit": services.notification_update,
    "submit": services.notification_submit,
    "acknowledge": services.notification_acknowledge,
    "clear": services.notification_answer,
    "object": services.notification_answer,
    "ship": services.notification_ship,
    "withdraw": services.notification_close,
    "cancel": services.notification_close,
    "outcome": services.notification_record_outcome,
    "message": services.message_post,
    "question": services.question_post,
    "remind": services.reminder_send,
}


def test_every_row_has_a_service_a_button_and_an_api_route():
    paths = api.get_openapi_schema()["paths"]
    assert set(workflow.TRANSITIONS) == set(SERVICES)
    for row in workflow.TABLE:
        assert workflow.service_for(row.action) is SERVICES[row.action], row.action
        assert str(row.label).strip(), row.action
        assert str(row.refusal).strip(), row.action
        path = f"{BASE}/{row.route}" if row.route else BASE
        method = "post" if row.route else "put"
        assert method in paths.get(path, {}), (row.action, path)
        assert row.permission in {
            "precursors.notification_export_step",
            "precursors.notification_answer",
            "precursors.notification_follow_up",
            "precursors.notification_oversee",
        }
        assert row.audit.startswith("precursors.")
        assert row.target is None or row.target in Status.values
        assert set(row.sources) <= set(Status.values) - {Status.OVERDUE, Status.NO_OBJECTION}


def legacy_allowed(user, notification) -> set[str]:
    """The rule the page's buttons followed before the table (kept here as the reference)."""
    actions = set()
    status = notification.status
    if can(user, "precursors.notification_export_step", notification):
        if status == Status.DRAFT:
            actions |= {"edit", "submit"}
        if workflow.may_ship(notification):
            actions.add("ship")
        if status in AWAITING_ANSWER:
            actions.add("withdraw")
        if status in (Status.CLEARED, Status.OBJECTED):
            actions.add("cancel")
    if can(user, "precursors.notification_answer", notification):
        if status == Status.SUBMITTED:
            actions.add("acknowledge")
        if status in AWAITING_ANSWER:
            actions.add("answer")
    if can(user, "precursors.notification_follow_up", notification):
        if status != Status.DRAFT:
            actions.add("message")
        if status == Status.SHIPPED:
            actions.add("outcome")
    if can(user, "precursors.notification_oversee", notification):
        if status != Status.DRAFT:
            actions.add("question")
        if workflow.is_overdue(notification):
            actions.add("remind")
    return actions


def from_table(user, notification) -> set[str]:
    return {
        row.offered
        for row in workflow.TABLE
        if row.allows(notification) and can(user, row.permission, notification)
    }


def states(people) -> dict[str, Notification]:
    """A notification in every state the exchange can reach, including one past its
    deadline (shipped without an answer) and one whose importer requires clearance."""
    exporter, importer = people["exporter"], people["importer"]
    made = {"draft": draft(exporter), "submitted": submitted(exporter)}
    made["acknowledged"] = services.notification_acknowledge(
        actor=importer, notification=submitted(exporter)
    )
    made["cleared"] = services.notification_answer(
        actor=importer, notification=submitted(exporter), decision="clear"
    )
    made["objected"] = services.notification_answer(
        actor=importer,
        notification=submitted(exporter),
        decision="object",
        ground="unknown_importer",
    )
    made["shipped"] = services.notification_ship(
        actor=exporter,
        notification=services.notification_answer(
            actor=importer, notification=submitted(exporter), decision="clear"
        ),
    )
    made["withdrawn"] = services.notification_close(
        actor=exporter, notification=submitted(exporter), action="withdraw"
    )
    made["cancelled"] = services.notification_close(
        actor=exporter,
        notification=services.notification_answer(
            actor=importer, notification=submitted(exporter), decision="clear"
        ),
        action="cancel",
    )
    overdue = submitted(exporter)
    Notification.objects.filter(pk=overdue.pk).update(
        reply_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    made["overdue"] = Notification.objects.get(pk=overdue.pk)
    strict = submitted(exporter)
    Notification.objects.filter(pk=strict.pk).update(
        reply_deadline=timezone.localdate() - datetime.timedelta(days=1), explicit_clearance=True
    )
    made["overdue, explicit clearance"] = Notification.objects.get(pk=strict.pk)
    silent = submitted(exporter)
    Notification.objects.filter(pk=silent.pk).update(
        reply_deadline=timezone.localdate() - datetime.timedelta(days=1), silence_rule=True
    )
    made["overdue, silence rule"] = Notification.objects.get(pk=silent.pk)
    return made


def test_allowed_actions_are_what_the_table_and_the_permissions_say(people):
    made = states(people)
    assert {n.status for n in made.values()} == set(Status.values) - {
        Status.OVERDUE,
        Status.NO_OBJECTION,
    }
    for state, notification in made.items():
        for name, user in people.items():
            offered = selectors.allowed_actions(user=user, notification=notification)
            assert offered == from_table(user, notification), (state, name)
            assert offered == legacy_allowed(user, notification), (state, name)
    exporter, importer = people["exporter"], people["importer"]
    assert selectors.allowed_actions(user=exporter, notification=made["draft"]) == {
        "edit",
        "submit",
    }
    assert selectors.allowed_actions(user=importer, notification=made["submitted"]) == {
        "acknowledge",
        "answer",
        "message",
    }
    # Silence is never consent unless the exporting country's law says so.
    assert "ship" not in selectors.allowed_actions(user=exporter, notification=made["overdue"])
    assert "ship" in selectors.allowed_actions(
        user=exporter, notification=made["overdue, silence rule"]
    )
    assert "ship" not in selectors.allowed_actions(
        user=exporter, notification=made["overdue, explicit clearance"]
    )


def test_perform_takes_each_step_through_its_service_and_the_table(people):
    exporter, importer = people["exporter"], people["importer"]
    notification = draft(exporter)
    notification = workflow.perform(
        "submit", actor=exporter, notification=notification, expected_version=1
    )
    assert notification.status == Status.SUBMITTED
    workflow.perform("message", actor=importer, notification=notification, body="Licence?")
    notification = workflow.perform(
        "object",
        actor=importer,
        notification=notification,
        expected_version=notification.version,
        ground="unknown_importer",
    )
    assert notification.status == Status.OBJECTED
    notification = workflow.perform("cancel", actor=exporter, notification=notification)
    assert notification.status == Status.CANCELLED
    recorded = list(
        AuditEvent.objects.filter(
            object_id=str(notification.pk), object_type=services.RECORD_TYPE
        ).values_list("action", flat=True)
    )
    table = workflow.TRANSITIONS
    for action in ("submit", "message", "object", "cancel"):
        assert table[action].audit in recorded
    with pytest.raises(Conflict) as caught:
        workflow.perform("withdraw", actor=exporter, notification=notification)
    assert str(caught.value) == str(table["withdraw"].refusal)
    with pytest.raises(ValidationFailed):
        workflow.perform("launch", actor=exporter, notification=notification)
