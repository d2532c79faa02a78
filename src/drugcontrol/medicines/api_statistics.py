"""The statistics behind availability in the API: consumption (reported by the country,
published by the secretariat), population and deaths (kept by the secretariat), and the
availability computed from them for the caller (from the consumption the caller may read)."""

import decimal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from drugcontrol.core.api_common import ERRORS, OutSchema, PagePagination
from drugcontrol.core.bounds import QueryText, RecordId, Version, choice
from drugcontrol.medicines import availability, selectors, statistics
from drugcontrol.medicines.models import EstimateStatus

router = Router(tags=["medicines"])
MAX_FIGURES = 5_000


class ConsumptionOut(OutSchema):
    id: RecordId
    country: str
    year: int
    substance: str
    quantity_kg: decimal.Decimal
    status: choice(EstimateStatus) = Field(description="`confirmed`: published.")
    version: int


class ConsumptionIn(Schema):
    country: str = Field(max_length=3)
    year: int | str
    substance: str = Field(max_length=300, description="The drug's English name.")
    quantity_kg: decimal.Decimal | str = Field(description="Kilograms of anhydrous base.")
    version: Version | None = Field(None, description="The version read, to change a figure.")


class ConsumptionManyIn(Schema):
    figures: list[ConsumptionIn] = Field(max_length=MAX_FIGURES, min_length=1)


class CountsOut(OutSchema):
    new: int
    changed: int
    unchanged: int


class PublishIn(Schema):
    country: str = Field(max_length=3)
    year: int | str


class PublishedOut(OutSchema):
    published: int


class PopulationOut(OutSchema):
    id: RecordId
    country: str
    year: int
    population: int
    cancer_deaths: int | None
    hiv_deaths: int | None
    source: str
    version: int


class PopulationIn(Schema):
    country: str = Field(max_length=3)
    year: int | str
    population: int | str
    cancer_deaths: int | str | None = None
    hiv_deaths: int | str | None = None
    source: str = Field("", max_length=200)


class PopulationManyIn(Schema):
    figures: list[PopulationIn] = Field(max_length=MAX_FIGURES, min_length=1)


def _consumption_out(row) -> dict:
    return {
        "id": row.pk,
        "country": row.country_id,
        "year": row.year,
        "substance": row.substance.name_en,
        "quantity_kg": row.quantity_kg,
        "status": row.status,
        "version": row.version,
    }


@router.get("/medicines/consumption", response={200: list[ConsumptionOut], **ERRORS})
@paginate(PagePagination)
def list_consumption(
    request,
    country: QueryText | None = None,
    year: int | None = Query(None, ge=1990, le=2100),
    substance: QueryText | None = None,
    status: choice(EstimateStatus) | None = None,
):
    """Annual consumption in kg of base: published figures for every reader, reported ones
    for their country and the secretariat."""
    return [
        _consumption_out(row)
        for row in selectors.consumption_list(
            request.auth, country=country, year=year, substance=substance, status=status
        )
    ]


@router.post("/medicines/consumption/publish", response={200: PublishedOut, **ERRORS})
def publish_consumption(request, payload: PublishIn):
    """The secretariat publishes what a country reported for a year."""
    count = statistics.consumption_confirm(
        actor=request.auth, country=payload.country.upper(), year=payload.year
    )
    return {"published": count}


@router.get("/medicines/consumption/{consumption_id}", response={200: ConsumptionOut, **ERRORS})
def get_consumption(request, consumption_id: RecordId):
    return _consumption_out(selectors.consumption_get(request.auth, consumption_id))


@router.post("/medicines/consumption", response={200: CountsOut, **ERRORS})
def report_consumption(request, payload: ConsumptionManyIn):
    """Report (a competent authority, its own country) or record (the secretariat, published
    at once) consumption figures; all or none: 422 with each figure's problems under its
    index in `details`."""
    return statistics.consumption_record_many(
        actor=request.auth, figures=[figure.dict() for figure in payload.figures]
    )


@router.get("/medicines/population", response={200: list[PopulationOut], **ERRORS})
@paginate(PagePagination)
def list_population(
    request,
    country: QueryText | None = None,
    year: int | None = Query(None, ge=1990, le=2100),
):
    return [
        {
            "id": row.pk,
            "country": row.country_id,
            **{
                name: getattr(row, name)
                for name in ("year", "population", "cancer_deaths", "hiv_deaths", "source")
            },
            "version": row.version,
        }
        for row in selectors.population_list(request.auth, country=country, year=year)
    ]


@router.post("/medicines/population", response={200: CountsOut, **ERRORS})
def record_population(request, payload: PopulationManyIn):
    """The secretariat records population and deaths (replacing what is on file for the
    same country and year); all or none."""
    return statistics.population_record_many(
        actor=request.auth, figures=[figure.dict() for figure in payload.figures]
    )


class DrugFigureOut(OutSchema):
    substance: str
    sddd_per_million_per_day: float
    sddd_verified: bool = Field(description="Whether the drug's S-DDD was read in INCB's table.")


class AvailabilityOut(OutSchema):
    country: str
    year: int
    population: int | None
    opioid_analgesics: float | None = Field(
        description="The opioid analgesics INCB counts, together, in S-DDD per million "
        "inhabitants per day (methadone apart); null without population."
    )
    methadone: float | None
    drugs: list[DrugFigureOut]
    not_counted: list[str] = Field(description="Drugs consumed that have no S-DDD on file.")
    level: str | None = Field(description="INCB's level of consumption (its name in English).")
    level_verified: bool
    need_ratio: float | None = Field(
        description="Consumption against the need of those dying of cancer or HIV/AIDS in "
        "pain (1: need met); null without deaths on file."
    )
    need_level: str | None


@router.get("/medicines/availability", response={200: list[AvailabilityOut], **ERRORS})
@paginate(PagePagination)
def list_availability(
    request,
    country: QueryText | None = None,
    year: int | None = Query(None, ge=1990, le=2100),
):
    """Availability per country and year, from the consumption the caller may read."""
    ref = availability.reference()
    rows = availability.table(
        request.auth,
        countries=[country] if country else None,
        years=[year] if year else None,
    )
    return [
        {
            "country": row.country,
            "year": row.year,
            "population": row.population,
            "opioid_analgesics": row.opioids,
            "methadone": row.apart,
            "drugs": [
                {
                    "substance": name.capitalize(),
                    "sddd_per_million_per_day": figure,
                    "sddd_verified": ref.sddd_verified.get(name, False),
                }
                for name, figure in sorted(row.by_drug.items())
            ],
            "not_counted": [name.capitalize() for name in row.not_counted],
            "level": row.level.code if row.level else None,
            "level_verified": bool(row.level and row.level.verified),
            "need_ratio": row.need_ratio,
            "need_level": row.need_level.code if row.need_level else None,
        }
        for row in rows
    ]
