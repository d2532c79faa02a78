"""Benchmark: controlled medicines at world scale. (1) The availability table for 200
countries x the 11 opioid analgesics x 20 years (44,000 consumption figures, 4,000
population figures): `availability.table(detail=False)`, what the map, the list of
countries lacking medicines and the comparison chart read.
(2) The balance check an export authorization runs (`selectors.balance_of`: the confirmed
estimate, its supplements and the sum of what was authorized) with 1,000,000 past export
authorizations on file, side by side with the bare indexed sum it amounts to (one SQL
statement on the same index).

Figures and authorizations are written straight into the tables (invented). Each measure
runs alternately after a warm-up (availability 7 times; the balance check and the bare sum
200 times each, on random country, drug and year); p50 and the slowest are printed.

Targets (issue 16): the availability table under 200 ms; the balance check under 20 ms p50.
Give the database with `--database-url` (a database of its own: it is migrated and
filled), or let the script use SQLite in a temporary directory:

    createdb -h 127.0.0.1 -U postgres medicines_bench
    .venv/bin/python benchmarks/medicines.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/medicines_bench
    .venv/bin/python benchmarks/medicines.py            # SQLite

`--reuse` measures again on a database the script filled before (`--database-url`, a
SQLite file or a PostgreSQL database): filling 1,000,000 authorizations takes minutes.
"""

import argparse
import datetime
import decimal
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from monitoring import secretariat_user, setup

COUNTRIES, YEARS, AUTHORIZATIONS = 200, 20, 1_000_000
TABLE_TARGET, BALANCE_TARGET = 0.2, 0.02
BATCH = 20_000


def fill(rng: random.Random, authorizations: int):
    """Consumption, population, estimates and authorizations; returns the secretariat's
    user, the opioids and the countries."""
    from django.utils import timezone

    from drugcontrol.core.models import Country
    from drugcontrol.entities.models import Party
    from drugcontrol.medicines import availability
    from drugcontrol.medicines.models import (
        Consumption,
        Estimate,
        EstimateStatus,
        ExportAuthorization,
        ImportAuthorization,
        PopulationFigure,
    )
    from drugcontrol.substances.models import Substance
    from drugcontrol.substances.services import reference_lists_load

    reference_lists_load()
    secretariat = secretariat_user()
    names = availability.reference().opioid_analgesics
    opioids = list(Substance.objects.filter(name_en__iregex=r"^(" + "|".join(names) + ")$"))
    assert len(opioids) == len(names), [s.name_en for s in opioids]
    countries = list(Country.objects.exclude(region_code="").order_by("iso3")[:COUNTRIES])
    last = timezone.localdate().year - 1
    years = range(last - YEARS + 1, last + 1)
    PopulationFigure.objects.bulk_create(
        PopulationFigure(
            country=country,
            year=year,
            population=rng.randint(1, 1400) * 1_000_000,
            cancer_deaths=rng.randint(1_000, 500_000),
            hiv_deaths=rng.randint(0, 100_000),
        )
        for country in countries
        for year in years
    )
    Consumption.objects.bulk_create(
        (
            Consumption(
                country=country,
                year=year,
                substance=drug,
                quantity_kg=decimal.Decimal(rng.randint(1, 10_000_000)) / 1000,
                status=EstimateStatus.CONFIRMED,
            )
            for country in countries
            for year in years
            for drug in opioids
        ),
        batch_size=BATCH,
    )
    Estimate.objects.bulk_create(
        (
            Estimate(
                country=country,
                year=year,
                substance=drug,
                system="1961",
                consumption_kg=decimal.Decimal(rng.randint(1, 10_000)),
                status=EstimateStatus.CONFIRMED,
            )
            for country in countries
            for year in years
            for drug in opioids
        ),
        batch_size=BATCH,
    )
    importer = Party.objects.create(kind="company", name="Bench importer", country_id="KEN")
    exporter = Party.objects.create(kind="company", name="Bench exporter", country_id="IND")
    today = timezone.localdate()
    for start in range(0, authorizations, BATCH):
        batch = []
        for index in range(start, min(start + BATCH, authorizations)):
            batch.append(
                (
                    rng.choice(countries),
                    rng.choice(countries),
                    rng.choice(opioids),
                    rng.choice(years),
                    index,
                )
            )
        imports = ImportAuthorization.objects.bulk_create(
            ImportAuthorization(
                number=f"B{index}",
                importing_country=importing,
                exporting_country=exporting,
                substance=drug,
                pharmaceutical_form="substance",
                quantity=1,
                unit="kg",
                base_kg=1,
                importer=importer,
                exporter=exporter,
                valid_until=today + datetime.timedelta(days=90),
                status="used",
            )
            for importing, exporting, drug, _year, index in batch
        )
        ExportAuthorization.objects.bulk_create(
            ExportAuthorization(
                number=f"E{index}",
                import_authorization=authorization,
                exporting_country=exporting,
                importing_country=importing,
                substance=drug,
                year=year,
                base_kg=decimal.Decimal(rng.randint(1, 5000)) / 1000,
                valid_until=today + datetime.timedelta(days=90),
                received_kg=None if index % 3 else decimal.Decimal("0.5"),
                status="endorsed" if index % 3 == 0 else "issued",
            )
            for authorization, (importing, exporting, drug, year, index) in zip(
                imports, batch, strict=True
            )
        )
    return secretariat, opioids, countries, list(years)


