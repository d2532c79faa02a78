"""Who hears of a pre-export notification, and in which language."""

import pytest
from django.core import mail
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from drugcontrol.core.models import Alert
from drugcontrol.precursors import services

from .conftest import submitted

pytestmark = pytest.mark.django_db


def deliver_queued_mail():
    """Run the queued e-mail tasks as the worker would."""
    for row in DBTaskResult.objects.filter(queue_name="email").order_by("enqueued_at", "id"):
        row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])


def zh_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_an_authority_without_a_focal_point_is_told_through_its_officers(
    people, make_org, make_user
):
    nzl = make_org(country="NZL", name="New Zealand Medsafe")
    officers = [make_user(organisation=nzl, role="officer") for _ in range(2)]
    viewer = make_user(organisation=nzl, role="viewer")
    operator = make_user(country="NZL", kind="operator", role="focal_point")
    lab = make_user(country="NZL", kind="forensic_lab", role="focal_point")
    notification = submitted(people["exporter"], importing_country="NZL", transit_countries=[])
    received = Alert.objects.filter(kind="notification_received", record_id=str(notification.pk))
    assert {a.recipient for a in received} == set(officers)
    for outsider in (viewer, operator, lab):
        assert not Alert.objects.filter(recipient=outsider).exists()


def test_an_organisation_with_nobody_but_viewers_and_an_admin_is_told_by_the_admin(
    people, make_org, make_user
):
    nzl = make_org(country="NZL", name="New Zealand Medsafe")
    viewer = make_user(organisation=nzl, role="viewer")
    admin = make_user(organisation=nzl, role="admin")
    submitted(people["exporter"], importing_country="NZL", transit_countries=[])
    assert Alert.objects.filter(recipient=admin, kind="notification_received").exists()
    assert not Alert.objects.filter(recipient=viewer).exists()


def test_customs_focal_points_get_no_notification_alerts(people, make_user):
    customs = {
        code: make_user(country=code, kind="law_enforcement", role="focal_point")
        for code in ("CHN", "AUS", "SGP")
    }
    notification = submitted(people["exporter"])
    services.message_post(actor=people["importer"], notification=notification, body="Licence?")
    services.notification_answer(
        actor=people["importer"], notification=notification, decision="clear"
    )
    # The authorities on each side are told (officers and focal points alike) ...
    kinds = {(a.recipient_id, a.kind) for a in Alert.objects.filter(record_id=str(notification.pk))}
    assert (people["importer"].pk, "notification_received") in kinds
    assert (people["importer_2"].pk, "notification_received") in kinds
    assert (people["transit"].pk, "notification_transit") in kinds
    assert (people["exporter"].pk, "notification_answered") in kinds
    assert (people["exporter_focal"].pk, "notification_message") in kinds
    # ... customs is not.
    assert not Alert.objects.filter(recipient__in=customs.values()).exists()


def test_notification_alerts_read_in_the_readers_language(people):
    notification = submitted(people["exporter"])
    received = Alert.objects.get(recipient=people["importer"], kind="notification_received")
    assert received.message_key == "precursors.notification_received"
    assert received.params == {
        "reference": notification.reference,
        "country": "CHN",
        "deadline": notification.reply_deadline.isoformat(),
    }
    with translation.override("zh-hans"):
        assert received.title == f"来自中国的出口前通知{notification.reference}等待您的答复"
        assert received.body == f"请在{zh_date(notification.reply_deadline)}之前答复。"
    with translation.override("en"):
        assert received.title == (
            f"Pre-export notification {notification.reference} from China awaits your answer"
        )
        assert received.body.startswith("Answer by ") and "年" not in received.body

    services.notification_answer(
        actor=people["importer"],
        notification=notification,
        decision="object",
        ground="unknown_importer",
    )
    objected = Alert.objects.get(recipient=people["exporter"], kind="notification_answered")
    assert objected.params["ground"] == "unknown_importer"
    with translation.override("zh-hans"):
        assert objected.title == f"澳大利亚对出口前通知{notification.reference}提出异议"
        assert objected.body == "异议理由：进口商未获授权或不明"
    with translation.override("en"):
        assert objected.title == (
            f"Australia objected to pre-export notification {notification.reference}"
        )
        assert objected.body == "Ground: Importer not authorised or unknown"


def test_each_recipient_is_mailed_in_their_own_language(
    people, make_user, django_capture_on_commit_callbacks
):
    chinese = make_user(
        organisation=people["importer"].organisation,
        role="officer",
        email="zh@example.org",
        preferred_language="zh-hans",
    )
    english = make_user(
        organisation=people["importer"].organisation,
        role="officer",
        email="en@example.org",
        preferred_language="en",
    )
    with django_capture_on_commit_callbacks(execute=True):
        notification = submitted(people["exporter"])
    assert mail.outbox == []  # queued, not sent in the request
    deliver_queued_mail()
    sent = {message.to[0]: message for message in mail.outbox}
    assert {chinese.email, english.email, "au@example.org", "sg@example.org"} <= set(sent)
    reference = notification.reference
    assert (
        sent[chinese.email].subject == f"drugcontrol: 来自中国的出口前通知{reference}等待您的答复"
    )
    assert f"请在{zh_date(notification.reply_deadline)}之前答复。" in sent[chinese.email].body
    assert sent[english.email].subject == (
        f"drugcontrol: Pre-export notification {reference} from China awaits your answer"
    )
    assert sent[english.email].body.startswith("Answer by ")
    # No preference: the installation's language.
    assert "awaits your answer" in sent["au@example.org"].subject
    assert f"/precursors/{notification.pk}/" in sent[chinese.email].body
