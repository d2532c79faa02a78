"""Benchmark: one spectrum searched against 100,000 library spectra (in-process, one core).

The script migrates a temporary SQLite database, loads the shipped substance lists, stores
a generated library of invented spectra (`nps.spectra.generated`; bulk inserted with the
rows the import service writes, a tenth of them linked to registry substances), builds the
search matrix from the database as a server process does, then measures side by side in
one run, alternating query by query:

1. the matrix search (`SpectralMatrix.search`: scores over the query's bins, the best 10,
   their shared peaks);
2. a plain NumPy cosine over the same matrix: the library as a dense float32 array of the
   same scaled vectors, one matrix-vector product and `argpartition` for the best 10;
3. the whole search as the API and the command line run it
   (`nps.spectra.selectors.search_library`: the matrix search, then the hits' names,
   substances and control status from the database).

Queries are library spectra with noise added (intensities off by about 10 %, two small
peaks lost, three added); each must find its own spectrum first, and the dense scores must
equal the matrix's. Also measured: building the matrix from the database, and importing a
file of 10,000 spectra through the import service.

Targets (issue 14): search p50 < 50 ms; the matrix search no slower than 1.5x the plain
NumPy cosine (p50). Exit status 0 only when both are met (wall-clock time). The CPU time
of each measure (`time.process_time`) is printed beside it: on a shared machine the wall
clock also counts the time the process waits for the core.

    .venv/bin/python benchmarks/spectra.py [--spectra 100000] [--queries 200]
"""

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

LIMIT = 10


