"""Benchmark: the monitoring analysis over 200 countries x 20 years x 50 cells (200,000
published values): the pivot table of every element (`analysis.pivot`, the whole table as
the CSV reads it), an indicator for every country and year (`analysis.indicator_values`,
HIV among people who inject drugs and past-year prevalence by drug), and a target's
progress per country, region and world (`analysis.target_progress`).

The values are written straight into the tables (published data sets of invented figures:
the import path has its own benchmark, benchmarks/monitoring.py). Each measure runs 7
times, alternating, after one warm-up; p50 and the slowest are printed.

Targets (issue 15): the pivot under 500 ms; the world indicator and target computation
under 1 s. Give the database with `--database-url` (a database of its own: it is migrated
and filled), or let the script use SQLite in a temporary directory:

    createdb -h 127.0.0.1 -U postgres monitoring_analysis_bench
    .venv/bin/python benchmarks/monitoring_analysis.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/monitoring_analysis_bench
    .venv/bin/python benchmarks/monitoring_analysis.py            # SQLite
"""

import argparse
import decimal
import itertools
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

COUNTRIES, YEARS, CELLS = 200, 20, 50  # the use data set has 49 cells: 49 are used
PIVOT_TARGET, WORLD_TARGET = 0.5, 1.0


def fill(rng: random.Random) -> object:
    """The published data sets and their values; returns the secretariat's user."""
    from django.utils import timezone

    from drugcontrol.core.models import Country
    from drugcontrol.monitoring.expressions import disaggregation_key
    from drugcontrol.monitoring.models import (
        CategoryOption,
        DataElement,
        DataSet,
        DataValue,
        Submission,
    )

    secretariat = secretariat_user()
    options = {}
    for category, option in CategoryOption.objects.values_list("category__code", "code"):
        options.setdefault(category, []).append(option)
    use = DataSet.objects.get(code="ARQ_USE")
    cells = []
    for element in DataElement.objects.filter(datasetelement__dataset=use).order_by("order"):
        codes = [c.code for c in element.categories.order_by("elementcategory__order")]
        for combination in itertools.product(*(options[c] for c in codes)):
            cells.append((element, disaggregation_key(dict(zip(codes, combination, strict=True)))))
    cells = cells[:CELLS]
    last = timezone.localdate().year - 1
    countries = list(Country.objects.exclude(region_code="").order_by("iso3")[:COUNTRIES])
    now = timezone.now()
    submissions = Submission.objects.bulk_create(
        [
            Submission(
                country=country, dataset=use, year=year, status="published", published_at=now
            )
            for country in countries
            for year in range(last - YEARS + 1, last + 1)
        ],
        batch_size=2000,
    )
    values = [
        DataValue(
            submission=submission,
            element=element,
            disaggregation=key,
            value=decimal.Decimal(rng.randint(1, 90000)) / 100,
        )
        for submission in submissions
        for element, key in cells
    ]
    DataValue.objects.bulk_create(values, batch_size=5000)
    return secretariat, [element.code for element, _key in cells]


def measure(function, runs: int = 7) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
        setup(url, workdir)
        from drugcontrol.monitoring import analysis
        from drugcontrol.monitoring.models import DataValue, Indicator, Target

        started = time.perf_counter()
        secretariat, elements = fill(random.Random(15))
        took = time.perf_counter() - started
        print(f"filled {DataValue.objects.count():,} values in {took:.1f} s")
        elements = list(dict.fromkeys(elements))
        stored = DataValue.objects.count()
        hiv = Indicator.objects.get(code="HIV_PWID")
        prevalence = Indicator.objects.get(code="PREV_PAST_YEAR")
        target = Target.objects.get(code="HIV_PWID_HALF")

        def pivot():
            table = analysis.pivot(secretariat, elements=elements, limit=None)
            assert sum(len(row[3]) for row in table["rows"]) == stored

        def world():
            analysis.indicator_values(secretariat, hiv)
            analysis.indicator_values(secretariat, prevalence)
            progress = analysis.target_progress(secretariat, target)
            assert progress["world"].countries > 0

        pivot(), world()  # warm-up
        pivot_p50, pivot_max = measure(pivot)
        world_p50, world_max = measure(world)
        loads = " ".join(f"{value:.2f}" for value in os.getloadavg())
        python = platform.python_version()
        print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {python}")
        print(f"database: {url.split(':', 1)[0]}; load average {loads}")
        print(f"{COUNTRIES} countries x {YEARS} years: {stored:,} values")
        for name, p50, slowest, target in (
            ("pivot of every element", pivot_p50, pivot_max, PIVOT_TARGET),
            ("two indicators and a target", world_p50, world_max, WORLD_TARGET),
        ):
            print(
                f"{name:<28} p50 {p50 * 1000:7.1f} ms, slowest {slowest * 1000:7.1f} ms "
                f"(target < {target * 1000:.0f} ms)"
            )
        met = pivot_p50 < PIVOT_TARGET and world_p50 < WORLD_TARGET
        print("targets: " + ("met" if met else "missed"))
        return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
