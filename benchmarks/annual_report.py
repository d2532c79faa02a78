"""Benchmark: generating a country's Form D draft from what is on file.

Seeds (in bulk) one reporting country with `--incidents` incidents in the year (seizures,
illicit laboratories and stopped shipments, one or two substances each, some with a
concealment method) and `--notifications` notifications exported or imported by it in the
year (mostly shipped or cleared, some objected or stopped), with as many again between
other countries, and its legitimate requirements. Then measures, side by side in one run
(the variants alternate, `--rounds` rounds, p50 and p99):

1. `form_d_sources.form_d_figures`: every generated row, read through the incidents',
   notifications' and requirements' visibility rules for the country's authority officer;
2. the baseline: the same sums as plain aggregate queries with no visibility rule and no
   grouping by origin (incidents' substances per substance and unit, notification lines
   per substance, direction and partner, objections, requirements);
3. `services.annual_report_generate`: the whole step (rows written, audit event), inside a
   transaction rolled back after each call.

    PYTHONPATH=src .venv/bin/python benchmarks/annual_report.py [--incidents 2000]
        [--notifications 5000] [--rounds 20] [--database-url sqlite:///...]
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

PROJECT_DIR = Path(__file__).resolve().parents[1]
COUNTRY, PARTNERS = "CHN", ["AUS", "DEU", "IND", "MEX", "NLD", "USA", "BRA", "NGA"]
SUBSTANCES = ["Ephedrine", "Pseudoephedrine", "Acetic anhydride", "Potassium permanganate",
              "Acetone", "Toluene", "Piperidine", "Safrole"]  # fmt: skip


def seed(args) -> dict:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from drugcontrol.core import services as core_services
    from drugcontrol.core.reference import load_countries
    from drugcontrol.incidents.models import Incident, IncidentCountry, IncidentSubstance
    from drugcontrol.precursors import services
    from drugcontrol.precursors.models import Notification, NotificationLine
    from drugcontrol.substances.selectors import find_by_name
    from drugcontrol.substances.services import reference_lists_load

    rng = random.Random(1988)
    call_command("migrate", verbosity=0)
    load_countries()
    reference_lists_load()
    substances = [find_by_name(name) for name in SUBSTANCES]
    authority, officer = {}, {}
    for code in [COUNTRY, *PARTNERS]:
        authority[code] = core_services.organisation_for(
            kind="competent_authority", country_code=code, name=f"{code} authority"
        )
        officer[code] = core_services.user_create(
            actor=None,
            organisation=authority[code],
            username=f"bench_{code.lower()}",
            role="officer",
            password="bench-Passw0rd-2026-not-secret",
        )
    year = timezone.localdate().year - 1
    now = timezone.now()
    with transaction.atomic():
        incidents = []
        for number in range(2 * args.incidents):
            reporter = COUNTRY if number < args.incidents else rng.choice(PARTNERS)
            incidents.append(
                Incident(
                    reference=f"{reporter}-{year}-{number:06d}",
                    kind=rng.choice(["seizure"] * 6 + ["illicit_laboratory", "stopped_shipment"]),
                    occurred_on=datetime.date(year, 1, 1) + datetime.timedelta(rng.randint(0, 364)),
                    reporting_organisation=authority[reporter],
                    reporting_country_id=reporter,
                    distribution=rng.choice(["country", "countries_involved", "all"]),
                    concealment=rng.choice(
                        ["", "", "false bottom in drums", "declared as solvent"]
                    ),
                    created_by=officer[reporter],
                    created_at=now,
                    updated_at=now,
                )
            )
        Incident.objects.bulk_create(incidents, batch_size=1000)
        countries, items = [], []
        for incident in incidents:
            countries.append(
                IncidentCountry(incident=incident, country_id=rng.choice(PARTNERS), role="origin")
            )
            for _ in range(rng.choice((1, 1, 2))):
                items.append(
                    IncidentSubstance(
                        incident=incident,
                        substance=rng.choice(substances),
                        quantity=decimal.Decimal(rng.randint(1, 5000)),
                        unit=rng.choice(["kg", "kg", "g", "l"]),
                    )
                )
        IncidentCountry.objects.bulk_create(countries, batch_size=1000)
        IncidentSubstance.objects.bulk_create(items, batch_size=1000)
        notifications, plans = [], []
        for number in range(2 * args.notifications):
            partner = rng.choice(PARTNERS)
            if number < args.notifications:
                exporting, importing = (
                    (COUNTRY, partner) if rng.random() < 0.5 else (partner, COUNTRY)
                )
            else:
                exporting, importing = rng.sample(PARTNERS, 2)
            status = rng.choice(["shipped"] * 7 + ["cleared", "objected", "submitted"])
            at = timezone.make_aware(
                datetime.datetime(year, 1, 1, 9) + datetime.timedelta(rng.randint(0, 330))
            )
            notifications.append(
                Notification(
                    reference=f"PEN-{exporting}-{year}-{number:07d}",
                    status=status,
                    exporting_country_id=exporting,
                    exporting_authority=authority[exporting],
                    importing_country_id=importing,
                    submitted_at=at,
                    answered_at=at + datetime.timedelta(days=3),
                    objection_ground="no_licence" if status == "objected" else "",
                    outcome=rng.choice([""] * 30 + ["stopped"]) if status == "shipped" else "",
                    outcome_at=at + datetime.timedelta(days=30),
                    expected_dispatch=at.date() + datetime.timedelta(days=10),
                    created_by=officer[exporting],
                    created_at=at,
                    updated_at=at,
                )
            )
            plans.append(importing)
        Notification.objects.bulk_create(notifications, batch_size=1000)
        lines = []
        for notification, importing in zip(notifications, plans, strict=True):
            quantity = decimal.Decimal(rng.randint(5, 20000))
            lines.append(
                NotificationLine(
                    notification=notification,
                    substance=rng.choice(substances),
                    quantity=quantity,
                    unit="kg",
                    quantity_kg=quantity,
                    importing_country_id=importing,
                    year=year,
                )
            )
        NotificationLine.objects.bulk_create(lines, batch_size=1000)
    for substance in substances[:2]:
        services.requirement_set(
            actor=officer[COUNTRY],
            country=authority[COUNTRY].country,
            substance=substance,
            year=year,
            quantity_kg="1500",
        )
    return {"officer": officer[COUNTRY], "year": year}


def baseline(year: int) -> int:
    """The same sums as plain aggregate queries: no visibility rule, no origin grouping."""
    from django.db.models import Count, Q, Sum

    from drugcontrol.incidents.models import IncidentSubstance
    from drugcontrol.precursors.models import LegitimateRequirement, NotificationLine

    rows = list(
        IncidentSubstance.objects.filter(
            incident__reporting_country_id=COUNTRY, incident__occurred_on__year=year
        )
        .values("substance_id", "unit")
        .annotate(total=Sum("quantity"), incidents=Count("incident_id", distinct=True))
    )
    for own, partner in (
        (Q(importing_country_id=COUNTRY), "notification__exporting_country_id"),
        (Q(notification__exporting_country_id=COUNTRY), "importing_country_id"),
    ):
        rows += list(
            NotificationLine.objects.filter(
                own, year=year, notification__status__in=("cleared", "shipped")
            )
            .values("substance_id", partner)
            .annotate(total=Sum("quantity_kg"))
        )
    rows += list(
        NotificationLine.objects.filter(
            notification__importing_country_id=COUNTRY, notification__status="objected"
        ).values("pk", "quantity_kg")
    )
    rows += list(LegitimateRequirement.objects.filter(country_id=COUNTRY, year=year).values())
    return len(rows)


def measure(world, rounds: int) -> dict:
    from django.db import transaction

    from drugcontrol.precursors import services
    from drugcontrol.precursors.form_d_sources import form_d_figures

    officer, year = world["officer"], world["year"]

    def figures():
        return form_d_figures(user=officer, country=COUNTRY, year=year)

    def generate():
        with transaction.atomic():
            services.annual_report_generate(actor=officer, year=year)
            transaction.set_rollback(True)

    variants = [
        ("form_d_figures (visibility rules)", figures),
        ("plain aggregate baseline", lambda: baseline(year)),
        ("annual_report_generate (rows + audit, rolled back)", generate),
    ]
    times = {name: [] for name, _ in variants}
    for _name, function in variants:
        function()  # warm-up
    for index in range(rounds):
        shift = index % len(variants)
        for name, function in variants[shift:] + variants[:shift]:
            started = time.perf_counter()
            function()
            times[name].append((time.perf_counter() - started) * 1000)
    return {"times": times, "rows": len(figures()), "baseline_rows": baseline(year)}


def percentile(values, share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=2000)
    parser.add_argument("--notifications", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="form-d-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drugcontrol.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-" + "x" * 40)
    os.environ["DEBUG"] = "0"
    os.environ["DRUGCONTROL_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'form_d.sqlite3'}"
    sys.path.insert(0, str(PROJECT_DIR / "src"))
    import django

    django.setup()
    from django.db import connection

    started = time.perf_counter()
    world = seed(args)
    seeded = time.perf_counter() - started
    result = measure(world, args.rounds)
    version = connection.Database.sqlite_version if connection.vendor == "sqlite" else ""
    print("== Form D draft generation ==")
    print(f"  database: {connection.vendor} {version}")
    print(f"  python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs")
    print(
        f"  {args.incidents} incidents and {args.notifications} notifications of the country "
        f"in the year (as many again elsewhere); seeded in {seeded:.0f} s; rounds {args.rounds}"
    )
    print(f"  generated rows: {result['rows']}; baseline rows: {result['baseline_rows']}")
    for name, values in result["times"].items():
        print(
            f"  {name:55s} p50 {statistics.median(values):8.1f} ms   "
            f"p99 {percentile(values, 0.99):8.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
