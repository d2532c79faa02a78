import sys

from django.core.management.base import BaseCommand, CommandError

from drugcontrol.core import services
from drugcontrol.core.errors import ServiceError
from drugcontrol.core.models import OrganisationKind, Role


class Command(BaseCommand):
    help = (
        "Create a user in the organisation of KIND in COUNTRY (or the international one), "
        "creating that organisation when missing. The password is read from standard input."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--country", metavar="ISO3", help="ISO 3166-1 alpha-3 code")
        scope.add_argument("--international", action="store_true")
        parser.add_argument("--org-kind", choices=OrganisationKind.values, required=False)
        parser.add_argument("--role", choices=Role.values, required=True)
        parser.add_argument("--org", metavar="NAME", help="organisation name (default: by kind)")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            required=True,
            help="read the password from stdin",
        )

    def handle(
        self, *args, username, country, international, org_kind, role, org, email, **options
    ):
        if international:
            if org_kind not in (None, OrganisationKind.INTERNATIONAL):
                raise CommandError("--international goes with --org-kind international")
            org_kind = OrganisationKind.INTERNATIONAL
        elif org_kind is None:
            raise CommandError("--org-kind is required with --country")
        elif org_kind == OrganisationKind.INTERNATIONAL:
            raise CommandError("an international organisation has no country; use --international")
        password = sys.stdin.readline().rstrip("\r\n")
        try:
            organisation = services.organisation_for(kind=org_kind, country_code=country, name=org)
            user = services.user_create(
                actor=None,
                organisation=organisation,
                username=username,
                role=role,
                password=password,
                email=email,
            )
        except ServiceError as error:
            raise CommandError(error.describe()) from None
        self.stdout.write(f"created user {user.username} ({role}) in {organisation.name}")
