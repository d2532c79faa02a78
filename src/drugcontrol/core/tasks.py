"""Background tasks of the core app, run by `drugcontrol worker` from the database queue."""

from django.core.mail import send_mail
from django_tasks import task


@task(queue_name="email")
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """Send one plain-text e-mail; returns how many messages the backend accepted."""
    return send_mail(subject, body, None, to, fail_silently=False)


@task(queue_name="email")
def send_alert_email(*, alert_id: int) -> int:
    """E-mail one alert to its recipient, rendered now in the recipient's language."""
    from drugcontrol.core.alerts import alert_email
    from drugcontrol.core.models import Alert

    alert = Alert.objects.select_related("recipient").filter(pk=alert_id).first()
    if alert is None or not alert.recipient.email:
        return 0  # the recipient was removed, or has no address any more
    subject, body = alert_email(alert)
    return send_mail(subject, body, None, [alert.recipient.email], fail_silently=False)


@task(queue_name="default")
def run_import(*, job_id: int) -> str:
    """Run a queued import (see core.imports)."""
    from drugcontrol.core.imports import import_run

    return import_run(job_id).state


@task(queue_name="default")
def write_audit_checkpoint() -> int:
    """Append a signed checkpoint of the audit chain (see core.audit); returns its sequence."""
    from drugcontrol.core.audit import write_checkpoint

    return write_checkpoint()["sequence"]
