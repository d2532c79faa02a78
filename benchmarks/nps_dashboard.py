"""Benchmark: the early-warning dashboard's data (`nps.selectors_signals.dashboard`: new
substances per year by family, the first reports' time line, the reporting countries, the
signal feed) over 20 years of 50,000 identification reports, and the dashboard page itself.

Target: the data under 500 ms on PostgreSQL. Give the database with `--database-url` (it is
migrated, and the benchmark's rows are added to it: use a database of its own), or let the
script use SQLite in a temporary directory:

    createdb -h 127.0.0.1 -U postgres nps_bench
    .venv/bin/python benchmarks/nps_dashboard.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/nps_bench [--reports 50000]

The world: 1,200 register substances across the structural families, first reported over
20 years, each then reported in more countries (60 countries); 50,000 reports sampled over
the 20 years (inserted in bulk, as rows the report service would have written); 200
signals. One reader, a German laboratory officer. Prints p50 and p99 in milliseconds.
"""

import argparse
import datetime
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def setup(database_url: str, workdir: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="drugcontrol.settings",
        DEBUG="0",
        SECRET_KEY="benchmark-" + "x" * 40,
        DATABASE_URL=database_url,
        DRUGCONTROL_VAR_DIR=str(workdir),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ALLOWED_HOSTS="testserver,localhost",
    )
    sys.path.insert(0, str(PROJECT_DIR / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def world(reports: int, substances: int = 1200, years: int = 20, seed: int = 20):
    from drugcontrol.core import services as core_services
    from drugcontrol.core.models import Country
    from drugcontrol.core.reference import load_countries
    from drugcontrol.nps.models import IdentificationReport, RegisterEntry, Signal, SignalCountry
    from drugcontrol.substances.models import Substance
    from drugcontrol.substances.presentation import families_by_code

    load_countries()
    organisation = core_services.organisation_for(
        kind="forensic_lab", country_code="DEU", name="DEU laboratory (benchmark)"
    )
    reader = core_services.user_create(
        actor=None,
        organisation=organisation,
        username=f"bench{random.randrange(10**9)}",
        role="officer",
        password="bench-Password-2014-x",
    )
    rng = random.Random(seed)
    families = list(families_by_code())[:12] or ["fentanyl"]
    codes = list(Country.objects.values_list("iso3", flat=True).order_by("iso3"))[:60]
    today = datetime.date.today()
    start = today.replace(year=today.year - years)
    span = (today - start).days
    run = rng.randrange(10**6)
    made = Substance.objects.bulk_create(
        [
            Substance(
                name_en=f"Benchmark NPS {run}-{number}",
                kind="nps",
                families=[families[number % len(families)]],
            )
            for number in range(substances)
        ]
    )
    RegisterEntry.objects.bulk_create([RegisterEntry(substance=s) for s in made])
    first_day = {s.pk: rng.randrange(span) for s in made}
    rows = []
    for number in range(reports):
        substance = made[rng.randrange(len(made))]
        day = first_day[substance.pk] + int(rng.random() * (span - first_day[substance.pk]))
        rows.append(
            IdentificationReport(
                reference=f"BENCH-{run}-{number:07d}",
                reporting_organisation=organisation,
                reporting_country_id="DEU",
                country_id=codes[int(rng.paretovariate(1.2)) % len(codes)],
                sampled_on=start + datetime.timedelta(days=day),
                sample_kind="seized_material",
                form=rng.choice(["powder", "tablet", "blotter", "herbal_material"]),
                structure_given="C",
                substance=substance,
                classification="known_nps",
                status="not_controlled",
                family=substance.families[0],
                families=substance.families,
                created_by=reader,
            )
        )
    IdentificationReport.objects.bulk_create(rows, batch_size=2000)
    signals = Signal.objects.bulk_create(
        [
            Signal(
                kind="spread",
                substance=made[number],
                family=made[number].families[0],
                window_start=today - datetime.timedelta(days=365),
                window_end=today,
                key=f"bench-{run}-{number}",
                evidence={
                    "key": "nps.signal_spread",
                    "params": {
                        "substance": made[number].pk,
                        "count": 3,
                        "threshold": 3,
                        "months": 12,
                        "start": "2025-12",
                        "end": "2026-11",
                        "countries": [["CHN", "2026-01"], ["DEU", "2026-02"], ["NLD", "2026-05"]],
                    },
                },
            )
            for number in range(200)
        ]
    )
    SignalCountry.objects.bulk_create(
        [SignalCountry(signal=s, country_id=c) for s in signals for c in ("CHN", "DEU", "NLD")]
    )
    return reader


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reports", type=int, default=50000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        setup(args.database_url or f"sqlite:///{workdir / 'nps.sqlite3'}", workdir)
        from django.db import connection
        from django.test import Client
        from django.utils import translation

        from drugcontrol.nps import selectors_signals

        started = time.perf_counter()
        reader = world(args.reports)
        print(f"world: {args.reports} reports in {time.perf_counter() - started:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        client = Client()
        client.force_login(reader, backend="drugcontrol.core.backends.OrganisationAwareBackend")
        data_times, page_times = [], []
        for _round in range(args.rounds):
            with translation.override("en"):
                began = time.perf_counter()
                data = selectors_signals.dashboard(user=reader)
                data_times.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            response = client.get("/nps/dashboard/")
            page_times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.status_code
        print(
            f"{platform.machine()} {platform.processor() or ''} {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}, {connection.vendor}"
        )
        print(
            f"substances first reported: {len(data['timeline'])}, years: {len(data['per_year'])}"
            f", countries: {len(data['countries'])}, signals in the feed: {len(data['signals'])}"
        )
        print(f"page size: {len(response.content) / 1024:.1f} KB")
        print("measure | p50 ms | p99 ms")
        for name, times in (("dashboard data", data_times), ("dashboard page", page_times)):
            print(f"{name} | {percentile(times, 0.5):.1f} | {percentile(times, 0.99):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
