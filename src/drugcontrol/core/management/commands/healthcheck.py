from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class Command(BaseCommand):
    help = (
        "Check the configuration (system checks; deployment checks when DEBUG is off) and "
        "that the database is reachable and migrated."
    )

    def handle(self, *args, **options):
        from django.conf import settings

        call_command("check", deploy=not settings.DEBUG, fail_level="ERROR")
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as error:
            raise CommandError(f"database: unreachable ({error})") from None
        vendor = connection.vendor
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            raise CommandError(
                f"database ({vendor}): reachable, {len(pending)} migrations not applied; "
                "run `drugcontrol migrate`"
            )
        self.stdout.write(self.style.SUCCESS(f"configuration: ok\ndatabase ({vendor}): ok"))
