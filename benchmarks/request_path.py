"""Benchmark: what the request path of issue 11 costs (filters, generated forms, workflow).

Since issue 11 every list's filter is declared once as a `FilterSchema`
(`incidents/filters.py`, `precursors/filters.py`): the API takes it as its query, and the
list page binds the same query string to a Django form generated from it
(`core.filters.filter_form`). The notification page offers the workflow's buttons through
`precursors.selectors.allowed_actions`, which reads the transition table
(`precursors/workflow.py`). This script measures, in process (Django's test client, signed
in as a national focal point), side by side in one run (the variants alternate in every
round; medians):

1. the incident list page with a filter of three fields (kind, country, since) against the
   page with no filter: what the generated filter form and the filter cost;
2. the incident API list (`GET /api/v1/incidents`, same filter, 50 a page) against the page
   with the same filter;
3. the same pair for the notification list (status, country, since);
4. binding and validating the filter alone
   (`filter_form(IncidentFilter, querydict).filters()`) against the whole filtered page,
   per call, so that the reader sees its share;
4b. the page's filter form as the page builds it (`incident_filter_form`: with the
   substances and countries it offers as options), bound, validated and rendered, against
   the whole filtered page; and reading those options alone (`_filter_choices`) against
   the form built with them and rendered;
5. the notification page (whose buttons come from `allowed_actions`) against
   `allowed_actions` alone, per call.

Data: 10 countries with one competent authority and one focal point each; 200 parties
registered through the services; then, in bulk with the rows the services would have
written (countries involved, audiences, substances, parties and their links), 5,000
incidents and 5,000 notifications, every one of them visible to the reader (China's focal
point), and as many again about other countries only, which the reader does not see.

No targets: the script reports the figures, it passes or fails nothing (exit status 0
unless a request fails or the page and the API disagree on the rows). Each database runs in
a child process of its own. For PostgreSQL the script needs a server that accepts
`postgresql://postgres@127.0.0.1:5432/postgres`; it drops and creates the database
`drugcontrol_bench_request_path` and drops it again at the end.

    .venv/bin/python benchmarks/request_path.py [--databases sqlite,postgresql]
        [--incidents 5000] [--notifications 5000] [--rounds 40]
"""

import argparse
import datetime
import decimal
import importlib.metadata
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = "drugcontrol_bench_request_path"
READER_COUNTRY = "CHN"
COUNTRIES = ("CHN", "DEU", "NLD", "MEX", "IND", "FRA", "BRA", "NGA", "USA", "JPN")
SUBSTANCES = ("Ephedrine", "Pseudoephedrine", "Acetic anhydride", "Potassium permanganate",
              "Anthranilic acid", "Piperidine", "Toluene", "Acetone")  # fmt: skip
INCIDENT_KINDS = ("seizure", "stopped_shipment", "diversion_attempt", "suspicious_order",
                  "illicit_laboratory", "suspended_shipment")  # fmt: skip
COUNTRY_ROLES = ("origin", "departure", "transit", "destination")
PARTIES_PER_COUNTRY = 20
PAGE = 50
# Calls of the cheap measures (the filter alone, allowed_actions alone) per round: their
# time per call is the batch's time divided by this.
BATCH = 50


# --- the machine ----------------------------------------------------------------------------


def machine(admin_url: str, databases: list[str]) -> list[tuple[str, str]]:
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    commit = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=PROJECT_DIR
        ).stdout.strip()
        or "unknown (not a git checkout)"
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
    ).stdout.strip()
    rows = [
        ("CPU model", model),
        ("CPUs (nproc)", str(os.cpu_count())),
        ("kernel", f"{platform.system()} {platform.release()}"),
        ("Python", platform.python_version()),
        ("Django", importlib.metadata.version("Django")),
        ("django-ninja", importlib.metadata.version("django-ninja")),
        ("SQLite", sqlite3.sqlite_version),
        ("commit", commit + (" (with uncommitted changes)" if dirty else "")),
    ]
    if "postgresql" in databases:
        import psycopg

        with psycopg.connect(admin_url) as connection:
            version = connection.execute("SELECT version()").fetchone()[0]
        rows.append(("PostgreSQL server", version.split(" on ")[0] + ", same machine"))
        rows.append(("psycopg", importlib.metadata.version("psycopg")))
    return rows


