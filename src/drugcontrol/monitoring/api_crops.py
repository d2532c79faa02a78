"""The monitoring API's illicit crops and alternative development programmes (the rest of the
app's API is in api.py). Parse, call one service or selector, shape the answer."""

import decimal

from ninja import Field, Query, Router, Schema
from ninja import Status as Answer
from ninja.pagination import paginate

from drugcontrol.core.api_common import ERRORS, OutSchema, PagePagination
from drugcontrol.core.bounds import QueryText, RecordId, Version, choice
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.monitoring import crops, selectors, services
from drugcontrol.monitoring.choices import Livelihood

router = Router(tags=["monitoring"])


class CropOut(OutSchema):
    country: str
    year: int
    crop: str
    region: str = Field(description='ISO 3166-2 code of a first-level region; "" nationally.')
    cultivation_ha: decimal.Decimal | None
    eradication_ha: decimal.Decimal | None
    eradication_by_method: dict[str, decimal.Decimal] = Field(
        description="Nationally: hectares eradicated by each method."
    )
    yield_kg_ha: decimal.Decimal | None
    yield_is_national: bool = Field(
        description="A region's production computed with the national yield."
    )
    potential_production_kg: decimal.Decimal | None = Field(description="Cultivation times yield.")
    in_programme: bool = Field(
        description="A region an alternative development programme covers that year."
    )


@router.get("/monitoring/crops", response={200: list[CropOut], **ERRORS})
@paginate(PagePagination)
def list_crops(
    request,
    country: QueryText | None = None,
    year: int | None = Query(None, ge=1990, le=2100),
    crop: QueryText | None = None,
    regions: bool = Query(False, description="Each region's figures after its country's."),
):
    """Illicit crops from published data: cultivation, eradication, yield and potential
    production per country, year and crop (and first-level region)."""
    return [
        {**vars(row), "potential_production_kg": row.potential_production_kg}
        for row in crops.crop_figures(
            request.auth, country=country, year=year, crop=crop, regions=regions
        )
    ]


class ProgrammeOut(OutSchema):
    id: RecordId
    country: str
    name: str
    summary: str
    start_year: int
    end_year: int | None
    area_ha: decimal.Decimal | None
    households: int | None
    livelihoods: list[choice(Livelihood)]
    funding_usd: decimal.Decimal | None
    funders: str
    regions: list[str] = Field(description="ISO 3166-2 codes of the regions it covers.")
    version: int


class ProgrammeIn(Schema):
    name: str = Field(max_length=200)
    summary: str = Field("", max_length=4000)
    start_year: int = Field(ge=1990, le=2100)
    end_year: int | None = Field(None, ge=1990, le=2200)
    area_ha: decimal.Decimal | None = None
    households: int | None = Field(None, ge=0, le=100_000_000)
    livelihoods: list[choice(Livelihood)] = Field(default_factory=list, max_length=40)
    funding_usd: decimal.Decimal | None = None
    funders: str = Field("", max_length=300)
    regions: list[str] = Field(default_factory=list, max_length=200)


class ProgrammeCreate(ProgrammeIn):
    country: str = Field(max_length=3)


class ProgrammeChange(ProgrammeIn):
    version: Version | None = None
    country: str | None = Field(
        None, max_length=3, description="The programme's own country, if given: it does not move."
    )


def _programme_out(programme) -> dict:
    return {
        **{name: getattr(programme, name) for name in services.programmes.FIELDS},
        "id": programme.pk,
        "country": programme.country_id,
        "regions": [region.code for region in programme.regions.all()],
        "version": programme.version,
    }


def _programme_input(payload: ProgrammeIn, country=None) -> services.ProgrammeInput:
    fields = payload.dict(exclude={"country", "version"})
    return services.ProgrammeInput(country=country, **fields)


@router.get("/monitoring/programmes", response={200: list[ProgrammeOut], **ERRORS})
@paginate(PagePagination)
def list_programmes(
    request,
    country: QueryText | None = None,
    year: int | None = Query(None, ge=1990, le=2200, description="Running that year."),
):
    """Alternative development programmes."""
    return [
        _programme_out(p)
        for p in selectors.programme_list(request.auth, country=country, year=year)
    ]


@router.get("/monitoring/programmes/{programme_id}", response={200: ProgrammeOut, **ERRORS})
def get_programme(request, programme_id: RecordId):
    return _programme_out(selectors.programme_get(request.auth, programme_id))


@router.post("/monitoring/programmes", response={201: ProgrammeOut, **ERRORS})
def create_programme(request, payload: ProgrammeCreate):
    programme = services.programme_create(
        actor=request.auth, item=_programme_input(payload, payload.country)
    )
    return Answer(201, _programme_out(programme))


@router.put("/monitoring/programmes/{programme_id}", response={200: ProgrammeOut, **ERRORS})
def change_programme(request, programme_id: RecordId, payload: ProgrammeChange):
    programme = selectors.programme_get(request.auth, programme_id)
    if payload.country is not None and payload.country.upper() != programme.country_id:
        raise ValidationFailed({"country": [_("A programme stays in its country.")]})
    programme = services.programme_update(
        actor=request.auth,
        programme=programme,
        item=_programme_input(payload),
        expected_version=payload.version,
    )
    return _programme_out(programme)
