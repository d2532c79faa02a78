"""Benchmark: party suggestions as the reporter types (in-process, one core).

Builds the generated parties of `entity_match.py` (companies and persons; Latin, pinyin and
Chinese names) in a temporary SQLite database, all on the file of one competent authority,
then asks, side by side in the same run and for the same texts, as a user of that
authority:

- the suggestion through the matching engine (`entities.selectors.party_suggestions`: the
  party rule, first letters in any script on the normalised names, then the engine's
  candidates), as `/parties/suggest/` does;
- a plain `name__icontains` query under the same party rule, limited the same way.

The texts: the first letters of a party's name (3 to 8 characters, or 2 Chinese characters),
its whole name, and its name in the other script (a Chinese name written in pinyin, or a
pinyin name in Chinese characters when the generator has both). Reported for each: p50 and
p99 latency, and how often the party asked for is among the suggestions.

    .venv/bin/python benchmarks/suggest.py [--parties 100000] [--queries 600] [--seed N]
"""

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from entity_match import build_index, machine, percentile, setup_django

LIMIT = 10


def texts_for(index, count: int, seed: int) -> list[tuple[str, str, int]]:
    """(kind of text, text, party expected) for parties drawn at random."""
    from drugcontrol.entities.normalize import normalize_name

    rng = random.Random(seed)
    rows = []
    drawn = rng.sample(range(len(index.specs)), count)
    for number, position in enumerate(drawn):
        spec, party_id = index.specs[position], index.ids[position]
        name = spec.name
        shape = ("prefix", "whole", "other script")[number % 3]
        if shape == "prefix":
            text = name[:2] if spec.shape == "han" else name[: rng.randint(3, 8)]
        elif shape == "whole":
            text = name
        elif spec.shape == "han":
            text = normalize_name(name, kind=spec.kind).text  # the name in pinyin
        else:
            continue  # a Latin name has no other script here
        rows.append((shape, text.strip(), party_id))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description="party suggestion benchmark")
    parser.add_argument("--parties", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--seed", type=int, default=20261130)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    workdir = Path(tempfile.mkdtemp(prefix="suggest-bench-"))
    try:
        return run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args, workdir: Path) -> int:
    setup_django(workdir)
    from drugcontrol.core.models import Organisation, User
    from drugcontrol.core.visibility import visible
    from drugcontrol.entities.models import Party
    from drugcontrol.entities.selectors import party_suggestions

    print("machine: " + "; ".join(f"{k} {v}" for k, v in machine().items()), flush=True)
    print(f"building {args.parties:,} parties ...", flush=True)
    index = build_index(args.parties, args.seed)
    authority = Organisation.objects.create(
        name="Bench authority", kind="competent_authority", country_id="CHN"
    )
    Party.objects.update(owner_organisation=authority)
    user = User.objects.create(username="bench", organisation=authority, role="officer")
    texts = texts_for(index, args.queries, args.seed)
    for _shape, text, _party in texts[:20]:  # warm up both
        party_suggestions(user=user, text=text, limit=LIMIT)
        list(visible(Party, user).filter(name__icontains=text).values_list("pk", flat=True)[:10])

    figures: dict[str, dict[str, list]] = {}
    for shape, text, party_id in texts:
        row = figures.setdefault(shape, {"engine": [], "icontains": [], "e_hit": [], "i_hit": []})
        started = time.perf_counter()
        found = party_suggestions(user=user, text=text, limit=LIMIT)
        row["engine"].append((time.perf_counter() - started) * 1000)
        row["e_hit"].append(party_id in {item["id"] for item in found})
        started = time.perf_counter()
        plain = list(
            visible(Party, user)
            .filter(name__icontains=text)
            .order_by("name", "pk")
            .values_list("pk", flat=True)[:LIMIT]
        )
        row["icontains"].append((time.perf_counter() - started) * 1000)
        row["i_hit"].append(party_id in plain)

    print(f"\n{len(texts)} texts, {args.parties:,} parties, at most {LIMIT} suggestions")
    print(
        "| text | n | engine p50 ms | engine p99 ms | engine finds | "
        "icontains p50 ms | icontains p99 ms | icontains finds |"
    )
    print("|---|---|---|---|---|---|---|---|")
    everything = {"engine": [], "icontains": [], "e_hit": [], "i_hit": []}
    for shape, row in [*figures.items(), ("all", everything)]:
        if shape != "all":
            for key in everything:
                everything[key] += row[key]
        n = len(row["engine"])
        print(
            f"| {shape} | {n} | {percentile(row['engine'], 0.5):.1f} | "
            f"{percentile(row['engine'], 0.99):.1f} | {sum(row['e_hit']) / n:.0%} | "
            f"{percentile(row['icontains'], 0.5):.1f} | {percentile(row['icontains'], 0.99):.1f}"
            f" | {sum(row['i_hit']) / n:.0%} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
