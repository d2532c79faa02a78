"""Benchmark: pre-export notifications on PostgreSQL with a million historical notifications.

Builds a fresh database `drugcontrol_bench_pen`, loads countries and the substance lists,
one competent authority (focal point) in each of 145 countries, 3,000 importer and 300
exporter parties registered through the entities service (so the matching index and the
correlations are real), legitimate requirements, 600 incidents through the incidents
service, then N historical notifications (default 1,000,000, over four years) in bulk with
their lines, operators, transit countries and party links. Then, side by side in one run:

- submit with all risk findings (`services.notification_submit` on a fresh draft whose
  operators were typed by name), and the draft's creation, against a plain insert of the
  same rows (notification, line and two operators through the ORM, no checks, no audit);
- the importing authority's inbox (`GET /api/v1/precursors/inbox`, first page of 50, in
  process through Django's test client) for the busiest importing countries;
- the response statistics of every country (`selectors.response_statistics`) for the last
  365 days and for the whole history, and the statistics page.

Targets: submit p50 < 50 ms and p99 < 200 ms; inbox p99 < 100 ms; statistics for all
countries < 1 s.

    .venv/bin/python benchmarks/notifications.py [--notifications 1000000] [--submits 300]
        [--postgres-url postgresql://postgres@127.0.0.1:5432/postgres]
"""

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATABASE = "drugcontrol_bench_pen"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
COUNTRY_COUNT = 145
IMPORTER_PARTIES = 3000
EXPORTER_PARTIES = 300
INCIDENTS = 600
YEARS = 4
BATCH = 5000
SUBSTANCES = ("Ephedrine", "Pseudoephedrine", "Acetic anhydride", "Potassium permanganate",
              "Anthranilic acid", "Piperidine", "Toluene", "Acetone", "Sulphuric acid",
              "1-Phenyl-2-propanone")  # fmt: skip
TARGETS = {"submit_p50": 50.0, "submit_p99": 200.0, "inbox_p99": 100.0, "statistics": 1000.0}


def fresh_database(admin_url: str) -> str:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    return admin_url.rsplit("/", 1)[0] + f"/{DATABASE}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def ms(seconds: float) -> float:
    return seconds * 1000


class World:
    """What the seeding made, for the measurements."""

    countries: list[str]
    officers: dict
    importers: dict  # country -> [(party id, name)]
    exporters: dict
    substances: dict


def seed_reference(world: World, rng: random.Random) -> None:
    from django.core.management import call_command

    from drugcontrol.core import services as core_services
    from drugcontrol.core.models import Country
    from drugcontrol.core.reference import load_countries
    from drugcontrol.substances.selectors import find_by_name
    from drugcontrol.substances.services import reference_lists_load

    call_command("migrate", verbosity=0)
    load_countries()
    reference_lists_load()
    codes = list(
        Country.objects.exclude(region_code="").order_by("iso3").values_list("iso3", flat=True)
    )
    world.countries = rng.sample(codes, COUNTRY_COUNT)
    world.officers = {}
    for code in world.countries:
        organisation = core_services.organisation_for(
            kind="competent_authority", country_code=code, name=f"{code} precursor authority"
        )
        world.officers[code] = core_services.user_create(
            actor=None,
            organisation=organisation,
            username=f"bench_{code.lower()}",
            role="focal_point",
            password="bench-Passw0rd-2026-not-secret",
            email=f"{code.lower()}@bench.example",
        )
    world.substances = {name: find_by_name(name) for name in SUBSTANCES}


def company_name(rng: random.Random, country: str) -> str:
    syllables = ["ka", "lo", "mi", "ra", "to", "ven", "dor", "sil", "mar", "tek", "zen", "lu"]
    stem = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize()
    trade = rng.choice(["Pharma", "Chemicals", "Trading", "Laboratories", "Industrial"])
    form = rng.choice(["Ltd", "S.A.", "LLC", "GmbH", "Pvt Ltd", "S.A. de C.V.", "Pty Ltd"])
    return f"{stem} {trade} {form}"


def seed_parties(world: World, rng: random.Random) -> None:
    from drugcontrol.entities import services as entity_services

    world.importers, world.exporters = {}, {}
    for number in range(IMPORTER_PARTIES + EXPORTER_PARTIES):
        exporter = number >= IMPORTER_PARTIES
        country = rng.choice(world.countries[:30] if exporter else world.countries)
        name = company_name(rng, country)
        party = entity_services.party_create(
            actor=world.officers[country],
            data=entity_services.validate_party(kind="company", name=name, country_code=country),
        )
        (world.exporters if exporter else world.importers).setdefault(country, []).append(
            (party.pk, name)
        )


