"""The `drugcontrol` console command: a thin front on Django's management commands."""

import os
import sys

COMMANDS = {
    "run": ("run", "migrate, load reference and demo data, print demo accounts, serve"),
    "migrate": ("migrate", "create or upgrade the database tables"),
    "load-reference": (
        "load_reference",
        "load or update reference data (countries, controlled-substance lists)",
    ),
    "load-demo": ("load_demo", "load the demo organisations and accounts (idempotent)"),
    "createuser": ("createuser", "create a user in a country's or the international organisation"),
    "token": ("token", "create, list or revoke API tokens"),
    "identify": ("identify", "international control status of a structure or name"),
    "load-national-list": ("load_national_list", "load a country's national control list (CSV)"),
    "entities": ("entities", "parties: import a CSV file, or match a name"),
    "spectra": ("spectra", "spectral library: import an MSP file, or search its spectra"),
    "nps": ("nps", "early warning: run the emergence signals' rules (nps signals)"),
    "monitoring": ("monitoring", "national monitoring values: export (SDMX, CSV) or import"),
    "review": ("review", "implementation review: a cycle's report as PDF"),
    "worker": ("db_worker", "run background tasks from the database queue"),
    "audit": ("audit", "verify the audit log's hash chain, or write a signed checkpoint"),
    "check": ("healthcheck", "check the configuration and that the database is reachable"),
    "manage": (None, "any Django management command (drugcontrol manage help)"),
}


def usage() -> str:
    lines = ["usage: drugcontrol COMMAND [options]   (drugcontrol COMMAND --help for more)", ""]
    lines += [f"  {name:<16}{description}" for name, (_c, description) in COMMANDS.items()]
    return "\n".join(lines)


def _keep_key_file(name: str) -> None:
    """Generate a random key once into var/NAME (readable by the owner only), which the
    settings of every process of the installation read."""
    import secrets
    from pathlib import Path

    var = Path(os.environ.get("DRUGCONTROL_VAR_DIR") or Path.cwd() / "var")
    path = var / name
    if path.exists():
        return
    var.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(secrets.token_urlsafe(50))


def _keep_secret_key() -> None:
    """`run` with no SECRET_KEY: generate one once into var/secret_key."""
    _keep_key_file("secret_key")


def _keep_audit_key() -> None:
    """`run` with no DRUGCONTROL_AUDIT_KEY: generate the audit log's own key once into
    var/audit_key, a separate file, before the first event is written."""
    _keep_key_file("audit_key")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drugcontrol.settings")
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"drugcontrol: unknown command {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    if name == "run" and not os.environ.get("SECRET_KEY"):
        _keep_secret_key()
    if name == "run" and not os.environ.get("DRUGCONTROL_AUDIT_KEY"):
        _keep_audit_key()
    if name == "worker" and not any(arg.startswith("--queue-name") for arg in rest):
        rest = ["--queue-name", "*", *rest]  # every queue unless told otherwise
    from django.core.management import execute_from_command_line

    command = COMMANDS[name][0]
    execute_from_command_line(["drugcontrol", *([command] if command else []), *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