def setup_django(workdir: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="drugcontrol.settings",
        DEBUG="0",
        SECRET_KEY="benchmark-" + "x" * 40,
        DATABASE_URL=f"sqlite:///{workdir / 'spectra.sqlite3'}",
        DRUGCONTROL_VAR_DIR=str(workdir),
        DRUGCONTROL_AUDIT_KEY="benchmark-audit-key-" + "y" * 30,
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from drugcontrol.substances.services import reference_lists_load

    reference_lists_load()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def store_library(count: int) -> list[list[tuple[float, float]]]:
    """`count` invented spectra stored as the import service stores them."""
    from django.db import transaction

    from drugcontrol.nps.models import LibrarySpectrum, SpectralImport
    from drugcontrol.nps.services.spectra import peak_bytes, renew_library_stamp, spectrum_digest
    from drugcontrol.nps.spectra.generated import invented_spectrum
    from drugcontrol.substances.models import Substance

    substances = list(Substance.objects.values_list("pk", flat=True))
    library = []
    with transaction.atomic():
        source = SpectralImport.objects.create(file_name="benchmark.msp", spectra=count)
        batch = []
        for number in range(count):
            name = f"Invented benchmark compound {number}"
            peaks = invented_spectrum(name)
            library.append(peaks)
            batch.append(
                LibrarySpectrum(
                    name=name,
                    peak_data=peak_bytes(peaks),
                    peak_count=len(peaks),
                    base_peak=max(peaks, key=lambda peak: peak[1])[0],
                    digest=spectrum_digest(name, peaks),
                    substance_id=substances[number % len(substances)] if number % 10 == 0 else None,
                    linked_by="name" if number % 10 == 0 else "none",
                    source=source,
                    source_line=1 + number * 12,
                )
            )
            if len(batch) == 5000:
                LibrarySpectrum.objects.bulk_create(batch)
                batch = []
        LibrarySpectrum.objects.bulk_create(batch)
        renew_library_stamp()
    return library


def dense_of(matrix) -> np.ndarray:
    """The matrix's scaled vectors as one dense float32 array (rows x bins). The matrix
    keeps its entries sorted by bin (a stable sort of the row-major entries), so the same
    sort of `row_bins` puts each weight back in its row."""
    width = int(matrix.row_bins.max()) + 1
    rows = np.repeat(np.arange(matrix.size), np.diff(matrix.row_start))
    weights = np.empty_like(matrix.column_weights)
    weights[np.argsort(matrix.row_bins, kind="stable")] = matrix.column_weights
    dense = np.zeros((matrix.size, width), dtype=np.float32)
    dense[rows, matrix.row_bins.astype(np.int64)] = weights
    return dense


def plain_numpy_search(dense: np.ndarray, query_vector: np.ndarray) -> np.ndarray:
    scores = dense @ query_vector
    best = np.argpartition(-scores, LIMIT)[:LIMIT]
    return best[np.argsort(-scores[best])]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spectra", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    workdir = Path(tempfile.mkdtemp(prefix="spectra-bench-"))
    try:
        return measure(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)  # the database: about 120 MB


def measure(args, workdir: Path) -> int:
    started = time.perf_counter()
    setup_django(workdir)
    print(f"database ready in {time.perf_counter() - started:.1f} s")

    from drugcontrol.nps.services.spectra import spectra_import
    from drugcontrol.nps.spectra import selectors
    from drugcontrol.nps.spectra.generated import invented_spectrum, msp_text, noisy_copy
    from drugcontrol.nps.spectra.search import binned

    started = time.perf_counter()
    library = store_library(args.spectra)
    print(f"{args.spectra} spectra generated and stored in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    matrix = selectors.library_matrix()
    build = time.perf_counter() - started
    print(f"matrix built from the database in {build:.2f} s ({matrix.column_rows.size} entries)")
    dense = dense_of(matrix)
    keys = matrix.keys

    rng = np.random.default_rng(14)
    picked = rng.choice(len(library), size=args.queries, replace=False)
    queries = [noisy_copy(library[index], f"query {index}") for index in picked]
    for query in queries[:10]:  # warm-up
        matrix.search(query, limit=LIMIT)
        selectors.search_library(user=None, peaks=query, limit=LIMIT)

    load_before = os.getloadavg()
    matrix_times, dense_times, full_times, found, largest_gap = [], [], [], 0, 0.0
    cpu = {"matrix search": [], "plain NumPy": [], "whole search": []}
    for index, query in zip(picked, queries, strict=True):
        bins, weights = binned(query)
        vector = np.zeros(dense.shape[1], dtype=np.float32)
        inside = bins < dense.shape[1]
        vector[bins[inside]] = weights[inside]

        moment, spent = time.perf_counter(), time.process_time()
        hits = matrix.search(query, limit=LIMIT)
        matrix_times.append(time.perf_counter() - moment)
        cpu["matrix search"].append(time.process_time() - spent)

        moment, spent = time.perf_counter(), time.process_time()
        best = plain_numpy_search(dense, vector)
        dense_times.append(time.perf_counter() - moment)
        cpu["plain NumPy"].append(time.process_time() - spent)

        moment, spent = time.perf_counter(), time.process_time()
        full = selectors.search_library(user=None, peaks=query, limit=LIMIT)
        full_times.append(time.perf_counter() - moment)
        cpu["whole search"].append(time.process_time() - spent)

        expected = int(keys[index])
        found += hits[0].key == expected and full[0].spectrum_id == expected
        if hits[0].key != expected:
            own = next((hit.score for hit in hits if hit.key == expected), None)
            print(f"  query {index}: first {hits[0].key} ({hits[0].score:.3f}), own {own}")
        largest_gap = max(largest_gap, abs(float(dense[best[0]] @ vector) - hits[0].score))
        assert int(keys[best[0]]) == hits[0].key, "the plain cosine ranks another spectrum first"

    text = msp_text(
        [(f"Invented import {n}", [], invented_spectrum(f"import {n}")) for n in range(10_000)]
    )
    moment = time.perf_counter()
    result = spectra_import(actor=None, name="bench.msp", content=text.encode())
    imported = time.perf_counter() - moment

    ms = 1000
    load_after = os.getloadavg()
    matrix_p50, dense_p50 = statistics.median(matrix_times), statistics.median(dense_times)
    full_p50 = statistics.median(full_times)
    ratio = matrix_p50 / dense_p50
    print()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, NumPy {np.__version__}, {platform.platform()}"
    )
    print(f"library: {matrix.size} spectra, {dense.shape[1]} bins, dense {dense.nbytes >> 20} MiB")
    print(f"load average (1, 5, 15 min) before the queries {load_before}, after {load_after}")
    print(f"queries: {len(queries)}, found as themselves first: {found}")
    print(f"largest difference dense vs matrix score: {largest_gap:.2e}")
    for label, times in (
        ("matrix search", matrix_times),
        ("plain NumPy", dense_times),
        ("whole search", full_times),
    ):
        print(
            f"{label:<15} p50 {statistics.median(times) * ms:7.2f} ms  "
            f"p99 {percentile(times, 0.99) * ms:7.2f} ms  "
            f"(CPU time p50 {statistics.median(cpu[label]) * ms:6.2f} ms)"
        )
    print(f"ratio matrix / plain NumPy (p50): {ratio:.2f}")
    cpu_ratio = statistics.median(cpu["matrix search"]) / statistics.median(cpu["plain NumPy"])
    print(f"ratio in CPU time (p50): {cpu_ratio:.2f}")
    print(
        f"matrix build: {build:.2f} s; import of 10,000 spectra: {imported:.2f} s "
        f"({result['imported']} stored)"
    )
    met = full_p50 < 0.050 and ratio <= 1.5
    print("targets:", "met" if met else "MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
