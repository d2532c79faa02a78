from django.core.management.base import BaseCommand, CommandError

from drugcontrol.core.errors import ServiceError
from drugcontrol.core.registry import reference_loaders


class Command(BaseCommand):
    help = (
        "Load or update the reference data shipped in drugcontrol/data: countries and the "
        "1961, 1971 and 1988 conventions' lists (idempotent)."
    )

    def handle(self, *args, **options):
        # Each app registers its part in its AppConfig.ready() (core.registry).
        for loader in reference_loaders():
            try:
                result = loader.load()
            except ServiceError as error:
                raise CommandError(error.describe()) from None
            self.stdout.write(loader.describe(result))
