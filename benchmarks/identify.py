"""Benchmark: structure-based identification of control status (in-process, one core).

Measures, in one run and side by side:
- single-structure identification latency (p50, p99) over a mixed query set;
- throughput on a 10,000-structure CSV through `drugcontrol identify --file`;
- the neighbour search inside identification against a plain RDKit BulkTanimotoSimilarity
  loop over the same fingerprints;
- the memory taken by the loaded index.

Targets (issue 3): p50 < 5 ms; >= 1,000 structures/s; neighbour search <= 1.5x the plain loop.

    .venv/bin/python benchmarks/identify.py [--structures 10000] [--queries 500]
"""

import argparse
import io
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def setup_django(workdir: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="drugcontrol.settings",
        DEBUG="0",
        SECRET_KEY="benchmark-" + "x" * 40,
        DATABASE_URL=f"sqlite:///{workdir / 'identify.sqlite3'}",
        DRUGCONTROL_VAR_DIR=str(workdir),
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from drugcontrol.substances.services import reference_lists_load

    reference_lists_load()


SUBSTITUENTS = ["F", "Cl", "Br", "C", "OC", "CC", "C(F)(F)F", "O", "N"]


def analogues(seeds: list[str], count: int, rng: random.Random) -> list[str]:
    """Invented structures: listed molecules with one or two substituents added."""
    from rdkit import Chem

    molecules = [Chem.MolFromSmiles(s) for s in seeds]
    molecules = [m for m in molecules if m is not None and m.GetNumAtoms() >= 6]
    made: list[str] = []
    while len(made) < count:
        molecule = Chem.RWMol(rng.choice(molecules))
        for _ in range(rng.choice([1, 1, 2])):
            molecule.UpdatePropertyCache(strict=False)
            sites = [
                a.GetIdx() for a in molecule.GetAtoms() if a.GetIsAromatic() and a.GetTotalNumHs()
            ]
            if not sites:
                break
            site = rng.choice(sites)
            fragment = Chem.MolFromSmiles(rng.choice(SUBSTITUENTS))
            offset = molecule.GetNumAtoms()
            molecule.InsertMol(fragment)
            molecule.AddBond(site, offset, Chem.BondType.SINGLE)
        try:
            Chem.SanitizeMol(molecule)
        except (ValueError, RuntimeError):
            continue
        made.append(Chem.MolToSmiles(molecule))
    return made


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description="identification benchmark")
    parser.add_argument("--structures", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    workdir = Path(tempfile.mkdtemp(prefix="identify-bench-"))
    setup_django(workdir)

    from django.core.management import call_command
    from rdkit import DataStructs, rdBase

    from drugcontrol.substances import chemistry, selectors
    from drugcontrol.substances.identification import identify_structure
    from drugcontrol.substances.models import Substance

    rng = random.Random(20261128)
    listed = list(Substance.objects.exclude(smiles="").values_list("smiles", flat=True))

    before = rss_kib()
    started = time.perf_counter()
    index = selectors.build_index(selectors.registry_version())
    build_seconds = time.perf_counter() - started
    index_kib = rss_kib() - before
    selectors._index_cache["index"] = index

    others = [
        "CN(C)C[C@H]1CCCC[C@@]1(O)c1cccc(OC)c1",  # tramadol
        "CNC1(c2ccccc2Cl)CCCCC1=O",  # ketamine
        "Cn1cnc2c1c(=O)n(C)c(=O)n2C",  # caffeine
        "CC(=O)Nc1ccc(O)cc1",  # paracetamol
    ]
    queries = (
        rng.sample(listed, min(len(listed), args.queries // 3))
        + [s + ".Cl" for s in rng.sample(listed, min(len(listed), args.queries // 6))]
        + analogues(listed, args.queries // 3, rng)
        + others * 10
    )
    for smiles in queries[:50]:  # warm caches
        selectors.identify(smiles=smiles)
    latencies = []
    for smiles in queries:
        started = time.perf_counter()
        selectors.identify(smiles=smiles)
        latencies.append((time.perf_counter() - started) * 1000)

    # Neighbour search: the engine's step against a plain loop, same fingerprints, alternating.
    standard = [chemistry.standardise(chemistry.parse(s)) for s in queries]
    fingerprints = index.fingerprints
    engine_times, plain_times = [], []
    for _round in range(5):
        started = time.perf_counter()
        for query in standard:
            scores = chemistry.similarities(query.fingerprint, fingerprints)
            sorted(((score, i) for i, score in enumerate(scores) if score >= 0.4), reverse=True)[:5]
        engine_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        for query in standard:
            DataStructs.BulkTanimotoSimilarity(query.fingerprint, fingerprints)
        plain_times.append(time.perf_counter() - started)
    whole = []
    for query in standard[:200]:
        started = time.perf_counter()
        identify_structure(index, query)
        whole.append((time.perf_counter() - started) * 1000)

    # A 10,000-structure file through the command line path.
    batch = analogues(listed, args.structures - len(listed), rng) + listed
    path = workdir / "batch.csv"
    path.write_text("id,smiles\n" + "\n".join(f"{i},{s}" for i, s in enumerate(batch)) + "\n")
    started = time.perf_counter()
    call_command("identify", "--file", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    batch_seconds = time.perf_counter() - started
    rate = len(batch) / batch_seconds

    engine = statistics.median(engine_times)
    plain = statistics.median(plain_times)
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    print("machine")
    print(
        f"  {platform.platform()}, CPU {platform.processor() or platform.machine()}, "
        f"pinned to 1 core; Python {platform.python_version()}, RDKit {rdBase.rdkitVersion}"
    )
    print(
        f"index: {len(index.substances)} substances with structures, "
        f"{sum(len(v) for v in index.by_inchikey.values())} listings; "
        f"built in {build_seconds * 1000:.0f} ms; about {index_kib / 1024:.1f} MiB resident"
    )
    print(
        f"single identification ({len(latencies)} queries: listed, salts, analogues, others): "
        f"p50 {p50:.2f} ms, p99 {p99:.2f} ms (target p50 < 5 ms: "
        f"{'met' if p50 < 5 else 'MISSED'})"
    )
    print(f"  engine step after standardisation: p50 {percentile(whole, 0.5):.2f} ms")
    print(
        f"file of {len(batch)} structures: {batch_seconds:.1f} s, {rate:.0f} structures/s "
        f"(target >= 1000: {'met' if rate >= 1000 else 'MISSED'})"
    )
    ratio = engine / plain
    print(
        f"neighbour search over {len(fingerprints)} fingerprints x {len(standard)} queries: "
        f"engine {engine * 1000:.1f} ms, plain BulkTanimotoSimilarity loop {plain * 1000:.1f} ms, "
        f"ratio {ratio:.2f} (target <= 1.5: {'met' if ratio <= 1.5 else 'MISSED'})"
    )
    return 0 if p50 < 5 and rate >= 1000 and ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
