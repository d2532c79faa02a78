"""Background tasks of the nps app, run by `drugcontrol worker` from the database queue."""

from django_tasks import task


@task(queue_name="default")
def signals_for_report(*, report_id: int) -> int:
    """The emergence signals' rules for one new report (queued by report_submit after
    commit); returns how many signals were raised."""
    from drugcontrol.nps.services.signals import signals_for_report as detect

    return len(detect(report_id))
