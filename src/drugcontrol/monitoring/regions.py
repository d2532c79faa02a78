"""First-level administrative regions (ISO 3166-2 divisions without a parent), the options
of the category `region`: read from pycountry's ISO 3166-2 tables, named in Chinese by
iso-codes' zh_CN translation where it has one."""

import functools
import gettext

import pycountry

from drugcontrol.core.countries import country_by_code


@functools.cache
def _chinese() -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-2", pycountry.LOCALES_DIR, languages=["zh_CN"], fallback=True
    )


def first_level_regions(country_codes: list[str]) -> list[dict]:
    """[{code, name_en, name_zh, country}] for each country (ISO alpha-3), in code order;
    a code that is no country raises KeyError."""
    return [dict(region) for region in _regions(tuple(country_codes))]


@functools.lru_cache(maxsize=8)
def _regions(country_codes: tuple[str, ...]) -> tuple:
    regions = []
    chinese = _chinese()
    for iso3 in country_codes:
        country = country_by_code(iso3)
        if country is None:
            raise KeyError(iso3)
        divisions = pycountry.subdivisions.get(country_code=country.iso2) or []
        for division in sorted(divisions, key=lambda d: d.code):
            if division.parent_code is None:
                regions.append(
                    {
                        "code": division.code,
                        "name_en": division.name,
                        "name_zh": chinese.gettext(division.name),
                        "country": country.iso3,
                    }
                )
    return tuple(regions)
