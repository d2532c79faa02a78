"""`drugcontrol nps signals`: the nightly run of the emergence signals' rules."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from drugcontrol.nps.services.signals import signals_detect


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(text) from None


_day.__name__ = "date (YYYY-MM-DD)"


class Command(BaseCommand):
    help = (
        "Early warning on new psychoactive substances: `signals` runs the emergence signals' "
        "rules over every report (nightly; a signal already raised is not raised again)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("signals", help="run the emergence signals' rules over every report")
        run.add_argument(
            "--today", type=_day, default=None, help="the day the rules run for (default: today)"
        )

    def handle(self, *args, action, today=None, **options):
        if action != "signals":
            raise CommandError(f"unknown action {action!r}")
        if today is not None and today > datetime.date.today() + datetime.timedelta(days=1):
            raise CommandError("--today is in the future")
        raised = signals_detect(today=today)
        for signal in raised:
            self.stdout.write(f"{signal.kind}\t{signal.key}")
        self.stdout.write(f"{len(raised)} signal(s) raised")
