"""Two officers of the importing authority answer the same notification at the same moment,
each from the version they read: one answer is recorded, the other is a conflict."""

import threading

import pytest
from django.db import connection

from drugcontrol.core.errors import Conflict
from drugcontrol.precursors import services
from drugcontrol.precursors.models import Notification, Status

from .conftest import submitted

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite's in-memory test database locks tables without waiting; the file "
        "database used in production queues writers (IMMEDIATE transactions)",
    ),
]


def test_simultaneous_answers_give_one_answer_and_one_conflict(people, registry):
    notification = submitted(people["exporter"])
    version = notification.version
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def answer(name, actor, decision, ground):
        try:
            start.wait()
            services.notification_answer(
                actor=actor,
                notification=Notification.objects.get(pk=notification.pk),
                decision=decision,
                ground=ground,
                expected_version=version,
            )
            outcomes[name] = "answered"
        except Conflict:
            outcomes[name] = "conflict"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=answer, args=("first", people["importer"], "clear", "")),
        threading.Thread(
            target=answer, args=("second", people["importer_2"], "object", "no_licence")
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["answered", "conflict"]
    notification.refresh_from_db()
    winner = "clear" if outcomes["first"] == "answered" else "object"
    assert notification.status == (Status.CLEARED if winner == "clear" else Status.OBJECTED)
    assert notification.version == version + 1
