"""Benchmark: importing 100,000 national monitoring values from files, side by side with a
bare insert of the same rows (`executemany` on SQLite, `COPY` on PostgreSQL).

A data provider enters only their own country's figures, and one country has at most
about 4,600 cells (37 years of the three data sets), so the 100,000 values come as one
plain-template CSV file per country: 25 countries x 4,000 values, each file imported by
that country's data provider through the importer the worker runs
(`monitoring.imports.values_import`: read through core.tabular, every row checked once, then
`services.values_set_many` for all the file's data sets and years in one transaction: the
data sets opened together, the values and a revision of each written with one statement
each, an audit event per data set opened and per data set changed), with its progress
printed. The bare insert writes the same submissions and values with one statement each
(`executemany` on SQLite, `COPY` on PostgreSQL), without checks, revisions or audit
events, and is then removed.

Target: the import of 100,000 values under 10 s. Give the database with `--database-url`
(it is migrated and the benchmark's rows are added: use a database of its own), or let
the script use SQLite in a temporary directory:

    createdb -h 127.0.0.1 -U postgres monitoring_bench
    .venv/bin/python benchmarks/monitoring.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/monitoring_bench
    .venv/bin/python benchmarks/monitoring.py            # SQLite
"""

import argparse
import csv
import io
import itertools
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 10.0


