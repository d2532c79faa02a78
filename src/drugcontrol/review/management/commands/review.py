"""`drugcontrol review report --cycle NAME --country ISO3|--world --lang zh-hans|en
--output FILE.pdf`: a cycle's report as PDF, as the secretariat reads it (the command line
is the installation's own operator)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import translation

from drugcontrol.core.models import OrganisationKind, User


class Command(BaseCommand):
    help = "The implementation review: write a cycle's report as PDF."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        report = commands.add_parser("report", help="a cycle's report as PDF")
        report.add_argument("--cycle", required=True, help="the cycle's code")
        scope = report.add_mutually_exclusive_group(required=True)
        scope.add_argument("--country", help="ISO 3166 alpha-3 code")
        scope.add_argument("--world", action="store_true")
        report.add_argument("--lang", choices=["zh-hans", "en"], default="en")
        report.add_argument("--output", required=True, help="the PDF file to write")

    def handle(self, *args, **options):
        from drugcontrol.review import pdf, reports, selectors

        reader = (
            User.objects.filter(organisation__kind=OrganisationKind.INTERNATIONAL, is_active=True)
            .order_by("pk")
            .first()
        )
        if reader is None:
            raise CommandError("No active secretariat user: create one first (createuser).")
        with translation.override(options["lang"]):
            try:
                cycle = selectors.cycle_get(reader, options["cycle"][:40])
                country = reports.scope_country(
                    reader, "world" if options["world"] else options["country"]
                )
            except Http404:
                raise CommandError("Unknown cycle or country.") from None
            built = reports.build(reader, cycle, country)
            annex = reports.annex(reader, cycle) if country is None else []
            content = pdf.render(built, annex=annex)
        output = Path(options["output"])
        output.write_bytes(content)
        self.stdout.write(f"{output}: {len(content):,} bytes")
