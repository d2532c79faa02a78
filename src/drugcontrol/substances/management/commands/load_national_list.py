from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from drugcontrol.core.errors import ServiceError
from drugcontrol.substances import services


class Command(BaseCommand):
    help = (
        "Load a country's national control list from CSV (same columns as the international "
        "list files: name, cas, smiles, schedules, in_force, decision, kind, notes ...). "
        "All-or-nothing; every bad row is reported by line."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--country", required=True, metavar="ISO3")

    def handle(self, *args, file, country, **options):
        if not file.exists():
            raise CommandError(f"no such file: {file}")
        try:
            summary = services.national_list_load(
                actor=None,
                country_code=country,
                text=file.read_text(encoding="utf-8-sig"),
                source=file.name,
            )
        except ServiceError as error:
            raise CommandError(error.describe()) from None
        self.stdout.write(
            f"national list {summary['country']}: {summary['rows']} rows, "
            f"{summary['listings_changed']} listings added or changed"
        )
