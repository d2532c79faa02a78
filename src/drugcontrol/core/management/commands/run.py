import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from drugcontrol.core.checks import refuse_to_start_if_insecure


class Command(BaseCommand):
    help = (
        "Prepare the embedded database (migrate, reference data, demo data), print the demo "
        "accounts and serve on 127.0.0.1. For production use gunicorn (docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-demo", action="store_true", help="do not load demo data")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start the background worker (e-mailed alerts wait in the queue)",
        )

    def handle(self, *args, port, host, no_demo, no_worker, **options):
        refuse_to_start_if_insecure()
        # Links in e-mailed alerts point at this server unless SITE_URL says otherwise.
        if not os.environ.get("SITE_URL"):
            settings.SITE_URL = f"http://{host}:{port}"
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_reference", stdout=self.stdout)
        if not no_demo:
            call_command("load_demo", stdout=self.stdout)
        # The background worker (e-mailed alerts, imports) runs beside the server.
        worker = None
        if not no_worker:
            worker = subprocess.Popen(
                [sys.executable, "-m", "drugcontrol.cli", "worker"],
                env={**os.environ, "SITE_URL": settings.SITE_URL},
            )
            self.stdout.write(f"Background worker started (pid {worker.pid}).")
        self.stdout.write(
            self.style.SUCCESS(f"\nServing on http://{host}:{port}/  (Ctrl+C stops)\n")
        )
        from drugcontrol.core.process import warm_and_freeze

        warm_and_freeze()
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
