"""Check the controlled-substance list files by an independent route.

For every row: the SMILES parses (RDKit), the CAS number's check digit is right, and the
structure agrees with OPSIN's structure for the name, the INN or a synonym (same InChIKey:
`exact`; same skeleton, other stereochemistry: `connectivity`). Where OPSIN cannot read any
name, the formula of the SMILES is reported so that it can be compared by hand (`unverified`).

Development tool (needs Java for OPSIN, and `pip install py2opsin rdkit`):

    python scripts/curate_substances.py src/drugcontrol/data/substances/1961.csv [...]
    python scripts/curate_substances.py --write-report   # all files, writes verification.json

Exit status 1 when a SMILES does not parse, a CAS number is wrong, or OPSIN gives a
different skeleton for a name (a likely curation error).
"""

import argparse
import csv
import json
import os
import sys
import tempfile
import warnings
from pathlib import Path

from rdkit import Chem, RDLogger
from rdkit.Chem.rdMolDescriptors import CalcMolFormula

RDLogger.DisableLog("rdApp.*")
DATA_DIR = Path(__file__).resolve().parent.parent / "src" / "drugcontrol" / "data" / "substances"
FILES = ["1961.csv", "1971.csv", "1988.csv"]
REQUIRED = [
    "name",
    "name_zh",
    "inn",
    "synonyms",
    "cas",
    "smiles",
    "structure",
    "schedules",
    "in_force",
    "decision",
    "kind",
    "family",
    "notes",
]
STRUCTURES = {"defined", "stereo_unspecified", "inorganic", "mixture_or_plant"}


def cas_is_valid(cas: str) -> bool:
    parts = cas.split("-")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return False
    if len(parts[1]) != 2 or len(parts[2]) != 1 or not 2 <= len(parts[0]) <= 7:
        return False
    digits = (parts[0] + parts[1])[::-1]
    return sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10 == int(parts[2])


def opsin_structures(names: list[str]) -> dict[str, str]:
    """Name -> SMILES for the names OPSIN can read (one Java call for all)."""
    from py2opsin import py2opsin

    names = [name for name in dict.fromkeys(names) if name]
    if not names:
        return {}
    # py2opsin writes a fixed file name in the working directory: work in a private one so
    # that parallel runs cannot mix their inputs.
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as private, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        os.chdir(private)
        try:
            results = py2opsin(names)
        finally:
            os.chdir(here)
    if isinstance(results, str):
        results = [results]
    return {name: smiles for name, smiles in zip(names, results, strict=False) if smiles}


def inchikey(smiles: str) -> str | None:
    molecule = Chem.MolFromSmiles(smiles)
    return Chem.MolToInchiKey(molecule) if molecule is not None else None


def check_file(path: Path) -> tuple[list[dict], list[str]]:
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    errors: list[str] = []
    if rows:
        missing = [column for column in REQUIRED if column not in rows[0]]
        if missing:
            errors.append(f"{path.name}: missing columns {missing}")
            return [], errors
    candidates = []
    for row in rows:
        candidates += [row["name"], row["inn"], *row["synonyms"].split(";")]
    opsin = opsin_structures([name.strip() for name in candidates])
    results = []
    for line, row in enumerate(rows, start=2):
        where = f"{path.name}:{line} {row['name']}"
        if row["structure"] not in STRUCTURES:
            errors.append(f"{where}: unknown structure kind {row['structure']!r}")
        if row["cas"] and not cas_is_valid(row["cas"]):
            errors.append(f"{where}: CAS {row['cas']} fails its check digit")
        result = {"file": path.name, "line": line, "name": row["name"], "status": "no_structure"}
        smiles = row["smiles"].strip()
        if smiles:
            molecule = Chem.MolFromSmiles(smiles)
            if molecule is None:
                errors.append(f"{where}: SMILES does not parse")
                result["status"] = "unparsable"
                results.append(result)
                continue
            key = Chem.MolToInchiKey(molecule)
            result["formula"] = CalcMolFormula(molecule)
            result["status"] = "unverified"
            names = [row["name"], row["inn"], *row["synonyms"].split(";")]
            for name in (n.strip() for n in names if n.strip()):
                other = opsin.get(name)
                other_key = inchikey(other) if other else None
                if other_key is None:
                    continue
                if other_key == key:
                    result.update(status="exact", via=name)
                    break
                if other_key[:14] == key[:14]:
                    result.update(status="connectivity", via=name)
                elif result["status"] == "unverified":
                    result.update(
                        status="mismatch",
                        via=name,
                        opsin_formula=CalcMolFormula(Chem.MolFromSmiles(other)),
                    )
            if result["status"] == "mismatch":
                errors.append(
                    f"{where}: OPSIN reads {result['via']!r} as {result['opsin_formula']}, "
                    f"the SMILES is {result['formula']}"
                )
        elif row["structure"] in {"defined", "stereo_unspecified"}:
            errors.append(f"{where}: structure {row['structure']!r} but no SMILES")
        results.append(result)
    return results, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--write-report", action="store_true", help="write verification.json")
    args = parser.parse_args()
    files = args.files or [DATA_DIR / name for name in FILES if (DATA_DIR / name).exists()]
    all_results, all_errors = [], []
    for path in files:
        results, errors = check_file(path)
        all_results += results
        all_errors += errors
        counts: dict[str, int] = {}
        for result in results:
            counts[result["status"]] = counts.get(result["status"], 0) + 1
        print(
            f"{path.name}: {len(results)} rows, "
            + ", ".join(f"{status} {count}" for status, count in sorted(counts.items()))
        )
    for result in all_results:
        if result["status"] in {"unverified", "connectivity"}:
            print(
                f"  {result['status']:<12} {result['file']}:{result['line']} "
                f"{result['name']} ({result.get('formula', '')})"
            )
    for error in all_errors:
        print(f"ERROR {error}", file=sys.stderr)
    if args.write_report:
        report = DATA_DIR / "verification.json"
        report.write_text(json.dumps(all_results, indent=1, ensure_ascii=False) + "\n")
        print(f"wrote {report}")
    return 1 if all_errors else 0


if __name__ == "__main__":
    sys.exit(main())
