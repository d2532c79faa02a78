from django.core.management.base import BaseCommand

from drugcontrol.core.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo organisations and accounts (idempotent: a second run changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="only return the account table")

    def handle(self, *args, quiet=False, **options):
        result = load_demo()
        table = "\n".join(
            f"  {account.username:<16} {account.role:<12} {account.organisation.name}"
            for account in result.accounts
        )
        if quiet:
            return table
        self.stdout.write(f"demo: {result.created} records created")
        self.stdout.write(f"demo accounts (password: {DEMO_PASSWORD}):\n{table}")
        return None
