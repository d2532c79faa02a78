"""Benchmark: the incident page and the thread API with 200 messages, against the same page
and API for an incident without messages, side by side in one run.

SQLite in a temporary directory (the embedded default). One CHN incident shared with
Germany carries 200 messages (every tenth a request, some decided); a twin incident has
none. The variants alternate for `--rounds` rounds through Django's test client as a German
officer (who sees both and may answer the requests): the incident page
(`GET /incidents/{id}/`, whose thread shows its last 50 messages with each request's
buttons) and the thread API (`GET /api/v1/incidents/{id}/messages?page_size=200`). Prints
p50 and p99 in milliseconds and the queries of one request of each.

    .venv/bin/python benchmarks/incident_thread.py [--messages 200] [--rounds 60]
"""

import argparse
import datetime
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]


def setup(workdir: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="drugcontrol.settings",
        DEBUG="0",
        SECRET_KEY="benchmark-" + "x" * 40,
        DATABASE_URL=f"sqlite:///{workdir / 'thread.sqlite3'}",
        DRUGCONTROL_VAR_DIR=str(workdir),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    sys.path.insert(0, str(PROJECT_DIR / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def world(messages: int):
    from drugcontrol.core import services as core_services
    from drugcontrol.core.reference import load_countries
    from drugcontrol.incidents import services

    load_countries()

    def user(country, role, name):
        organisation = core_services.organisation_for(
            kind="law_enforcement", country_code=country, name=f"{country} police"
        )
        return core_services.user_create(
            actor=None,
            organisation=organisation,
            username=name,
            role=role,
            password="bench-Password-2014-x",
        )

    chn, deu = user("CHN", "officer", "chn"), user("DEU", "officer", "deu")
    raw = {
        "kind": "seizure",
        "occurred_on": (datetime.date.today() - datetime.timedelta(days=3)).isoformat(),
        "countries": [
            {"country": "CHN", "role": "departure"},
            {"country": "DEU", "role": "destination"},
        ],
        "place_of_seizure": "Port of Shanghai",
        "seizure_locode": "CNSHA",
    }
    busy = services.incident_create(actor=chn, data=services.validate_incident(raw))
    quiet = services.incident_create(actor=chn, data=services.validate_incident(raw))
    for number in range(messages):
        actor = chn if number % 2 else deu
        if number % 10 == 0:
            request = services.message_post(
                actor=chn,
                incident=busy,
                kind="controlled_delivery_request",
                body=f"Request {number}: a controlled delivery of the second container.",
                addressed_country="DEU",
            )
            if number % 20 == 0:
                services.request_decide(actor=deu, message=request, decision="accepted")
        else:
            services.message_post(
                actor=actor, incident=busy, body=f"Message {number}: " + "details " * 20
            )
    return deu, busy, quiet


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    setup(Path(tempfile.mkdtemp(prefix="thread-bench-")))
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    reader, busy, quiet = world(args.messages)
    client = Client(HTTP_HOST="localhost")
    client.force_login(reader, backend=settings.AUTHENTICATION_BACKENDS[0])
    measures = {}
    for incident, label in ((busy, f"{args.messages} messages"), (quiet, "no messages")):
        measures[("incident page", label)] = f"/incidents/{incident.pk}/"
        measures[("thread API", label)] = f"/api/v1/incidents/{incident.pk}/messages?page_size=200"
    timings = {key: [] for key in measures}
    queries = {}
    for key, url in measures.items():  # warm up, and count the queries once
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        queries[key] = len(captured)
    for _round in range(args.rounds):
        for key, url in measures.items():  # the variants alternate
            started = time.perf_counter()
            response = client.get(url)
            timings[key].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"{'measure':<16}{'thread':<16}{'p50 ms':>9}{'p99 ms':>9}{'queries':>9}")
    for (measure, label), values in timings.items():
        print(
            f"{measure:<16}{label:<16}{percentile(values, 0.5):>9.1f}"
            f"{percentile(values, 0.99):>9.1f}{queries[(measure, label)]:>9}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
