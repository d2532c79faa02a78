import csv
import datetime
import io
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rdkit import Chem

from drugcontrol.substances import selectors
from drugcontrol.substances.identification import public


class Command(BaseCommand):
    help = (
        "International control status of a structure: --smiles, --inchi, --name (name, synonym "
        "or CAS number) or --file (CSV with a smiles or name column, or SDF; one JSON object "
        "per line); --on YYYY-MM-DD answers for that day (default today)."
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--smiles")
        source.add_argument("--inchi")
        source.add_argument("--name")
        source.add_argument("--file", type=Path)
        parser.add_argument("--format", choices=["json", "text"], default="json")
        parser.add_argument(
            "--on",
            metavar="YYYY-MM-DD",
            help="the day to answer for: the listings in force on that day (default today)",
        )

    def handle(self, *args, smiles, inchi, name, file, format, on=None, **options):
        day = self._day(on)
        index = selectors.identification_index()
        if file is None:
            result = public(
                selectors.identify(smiles=smiles, inchi=inchi, name=name, index=index, on=day)
            )
            self._write(result, format)
            if result["errors"] and "inchikey" not in result["query"]:
                raise CommandError("; ".join(result["errors"]))
            return
        if not file.exists():
            raise CommandError(f"no such file: {file}")
        failures = 0
        for label, query in self._queries(file):
            if isinstance(query, str):  # a row that could not be read at all
                result = {
                    "query": {"row": label},
                    "status": "not_controlled",
                    "matches": [],
                    "families": [],
                    "analogues": [],
                    "errors": [query],
                    "on": (day or selectors.today()).isoformat(),
                }
            else:
                result = public(selectors.identify(index=index, on=day, **query))
                result["query"]["row"] = label
            failures += bool(result["errors"])
            self._write(result, format)
        if failures:
            self.stderr.write(f"{failures} row(s) had errors (see their 'errors' key)")

    @staticmethod
    def _day(text: str | None) -> datetime.date | None:
        if text is None:
            return None
        try:
            return datetime.date.fromisoformat(text.strip())
        except ValueError:
            raise CommandError(
                f"--on: {text!r} is not a date; write it as YYYY-MM-DD (e.g. 2024-03-15)"
            ) from None

    def _write(self, result: dict, format: str) -> None:
        if format == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        query = result["query"]
        label = query.get("name") or query.get("smiles") or query.get("inchi") or query.get("row")
        self.stdout.write(f"{label}: {result['status']} on {result['on']}")
        for position, component in enumerate(result.get("components", []), start=1):
            self.stdout.write(
                f"  component {position}: {component['parent_smiles']}: {component['status']}"
            )
        for match in result["matches"]:
            part = f" [component {match['component'] + 1}]" if "component" in match else ""
            self.stdout.write(
                f"  {match['substance']}: {match['instrument']} "
                f"{', '.join(match['schedules'])} ({match['basis']}){part}"
            )
        if result["families"]:
            self.stdout.write(f"  families: {', '.join(result['families'])}")
        for analogue in result["analogues"]:
            self.stdout.write(
                f"  similar to {analogue['substance']} ({analogue['similarity']:.2f})"
            )
        for error in result["errors"]:
            self.stdout.write(f"  error: {error}")

    def _queries(self, path: Path):
        """(row label, query dict or an error message) for each record of a CSV or SDF file."""
        if path.suffix.lower() in {".sdf", ".sd", ".mol"}:
            supplier = Chem.ForwardSDMolSupplier(str(path), sanitize=True)
            for number, molecule in enumerate(supplier, start=1):
                label = f"record {number}"
                if molecule is None:
                    yield label, "could not read this record"
                else:
                    yield label, {"smiles": Chem.MolToSmiles(molecule)}
            return
        text = path.read_text(encoding="utf-8-sig")
        reader = csv.DictReader(io.StringIO(text))
        columns = {c.strip().lower(): c for c in reader.fieldnames or []}
        if "smiles" not in columns and "name" not in columns:
            raise CommandError("the CSV needs a 'smiles' or a 'name' column")
        for line, row in enumerate(reader, start=2):
            smiles = (row.get(columns.get("smiles", ""), "") or "").strip()
            name = (row.get(columns.get("name", ""), "") or "").strip()
            if smiles:
                yield f"line {line}", {"smiles": smiles}
            elif name:
                yield f"line {line}", {"name": name}
            else:
                yield f"line {line}", "empty row: no smiles and no name"
