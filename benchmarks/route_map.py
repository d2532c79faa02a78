"""Benchmark: the route map's data for a reader who sees 20,000 incidents, aggregated legs
(the map as drawn now: origin-destination pairs counted in one streamed query, the busiest
40 drawn) against drawing every route (every incident's legs as their own lines), side by
side in one run.

SQLite in a temporary directory (the embedded default). 20,000 incidents shared with every
participant over the last year, each with a route of two to four of 40 countries (a few
routes far busier than the rest). The variants alternate for `--rounds` rounds as one
reader: the data and SVG of each, and the map page itself (`GET /incidents/map/`). Prints
p50 and p99 in milliseconds, the SVG's size and the lines drawn.

    .venv/bin/python benchmarks/route_map.py [--incidents 20000] [--rounds 7]
"""

import argparse
import datetime
import itertools
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

from incident_thread import percentile, setup  # the same SQLite set-up (benchmarks/ on the path)


def world(incidents: int, seed: int = 13):
    from drugcontrol.core import services as core_services
    from drugcontrol.core.models import Country
    from drugcontrol.core.reference import load_countries
    from drugcontrol.entities.models import Audience
    from drugcontrol.incidents.models import Incident, IncidentCountry

    load_countries()
    organisation = core_services.organisation_for(
        kind="law_enforcement", country_code="DEU", name="DEU police"
    )
    reader = core_services.user_create(
        actor=None,
        organisation=organisation,
        username="deu",
        role="officer",
        password="bench-Password-2014-x",
    )
    from drugcontrol.incidents.maps import centroids

    codes = [c for c in Country.objects.values_list("iso3", flat=True) if c in centroids()][:40]
    rng = random.Random(seed)
    today = datetime.date.today()
    rows = [
        Incident(
            reference=f"BENCH-{number:06d}",
            kind="seizure",
            occurred_on=today - datetime.timedelta(days=rng.randrange(360)),
            reporting_organisation=organisation,
            reporting_country_id="DEU",
            distribution=Audience.ALL,
            created_by=reader,
        )
        for number in range(incidents)
    ]
    Incident.objects.bulk_create(rows, batch_size=2000)
    stops = []
    weights = [1 / (rank + 1) for rank in range(len(codes))]  # a few countries far busier
    for incident in Incident.objects.only("pk"):
        path = []
        while len(path) < rng.randint(2, 4):
            code = rng.choices(codes, weights)[0]
            if code not in path:
                path.append(code)
        roles = ["departure", *["transit"] * (len(path) - 2), "destination"]
        stops += [
            IncidentCountry(incident=incident, country_id=code, role=role, sequence=index)
            for index, (code, role) in enumerate(zip(path, roles, strict=True))
        ]
    IncidentCountry.objects.bulk_create(stops, batch_size=5000)
    return reader


def every_route(reader, incidents: int):
    """The map drawn without aggregation: every route read, every leg its own line."""
    from drugcontrol.incidents import maps, selectors

    routes = selectors.route_points(user=reader, limit=incidents)
    legs = [(a, b, 1) for route in routes for a, b in itertools.pairwise(route["path"])]
    return maps.legs_map(legs), len(legs)


def aggregated(reader):
    from drugcontrol.incidents import maps, selectors

    result = selectors.route_legs(user=reader, top=40)
    return maps.legs_map(result.legs), len(result.legs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        setup(Path(directory))
        started = time.perf_counter()
        reader = world(args.incidents)
        print(f"seeded {args.incidents} incidents in {time.perf_counter() - started:.1f} s")
        from django.test import Client

        client = Client(HTTP_HOST="localhost")
        client.force_login(reader)
        variants = {
            "every route": lambda: every_route(reader, args.incidents),
            "aggregated": lambda: aggregated(reader),
        }
        timings: dict[str, list[float]] = {name: [] for name in [*variants, "map page"]}
        sizes: dict[str, tuple[int, int]] = {}
        for _round in range(args.rounds):
            for name, run in variants.items():
                started = time.perf_counter()
                svg, lines = run()
                timings[name].append((time.perf_counter() - started) * 1000)
                sizes[name] = (len(svg.encode()), lines)
            started = time.perf_counter()
            response = client.get("/incidents/map/")
            timings["map page"].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            sizes["map page"] = (len(response.content), sizes["aggregated"][1])
    print(f"{platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs")
    print(f"{'variant':<14}{'p50 ms':>9}{'p99 ms':>9}{'SVG/page KB':>13}{'lines':>8}")
    for name, values in timings.items():
        size, lines = sizes[name]
        print(
            f"{name:<14}{percentile(values, 0.5):>9.1f}{percentile(values, 0.99):>9.1f}"
            f"{size / 1024:>13.1f}{lines:>8}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