def setup(database_url: str, workdir: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="drugcontrol.settings",
        DEBUG="0",
        SECRET_KEY="benchmark-" + "x" * 40,
        DATABASE_URL=database_url,
        DRUGCONTROL_VAR_DIR=str(workdir),
        DRUGCONTROL_AUDIT_KEY="benchmark-audit-key-" + "y" * 30,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    sys.path.insert(0, str(PROJECT_DIR / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from drugcontrol.core.reference import load_countries
    from drugcontrol.monitoring.services import definitions_load

    load_countries()
    definitions_load()


def secretariat_user():
    """The benchmarks' secretariat officer (an international organisation's)."""
    from drugcontrol.core import services as core_services
    from drugcontrol.core.models import OrganisationKind, Role

    return core_services.user_create(
        actor=None,
        organisation=core_services.organisation_for(
            kind=OrganisationKind.INTERNATIONAL, country_code=None, name="Secretariat (bench)"
        ),
        username="bench_secretariat",
        role=Role.OFFICER,
        password="bench-Passw0rd-2026-x",
        email="bench@example.org",
    )


def country_cells(defs, country: str, per_country: int, rng: random.Random) -> list[tuple]:
    """(year, dataset, element, {category: option}, value) for one country, newest year
    first: every cell of the data sets (with the country's own regions), year by year."""
    from django.utils import timezone

    cells = []
    for year in range(timezone.localdate().year, 1989, -1):
        for dataset in sorted(defs.datasets):
            for element in defs.datasets[dataset]:
                wanted = defs.categories[element]
                options_of = (defs.options_for(c, country) for c in wanted)
                for combination in itertools.product(*options_of):
                    options = dict(zip(wanted, combination, strict=True))
                    cells.append((year, dataset, element, options, str(rng.randint(1, 90))))
                    if len(cells) == per_country:
                        return cells
    return cells


def plain_file(country: str, cells: list[tuple], categories: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["country", "year", "dataset", "element", *categories, "value", "comment"])
    for year, dataset, element, options, value in cells:
        writer.writerow(
            [country, year, dataset, element, *(options.get(c, "") for c in categories), value, ""]
        )
    return buffer.getvalue().encode()


def bare_insert(world: dict, defs) -> float:
    """The same submissions and values inserted with one statement each (executemany or
    COPY), timed; then removed."""
    from django.db import connection, transaction
    from django.utils import timezone

    from drugcontrol.monitoring.models import DataElement, DataSet, Submission

    elements = dict(DataElement.objects.values_list("code", "pk"))
    datasets = dict(DataSet.objects.values_list("code", "pk"))
    now = timezone.now()
    submissions = sorted(
        {(c, datasets[d], y) for c, cells in world.items() for y, d, _e, _o, _v in cells}
    )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        submission_rows = [(c, d, y, "draft", 1, now, now) for c, d, y in submissions]
        sql = (
            "INSERT INTO monitoring_submission (country_id, dataset_id, year, status, version,"
            " created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s)"
        )
        cursor.executemany(sql, submission_rows)
        ids = {
            (c, d, y): pk
            for pk, c, d, y in Submission.objects.values_list(
                "pk", "country_id", "dataset_id", "year"
            )
        }
        rows = [
            (
                ids[(country, datasets[d], y)],
                elements[e],
                ";".join(f"{k}={o[k]}" for k in sorted(o)),
                value,
                "",
                1,
                now,
            )
            for country, cells in world.items()
            for y, d, e, o, value in cells
        ]
        columns = "submission_id, element_id, disaggregation, value, comment, version, updated_at"
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY monitoring_datavalue ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO monitoring_datavalue ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                rows,
            )
    elapsed = time.perf_counter() - started
    with transaction.atomic():
        Submission.objects.all().delete()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--countries", type=int, default=25)
    parser.add_argument("--per-country", type=int, default=4000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="monitoring-bench-"))
    setup(args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}", workdir)

    from django.db import connection

    from drugcontrol.core import services as core_services
    from drugcontrol.core.models import Country
    from drugcontrol.monitoring.exchange.cells import definitions
    from drugcontrol.monitoring.imports import values_import
    from drugcontrol.monitoring.models import DataValue, Submission

    if Submission.objects.exists():
        print("the database already holds monitoring data: give the benchmark its own")
        return 2
    defs = definitions()
    categories = defs.dataset_categories(None)
    rng = random.Random(30)
    codes = list(Country.objects.order_by("iso3").values_list("iso3", flat=True))
    countries = codes[:: max(1, len(codes) // args.countries)][: args.countries]
    world = {c: country_cells(defs, c, args.per_country, rng) for c in countries}
    total = sum(len(cells) for cells in world.values())
    files = {c: plain_file(c, cells, categories) for c, cells in world.items()}
    providers = {}
    for country in countries:
        organisation = core_services.organisation_for(
            kind="competent_authority", country_code=country, name=f"{country} authority (bench)"
        )
        providers[country] = core_services.user_create(
            actor=None,
            organisation=organisation,
            username=f"bench-{country.lower()}",
            role="officer",
            password="bench-Password-2014-x",
        )

    bare = bare_insert(world, defs)
    print(f"bare insert ({connection.vendor}): {total:,} values in {bare:.2f} s", flush=True)

    started = time.perf_counter()
    done = 0
    for number, country in enumerate(countries, start=1):

        def progress(checked, rows, state="checking", _country=country):
            if state == "saving" or checked == rows:
                return
            if checked % 1000 == 0:
                print(f"\r  {_country}: {state} {checked:,}/{rows:,}", end="", file=sys.stderr)

        result = values_import(
            actor=providers[country],
            name=f"{country}.csv",
            content=files[country],
            progress=progress,
        )
        done += result["new"]
        elapsed = time.perf_counter() - started
        print(
            f"\r[{number}/{len(countries)}] {country}: {result['new']:,} new values"
            f" in {result['datasets']} data sets and years; {done:,}/{total:,} values,"
            f" {elapsed:.1f} s",
            flush=True,
        )
    imported = time.perf_counter() - started
    assert DataValue.objects.count() == total
    print()
    load = ", ".join(f"{figure:.2f}" for figure in os.getloadavg())
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs,"
        f" load average {load}, Python {platform.python_version()}"
    )
    print(f"database: {connection.vendor} {connection.Database.__name__}")
    print(f"values: {total:,} in {len(countries)} files")
    print(f"import through the services: {imported:.2f} s ({total / imported:,.0f} values/s)")
    print(f"bare insert: {bare:.2f} s; the import takes {imported / bare:.1f}x as long")
    met = imported < TARGET_SECONDS
    print(f"target < {TARGET_SECONDS:.0f} s: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
