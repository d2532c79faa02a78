"""Benchmark: a paginated, scoped API list endpoint against a bare JSON view.

Serves the project with gunicorn (2 sync workers) on 127.0.0.1, seeds 10,000 audit events
through `record_event`, and measures, side by side in one run,

    GET /api/v1/audit-events?page_size=50   (bearer token of a national organisation admin,
                                             so the visibility rule filters the log: the first
                                             page with its count)
    GET /api/v1/audit-events?page_size=50&cursor=...
                                            (the same list's second page through the `next`
                                             cursor of the first: keyset, no count)
    GET /bench/bare                         (a plain JsonResponse, same server, same middleware)

at 1 and 32 concurrent connections, on SQLite and on PostgreSQL. Targets: each list reaches at
least 0.3 of the bare view's throughput (issue 10; the first target was 0.5); the page list's
p99 latency is under 100 ms at 32 connections.

Needs `wrk` (Debian: `apt-get install wrk`) and, for PostgreSQL, a server that accepts
`postgresql://postgres@127.0.0.1:5432/postgres` (override with --postgres-url); the database
`drugcontrol_bench` (--postgres-database) is dropped and created afresh.

    .venv/bin/python benchmarks/api_list.py [--duration 10] [--databases sqlite,postgresql]
"""

import argparse
import contextlib
import importlib.metadata
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
LIST_PATH = "/api/v1/audit-events?page_size=50"
BARE_PATH = "/bench/bare"
CONNECTIONS = (1, 32)
ROUNDS = 2  # bare, list, bare, list: medians of two runs each
WARMUP_SECONDS = 2
WORKERS = 2
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_DATABASE = "drugcontrol_bench"
TARGET_RATIO = 0.3
TARGET_P99_MS = 100.0

# The seeded world: one competent authority and one law-enforcement agency in each of ten
# countries, an administrator and an officer in each; the load signs in as CHN's admin.
SEED_COUNTRIES = ("CHN", "DEU", "NLD", "MEX", "IND", "FRA", "BRA", "NGA", "USA", "JPN")
SEED_KINDS = ("competent_authority", "law_enforcement")
SEED_ROLES = ("admin", "officer")
SEED_PASSWORD = "bench-Passw0rd-2026-not-secret"
LOAD_USER = "bench_chn_competent_authority_admin"
BATCH = 1000


# --- seeding (runs in a child process with the benchmark's environment) ---------------------


def seed(records: int) -> dict:
    """Migrate, load countries, create organisations, users and a token, then record audit
    events until the log holds `records` rows. Returns what the load generator needs."""
    import random

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Q

    from drugcontrol.core import services
    from drugcontrol.core.audit import record_event
    from drugcontrol.core.models import AuditEvent, User
    from drugcontrol.core.reference import load_countries

    call_command("migrate", verbosity=0)
    load_countries()
    users = []
    for country in SEED_COUNTRIES:
        for kind in SEED_KINDS:
            organisation = services.organisation_for(kind=kind, country_code=country)
            for role in SEED_ROLES:
                users.append(
                    services.user_create(
                        actor=None,
                        organisation=organisation,
                        username=f"bench_{country.lower()}_{kind}_{role}",
                        role=role,
                        password=SEED_PASSWORD,
                    )
                )
    load_user = User.objects.select_related("organisation").get(username=LOAD_USER)
    _token, secret = services.token_create(
        actor=None, user=load_user, name="benchmark", expires_in_days=30
    )
    organisations = sorted({user.organisation for user in users}, key=lambda org: org.pk)
    rng = random.Random(2026)
    remaining = records - AuditEvent.objects.count()
    number = 0
    while remaining > 0:
        with transaction.atomic():
            for _ in range(min(BATCH, remaining)):
                number += 1
                actor = rng.choice(users)
                # Most events change the actor's own records; some touch another's.
                owner = actor.organisation if rng.random() < 0.9 else rng.choice(organisations)
                record_event(
                    actor=actor,
                    action=rng.choice(("record.created", "record.updated", "record.reviewed")),
                    object_type="benchmark.record",
                    object_id=str(number),
                    before={"status": "draft", "quantity_kg": number % 97},
                    after={"status": "submitted", "quantity_kg": number % 97 + 1},
                    owner_organisation=owner,
                )
        remaining -= BATCH
    if connection.vendor == "postgresql":
        # What autovacuum does shortly after a bulk load; fresh statistics for the planner.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    organisation_id = load_user.organisation_id
    visible = AuditEvent.objects.filter(
        Q(organisation_id=organisation_id)
        | Q(owner_organisation_id=organisation_id)
        | Q(actor_id=load_user.pk)
    ).count()
    return {
        "secret": secret,
        "events": AuditEvent.objects.count(),
        "visible": visible,
        "users": len(users),
        "organisations": len(organisations),
    }


