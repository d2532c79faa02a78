"""Reference data kept by core: the countries."""

from dataclasses import dataclass

from django.db import transaction

from drugcontrol.core.audit import record_event
from drugcontrol.core.models import (
    Country,
)

# --- reference data -------------------------------------------------------------------------

COUNTRY_FIELDS = [
    "iso2",
    "numeric",
    "name_en",
    "name_zh",
    "name_fr",
    "name_es",
    "name_ru",
    "name_ar",
    "region_code",
    "region_name",
    "subregion_code",
    "subregion_name",
]


@dataclass(frozen=True)
class LoadResult:
    total: int
    created: int
    updated: int
    unchanged: int


def countries_load(*, rows: list[dict], source: str) -> LoadResult:
    """Insert or update countries from the reference file; no event when nothing changed."""
    existing = {country.iso3: country for country in Country.objects.all()}
    to_create, to_update, changes = [], [], {}
    for row in rows:
        values = {field: row.get(field) or "" for field in COUNTRY_FIELDS}
        current = existing.get(row["iso3"])
        if current is None:
            to_create.append(Country(iso3=row["iso3"], **values))
            continue
        changed = {f: v for f, v in values.items() if getattr(current, f) != v}
        if changed:
            for field, value in changed.items():
                setattr(current, field, value)
            to_update.append(current)
            changes[current.iso3] = changed
    if to_create or to_update:
        with transaction.atomic():
            Country.objects.bulk_create(to_create)
            if to_update:
                Country.objects.bulk_update(to_update, COUNTRY_FIELDS)
            record_event(
                actor=None,
                action="reference.countries_loaded",
                object_type="core.country",
                after={
                    "source": source,
                    "created": sorted(c.iso3 for c in to_create),
                    "updated": changes,
                },
            )
    return LoadResult(
        total=len(rows),
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(rows) - len(to_create) - len(to_update),
    )
