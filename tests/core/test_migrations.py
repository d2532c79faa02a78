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
