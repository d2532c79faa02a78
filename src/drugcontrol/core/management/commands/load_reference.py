from django.core.management.base import BaseCommand, CommandError

from drugcontrol.core.errors import ServiceError
from drugcontrol.core.reference import load_countries
from drugcontrol.substances.services import reference_lists_load


class Command(BaseCommand):
    help = (
        "Load or update the reference data shipped in drugcontrol/data: countries and the "
        "1961, 1971 and 1988 conventions' lists (idempotent)."
    )

    def handle(self, *args, **options):
        result = load_countries()
        self.stdout.write(
            f"countries: {result.total} in file, {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged"
        )
        try:
            summary = reference_lists_load()
        except ServiceError as error:
            raise CommandError(error.describe()) from None
        self.stdout.write(
            f"controlled-substance lists: {summary['rows']} rows, "
            f"{summary['substances_changed']} substances and "
            f"{summary['listings_changed']} listings added or changed"
        )
