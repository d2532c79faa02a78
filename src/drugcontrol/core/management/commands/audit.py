from django.core.management.base import BaseCommand, CommandError

from drugcontrol.core.audit import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. `verify` recomputes the hash chain and reports the first problem."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="check that no event was edited or removed")

    def handle(self, *args, action, **options):
        checked, problem = verify_chain()
        if problem is not None:
            raise CommandError(
                f"audit log verification FAILED after {checked} good events: {problem.message}"
            )
        self.stdout.write(self.style.SUCCESS(f"audit log OK: {checked} events, chain intact"))
