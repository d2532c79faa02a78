import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_worker_processes_every_queue_unless_told(monkeypatch):
    from drugcontrol import cli

    calls = []
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line", lambda argv: calls.append(argv)
    )
    cli.main(["worker", "--batch"])
    cli.main(["worker", "--queue-name", "email"])
    assert calls == [
        ["drugcontrol", "db_worker", "--queue-name", "*", "--batch"],
        ["drugcontrol", "db_worker", "--queue-name", "email"],
    ]


@pytest.mark.django_db(transaction=True)
def test_alerts_stored_as_text_become_messages_that_read_in_chinese(make_user):
    import datetime

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone, translation

    from drugcontrol.core.models import Alert
    from drugcontrol.incidents.models import Incident
    from drugcontrol.precursors.models import Notification

    reporter = make_user(country="CHN", role="officer")
    reader = make_user(country="AUS", role="focal_point")
    incident = Incident.objects.create(
        reference="CHN-2026-000042",
        kind="seizure",
        occurred_on=datetime.date(2026, 3, 9),
        reporting_organisation=reporter.organisation,
        reporting_country_id="CHN",
        created_by=reporter,
    )
    notification = Notification.objects.create(
        reference="PEN-CHN-2026-000007",
        status="objected",
        exporting_country_id="CHN",
        exporting_authority=reporter.organisation,
        importing_country_id="AUS",
        reply_deadline=datetime.date(2026, 3, 24),
        answered_at=timezone.now(),
        objection_ground="suspected_diversion",
        created_by=reporter,
    )

    # The schema before alerts were messages, with alerts written then.
    before = [
        ("core", "0004_importjob"),
        ("incidents", "0001_initial"),
        ("precursors", "0002_inbox_and_stopped_party_indexes"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    OldAlert = executor.loader.project_state(before).apps.get_model("core", "Alert")

    def old_alert(kind, title, body="", record_type="", record_id=""):
        return OldAlert.objects.create(
            recipient_id=reader.pk,
            kind=kind,
            title=title,
            body=body,
            record_type=record_type,
            record_id=str(record_id),
        ).pk

    ids = {
        "incident": old_alert(
            "country_named",
            "Seizure CHN-2026-000042 names your country",
            "China authority reported CHN-2026-000042 on 2026-03-09.",
            "incidents.incident",
            incident.pk,
        ),
        "objected": old_alert(
            "notification_answered",
            "AUS objected to pre-export notification PEN-CHN-2026-000007",
            "Suspected diversion",
            "precursors.notification",
            notification.pk,
        ),
        "message": old_alert(
            "notification_message",
            "New message on pre-export notification PEN-CHN-2026-000007",
            "Please send the licence number.",
            "precursors.notification",
            notification.pk,
        ),
        "broadcast": old_alert("broadcast", "Nitazene alert", "Watch the ports."),
        "orphan": old_alert(
            "notification_received",
            "Pre-export notification PEN-GONE from CHN awaits your answer",
            "Answer by 2026-01-01.",
            "precursors.notification",
            999999,
        ),
    }

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    alerts = {name: Alert.objects.get(pk=pk) for name, pk in ids.items()}
    assert alerts["incident"].message_key == "incidents.country_named"
    assert alerts["incident"].params == {
        "reference": "CHN-2026-000042",
        "kind": "seizure",
        "organisation": reporter.organisation.name,
        "date": "2026-03-09",
    }
    assert alerts["objected"].message_key == "precursors.notification_objected"
    assert alerts["orphan"].message_key == "core.legacy"
    with translation.override("zh-hans"):
        text = {name: (alert.title, alert.body) for name, alert in alerts.items()}
    assert text["incident"] == (
        "缉获 CHN-2026-000042 提及贵国",
        f"{reporter.organisation.name} 于 2026年3月9日 报告了 CHN-2026-000042。",
    )
    assert text["objected"] == (
        "澳大利亚对出口前通知PEN-CHN-2026-000007提出异议",
        "异议理由：怀疑转移",
    )
    assert text["message"] == (
        "出口前通知PEN-CHN-2026-000007有新留言",
        "Please send the licence number.",  # as its author wrote it
    )
    assert text["broadcast"] == ("Nitazene alert", "Watch the ports.")
    assert text["orphan"] == (
        "Pre-export notification PEN-GONE from CHN awaits your answer",
        "Answer by 2026-01-01.",
    )
    with translation.override("en"):
        assert alerts["incident"].title == "Seizure CHN-2026-000042 names your country"
