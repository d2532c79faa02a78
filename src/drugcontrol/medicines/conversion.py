"""Quantities as anhydrous base: a salt's or preparation's quantity times its base content
(`data/medicines/conversion_factors.json`, with its provenance), in kilograms."""

import decimal
import functools
import json
from pathlib import Path

FACTORS_FILE = (
    Path(__file__).resolve().parents[1] / "data" / "medicines" / "conversion_factors.json"
)
TO_KG = {"mg": decimal.Decimal("0.000001"), "g": decimal.Decimal("0.001"), "kg": decimal.Decimal(1)}


@functools.cache
def factors() -> dict[tuple[str, str], decimal.Decimal]:
    """{(base substance's English name in lower case, salt or preparation): base content}."""
    if not FACTORS_FILE.exists():
        return {}
    document = json.loads(FACTORS_FILE.read_text(encoding="utf-8"))
    entries = document.get("factors") or next(
        (value for value in document.values() if isinstance(value, list)), []
    )
    return {
        (entry["substance"].lower(), entry["form"]): decimal.Decimal(str(entry["factor"]))
        for entry in entries
        if entry.get("factor") is not None
    }


def preparations_of(substance_name: str) -> list[str]:
    """The salts and preparations of a base on file, by name."""
    wanted = substance_name.lower()
    return sorted(form for name, form in factors() if name == wanted)


def factor_of(substance_name: str, preparation: str) -> decimal.Decimal | None:
    """The base content of a preparation (1 for the base itself, "" or the base's own
    name); None when the preparation is not on file."""
    if preparation in ("", substance_name) or preparation.lower() == substance_name.lower():
        return decimal.Decimal(1)
    return factors().get((substance_name.lower(), preparation))


def base_kg(quantity: decimal.Decimal, unit: str, factor: decimal.Decimal) -> decimal.Decimal:
    return (quantity * TO_KG[unit] * factor).quantize(decimal.Decimal("0.000001"))
