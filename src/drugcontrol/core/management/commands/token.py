from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from drugcontrol.core import services
from drugcontrol.core.errors import ServiceError
from drugcontrol.core.models import ApiToken, User


class Command(BaseCommand):
    help = "Manage API tokens: create (prints the secret once), list, revoke."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("username")
        create.add_argument("--expires", type=int, metavar="DAYS", help="validity in days")
        create.add_argument("--name", default="command line")
        listing = sub.add_parser("list", help="list a user's tokens")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("token_id", type=int)

    def _user(self, username):
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        return user

    def handle(self, *args, action, **options):
        if action == "create":
            user = self._user(options["username"])
            try:
                _token, secret = services.token_create(
                    actor=None, user=user, name=options["name"], expires_in_days=options["expires"]
                )
            except ServiceError as error:
                raise CommandError(error.describe()) from None
            self.stdout.write(secret)
        elif action == "list":
            user = self._user(options["username"])
            now = timezone.now()
            for token in ApiToken.objects.filter(user=user).order_by("-created_at"):
                state = "active" if token.is_usable(now) else "revoked/expired"
                expires = token.expires_at.date().isoformat() if token.expires_at else "-"
                self.stdout.write(f"{token.pk}\t{token.prefix}…\t{token.name}\t{expires}\t{state}")
        else:
            token = (
                ApiToken.objects.select_related("user__organisation")
                .filter(pk=options["token_id"])
                .first()
            )
            if token is None:
                raise CommandError("no such token")
            services.token_revoke(actor=None, token=token)
            self.stdout.write(f"revoked token {token.pk}")
