"""Background tasks of the core app, run by `drugcontrol worker` from the database queue."""

from django.core.mail import send_mail
from django_tasks import task


@task(queue_name="email")
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """Send one plain-text e-mail; returns how many messages the backend accepted."""
    return send_mail(subject, body, None, to, fail_silently=False)


@task(queue_name="default")
def run_import(*, job_id: int) -> str:
    """Run a queued import (see core.imports)."""
    from drugcontrol.core.imports import import_run

    return import_run(job_id).state