def seed_requirements(world: World, rng: random.Random) -> None:
    from drugcontrol.core.models import Country
    from drugcontrol.precursors import services

    this_year = datetime.date.today().year
    for code in world.countries:
        country = Country.objects.get(iso3=code)
        for name in ("Ephedrine", "Pseudoephedrine"):
            base = rng.choice([50, 200, 800, 3000, 10000])
            for year in range(this_year - YEARS, this_year + 2):
                services.requirement_set(
                    actor=world.officers[code],
                    country=country,
                    substance=world.substances[name],
                    year=year,
                    quantity_kg=str(base),
                    updated_on=datetime.date(year - 1, 12, 1),
                )


def seed_incidents(world: World, rng: random.Random) -> None:
    from drugcontrol.core.visibility import visible
    from drugcontrol.entities.models import Party
    from drugcontrol.incidents import services as incident_services

    today = datetime.date.today()
    importer_names = [name for parties in world.importers.values() for _pk, name in parties]
    for _ in range(INCIDENTS):
        reporter, transit, destination = rng.sample(world.countries, 3)
        actor = world.officers[reporter]
        raw = {
            "kind": rng.choice(["seizure", "stopped_shipment", "diversion_attempt"]),
            "occurred_on": (today - datetime.timedelta(days=rng.randint(1, 700))).isoformat(),
            "countries": [
                {"country": transit, "role": "transit"},
                {"country": destination, "role": "destination"},
            ],
            "substances": [{"substance_id": rng.choice(list(world.substances.values())).pk}],
            "parties": [
                {"role": "consignee", "name": rng.choice(importer_names), "country": destination}
            ],
        }
        data = incident_services.validate_incident(raw, visible_parties=visible(Party, actor))
        incident_services.incident_create(actor=actor, data=data)


