import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from drugcontrol.core.errors import ServiceError
from drugcontrol.core.imports import import_now
from drugcontrol.core.tabular import MAX_BYTES, decode_text
from drugcontrol.nps.services.spectra import IMPORT_KIND, spectra_import_summary
from drugcontrol.nps.spectra import selectors
from drugcontrol.nps.spectra.msp import parse_msp

MAX_LIMIT = 100


def _bounded(low: int, high: int):
    def read(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(text) from None
        if not low <= value <= high:
            raise ValueError(text)
        return value

    read.__name__ = f"whole number from {low} to {high}"
    return read


class Command(BaseCommand):
    help = (
        "The spectral library: import an MSP file (all spectra or none; an error names its "
        "line), or search the spectra of an MSP file against the library."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="import the spectra of an MSP file into the library")
        load.add_argument("file", type=Path)
        find = sub.add_parser(
            "search",
            help="the library spectra most like each spectrum of an MSP file, best first "
            "(one JSON object for a file of one spectrum, a list for several)",
        )
        find.add_argument("file", type=Path)
        find.add_argument("--format", choices=["json", "text"], default="json")
        find.add_argument("--limit", type=_bounded(1, MAX_LIMIT), default=10)
        find.add_argument(
            "--min-matched-peaks",
            type=_bounded(0, 1000),
            default=0,
            help="hits must share at least this many unit-m/z peaks with the query",
        )

    def handle(self, *args, action, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"no such file: {file}")
        if file.stat().st_size > MAX_BYTES:
            raise CommandError(f"{file}: larger than {MAX_BYTES // (1024 * 1024)} MB")
        content = file.read_bytes()
        try:
            if action == "import":
                result = import_now(actor=None, kind=IMPORT_KIND, name=file.name, content=content)
                self.stdout.write(spectra_import_summary(result))
                return
            queries = parse_msp(decode_text(content))
        except ServiceError as error:
            raise CommandError(f"{file}: {error.describe()}") from None
        answers = []
        for query in queries:
            hits = selectors.search_library(
                user=None,
                peaks=query.peaks,
                limit=options["limit"],
                min_matched_peaks=options["min_matched_peaks"],
            )
            answers.append((query, hits))
        if options["format"] == "json":
            shown = [_answer(query, hits) for query, hits in answers]
            self.stdout.write(
                json.dumps(shown[0] if len(shown) == 1 else shown, ensure_ascii=False)
            )
            return
        for query, hits in answers:
            self.stdout.write(f"{query.name} (line {query.line}):")
            for hit in hits:
                self.stdout.write(
                    f"  {hit.score:.3f}  {hit.name}  "
                    f"[{hit.substance or '-'}: {hit.status or 'not linked'}]  "
                    f"{hit.matched_peaks} peaks matched"
                )
            if not hits:
                self.stdout.write("  no match")


def _answer(query, hits) -> dict:
    """The command's JSON contract: the query's name, then each hit's library name,
    substance (or null), score and status (or null), best first."""
    return {
        "query": {"name": query.name},
        "hits": [
            {
                "name": hit.name,
                "substance": hit.substance,
                "score": round(hit.score, 4),
                "status": hit.status,
            }
            for hit in hits
        ],
    }
