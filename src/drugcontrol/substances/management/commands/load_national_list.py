from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from drugcontrol.core.errors import ServiceError
from drugcontrol.core.imports import import_now


class Command(BaseCommand):
    help = (
        "Load a country's national control list from CSV or XLSX (same columns as the "
        "international list files: name, cas, smiles, schedules, in_force, decision, kind, "
        "notes ...). All-or-nothing; every bad row is reported by its row."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--country", required=True, metavar="ISO3")

    def handle(self, *args, file, country, **options):
        if not file.exists():
            raise CommandError(f"no such file: {file}")
        try:
            summary = import_now(
                actor=None,
                kind="substances.national_list",
                name=file.name,
                content=file.read_bytes(),
                country_code=country,
                source=file.name,
            )
        except ServiceError as error:
            raise CommandError(error.describe()) from None
        self.stdout.write(
            f"national list {summary['country']}: {summary['rows']} rows, "
            f"{summary['listings_changed']} listings added or changed"
        )
