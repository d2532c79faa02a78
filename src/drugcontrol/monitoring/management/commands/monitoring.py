"""`drugcontrol monitoring export|import`: national monitoring values as files.

    drugcontrol monitoring export --format sdmx-csv|sdmx-ml|csv|xlsx [--country ISO3]
        [--year YYYY] [--dataset CODE] [--user USERNAME] --output FILE
    drugcontrol monitoring import FILE --user USERNAME [--dry-run] [--format json|text]

The export acts as `--user` (what that user may read), or, without it, gives every
published value (what every signed-in user reads). The import acts as `--user` and prints
(with --format json) exactly {"rows", "new", "changed", "unchanged", "errors": [{"row",
"column", "message"}]}; it exits with status 1 when there are errors (then nothing was
imported). Row 0 is the file as a whole."""

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from drugcontrol.core import tabular
from drugcontrol.core.errors import ServiceError, ValidationFailed
from drugcontrol.core.imports import import_now
from drugcontrol.monitoring import exchange
from drugcontrol.monitoring.exchange import sdmx_data
from drugcontrol.monitoring.imports import IMPORT_KIND, import_errors, values_summary

EXPORT_FORMATS = ("sdmx-csv", "sdmx-ml", "csv", "xlsx")


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise ValueError(text)
    return int(text)


_year.__name__ = "year (four digits)"


class Command(BaseCommand):
    help = (
        "National monitoring values: export them (SDMX-CSV, SDMX-ML, CSV, XLSX) or import a file."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        out = sub.add_parser("export", help="write values to a file")
        out.add_argument("--format", choices=EXPORT_FORMATS, required=True)
        out.add_argument("--country", help="ISO 3166-1 alpha-3 code")
        out.add_argument("--year", type=_year)
        out.add_argument("--dataset", help="a data set's code (ARQ_USE, ...)")
        out.add_argument(
            "--user", help="act as this user (default: every published value, no drafts)"
        )
        out.add_argument("--output", type=Path, required=True)
        load = sub.add_parser("import", help="import a plain CSV/XLSX template or SDMX-CSV")
        load.add_argument("file", type=Path)
        load.add_argument("--user", required=True, help="the data provider importing")
        load.add_argument("--dry-run", action="store_true", help="check and count, store nothing")
        load.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, action, **options):
        if action == "export":
            return self.export(**options)
        return self.load(**options)

    def _user(self, name):
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {name!r}")
        return user

    def export(self, *, format, country, year, dataset, user, output, **_options):
        reader = self._user(user) if user else None
        defs = exchange.cells.definitions()
        if dataset and dataset not in defs.datasets:
            raise CommandError(f"unknown data set {dataset!r}")
        cells = exchange.export_cells(reader, country=country, year=year, dataset=dataset)
        if format in ("sdmx-csv", "sdmx-ml"):
            structure = exchange.structure(defs)
            write = sdmx_data.sdmx_csv if format == "sdmx-csv" else sdmx_data.sdmx_ml
            content = write(structure, cells)
        else:
            categories = defs.dataset_categories(dataset)
            write = exchange.plain_csv if format == "csv" else exchange.plain_xlsx
            try:
                content = write(cells, defs, categories)
            except ValidationFailed as error:  # too many rows for a workbook
                raise CommandError(" ".join(map(str, error.details["format"]))) from None
        output.write_bytes(content)
        self.stderr.write(f"{len(cells)} values written to {output}")

    def load(self, *, file, user, dry_run, format, **_options):
        actor = self._user(user)
        counts = {"rows": 0, "new": 0, "changed": 0, "unchanged": 0}
        errors = []
        if not file.is_file():
            errors.append({"row": 0, "column": "", "message": f"no such file: {file}"})
        elif file.stat().st_size > tabular.MAX_BYTES:
            errors.append({"row": 0, "column": "", "message": "The file is larger than 10 MB."})
        else:
            try:
                result = import_now(
                    actor=actor,
                    kind=IMPORT_KIND,
                    name=file.name,
                    content=file.read_bytes(),
                    dry_run=dry_run,
                )
            except ValidationFailed as error:
                errors = import_errors(error)
            except ServiceError as error:
                errors = [{"row": 0, "column": "", "message": str(error.message)}]
            else:
                counts = {name: result[name] for name in counts}
        if format == "json":
            self.stdout.write(json.dumps({**counts, "errors": errors}, ensure_ascii=False))
        elif errors:
            for error in errors:
                self.stdout.write(
                    f"row {error['row']}, {error['column'] or '-'}: {error['message']}"
                )
        else:
            self.stdout.write(
                ("(dry run, nothing stored) " if dry_run else "") + str(values_summary(counts))
            )
        if errors:
            sys.exit(1)