def filled():
    """What `fill` returned, read back from a database it filled."""
    from drugcontrol.core.models import Country, User
    from drugcontrol.medicines.models import Consumption, PopulationFigure
    from drugcontrol.substances.models import Substance

    drugs = Consumption.objects.values_list("substance_id", flat=True).distinct()
    places = PopulationFigure.objects.values_list("country_id", flat=True).distinct()
    return (
        User.objects.get(username="bench_secretariat"),
        list(Substance.objects.filter(pk__in=drugs)),
        list(Country.objects.filter(pk__in=places)),
        sorted(set(PopulationFigure.objects.values_list("year", flat=True))),
    )


def measure_alternately(functions: dict, runs: int) -> dict[str, tuple[float, float]]:
    times = {name: [] for name in functions}
    for _ in range(runs):
        for name, function in functions.items():
            started = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - started)
    return {name: (statistics.median(t), max(t)) for name, t in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--authorizations", type=int, default=AUTHORIZATIONS, help="past export authorizations"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure again on a database this script filled before (with --database-url)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
        setup(url, workdir)
        if args.reuse and not args.database_url:
            parser.error("--reuse needs --database-url")
        from django.db import connection

        from drugcontrol.medicines import availability, selectors
        from drugcontrol.medicines.models import ExportAuthorization

        rng = random.Random(16)
        started = time.perf_counter()
        if args.reuse and ExportAuthorization.objects.exists():
            secretariat, opioids, countries, years = filled()
        else:
            secretariat, opioids, countries, years = fill(rng, args.authorizations)
        print(
            f"filled {ExportAuthorization.objects.count():,} export authorizations and "
            f"{COUNTRIES * YEARS * len(opioids):,} consumption figures "
            f"in {time.perf_counter() - started:.0f} s"
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        table = ExportAuthorization._meta.db_table
        bare_sql = (
            f"SELECT SUM(COALESCE(received_kg, base_kg)) FROM {table} "
            "WHERE importing_country_id = %s AND substance_id = %s AND year = %s "
            "AND status <> 'cancelled'"
        )

        def whole_table():
            rows = availability.table(secretariat, detail=False)  # as the map reads it
            assert len(rows) == COUNTRIES * YEARS and rows[0].opioids is not None

        picks = [
            (rng.choice(countries).iso3, rng.choice(opioids).pk, rng.choice(years))
            for _ in range(200)
        ]
        state = {"balance": 0, "bare": 0}

        def balance():
            country, drug, year = picks[state["balance"] % len(picks)]
            state["balance"] += 1
            found = selectors.balance_of(country, drug, year)
            assert found.estimate_confirmed

        def bare():
            country, drug, year = picks[state["bare"] % len(picks)]
            state["bare"] += 1
            with connection.cursor() as cursor:
                cursor.execute(bare_sql, [country, drug, year])
                cursor.fetchone()

        whole_table(), balance(), bare()  # warm-up
        table_p50, table_max = measure_alternately({"table": whole_table}, 7)["table"]
        checks = measure_alternately({"balance": balance, "bare": bare}, 200)
        loads = " ".join(f"{value:.2f}" for value in os.getloadavg())
        python = platform.python_version()
        print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {python}")
        print(f"database: {url.split(':', 1)[0]}; load average {loads}")
        rows = (
            ("availability table", table_p50, table_max, TABLE_TARGET),
            ("balance check", *checks["balance"], BALANCE_TARGET),
            ("bare indexed sum", *checks["bare"], None),
        )
        for name, p50, slowest, target in rows:
            wanted = f"(target < {target * 1000:.0f} ms)" if target else ""
            print(f"{name:<20} p50 {p50 * 1000:8.2f} ms, slowest {slowest * 1000:8.2f} ms {wanted}")
        print(f"balance check / bare sum: {checks['balance'][0] / checks['bare'][0]:.1f}x")
        met = table_p50 < TABLE_TARGET and checks["balance"][0] < BALANCE_TARGET
        print("targets: " + ("met" if met else "missed"))
        return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
