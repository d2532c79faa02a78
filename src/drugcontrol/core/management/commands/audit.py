from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from drugcontrol.core.audit import verify_chain, write_checkpoint


def _events(first: int, last: int | None) -> str:
    return f"#{first}" if last is None or last == first else f"#{first}-#{last}"


class Command(BaseCommand):
    help = (
        "Audit log tools. `verify` walks the whole hash chain and compares it with every "
        "signed checkpoint, reporting every problem; `checkpoint` appends a signed checkpoint."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="check that no event was edited or removed")
        checkpoint = sub.add_parser(
            "checkpoint", help="append a signed checkpoint of the chain to the checkpoint files"
        )
        for command in (verify, checkpoint):
            command.add_argument(
                "--checkpoint-dir",
                help="checkpoint directory (default: AUDIT_CHECKPOINT_DIR, "
                f"{settings.AUDIT_CHECKPOINT_DIR}); e.g. a copy brought back from elsewhere",
            )

    def handle(self, *args, action, checkpoint_dir=None, **options):
        if action == "checkpoint":
            record = write_checkpoint(checkpoint_dir)
            self.stdout.write(
                self.style.SUCCESS(
                    f"checkpoint written: {record['count']} events, last #{record['sequence']} "
                    f"at {record['written_at']}"
                )
            )
            return
        report = verify_chain(checkpoint_dir=checkpoint_dir)
        if not report.ok:
            lines = [
                f"  [{problem.kind}] {_events(problem.sequence, problem.last_sequence)}: "
                f"{problem.message}"
                for problem in report.problems
            ]
            raise CommandError(
                f"audit log verification FAILED: {len(report.problems)} problem(s) in "
                f"{report.checked} events (last #{report.last_sequence}), "
                f"{report.checkpoints} checkpoint(s) compared\n" + "\n".join(lines)
            )
        note = (
            f", {report.checkpoints} checkpoint(s) agree"
            if report.checkpoints
            else ", no checkpoints found to compare"
        )
        self.stdout.write(
            self.style.SUCCESS(f"audit log OK: {report.checked} events, chain intact{note}")
        )
