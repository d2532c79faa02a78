from django.core.management.base import BaseCommand

from drugcontrol.core.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo organisations and accounts (idempotent: a second run changes nothing)."

    def handle(self, *args, **options):
        result = load_demo()
        self.stdout.write(f"demo: {result.created} records created")
        self.stdout.write(self.style.MIGRATE_HEADING(f"Demo accounts (password: {DEMO_PASSWORD})"))
        for account in result.accounts:
            self.stdout.write(
                f"  {account.username:<16} {account.role:<12} {account.organisation.name}"
            )
