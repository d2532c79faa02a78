"""Reference data files shipped in drugcontrol/data, each with its provenance."""

import json
from pathlib import Path

from drugcontrol.core import services

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
COUNTRIES_FILE = DATA_DIR / "countries.json"


def read_countries(path: Path = COUNTRIES_FILE) -> tuple[dict, list[dict]]:
    document = json.loads(path.read_text(encoding="utf-8"))
    return document["provenance"], document["countries"]


def load_countries(path: Path = COUNTRIES_FILE) -> services.LoadResult:
    provenance, rows = read_countries(path)
    source = f"{path.name}: {provenance.get('iso3166', '')}; {provenance.get('m49', '')}"
    return services.countries_load(rows=rows, source=source[:500])
