"""Benchmark: the review's reports. A cycle covering all 78 paragraphs of the statement with
a question on each, answered and published by 190 countries (14,820 answers), beside the
evidence of 190 countries x 20 years of consumption of the 11 opioid analgesics and of
published monitoring values; measured: a country's report and the global report (every
paragraph, every country's answers in the annex, the evidence with its charts), each as the
page's HTML and as PDF, in Chinese.

Targets (issue 17): a country report under 3 s and the global report under 30 s, HTML and
PDF. Give the database with `--database-url` (a database of its own: it is migrated and
filled), or let the script use SQLite in a temporary directory:

    createdb -h 127.0.0.1 -U postgres review_bench
    .venv/bin/python benchmarks/review_report.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/review_bench
"""

import argparse
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

COUNTRIES, YEARS = 190, 20
COUNTRY_TARGET, WORLD_TARGET = 3.0, 30.0


def fill(rng: random.Random):
    from django.utils import timezone

    from drugcontrol.core.models import Country
    from drugcontrol.medicines import availability
    from drugcontrol.medicines.models import Consumption, EstimateStatus, PopulationFigure
    from drugcontrol.review import services
    from drugcontrol.review.models import Answer, Paragraph, Response
    from drugcontrol.substances.models import Substance
    from drugcontrol.substances.services import reference_lists_load

    reference_lists_load()
    services.statement_load()
    secretariat = secretariat_user()
    last = timezone.localdate().year - 1
    years = range(last - YEARS + 1, last + 1)
    countries = list(Country.objects.exclude(region_code="").order_by("iso3")[:COUNTRIES])
    names = availability.reference().opioid_analgesics
    opioids = list(Substance.objects.filter(name_en__iregex=r"^(" + "|".join(names) + ")$"))
    PopulationFigure.objects.bulk_create(
        PopulationFigure(
            country=c, year=y, population=rng.randint(1, 1400) * 1_000_000,
            cancer_deaths=rng.randint(1_000, 500_000), hiv_deaths=rng.randint(0, 50_000),
        )
        for c in countries
        for y in years
    )  # fmt: skip
    Consumption.objects.bulk_create(
        (
            Consumption(
                country=c, year=y, substance=d, status=EstimateStatus.CONFIRMED,
                quantity_kg=decimal.Decimal(rng.randint(1, 10_000_000)) / 1000,
            )
            for c in countries
            for y in years
            for d in opioids
        ),
        batch_size=20_000,
    )  # fmt: skip
    keys = list(Paragraph.objects.order_by("order").values_list("key", flat=True))
    cycle = services.cycle_create(
        actor=secretariat,
        data={
            "code": "bench",
            "name_en": "Benchmark review",
            "name_zh": "基准测试审议",
            "first_year": years.start,
            "last_year": years.stop - 1,
            "deadline": f"{last + 2}-06-30",
            "paragraphs": keys,
            "items": [
                {"paragraph": k, "question_en": f"How far is {k} implemented?",
                 "question_zh": f"第 {k} 段落实程度如何？"}
                for k in keys
            ],
        },
    )  # fmt: skip
    items = list(cycle.items.all())
    responses = Response.objects.bulk_create(
        Response(cycle=cycle, country=c, status="published") for c in countries
    )
    Answer.objects.bulk_create(
        (
            Answer(
                response=r, item=i, rating=rng.choice(["yes", "partly", "no", "na"]),
                narrative="Measures in place in most regions; figures reported each year.",
            )
            for r in responses
            for i in items
        ),
        batch_size=20_000,
    )  # fmt: skip
    return secretariat, cycle, countries


def measure(function, runs: int) -> tuple[float, float]:
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
        from django.test import Client
        from django.utils import translation

        from drugcontrol.review import pdf, reports

        started = time.perf_counter()
        secretariat, cycle, countries = fill(random.Random(17))
        print(f"filled in {time.perf_counter() - started:.0f} s")
        client = Client(SERVER_NAME="localhost")
        client.force_login(secretariat)
        client.cookies["django_language"] = "zh-hans"
        country = countries[len(countries) // 2]

        def page(scope):
            response = client.get(f"/review/cycles/{cycle.code}/report/{scope}/")
            assert response.status_code == 200, response.status_code

        def as_pdf(scope):
            with translation.override("zh-hans"):
                place = None if scope == "world" else country
                built = reports.build(secretariat, cycle, place)
                annex = reports.annex(secretariat, cycle) if place is None else []
                content = pdf.render(built, annex=annex)
            assert content.startswith(b"%PDF")
            return len(content)

        page(country.iso3.lower())  # warm-up
        figures = {
            "country report, HTML": measure(lambda: page(country.iso3.lower()), 5),
            "country report, PDF": measure(lambda: as_pdf(country.iso3), 5),
            "global report, HTML": measure(lambda: page("world"), 3),
            "global report, PDF": measure(lambda: as_pdf("world"), 3),
        }
        size = as_pdf("world")
        loads = " ".join(f"{value:.2f}" for value in os.getloadavg())
        python = platform.python_version()
        print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {python}")
        print(f"database: {url.split(':', 1)[0]}; load average {loads}")
        print(f"global PDF: {size:,} bytes")
        met = True
        for name, (p50, slowest) in figures.items():
            target = COUNTRY_TARGET if name.startswith("country") else WORLD_TARGET
            met &= p50 < target
            print(
                f"{name:<22} p50 {p50:7.2f} s, slowest {slowest:7.2f} s (target < {target:.0f} s)"
            )
        print("targets: " + ("met" if met else "missed"))
        return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
