import io
import os
import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from drugcontrol.core.checks import refuse_to_start_if_insecure

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


class Command(BaseCommand):
    help = (
        "Prepare the database (migrate, reference data, demo data) and serve on this machine "
        "through gunicorn with the background worker beside it; prints the address and the "
        "demo accounts last. DEBUG=1 serves with Django's development server instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=2, help="server processes")
        parser.add_argument("--no-demo", action="store_true", help="do not load demo data")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start the background worker (e-mailed alerts wait in the queue)",
        )

    def handle(self, *args, port, host, workers, no_demo, no_worker, **options):
        refuse_to_start_if_insecure()
        address = f"http://{host}:{port}"
        # Links in e-mailed alerts point at this server unless SITE_URL says otherwise.
        site_url = os.environ.get("SITE_URL") or address
        settings.SITE_URL = site_url
        var = settings.VAR_DIR
        var.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        if not settings.DEBUG:
            # Compressed copies for the production server (whitenoise serves them).
            call_command("collectstatic", interactive=False, verbosity=0)
        call_command("load_reference", stdout=self.stdout)
        accounts = io.StringIO()
        if not no_demo:
            call_command("load_demo", stdout=accounts)
        environment = {
            **os.environ,
            "SITE_URL": site_url,
            "SECRET_KEY": settings.SECRET_KEY,
            "DRUGCONTROL_AUDIT_KEY": settings.AUDIT_KEY,
        }
        if "EMAIL_BACKEND" not in os.environ:
            # Alerts e-mailed on this machine are written to files, not the terminal.
            environment["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
            environment["EMAIL_FILE_PATH"] = settings.EMAIL_FILE_PATH
        if host in LOOPBACK and site_url.startswith("http://"):
            # Plain HTTP on this machine only: browsers drop Secure cookies there.
            environment.setdefault("SECURE_COOKIES", "0")
            environment.setdefault("SECURE_HSTS_SECONDS", "0")
        worker = None
        if not no_worker:
            log = open(var / "worker.log", "ab")  # noqa: SIM115 (open while the worker runs)
            worker = subprocess.Popen(
                [sys.executable, "-m", "drugcontrol.cli", "worker"],
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            if settings.DEBUG:
                self._announce(address, accounts, worker, development=True)
                from drugcontrol.core.process import warm_and_freeze

                warm_and_freeze()
                call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
                return
            server = subprocess.Popen(  # noqa: S603 (our own interpreter, module and options)
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "drugcontrol.wsgi:application",
                    "--bind",
                    f"{host}:{port}",
                    "--workers",
                    str(workers),
                    "--log-level",
                    "warning",
                    "--access-logfile",
                    str(var / "access.log"),
                    "--error-logfile",
                    str(var / "server.log"),
                    # The application's own log (errors with their tracebacks) goes to the
                    # server log too, not to the terminal that shows the address.
                    "--capture-output",
                ],
                env=environment,
            )
            self._wait_until_serving(address, server)
            self._announce(address, accounts, worker, development=False)
            try:
                server.wait()
            except KeyboardInterrupt:
                pass
            finally:
                server.terminate()
                server.wait(timeout=20)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)

    def _wait_until_serving(self, address: str, server: subprocess.Popen) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError(
                    f"The server stopped (exit {server.returncode}); see "
                    f"{settings.VAR_DIR / 'server.log'}."
                )
            try:
                health = f"{address}/healthz"  # http, on the host and port given above
                with urllib.request.urlopen(health, timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        server.terminate()
        raise CommandError(f"The server did not answer on {address} within two minutes.")

    def _announce(self, address, accounts, worker, *, development: bool) -> None:
        var = settings.VAR_DIR
        if worker is not None:
            self.stdout.write(
                f"Background worker running (pid {worker.pid}), log {var / 'worker.log'}"
            )
        if "EMAIL_BACKEND" not in os.environ:
            self.stdout.write(f"E-mails are written to {settings.EMAIL_FILE_PATH}")
        self.stdout.write(
            "Development server (DEBUG on)."
            if development
            else f"Server log {var / 'server.log'}, requests in {var / 'access.log'}"
        )
        if accounts.getvalue():
            self.stdout.write(accounts.getvalue().rstrip("\n"))
        self.stdout.write(self.style.SUCCESS(f"\nServing on {address}/  (Ctrl+C stops)"))
