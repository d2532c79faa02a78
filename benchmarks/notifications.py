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
    """Historical notifications in bulk, with the rows the services would have written
    (lines, operators, transit countries, party links), statuses and answer times."""
    from django.db import connection
    from django.utils import timezone

    from drugcontrol.core.models import Organisation
    from drugcontrol.entities.models import PartyLink
    from drugcontrol.precursors.models import (
        Notification,
        NotificationLine,
        NotificationParty,
        NotificationTransit,
    )

    authorities = {
        o.country_id: o for o in Organisation.objects.filter(country_id__in=world.countries)
    }
    now = timezone.now()
    exporter_countries = list(world.exporters)
    importer_countries = list(world.importers)
    # A few big importing countries receive most notifications, as in real trade.
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(importer_countries))]
    substances = list(world.substances.values())
    statuses = (
        ["shipped"] * 80 + ["cleared"] * 5 + ["objected"] * 3 + ["withdrawn"] * 2
        + ["cancelled"] * 1 + ["submitted"] * 3 + ["acknowledged"] * 2 + ["overdue"] * 4
    )  # fmt: skip
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        notifications, details = [], []
        for number in range(made, made + size):
            importing = rng.choices(importer_countries, weights)[0]
            exporting = rng.choice([c for c in exporter_countries if c != importing])
            status = rng.choice(statuses)
            recent = status in ("submitted", "acknowledged")
            age = rng.uniform(0, 14) if recent else rng.uniform(20, 365 * YEARS)
            submitted = now - datetime.timedelta(days=age)
            deadline = timezone.localdate(submitted) + datetime.timedelta(days=15)
            answered = None
            if status not in ("submitted", "acknowledged", "overdue", "withdrawn"):
                answered = submitted + datetime.timedelta(hours=rng.expovariate(1 / 72))
            notifications.append(
                Notification(
                    reference=f"PEN-{exporting}-H-{number:08d}",
                    status="submitted" if status == "overdue" else status,
                    exporting_country_id=exporting,
                    exporting_authority=authorities[exporting],
                    importing_country_id=importing,
                    importing_authority=authorities[importing],
                    point_of_entry="main seaport",
                    expected_dispatch=timezone.localdate(submitted) + datetime.timedelta(days=30),
                    submitted_at=submitted,
                    reply_deadline=deadline,
                    answered_at=answered,
                    response_hours=int((answered - submitted).total_seconds() // 3600)
                    if answered
                    else None,
                    answered_late=(timezone.localdate(answered) > deadline) if answered else None,
                    objection_ground="no_licence" if status == "objected" else "",
                    outcome=rng.choice(["arrived"] * 97 + ["seized", "stopped", "stopped"])
                    if status == "shipped"
                    else "",
                    created_by=world.officers[exporting],
                    created_at=submitted,
                    updated_at=answered or submitted,
                )
            )
            details.append(
                (
                    rng.choice(substances),
                    rng.choice(world.importers[importing]),
                    rng.choice(world.exporters[exporting]),
                    rng.choice(world.countries) if rng.random() < 0.2 else None,
                )
            )
        Notification.objects.bulk_create(notifications, batch_size=BATCH)
        lines, parties, transits, links = [], [], [], []
        for notification, (substance, importer, exporter, transit) in zip(
            notifications, details, strict=True
        ):
            quantity = round(rng.lognormvariate(4, 1.2), 3)
            lines.append(
                NotificationLine(
                    notification=notification,
                    substance=substance,
                    quantity=quantity,
                    unit="kg",
                    quantity_kg=quantity,
                    importing_country_id=notification.importing_country_id,
                    year=notification.expected_dispatch.year,
                )
            )
            for role, (party_id, name) in (("importer", importer), ("exporter", exporter)):
                parties.append(
                    NotificationParty(
                        notification=notification,
                        party_id=party_id,
                        role=role,
                        reported_name=name,
                        address="on file",
                    )
                )
                links.append(
                    PartyLink(
                        party_id=party_id,
                        record_type="precursors.notification",
                        record_id=str(notification.pk),
                        role=role,
                        reported_name=name,
                        organisation=notification.exporting_authority,
                        country_id=notification.exporting_country_id,
                        audience="countries_involved",
                        created_at=notification.created_at,
                    )
                )
            if transit and transit not in (
                notification.exporting_country_id,
                notification.importing_country_id,
            ):
                transits.append(NotificationTransit(notification=notification, country_id=transit))
        NotificationLine.objects.bulk_create(lines, batch_size=BATCH)
        NotificationParty.objects.bulk_create(parties, batch_size=BATCH)
        NotificationTransit.objects.bulk_create(transits, batch_size=BATCH)
        PartyLink.objects.bulk_create(links, batch_size=BATCH)
        made += size
        if made % 100_000 == 0 or made == count:
            print(f"  {made:,} notifications", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


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
                reference=f"PLAIN-{number:08d}",
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
    args = parser.parse_args()

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
    for label, step in (
        ("reference data and authorities", lambda: seed_reference(world, rng)),
        ("parties (entities service)", lambda: seed_parties(world, rng)),
        ("legitimate requirements", lambda: seed_requirements(world, rng)),
        ("incidents (incidents service)", lambda: seed_incidents(world, rng)),
        (
            f"{args.notifications:,} historical notifications (bulk)",
            lambda: seed_history(world, rng, args.notifications),
        ),
    ):
        print(f"seeding {label} ...", flush=True)
        started = time.perf_counter()
        step()
        timings[label] = time.perf_counter() - started
        print(f"  {timings[label]:.1f} s", flush=True)

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
