"""Illicit crops and alternative development, computed from published data: cultivation,
eradication (by method), yield and potential production (area x yield) by country, and by
first-level region where the country reports regions; and, for a country with alternative
development programmes, cultivation inside the regions a programme covers that year against
cultivation in the rest of the country.

Reads only published values (as `analysis` does), so no figure reveals an unpublished one;
programmes are read by every signed-in user."""

import decimal
from collections import defaultdict
from dataclasses import dataclass, field

from drugcontrol.monitoring.analysis import published_values
from drugcontrol.monitoring.expressions import parse_key
from drugcontrol.monitoring.selectors import programme_list

NATIONAL = ("CULT_HA", "ERAD_HA", "YIELD")
REGIONAL = ("CULT_REGION_HA", "ERAD_REGION_HA", "YIELD_REGION")
CROPS = ("opium_poppy", "coca_bush", "cannabis_plant")


@dataclass
class CropFigures:
    """One crop in one country and year, or in one of its regions (`region` set)."""

    country: str
    year: int
    crop: str
    region: str = ""
    cultivation_ha: decimal.Decimal | None = None
    eradication_ha: decimal.Decimal | None = None
    eradication_by_method: dict = field(default_factory=dict)
    yield_kg_ha: decimal.Decimal | None = None
    yield_is_national: bool = False  # a region's production computed with the national yield
    in_programme: bool = False  # a region covered by a programme running that year

    @property
    def potential_production_kg(self) -> decimal.Decimal | None:
        if self.cultivation_ha is None or self.yield_kg_ha is None:
            return None
        # kept to the places a stored value has, in a context wide enough for any product of
        # two stored values
        with decimal.localcontext(prec=80):
            product = self.cultivation_ha * self.yield_kg_ha
            return product.quantize(decimal.Decimal("0.000001"))


class ProgrammeAreas:
    """Which regions of a country the programmes cover, in a year or at any time."""

    def __init__(self, user, countries=None):
        programmes = programme_list(user)
        if countries is not None:
            programmes = programmes.filter(country_id__in=list(countries))
        self.programmes: dict[str, list] = defaultdict(list)
        for programme in programmes:
            codes = frozenset(region.code for region in programme.regions.all())
            self.programmes[programme.country_id].append((programme, codes))

    def in_year(self, country: str, year: int) -> set[str]:
        return {
            code
            for programme, codes in self.programmes.get(country, ())
            if programme.runs_in(year)
            for code in codes
        }

    def ever(self, country: str) -> set[str]:
        return {code for _programme, codes in self.programmes.get(country, ()) for code in codes}

    def running(self, country: str, year: int) -> int:
        return sum(1 for p, _codes in self.programmes.get(country, ()) if p.runs_in(year))


def crop_figures(
    user,
    *,
    country: str | None = None,
    year: int | None = None,
    crop: str | None = None,
    regions: bool = False,
) -> list[CropFigures]:
    """National figures per country, year and crop (sorted so); with `regions`, each
    region's figures follow its country's."""
    countries = [country.upper()] if country else None
    codes = NATIONAL + (REGIONAL if regions else ())
    values = published_values(user, codes, countries)
    areas = ProgrammeAreas(user, countries) if regions else None
    found = []
    for (iso3, when), cells in sorted(values.items()):
        if year is not None and when != year:
            continue
        covered = areas.in_year(iso3, when) if areas is not None else set()
        national: dict[str, CropFigures] = {}
        regional: dict[tuple[str, str], CropFigures] = {}
        for (element, key), value in cells.items():
            options = parse_key(key)
            this_crop = options.get("crop", "")
            if crop is not None and this_crop != crop:
                continue
            if element in NATIONAL:
                row = national.setdefault(this_crop, CropFigures(iso3, when, this_crop))
            else:
                region = options.get("region", "")
                row = regional.setdefault(
                    (region, this_crop),
                    CropFigures(
                        iso3,
                        when,
                        this_crop,
                        region=region,
                        in_programme=region in covered,
                    ),
                )
            if element in ("CULT_HA", "CULT_REGION_HA"):
                row.cultivation_ha = value
            elif element == "ERAD_HA":
                row.eradication_by_method[options.get("method", "")] = value
                row.eradication_ha = (row.eradication_ha or 0) + value
            elif element == "ERAD_REGION_HA":
                row.eradication_ha = value
            else:
                row.yield_kg_ha = value
        for (_region, this_crop), row in regional.items():
            if row.yield_kg_ha is None and this_crop in national:
                row.yield_kg_ha = national[this_crop].yield_kg_ha
                row.yield_is_national = row.yield_kg_ha is not None
        for this_crop in sorted(national, key=_crop_order):
            found.append(national[this_crop])
            found.extend(
                row
                for (_region, c), row in sorted(regional.items())
                if c == this_crop and row.cultivation_ha is not None
            )
        found.extend(
            row
            for (_region, c), row in sorted(regional.items())
            if c not in national and row.cultivation_ha is not None
        )
    return found


def _crop_order(code: str) -> int:
    return CROPS.index(code) if code in CROPS else len(CROPS)


@dataclass
class AreaComparison:
    """A country's cultivation of one crop in one year, in the regions its programmes cover
    (at any time: the same regions every year, so the two lines compare) and in the rest."""

    year: int
    inside_ha: decimal.Decimal
    outside_ha: decimal.Decimal
    regions_inside: int  # regions with a figure that year
    regions_outside: int
    programmes_running: int

    @property
    def share_inside(self) -> decimal.Decimal | None:
        total = self.inside_ha + self.outside_ha
        return None if not total else self.inside_ha / total * 100


def programme_comparison(user, country: str, crop: str) -> list[AreaComparison]:
    """Per year with regional figures: cultivation inside the programme areas and outside;
    the two trends side by side show whether cultivation fell faster where programmes work.
    Empty when the country has no programme with regions."""
    country = country.upper()
    areas = ProgrammeAreas(user, [country])
    inside_codes = areas.ever(country)
    if not inside_codes:
        return []
    by_year: dict[int, list[CropFigures]] = defaultdict(list)
    for row in crop_figures(user, country=country, crop=crop, regions=True):
        if row.region and row.cultivation_ha is not None:
            by_year[row.year].append(row)
    comparison = []
    for year in sorted(by_year):
        inside = [row for row in by_year[year] if row.region in inside_codes]
        outside = [row for row in by_year[year] if row.region not in inside_codes]
        comparison.append(
            AreaComparison(
                year=year,
                inside_ha=sum((row.cultivation_ha for row in inside), decimal.Decimal(0)),
                outside_ha=sum((row.cultivation_ha for row in outside), decimal.Decimal(0)),
                regions_inside=len(inside),
                regions_outside=len(outside),
                programmes_running=areas.running(country, year),
            )
        )
    return comparison


def crop_countries(user) -> list[str]:
    """The countries with published national crop figures, by code."""
    values = published_values(user, ("CULT_HA",))
    return sorted({iso3 for iso3, _year in values})