def seed_history(world: World, rng: random.Random, count: int) -> None:
    """Historical notifications written with COPY, with the rows the services would have
    written (lines, operators, transit countries, party links), statuses and answer times."""
    from django.db import connection
    from django.utils import timezone

    from drugcontrol.core.models import Organisation
    from drugcontrol.precursors.models import Notification

    authorities = dict(
        Organisation.objects.filter(country_id__in=world.countries).values_list("country_id", "pk")
    )
    officers = {code: user.pk for code, user in world.officers.items()}
    now = timezone.now()
    exporter_countries = list(world.exporters)
    importer_countries = list(world.importers)
    # A few big importing countries receive most notifications, as in real trade.
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(importer_countries))]
    substance_ids = [s.pk for s in world.substances.values()]
    statuses = (
        ["shipped"] * 80 + ["cleared"] * 5 + ["objected"] * 3 + ["withdrawn"] * 2
        + ["cancelled"] * 1 + ["submitted"] * 3 + ["acknowledged"] * 2 + ["overdue"] * 4
    )  # fmt: skip
    outcomes = ["arrived"] * 97 + ["seized", "stopped", "stopped"]
    first_id = (Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    notification_columns = (
        "id, reference, kind, status, invoice_number, transport_mode, point_of_exit, "
        "point_of_entry, expected_dispatch, remarks, submitted_at, reply_deadline, "
        "explicit_clearance, acknowledged_at, answered_at, response_hours, answered_late, "
        "objection_ground, objection_detail, closed_at, outcome, outcome_at, highest_severity, "
        "created_at, updated_at, version, created_by_id, exporting_authority_id, "
        "exporting_country_id, importing_authority_id, importing_country_id"
    )
    line_columns = (
        "is_preparation, concentration, quantity, unit, density, quantity_kg, hs_code, "
        "description, year, importing_country_id, notification_id, substance_id"
    )
    party_columns = "role, reported_name, address, outcome, notification_id, party_id"
    link_columns = (
        "record_type, record_id, role, reported_name, audience, created_at, country_id, "
        "organisation_id, party_id"
    )
    raw = connection.connection
    with connection.cursor():
        pass  # opens the connection
    made = 0
    while made < count:
        size = min(BATCH * 20, count - made)
        notifications, lines, parties, transits, links = [], [], [], [], []
        for number in range(made, made + size):
            pk = first_id + number
            importing = rng.choices(importer_countries, weights)[0]
            exporting = rng.choice(exporter_countries)
            if exporting == importing:
                exporting = exporter_countries[(exporter_countries.index(exporting) + 1) % 30]
            status = rng.choice(statuses)
            recent = status in ("submitted", "acknowledged")
            age = rng.uniform(0, 14) if recent else rng.uniform(20, 365 * YEARS)
            submitted = now - datetime.timedelta(days=age)
            deadline = timezone.localdate(submitted) + datetime.timedelta(days=15)
            dispatch = timezone.localdate(submitted) + datetime.timedelta(days=30)
            answered = hours = late = None
            if status not in ("submitted", "acknowledged", "overdue", "withdrawn"):
                answered = submitted + datetime.timedelta(hours=rng.expovariate(1 / 72))
                hours = int((answered - submitted).total_seconds() // 3600)
                late = timezone.localdate(answered) > deadline
            outcome = rng.choice(outcomes) if status == "shipped" else ""
            notifications.append(
                (
                    pk, f"PEN-{exporting}-H-{number:08d}", "scheduled",
                    "submitted" if status == "overdue" else status, "", "", "",
                    "main seaport", dispatch, "", submitted, deadline, False, None, answered,
                    hours, late, "no_licence" if status == "objected" else "", "", None,
                    outcome, None, 0, submitted, answered or submitted, 1, officers[exporting],
                    authorities[exporting], exporting, authorities[importing], importing,
                )
            )  # fmt: skip
            quantity = round(rng.lognormvariate(4, 1.2), 3)
            lines.append(
                (
                    False, 100, quantity, "kg", None, quantity, "", "", dispatch.year,
                    importing, pk, rng.choice(substance_ids),
                )
            )  # fmt: skip
            for role, (party_id, name) in (
                ("importer", rng.choice(world.importers[importing])),
                ("exporter", rng.choice(world.exporters[exporting])),
            ):
                parties.append((role, name, "on file", outcome, pk, party_id))
                links.append(
                    (
                        "precursors.notification", str(pk), role, name, "countries_involved",
                        submitted, exporting, authorities[exporting], party_id,
                    )
                )  # fmt: skip
            if rng.random() < 0.2:
                transit = rng.choice(world.countries)
                if transit not in (exporting, importing):
                    transits.append((0, transit, pk))
        with raw.cursor() as cursor:
            for table, columns, rows in (
                ("precursors_notification", notification_columns, notifications),
                ("precursors_notificationline", line_columns, lines),
                ("precursors_notificationparty", party_columns, parties),
                (
                    "precursors_notificationtransit",
                    "sequence, country_id, notification_id",
                    transits,
                ),
                ("entities_partylink", link_columns, links),
            ):
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        raw.commit()
        made += size
        print(f"  {made:,} notifications", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('precursors_notification', 'id'), "
            "(SELECT max(id) FROM precursors_notification))"
        )
        # As autovacuum would after a bulk load: statistics, and the visibility map that
        # lets the inbox count from its index alone.
        cursor.execute("VACUUM ANALYZE")


def reuse(world: World) -> None:
    """The world a previous run seeded: its officers, and its parties in seeding order
    (importers first, then exporters)."""
    from drugcontrol.core.models import User
    from drugcontrol.entities.models import Party
    from drugcontrol.substances.selectors import find_by_name

    officers = User.objects.filter(username__startswith="bench_").select_related("organisation")
    world.officers = {user.organisation.country_id: user for user in officers}
    world.countries = list(world.officers)
    seeded = list(
        Party.objects.order_by("pk").values_list("pk", "name", "country_id")[
            : IMPORTER_PARTIES + EXPORTER_PARTIES
        ]
    )
    world.importers, world.exporters = {}, {}
    for index, (pk, name, country) in enumerate(seeded):
        target = world.importers if index < IMPORTER_PARTIES else world.exporters
        target.setdefault(country, []).append((pk, name))
    world.substances = {name: find_by_name(name) for name in SUBSTANCES}


def draft_input(world: World, rng: random.Random, exporting: str) -> dict:
    importing = rng.choice([c for c in world.importers if c != exporting])
    _pk, importer = rng.choice(world.importers[importing])
    _pk, exporter = rng.choice(world.exporters[exporting])
    substance = rng.choice(list(world.substances.values()))
    transit = rng.choice([c for c in world.countries if c not in (exporting, importing)])
    return {
        "importing_country": importing,
        "transit_countries": [transit] if rng.random() < 0.5 else [],
        "point_of_entry": "main seaport",
        "expected_dispatch": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
        "lines": [
            {"substance_id": substance.pk, "quantity": str(rng.randint(5, 5000)), "unit": "kg"}
        ],
        "parties": [
            {"role": "exporter", "name": exporter, "country": exporting, "address": "on file"},
            {"role": "importer", "name": importer, "country": importing, "address": "on file"},
        ],
    }


def measure_submits(world: World, rng: random.Random, count: int) -> dict:
    from django.db import transaction

    from drugcontrol.core.visibility import visible
    from drugcontrol.entities.models import Party
    from drugcontrol.precursors import services
    from drugcontrol.precursors.models import (
        Notification,
        NotificationLine,
        NotificationParty,
    )

    create_times, submit_times, plain_times, findings = [], [], [], []
    exporting_countries = list(world.exporters)
    for number in range(count):
        exporting = rng.choice(exporting_countries)
        actor = world.officers[exporting]
        raw = draft_input(world, rng, exporting)
        started = time.perf_counter()
        data = services.validate_notification(
            raw, exporting_country_id=exporting, visible_parties=visible(Party, actor)
        )
        draft = services.notification_create(actor=actor, data=data)
        created = time.perf_counter()
        submitted = services.notification_submit(actor=actor, notification=draft)
        done = time.perf_counter()
        if number >= 10:  # warm-up
            create_times.append(ms(created - started))
            submit_times.append(ms(done - created))
            findings.append(submitted.findings.count())
        # The same rows, inserted plainly: what the checks, matching and audit cost.
        parties = list(draft.parties.values_list("party_id", "role", "reported_name"))
        line = draft.lines.get()
        started = time.perf_counter()
        with transaction.atomic():
            plain = Notification.objects.create(
                reference=f"PLAIN-{os.getpid()}-{number:06d}",
                status="submitted",
                exporting_country_id=exporting,
                exporting_authority=actor.organisation,
                importing_country_id=draft.importing_country_id,
                point_of_entry=draft.point_of_entry,
                expected_dispatch=draft.expected_dispatch,
                created_by=actor,
            )
            NotificationLine.objects.create(
                notification=plain,
                substance_id=line.substance_id,
                quantity=line.quantity,
                unit=line.unit,
                quantity_kg=line.quantity_kg,
                importing_country_id=line.importing_country_id,
                year=line.year,
            )
            NotificationParty.objects.bulk_create(
                [
                    NotificationParty(notification=plain, party_id=p, role=r, reported_name=n)
                    for p, r, n in parties
                ]
            )
        if number >= 10:
            plain_times.append(ms(time.perf_counter() - started))
    return {
        "create_p50": statistics.median(create_times),
        "create_p99": percentile(create_times, 0.99),
        "submit_p50": statistics.median(submit_times),
        "submit_p99": percentile(submit_times, 0.99),
        "plain_p50": statistics.median(plain_times),
        "plain_p99": percentile(plain_times, 0.99),
        "findings_mean": statistics.mean(findings),
        "measured": len(submit_times),
    }


def measure_inbox(world: World, rounds: int = 10) -> dict:
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client

    from drugcontrol.precursors.models import AWAITING_ANSWER, Notification

    busiest = [
        row["importing_country_id"]
        for row in Notification.objects.filter(status__in=AWAITING_ANSWER)
        .values("importing_country_id")
        .annotate(n=Count("pk"))
        .order_by("-n")[:20]
    ]
    pending = dict(
        Notification.objects.filter(status__in=AWAITING_ANSWER, importing_country_id__in=busiest)
        .values_list("importing_country_id")
        .annotate(n=Count("pk"))
    )
    times = []
    for round_number in range(rounds + 1):
        for code in busiest:
            client = Client(HTTP_HOST="localhost")
            client.force_login(world.officers[code], backend=settings.AUTHENTICATION_BACKENDS[0])
            started = time.perf_counter()
            response = client.get("/api/v1/precursors/inbox?page_size=50")
            elapsed = ms(time.perf_counter() - started)
            assert response.status_code == 200, response.content[:300]
            if round_number:  # the first round warms the caches
                times.append(elapsed)
    return {
        "inbox_p50": statistics.median(times),
        "inbox_p99": percentile(times, 0.99),
        "inbox_requests": len(times),
        "pending_busiest": max(pending.values()) if pending else 0,
    }


def measure_statistics(world: World, rounds: int = 5) -> dict:
    from django.conf import settings
    from django.test import Client

    from drugcontrol.precursors import selectors

    user = next(iter(world.officers.values()))
    today = datetime.date.today()
    result = {}
    for label, since in (
        ("statistics_year", today - datetime.timedelta(days=365)),
        ("statistics_all", today - datetime.timedelta(days=365 * YEARS + 30)),
    ):
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            rows = selectors.response_statistics(user=user, since=since, until=today)
            times.append(ms(time.perf_counter() - started))
        result[label] = statistics.median(times)
        result[f"{label}_max"] = max(times)
        result[f"{label}_countries"] = len(rows)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[0])
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        assert client.get("/precursors/statistics/").status_code == 200
        times.append(ms(time.perf_counter() - started))
    result["statistics_page"] = statistics.median(times)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notifications", type=int, default=1_000_000)
    parser.add_argument("--submits", type=int, default=300)
    parser.add_argument("--postgres-url", default=ADMIN_URL)
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure again on the database a previous run built (no seeding)",
    )
    args = parser.parse_args()

    if args.reuse:
        os.environ["DATABASE_URL"] = args.postgres_url.rsplit("/", 1)[0] + f"/{DATABASE}"
    else:
        os.environ["DATABASE_URL"] = fresh_database(args.postgres_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drugcontrol.settings")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    sys.path.insert(0, str(PROJECT_DIR / "src"))
    import django

    django.setup()
    from django.db import connection

    rng = random.Random(args.seed)
    world = World()
    timings = {}
    steps = (
        ("reference data and authorities", lambda: seed_reference(world, rng)),
        ("parties (entities service)", lambda: seed_parties(world, rng)),
        ("legitimate requirements", lambda: seed_requirements(world, rng)),
        ("incidents (incidents service)", lambda: seed_incidents(world, rng)),
        (
            f"{args.notifications:,} historical notifications (bulk)",
            lambda: seed_history(world, rng, args.notifications),
        ),
    )
    if args.reuse:
        steps = (("nothing (reusing the database)", lambda: reuse(world)),)
    for label, step in steps:
        print(f"seeding {label} ...", flush=True)
        started = time.perf_counter()
        step()
        timings[label] = time.perf_counter() - started
        print(f"  {timings[label]:.1f} s", flush=True)

    # As the project's WSGI entry point does in every server process.
    from drugcontrol.core.process import warm_and_freeze

    warm_and_freeze()
    print("measuring ...", flush=True)
    figures = {}
    figures |= measure_submits(world, rng, args.submits)
    figures |= measure_inbox(world)
    figures |= measure_statistics(world)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), pg_size_pretty(pg_database_size(current_database()))")
        version, size = cursor.fetchone()

    print()
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs; Python "
        f"{platform.python_version()}; {version.split(',')[0]}; database {size}"
    )
    for label, seconds in timings.items():
        print(f"seed {label}: {seconds:.1f} s")
    rows = [
        ("create draft (validate, match parties, audit)", "create_p50", "create_p99", None),
        ("submit with all risk findings", "submit_p50", "submit_p99", "submit"),
        ("plain insert of the same rows", "plain_p50", "plain_p99", None),
        ("inbox, first page of 50 (API)", "inbox_p50", "inbox_p99", "inbox"),
    ]
    print(f"{'measure':48} {'p50 ms':>9} {'p99 ms':>9}  target")
    met = True
    for label, p50, p99, target in rows:
        verdict = ""
        if target == "submit":
            ok = figures[p50] < TARGETS["submit_p50"] and figures[p99] < TARGETS["submit_p99"]
            verdict = f"p50 < 50, p99 < 200: {'met' if ok else 'MISSED'}"
            met &= ok
        elif target == "inbox":
            ok = figures[p99] < TARGETS["inbox_p99"]
            verdict = f"p99 < 100: {'met' if ok else 'MISSED'}"
            met &= ok
        print(f"{label:48} {figures[p50]:9.2f} {figures[p99]:9.2f}  {verdict}")
    ratio = (figures["create_p50"] + figures["submit_p50"]) / figures["plain_p50"]
    print(
        f"create + submit / plain insert (p50): {ratio:.1f}x; mean findings per notification "
        f"{figures['findings_mean']:.2f}; {figures['measured']} measured"
    )
    print(
        f"inbox: {figures['inbox_requests']} requests over the 20 busiest importing countries "
        f"(at most {figures['pending_busiest']:,} pending)"
    )
    for label in ("statistics_year", "statistics_all"):
        ok = figures[label] < TARGETS["statistics"]
        met &= ok
        print(
            f"response statistics, {label.split('_')[1]}: median {figures[label]:.0f} ms, "
            f"max {figures[label + '_max']:.0f} ms, {figures[label + '_countries']} countries "
            f"(< 1 s: {'met' if ok else 'MISSED'})"
        )
    print(
        f"statistics page (last 365 days, with charts): median {figures['statistics_page']:.0f} ms"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
