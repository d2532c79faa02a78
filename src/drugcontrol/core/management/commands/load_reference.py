from django.core.management.base import BaseCommand

from drugcontrol.core.reference import load_countries


class Command(BaseCommand):
    help = "Load or update the reference data shipped in drugcontrol/data (idempotent)."

    def handle(self, *args, **options):
        result = load_countries()
        self.stdout.write(
            f"countries: {result.total} in file, {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged"
        )