# --- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def get(port: int, path: str, secret: str) -> tuple[int, bytes]:
    connection = HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {secret}"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def gunicorn(env: dict, log_path: Path):
    """Start gunicorn in its own process group; stop the whole group on the way out."""
    port = free_port()
    command = [
        str(VENV_BIN / "gunicorn"),
        "--pythonpath",
        str(BENCH_DIR),
        "-w",
        str(WORKERS),
        "-b",
        f"{HOST}:{port}",
        "drugcontrol.wsgi",
    ]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{tail(log_path)}")
            with contextlib.suppress(OSError):
                if get(port, BARE_PATH, "")[0] == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer within 30 s:\n{tail(log_path)}")
            time.sleep(0.2)
        yield port
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


# --- load generation ------------------------------------------------------------------------

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


@dataclass
class Run:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int
    socket_errors: int


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"unexpected latency {text!r} in wrk output")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> Run:
    def find(pattern: str) -> re.Match:
        match = re.search(pattern, output, re.MULTILINE)
        if match is None:
            raise ValueError(f"wrk output has no {pattern!r}:\n{output}")
        return match

    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Run(
        requests_per_second=float(find(r"^Requests/sec:\s+([\d.]+)").group(1)),
        p50_ms=_ms(find(r"^\s+50%\s+(\S+)").group(1)),
        p99_ms=_ms(find(r"^\s+99%\s+(\S+)").group(1)),
        requests=int(find(r"^\s+(\d+) requests in").group(1)),
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
    )


def wrk(port: int, path: str, secret: str, connections: int, seconds: int) -> Run:
    command = [
        "wrk",
        f"--threads={min(connections, 2)}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        "--latency",
        "-H",
        f"Authorization: Bearer {secret}",
        f"http://{HOST}:{port}{path}",
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=True
    )
    return parse_wrk(result.stdout)


@dataclass
class Result:
    database: str
    connections: int
    endpoint: str
    runs: list[Run] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return statistics.median(run.requests_per_second for run in self.runs)

    @property
    def p50(self) -> float:
        return statistics.median(run.p50_ms for run in self.runs)

    @property
    def p99(self) -> float:
        return statistics.median(run.p99_ms for run in self.runs)

    @property
    def errors(self) -> int:
        return sum(run.non_2xx_3xx + run.socket_errors for run in self.runs)


def cursor_path(port: int, secret: str) -> str | None:
    """The list's second page, through the cursor the first page returns (None from code
    older than cursors, so that the same script measures it)."""
    status, body = get(port, LIST_PATH, secret)
    if status != 200:
        raise RuntimeError(f"{LIST_PATH} answered {status}: {body[:200]!r}")
    cursor = json.loads(body).get("next")
    return f"{LIST_PATH}&cursor={urllib.parse.quote(cursor)}" if cursor else None


def check_endpoints(port: int, secret: str, expected_visible: int, cursor: str | None) -> None:
    """The endpoints answer 200 (no redirect), and the lists are the scoped one."""
    status, body = get(port, BARE_PATH, secret)
    if status != 200:
        raise RuntimeError(f"{BARE_PATH} answered {status}: {body[:200]!r}")
    status, body = get(port, LIST_PATH, secret)
    if status != 200:
        raise RuntimeError(f"{LIST_PATH} answered {status}: {body[:200]!r}")
    page = json.loads(body)
    if len(page["items"]) != 50 or page["count"] != expected_visible:
        raise RuntimeError(
            f"{LIST_PATH}: {len(page['items'])} items of {page['count']}, "
            f"expected 50 of {expected_visible}"
        )
    if cursor is None:
        return
    status, body = get(port, cursor, secret)
    page = json.loads(body) if status == 200 else {}
    if status != 200 or len(page["items"]) != 50 or page["count"] is not None:
        raise RuntimeError(f"the cursor page answered {status}: {body[:200]!r}")


