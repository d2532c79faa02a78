import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from drugcontrol.core.errors import ServiceError
from drugcontrol.core.imports import import_now
from drugcontrol.core.models import Organisation
from drugcontrol.entities import selectors, services
from drugcontrol.entities.matching import DEFAULT_THRESHOLD
from drugcontrol.entities.models import PartyKind
from drugcontrol.entities.reasons import reason_label


class Command(BaseCommand):
    help = (
        "Parties: import a CSV file, match a name against every party on file, or rebuild "
        "the matching index."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "import",
            help="import parties from CSV or XLSX (id,kind,name,country + address,phone,email,"
            "identifier)",
        )
        load.add_argument("file", type=Path)
        load.add_argument(
            "--organisation",
            type=int,
            required=True,
            metavar="ID",
            help="the organisation whose file the parties join (only it sees them until a "
            "shared record names them)",
        )
        sub.add_parser(
            "reindex",
            help="normalise every stored name again and rebuild the matching index",
        )
        find = sub.add_parser("match", help="parties like this one, best first")
        find.add_argument("--kind", required=True, choices=PartyKind.values)
        find.add_argument("--name", required=True)
        find.add_argument("--country", metavar="ISO3")
        find.add_argument("--phone")
        find.add_argument("--email")
        find.add_argument("--threshold", type=int, default=DEFAULT_THRESHOLD)
        find.add_argument("--limit", type=int, default=10)
        find.add_argument("--format", choices=["json", "text"], default="json")

    def handle(self, *args, action, **options):
        try:
            if action == "import":
                if not options["file"].exists():
                    raise CommandError(f"no such file: {options['file']}")
                organisation = Organisation.objects.filter(pk=options["organisation"]).first()
                if organisation is None:
                    raise CommandError(f"no organisation {options['organisation']}")
                summary = import_now(
                    actor=None,
                    kind="entities.parties",
                    name=options["file"].name,
                    content=options["file"].read_bytes(),
                    owner_organisation=organisation,
                )
                self.stdout.write(
                    f"imported {summary['imported']} parties, "
                    f"{summary['correlations']} correlations proposed"
                )
                return
            if action == "reindex":
                summary = services.index_rebuild()
                self.stdout.write(
                    f"indexed {summary['parties']} parties, {summary['names']} names, "
                    f"{summary['keys']} keys"
                )
                return
            identifiers = [
                (kind, options[kind]) for kind in ("phone", "email") if options.get(kind)
            ]
            results = selectors.match(
                user=None,
                kind=options["kind"],
                name=options["name"],
                country=options["country"],
                identifiers=identifiers,
                threshold=options["threshold"],
                limit=options["limit"],
                below=True,
            )
        except ServiceError as error:
            raise CommandError(error.describe()) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(results, ensure_ascii=False))
            return
        below = _("below the correlation threshold")
        for result in results:
            reasons = "; ".join(reason_label(code) for code in result["reasons"])
            mark = f"  [{below} {options['threshold']}]" if result["below_threshold"] else ""
            self.stdout.write(
                f"{result['score']:>3}  {result['name']}  (#{result['id']}: {reasons}){mark}"
            )
        if not results:
            self.stdout.write(_("no match"))