# --- the data -------------------------------------------------------------------------------


def seed(args) -> dict:
    """Reference data, organisations, users and parties through the services; incidents and
    notifications in bulk. Returns what the measures need."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from drugcontrol.core import services as core_services
    from drugcontrol.core.reference import load_countries
    from drugcontrol.entities import services as entity_services
    from drugcontrol.entities.models import PartyLink
    from drugcontrol.incidents.models import (
        Incident,
        IncidentAudience,
        IncidentCountry,
        IncidentParty,
        IncidentSubstance,
    )
    from drugcontrol.precursors.models import (
        Notification,
        NotificationLine,
        NotificationParty,
    )
    from drugcontrol.substances.selectors import find_by_name
    from drugcontrol.substances.services import reference_lists_load

    rng = random.Random(args.seed)
    call_command("migrate", verbosity=0)
    load_countries()
    reference_lists_load()
    substances = [find_by_name(name).pk for name in SUBSTANCES]
    authority, officer = {}, {}
    for code in COUNTRIES:
        authority[code] = core_services.organisation_for(
            kind="competent_authority", country_code=code, name=f"{code} precursor authority"
        )
        officer[code] = core_services.user_create(
            actor=None,
            organisation=authority[code],
            username=f"bench_{code.lower()}",
            role="focal_point",
            password="bench-Passw0rd-2026-not-secret",
            email=f"{code.lower()}@bench.example",
        )
    parties: dict[str, list[tuple[int, str]]] = {}
    for code in COUNTRIES:
        for number in range(PARTIES_PER_COUNTRY):
            name = f"{code.capitalize()} Trading {number:03d} Ltd"
            party = entity_services.party_create(
                actor=officer[code],
                data=entity_services.validate_party(kind="company", name=name, country_code=code),
                correlate=False,
            )
            parties.setdefault(code, []).append((party.pk, name))

    now = timezone.now()
    today = timezone.localdate()
    others = [code for code in COUNTRIES if code != READER_COUNTRY]
    with transaction.atomic():
        # Incidents: the first half name the reader's country (as reporter or in a role),
        # the second half only other countries.
        incidents, numbering = [], {}
        plans = []
        for number in range(2 * args.incidents):
            visible = number < args.incidents
            if visible and rng.random() < 0.4:
                reporter, named = READER_COUNTRY, rng.sample(others, rng.choice((1, 2)))
            elif visible:
                reporter = rng.choice(others)
                named = [READER_COUNTRY, *rng.sample([c for c in others if c != reporter], 1)]
            else:
                reporter, *named = rng.sample(others, 3)
            occurred = today - datetime.timedelta(days=rng.randint(0, 3 * 365))
            numbering[reporter] = numbering.get(reporter, 0) + 1
            created = now - datetime.timedelta(days=(today - occurred).days)
            incidents.append(
                Incident(
                    reference=f"{reporter}-{occurred.year}-{numbering[reporter]:06d}",
                    kind=rng.choice(INCIDENT_KINDS),
                    occurred_on=occurred,
                    reporting_organisation=authority[reporter],
                    reporting_country_id=reporter,
                    distribution="countries_involved",
                    description="Generated for the request-path benchmark.",
                    created_by=officer[reporter],
                    created_at=created,
                    updated_at=created,
                )
            )
            plans.append((reporter, named))
        Incident.objects.bulk_create(incidents, batch_size=1000)
        countries, audience, lines, named_parties, links = [], [], [], [], []
        for incident, (reporter, named) in zip(incidents, plans, strict=True):
            audience.append(
                IncidentAudience(incident=incident, country_id=reporter, reason="reporter")
            )
            for sequence, code in enumerate(named):
                countries.append(
                    IncidentCountry(
                        incident=incident,
                        country_id=code,
                        role=rng.choice(COUNTRY_ROLES),
                        sequence=sequence,
                    )
                )
                audience.append(IncidentAudience(incident=incident, country_id=code, reason="role"))
            lines.append(
                IncidentSubstance(
                    incident=incident,
                    substance_id=rng.choice(substances),
                    quantity=decimal.Decimal(rng.randint(1, 2000)),
                    unit="kg",
                )
            )
            party_id, name = rng.choice(parties[reporter])
            named_parties.append(
                IncidentParty(
                    incident=incident, party_id=party_id, role="consignee", reported_name=name
                )
            )
            links.append(
                PartyLink(
                    party_id=party_id,
                    record_type="incidents.incident",
                    record_id=str(incident.pk),
                    role="consignee",
                    reported_name=name,
                    organisation=authority[reporter],
                    country_id=reporter,
                    audience="countries_involved",
                    created_at=incident.created_at,
                )
            )
        for model, rows in (
            (IncidentCountry, countries),
            (IncidentAudience, audience),
            (IncidentSubstance, lines),
            (IncidentParty, named_parties),
        ):
            model.objects.bulk_create(rows, batch_size=1000)

        # Notifications: the first half exported by or to the reader's country, the second
        # half between other countries.
        statuses = (["shipped"] * 70 + ["cleared"] * 8 + ["objected"] * 3 + ["withdrawn"] * 3
                    + ["submitted"] * 10 + ["acknowledged"] * 6)  # fmt: skip
        notifications, plans = [], []
        for number in range(2 * args.notifications):
            if number < args.notifications:
                partner = rng.choice(others)
                exporting, importing = (
                    (READER_COUNTRY, partner) if rng.random() < 0.5 else (partner, READER_COUNTRY)
                )
            else:
                exporting, importing = rng.sample(others, 2)
            status = rng.choice(statuses)
            recent = status in ("submitted", "acknowledged")
            submitted = now - datetime.timedelta(
                days=rng.uniform(0, 12) if recent else rng.uniform(20, 3 * 365)
            )
            deadline = timezone.localdate(submitted) + datetime.timedelta(days=15)
            dispatch = timezone.localdate(submitted) + datetime.timedelta(days=30)
            answered = hours = late = None
            if status in ("shipped", "cleared", "objected"):
                answered = submitted + datetime.timedelta(hours=rng.expovariate(1 / 72))
                hours = int((answered - submitted).total_seconds() // 3600)
                late = timezone.localdate(answered) > deadline
            closed = answered + datetime.timedelta(days=20) if status == "shipped" else None
            notifications.append(
                Notification(
                    reference=f"PEN-{exporting}-{submitted.year}-{number:07d}",
                    kind="scheduled",
                    status=status,
                    exporting_country_id=exporting,
                    exporting_authority=authority[exporting],
                    importing_country_id=importing,
                    importing_authority=authority[importing],
                    point_of_entry="main seaport",
                    expected_dispatch=dispatch,
                    submitted_at=submitted,
                    reply_deadline=deadline,
                    acknowledged_at=submitted + datetime.timedelta(hours=6)
                    if status != "submitted"
                    else None,
                    answered_at=answered,
                    response_hours=hours,
                    answered_late=late,
                    objection_ground="no_licence" if status == "objected" else "",
                    closed_at=closed,
                    outcome="arrived" if status == "shipped" else "",
                    outcome_at=closed,
                    created_by=officer[exporting],
                    created_at=submitted - datetime.timedelta(hours=rng.uniform(1, 48)),
                    updated_at=closed or answered or submitted,
                )
            )
            plans.append((exporting, importing, dispatch))
        Notification.objects.bulk_create(notifications, batch_size=1000)
        lines, named_parties, links = [], [], links
        for notification, (exporting, importing, dispatch) in zip(
            notifications, plans, strict=True
        ):
            quantity = decimal.Decimal(str(round(rng.lognormvariate(4, 1.2), 3)))
            lines.append(
                NotificationLine(
                    notification=notification,
                    substance_id=rng.choice(substances),
                    quantity=quantity,
                    unit="kg",
                    quantity_kg=quantity,
                    importing_country_id=importing,
                    year=dispatch.year,
                )
            )
            for role, code in (("exporter", exporting), ("importer", importing)):
                party_id, name = rng.choice(parties[code])
                named_parties.append(
                    NotificationParty(
                        notification=notification,
                        party_id=party_id,
                        role=role,
                        reported_name=name,
                        address="on file",
                        outcome=notification.outcome,
                    )
                )
                links.append(
                    PartyLink(
                        party_id=party_id,
                        record_type="precursors.notification",
                        record_id=str(notification.pk),
                        role=role,
                        reported_name=name,
                        organisation=authority[exporting],
                        country_id=exporting,
                        audience="countries_involved",
                        created_at=notification.submitted_at,
                    )
                )
        for model, rows in ((NotificationLine, lines), (NotificationParty, named_parties),
                            (PartyLink, links)):  # fmt: skip
            model.objects.bulk_create(rows, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    # The notification page measured: one awaiting the reader's answer (it offers buttons).
    target = (
        Notification.objects.filter(importing_country_id=READER_COUNTRY, status="submitted")
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return {"reader": officer[READER_COUNTRY], "target": target}


# --- the measures ---------------------------------------------------------------------------


def run_side_by_side(variants: list[tuple[str, object, int]], rounds: int) -> dict:
    """Each variant once a round (a batch of calls for the cheap ones), the order rotated
    every round; per-call milliseconds of every round."""
    times: dict[str, list[float]] = {name: [] for name, _f, _n in variants}
    for _ in range(2):  # warm-up: caches, connections, compiled templates
        for _name, function, _calls in variants:
            function()
    for index in range(rounds):
        shift = index % len(variants)
        for name, function, calls in variants[shift:] + variants[:shift]:
            started = time.perf_counter()
            for _ in range(calls):
                function()
            times[name].append((time.perf_counter() - started) * 1000 / calls)
    return times


def measure_all(reader, target: int, rounds: int) -> tuple[list[dict], dict]:
    from django.conf import settings
    from django.http import QueryDict
    from django.test import Client

    from drugcontrol.core.filters import filter_form
    from drugcontrol.incidents import selectors as incident_selectors
    from drugcontrol.incidents.filters import IncidentFilter
    from drugcontrol.precursors import selectors as precursor_selectors
    from drugcontrol.precursors.filters import NotificationFilter
    from drugcontrol.precursors.models import Notification

    client = Client(HTTP_HOST="localhost")
    client.force_login(reader, backend=settings.AUTHENTICATION_BACKENDS[0])
    since = (datetime.date.today() - datetime.timedelta(days=365)).isoformat()
    incident_query = f"kind=seizure&country=DEU&since={since}"
    notification_query = f"status=shipped&country=DEU&since={since}"
    urls = {
        "incident page, no filter": "/incidents/",
        "incident page, filtered": f"/incidents/?{incident_query}",
        "incident API, filtered": f"/api/v1/incidents?{incident_query}&page_size={PAGE}",
        "notification page, filtered": f"/precursors/?{notification_query}",
        "notification API, filtered": (
            f"/api/v1/precursors/notifications?{notification_query}&page_size={PAGE}"
        ),
        "notification page": f"/precursors/{target}/",
    }
    failures: list[str] = []

    def get(url: str):
        def call():
            response = client.get(url)
            if response.status_code != 200:
                failures.append(f"{url}: {response.status_code}")
            return response

        return call

    # The page and the API agree on the rows (the API's count against the selector's).
    facts = {
        "incidents visible to the reader": incident_selectors.incident_list(user=reader).count(),
        "notifications visible to the reader": (
            precursor_selectors.notification_list(user=reader).count()
        ),
    }
    for label, url, rows in (
        (
            "incidents matching the filter",
            urls["incident API, filtered"],
            incident_selectors.incident_list(
                user=reader,
                filters=filter_form(IncidentFilter, QueryDict(incident_query)).filters(),
            ),
        ),
        (
            "notifications matching the filter",
            urls["notification API, filtered"],
            precursor_selectors.notification_list(
                user=reader,
                filters=filter_form(NotificationFilter, QueryDict(notification_query)).filters(),
            ),
        ),
    ):
        body = get(url)().json()
        facts[label] = rows.count()
        if body.get("count") != facts[label] or len(body.get("items", [])) != min(
            PAGE, facts[label]
        ):
            failures.append(f"{url}: the API's count {body.get('count')} != {facts[label]}")
    for url in urls.values():
        get(url)()
    notification = Notification.objects.get(pk=target)
    actions = sorted(precursor_selectors.allowed_actions(user=reader, notification=notification))
    facts["buttons offered on the notification page"] = ", ".join(actions)
    if not actions:
        failures.append("the notification measured offers no action")
    page = client.get(urls["notification page"]).content.decode()
    if f"/precursors/{target}/action/" not in page:
        failures.append("the notification page shows no action form")

    def bind():
        return filter_form(IncidentFilter, QueryDict(incident_query)).filters()

    from django.test import RequestFactory

    from drugcontrol.incidents.views import _filter_choices, incident_filter_form

    request = RequestFactory().get(urls["incident page, filtered"])
    request.user = reader
    sample = incident_filter_form(request)
    facts["options in the incident filter form (substance, country)"] = (
        f"{len(sample.fields['substance_id'].choices) - 1:,}, "
        f"{len(sample.fields['country'].choices) - 1:,}"
    )

    def page_form():
        form = incident_filter_form(request)  # with the options the page offers
        form.filters()
        return "".join(str(field) for field in form)  # as the template renders it

    def options():
        return _filter_choices(reader)  # the substances and countries offered, read

    def offered():
        return precursor_selectors.allowed_actions(user=reader, notification=notification)

    plan = [
        (
            "1",
            "incident list page: 3-field filter vs none",
            [
                ("filtered", get(urls["incident page, filtered"]), 1),
                ("no filter", get(urls["incident page, no filter"]), 1),
            ],
        ),
        (
            "2",
            "incident list, same filter: API vs page",
            [
                ("API", get(urls["incident API, filtered"]), 1),
                ("page", get(urls["incident page, filtered"]), 1),
            ],
        ),
        (
            "3",
            "notification list, same filter: API vs page",
            [
                ("API", get(urls["notification API, filtered"]), 1),
                ("page", get(urls["notification page, filtered"]), 1),
            ],
        ),
        (
            "4",
            "incident filter bound and validated alone vs the filtered page",
            [
                ("filter_form(...).filters()", bind, BATCH),
                ("page", get(urls["incident page, filtered"]), 1),
            ],
        ),
        (
            "4b",
            "the page's filter form with its options, bound and rendered, vs the filtered page",
            [
                ("incident_filter_form + render", page_form, 5),
                ("page", get(urls["incident page, filtered"]), 1),
            ],
        ),
        (
            "4c",
            "the form's options alone (read, not rendered) vs the form with them, rendered",
            [
                ("options (_filter_choices)", options, 5),
                ("incident_filter_form + render", page_form, 5),
            ],
        ),
        (
            "5",
            "notification page vs allowed_actions alone",
            [
                ("allowed_actions", offered, BATCH),
                ("page", get(urls["notification page"]), 1),
            ],
        ),
    ]
    measures = []
    for section, label, variants in plan:
        times = run_side_by_side(variants, rounds)
        measures.append({"section": section, "label": label, "times": times})
        print(f"  {section}. {label}: done", flush=True)
    facts["failures"] = failures
    return measures, facts


# --- one database, in a child process --------------------------------------------------------


def child(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drugcontrol.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-" + "x" * 40)
    os.environ["DEBUG"] = "0"
    os.environ["DATABASE_CONN_MAX_AGE"] = "86400"  # one connection for the run
    workdir = Path(tempfile.mkdtemp(prefix="request-path-bench-"))
    os.environ["DRUGCONTROL_VAR_DIR"] = str(workdir)
    (workdir / "static").mkdir()  # served by the middleware; empty here
    if args.child == "postgresql":
        import psycopg

        with psycopg.connect(args.postgres_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{DATABASE}"')
        os.environ["DATABASE_URL"] = args.postgres_url.rsplit("/", 1)[0] + f"/{DATABASE}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'request_path.sqlite3'}"
    sys.path.insert(0, str(PROJECT_DIR / "src"))
    import django

    django.setup()
    import drugcontrol.urls  # noqa: F401  (every app's routes, as a server would)

    try:
        started = time.perf_counter()
        world = seed(args)
        seeding = time.perf_counter() - started
        print(f"  seeded in {seeding:.0f} s; measuring ...", flush=True)
        from drugcontrol.core.process import warm_and_freeze

        warm_and_freeze()
        measures, facts = measure_all(world["reader"], world["target"], args.rounds)
        result = {
            "database": args.child,
            "seeding": seeding,
            "facts": facts,
            "measures": measures,
        }
        Path(args.result).write_text(json.dumps(result))
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        if args.child == "postgresql":
            import psycopg

            with psycopg.connect(args.postgres_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)


# --- the report -----------------------------------------------------------------------------


def report(args, info, results: list[dict]) -> tuple[str, bool]:
    lines = ["== the request path (filters, generated forms, workflow) ==", ""]
    lines += [f"  {key}: {value}" for key, value in info]
    lines.append(
        f"  command: {' '.join([Path(sys.executable).name, *sys.argv])}; "
        f"rounds {args.rounds}; cheap measures in batches of {BATCH} calls"
    )
    lines.append("")
    ok = True
    for result in results:
        lines.append(f"--- {result['database']} (seeded in {result['seeding']:.0f} s) ---")
        facts = dict(result["facts"])
        failures = facts.pop("failures")
        lines += [f"  {key}: {value:,}" if isinstance(value, int) else f"  {key}: {value}"
                  for key, value in facts.items()]  # fmt: skip
        lines.append("")
        lines.append(
            "median ms per call of each variant, alternated in one run; ratio: first / second"
        )
        lines.append(f"{'measure':68} {'first':>10} {'second':>10} {'ratio':>7}")
        for measure in result["measures"]:
            (first, a), (second, b) = measure["times"].items()
            ma, mb = statistics.median(a), statistics.median(b)
            lines.append(f"{measure['section']}. {measure['label']}")
            lines.append(
                f"     {first} / {second}:".ljust(69) + f"{ma:10.3f} {mb:10.3f} {ma / mb:7.3f}"
            )
        if failures:
            ok = False
            lines.append("FAILED: " + "; ".join(failures[:10]))
        lines.append("")
    return "\n".join(lines), ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--incidents", type=int, default=5000, help="visible to the reader")
    parser.add_argument("--notifications", type=int, default=5000, help="visible to the reader")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--postgres-url", default=ADMIN_URL)
    parser.add_argument("--output", help="also write the report to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    info = machine(args.postgres_url, databases)
    results, failed = [], []
    for database in databases:
        print(f"{database}: seeding and measuring ...", flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            result_path = handle.name
        command = [sys.executable, __file__, "--child", database, "--result", result_path]
        for option in ("incidents", "notifications", "rounds", "seed", "postgres_url"):
            command += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
        started = time.perf_counter()
        status = subprocess.run(command, cwd=PROJECT_DIR).returncode
        print(f"{database}: {time.perf_counter() - started:.0f} s", flush=True)
        if status != 0:
            print(f"{database}: the run failed (status {status})")
            failed.append(database)
            continue
        results.append(json.loads(Path(result_path).read_text()))
        os.unlink(result_path)
    text, ok = report(args, info, results)
    if failed:
        text += f"\nFAILED: {', '.join(failed)} (see the output above)"
    print()
    print(text)
    if args.output:
        Path(args.output).write_text(text + "\n")
    return 0 if ok and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