def measure(
    database: str, port: int, secret: str, duration: int, cursor: str | None
) -> list[Result]:
    endpoints = (("bare", BARE_PATH), ("list", LIST_PATH), ("cursor", cursor))
    endpoints = tuple((name, path) for name, path in endpoints if path)
    results = []
    for connections in CONNECTIONS:
        for _name, path in endpoints:  # warm-up, not recorded
            wrk(port, path, secret, connections, WARMUP_SECONDS)
        block = {name: Result(database, connections, name) for name, _path in endpoints}
        for _round in range(ROUNDS):
            for name, path in endpoints:
                run = wrk(port, path, secret, connections, duration)
                block[name].runs.append(run)
                print(
                    f"  {database:<10} {connections:>5}  {name:<6}  {run.requests_per_second:8.1f}"
                    f" req/s  p50 {run.p50_ms:7.2f} ms  p99 {run.p99_ms:7.2f} ms"
                    f"  ({run.requests} requests, {run.non_2xx_3xx} non-2xx/3xx,"
                    f" {run.socket_errors} socket errors)",
                    flush=True,
                )
        results.extend(block.values())
    return results


# --- databases ------------------------------------------------------------------------------


def fresh_postgres_database(admin_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def postgres_version(admin_url: str) -> str:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        return connection.execute("SHOW server_version").fetchone()[0]


def drop_postgres_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the machine ----------------------------------------------------------------------------


def machine(databases: list[str], admin_url: str) -> list[tuple[str, str]]:
    cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    meminfo = Path("/proc/meminfo").read_text(errors="replace")
    memory = re.search(r"^MemTotal:\s+(\d+) kB", meminfo, re.MULTILINE)
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    rows = [
        ("CPUs (nproc)", str(len(os.sched_getaffinity(0)))),
        ("CPU model", model.group(1).strip() if model else "unknown"),
        ("memory", f"{int(memory.group(1)) / 1024 / 1024:.1f} GiB" if memory else "unknown"),
        ("kernel", f"{platform.system()} {platform.release()}"),
        ("Python", platform.python_version()),
        ("Django", importlib.metadata.version("django")),
        ("django-ninja", importlib.metadata.version("django-ninja")),
        ("gunicorn", f"{importlib.metadata.version('gunicorn')} ({WORKERS} sync workers)"),
        ("wrk", (wrk_version.stdout + wrk_version.stderr).split(" [")[0].strip()),
        ("SQLite", sqlite3.sqlite_version),
    ]
    if "postgresql" in databases:
        rows.append(("PostgreSQL server", postgres_version(admin_url)))
    rows.append(("psycopg", importlib.metadata.version("psycopg")))
    return rows


# --- the run --------------------------------------------------------------------------------


def server_env(database_url: str, var_dir: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "SECURE_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH_DIR), env.get("PYTHONPATH")])),
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50)[:50],
            "DRUGCONTROL_AUDIT_KEY": secrets.token_urlsafe(50)[:50],
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "DATABASE_URL": database_url,
            "DRUGCONTROL_VAR_DIR": str(var_dir),
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def run_database(database: str, args, workdir: Path) -> list[Result]:
    if database == "sqlite":
        database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        database_url = fresh_postgres_database(args.postgres_url, args.postgres_database)
    env = server_env(database_url, workdir / "var")
    print(f"\n[{database}] seeding {args.records} audit events ...", flush=True)
    started = time.monotonic()
    seeded = subprocess.run(
        [sys.executable, __file__, "--seed-only", "--records", str(args.records)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if seeded.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{seeded.stdout}\n{seeded.stderr}")
    info = json.loads(seeded.stdout.strip().splitlines()[-1])
    print(
        f"[{database}] {info['events']} audit events, {info['organisations']} organisations in "
        f"{len(SEED_COUNTRIES)} countries, {info['users']} users; {info['visible']} events "
        f"visible to {LOAD_USER} ({time.monotonic() - started:.0f} s)",
        flush=True,
    )
    with gunicorn(env, workdir / f"gunicorn-{database}.log") as port:
        cursor = cursor_path(port, info["secret"])
        check_endpoints(port, info["secret"], info["visible"], cursor)
        results = measure(database, port, info["secret"], args.duration, cursor)
        check_endpoints(port, info["secret"], info["visible"], cursor)
    return results


def report(results: list[Result]) -> bool:
    print("\ndatabase    conns  endpoint     req/s   p50 ms   p99 ms  errors")
    for result in results:
        print(
            f"{result.database:<10} {result.connections:>6}  {result.endpoint:<8} "
            f"{result.rps:9.1f} {result.p50:8.2f} {result.p99:8.2f} {result.errors:7d}"
        )
    print()
    all_met = True
    by_key = {(r.database, r.connections, r.endpoint): r for r in results}
    for database, connections in dict.fromkeys((r.database, r.connections) for r in results):
        bare = by_key[(database, connections, "bare")]
        listing = by_key[(database, connections, "list")]
        line = f"{database:<10} {connections:>2} conns:"
        for name in ("list", "cursor"):
            if (database, connections, name) not in by_key:
                continue
            ratio = by_key[(database, connections, name)].rps / bare.rps
            ratio_met = ratio >= TARGET_RATIO
            all_met &= ratio_met
            line += (
                f" {name}/bare throughput {ratio:.2f} "
                f"(target >= {TARGET_RATIO}: {'met' if ratio_met else 'MISSED'});"
            )
        if connections == max(CONNECTIONS):
            p99_met = listing.p99 < TARGET_P99_MS
            all_met &= p99_met
            line += (
                f" list p99 {listing.p99:.1f} ms "
                f"(target < {TARGET_P99_MS:.0f} ms: {'met' if p99_met else 'MISSED'})"
            )
        print(line.rstrip(";"))
    errors = sum(result.errors for result in results)
    if errors:
        print(f"\nINVALID: {errors} failed requests (non-2xx/3xx or socket errors)")
    return all_met and not errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite,postgresql")
    parser.add_argument("--records", type=int, default=10_000, help="audit events to seed")
    parser.add_argument("--postgres-url", default=POSTGRES_ADMIN_URL, help="maintenance DB")
    parser.add_argument(
        "--postgres-database",
        default=POSTGRES_DATABASE,
        help="database to drop, create and drop again (one per concurrent run)",
    )
    parser.add_argument("--seed-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.seed_only:  # the child process: the environment already names the database
        print(json.dumps(seed(args.records)))
        return 0

    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = set(databases) - {"sqlite", "postgresql"}
    if unknown or not databases:
        parser.error(f"unknown database(s): {', '.join(sorted(unknown)) or '(none)'}")
    if shutil.which("wrk") is None:
        print("wrk is not installed. On Debian or Ubuntu: apt-get install wrk", file=sys.stderr)
        return 2
    if not (VENV_BIN / "gunicorn").exists():
        print(f"gunicorn not found in {VENV_BIN}; run from the project's venv", file=sys.stderr)
        return 2

    print(f"API list benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}")
    for name, value in machine(databases, args.postgres_url):
        print(f"  {name:<18} {value}")
    print(
        f"  list: GET {LIST_PATH} as {LOAD_USER}; cursor: its second page through the"
        f" first page's `next`; bare: GET {BARE_PATH}\n"
        f"  {args.duration} s per run after a {WARMUP_SECONDS} s warm-up; bare, list and cursor "
        f"alternate, {ROUNDS} runs each; medians reported"
    )
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="drugcontrol-bench-") as workdir:
        for database in databases:
            try:
                results += run_database(database, args, Path(workdir))
            finally:
                if database == "postgresql":
                    drop_postgres_database(args.postgres_url, args.postgres_database)
    return 0 if report(results) else 1


if __name__ == "__main__":
    sys.exit(main())
