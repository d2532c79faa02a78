"""Benchmark: the notification list and inbox under the law-enforcement reading setting.

Since issue 13 a country chooses whether its law-enforcement users read the notifications
involving it (default: no): `precursors.notification_read` has a condition that reads the
reader's country's setting (once per user object), and the visibility rule applies it
before the country filter. This script measures, side by side in one run (the variants
alternate in every round; medians), for a competent authority's officer and for a
law-enforcement officer of a country with the setting on:

- the notification list's first page (50, in the list's order) and its count;
- the importing authority's inbox: first page and count;

each under the rule now (`visible(Notification, user)`) and under the previous rule (the
same query without the setting: the country filter alone, as before issue 13).

Data (SQLite file, fresh): 20 countries with one competent authority and one law-enforcement
organisation each; N notifications (default 20,000) between random pairs of them, a third
with a transit country, in every status. No targets: the script reports the figures.

    .venv/bin/python benchmarks/notification_reading.py [--notifications 20000] [--rounds 30]
"""

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
COUNTRIES = ("CHN", "DEU", "NLD", "MEX", "IND", "FRA", "BRA", "NGA", "USA", "JPN", "AUS",
             "SGP", "KOR", "CHE", "GBR", "ITA", "ESP", "CAN", "ZAF", "THA")  # fmt: skip
READER_COUNTRY = "AUS"
PAGE = 50


def setup(path: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drugcontrol.settings")
    sys.path.insert(0, str(PROJECT_DIR / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(count: int, rng: random.Random):
    from django.utils import timezone

    from drugcontrol.core import services as core_services
    from drugcontrol.core.reference import load_countries
    from drugcontrol.precursors.models import (
        ImportingCountryPolicy,
        Notification,
        NotificationTransit,
        Status,
    )

    load_countries()
    users, orgs = {}, {}
    for code in COUNTRIES:
        for kind in ("competent_authority", "law_enforcement"):
            org = core_services.organisation_for(
                kind=kind, country_code=code, name=f"Bench {code} {kind}"
            )
            orgs[(code, kind)] = org
            users[(code, kind)] = core_services.user_create(
                actor=None,
                organisation=org,
                username=f"bench-{code}-{kind}".lower(),
                role="officer",
                password="violet-harbour-engine-5821",
            )
    ImportingCountryPolicy.objects.create(country_id=READER_COUNTRY, law_enforcement_reads=True)
    statuses = [s for s in Status.values if s not in ("overdue", "no_objection")]
    today = timezone.localdate()
    creator = users[(COUNTRIES[0], "competent_authority")]
    rows, transits = [], []
    for number in range(count):
        exporter, importer = rng.sample(COUNTRIES, 2)
        status = rng.choice(statuses)
        created = timezone.now() - datetime.timedelta(minutes=number)
        rows.append(
            Notification(
                reference=f"PEN-BENCH-{number:07d}",
                status=status,
                exporting_country_id=exporter,
                exporting_authority=orgs[(exporter, "competent_authority")],
                importing_country_id=importer,
                importing_authority=orgs[(importer, "competent_authority")],
                submitted_at=None if status == "draft" else created,
                reply_deadline=None
                if status == "draft"
                else today + datetime.timedelta(days=rng.randint(-20, 20)),
                created_by=creator,
                created_at=created,
                updated_at=created,
            )
        )
    Notification.objects.bulk_create(rows, batch_size=2000)
    for notification in Notification.objects.only("pk", "exporting_country_id"):
        if rng.random() < 0.33:
            transit = rng.choice(COUNTRIES)
            transits.append(
                NotificationTransit(notification_id=notification.pk, country_id=transit)
            )
    NotificationTransit.objects.bulk_create(transits, batch_size=2000, ignore_conflicts=True)
    return users


def previous_rule(user):
    """The visibility rule before issue 13: the country filter alone."""
    from django.db.models import Exists, OuterRef, Q

    from drugcontrol.precursors.models import Notification, NotificationTransit, Status

    country = user.country_id
    transit = NotificationTransit.objects.filter(notification=OuterRef("pk"), country_id=country)
    return Notification.objects.filter(
        Q(exporting_country_id=country)
        | (~Q(status=Status.DRAFT) & (Q(importing_country_id=country) | Exists(transit)))
    )


def measure(users, rounds: int) -> list[tuple[str, float, float]]:
    from drugcontrol.core.models import User
    from drugcontrol.core.visibility import visible
    from drugcontrol.precursors.models import AWAITING_ANSWER, Notification

    def fresh(user):  # a new user object, as each request has (the setting is read once)
        return User.objects.select_related("organisation").get(pk=user.pk)

    def now_list(user):
        queryset = visible(Notification, fresh(user)).order_by("-created_at", "-pk")
        return len(list(queryset[:PAGE])), queryset.count()

    def before_list(user):
        queryset = previous_rule(fresh(user)).order_by("-created_at", "-pk")
        return len(list(queryset[:PAGE])), queryset.count()

    def now_inbox(user):
        user = fresh(user)
        queryset = (
            visible(Notification, user)
            .filter(importing_country_id=user.country_id, status__in=AWAITING_ANSWER)
            .order_by("reply_deadline", "pk")
        )
        return len(list(queryset[:PAGE])), queryset.count()

    def before_inbox(user):
        user = fresh(user)
        queryset = (
            previous_rule(user)
            .filter(importing_country_id=user.country_id, status__in=AWAITING_ANSWER)
            .order_by("reply_deadline", "pk")
        )
        return len(list(queryset[:PAGE])), queryset.count()

    results = []
    for label, kind in (("competent authority", "competent_authority"),
                        ("law enforcement, setting on", "law_enforcement")):  # fmt: skip
        user = users[(READER_COUNTRY, kind)]
        for what, now, before in (("list", now_list, before_list),
                                  ("inbox", now_inbox, before_inbox)):  # fmt: skip
            assert now(user) == before(user), (label, what)  # the same rows
            times = {"now": [], "before": []}
            for _round in range(rounds):
                for name, call in (("now", now), ("before", before)):
                    start = time.perf_counter()
                    call(user)
                    times[name].append((time.perf_counter() - start) * 1000)
            results.append(
                (
                    f"{what}, {label}",
                    statistics.median(times["now"]),
                    statistics.median(times["before"]),
                )
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notifications", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seed", type=int, default=13)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup(str(Path(folder) / "bench.sqlite3"))
        users = seed(options.notifications, random.Random(options.seed))
        results = measure(users, options.rounds)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}, "
          f"Python {platform.python_version()}, SQLite")  # fmt: skip
    print(f"{options.notifications} notifications, {options.rounds} rounds, medians (ms)")
    print("| measure | rule now | previous rule | difference |")
    print("|---|---:|---:|---:|")
    for name, now, before in results:
        print(f"| {name} | {now:.2f} | {before:.2f} | {now - before:+.2f} |")


if __name__ == "__main__":
    main()
