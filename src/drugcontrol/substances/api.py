"""Substance registry and identification endpoints."""

import datetime
from typing import Literal

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from drugcontrol.core.api_common import ERRORS, OutSchema, PagePagination
from drugcontrol.core.bounds import Day, QueryText, RecordId, choice
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.substances import selectors
from drugcontrol.substances.identification import BASES, STATUSES
from drugcontrol.substances.models import Instrument, StructureKind, SubstanceKind

router = Router(tags=["substances"])


class ListingOut(OutSchema):
    instrument: choice(Instrument)
    country: str | None = Field(None, validation_alias="country_id")
    schedule: str
    in_force: str
    decision: str
    removed: str
    notes: str


class SubstanceOut(OutSchema):
    id: RecordId
    name: str = Field(validation_alias="name_en")
    name_zh: str
    inn: str
    cas: str
    kind: choice(SubstanceKind)
    structure_kind: choice(StructureKind)
    smiles: str
    inchikey: str
    formula: str
    families: list[str]
    listings: list[ListingOut] = Field(validation_alias="current_listings")


class SynonymOut(OutSchema):
    name: str


class SubstanceDetailOut(SubstanceOut):
    inchi: str
    notes: str
    synonyms: list[SynonymOut] = Field(validation_alias="synonym_list")
    listings: list[ListingOut] = Field(validation_alias="listing_history")


STRUCTURE_FIELDS = ("smiles", "inchi", "molblock", "name")


class IdentifyIn(Schema):
    smiles: str | None = None
    inchi: str | None = None
    molblock: str | None = None
    name: str | None = None
    on: Day | None = Field(
        None,
        description=(
            "the day to answer for (YYYY-MM-DD; default today): the status under the listings "
            "in force on that day"
        ),
    )


Status = Literal[STATUSES]  # type: ignore[valid-type]
STATUS_HELP = (
    "controlled: a match is certain; possibly_controlled: the structure leaves undrawn a "
    "stereochemistry that a listing fixes (see the stereo_unspecified matches), so it may be "
    "the listed isomer; not_controlled: not under the 1961, 1971 or 1988 Conventions (national "
    "law, analogue or generic legislation may still apply)."
)


class SubstanceMatchOut(OutSchema):
    substance: str
    instrument: choice(Instrument)
    schedules: list[str]
    basis: Literal[BASES] = Field(  # type: ignore[valid-type]
        description=(
            "exact; salt; stereoisomer or racemate (the listing covers other configurations); "
            "stereo_unspecified (the query may be this listed isomer: its drawing leaves the "
            "configuration open); isotopic_variant (the listed substance with isotope labels); "
            "listed_group (a member of a group entry); ester_or_ether (1961 Schedule I)"
        )
    )
    country: str | None = None
    component: int | None = Field(
        None, description="which entry of `components` matched, when the input has several"
    )


class AnalogueOut(OutSchema):
    substance: str
    similarity: float
    family: str | None


class ComponentOut(OutSchema):
    parent_smiles: str
    inchikey: str
    formula: str
    status: Status = Field(description=STATUS_HELP)
    families: list[str]


class IdentifyOut(OutSchema):
    query: dict
    status: Status = Field(description=STATUS_HELP)
    matches: list[SubstanceMatchOut]
    families: list[str]
    analogues: list[AnalogueOut]
    errors: list[str]
    on: datetime.date = Field(description="the day the status is for")
    national: list[SubstanceMatchOut] | None = None
    components: list[ComponentOut] | None = Field(
        None,
        description=(
            "present when the input has several components (a mixture, or the two "
            "enantiomers of a racemic drawing): each identified on its own"
        ),
    )


@router.get("/substances", response={200: list[SubstanceOut], **ERRORS})
@paginate(PagePagination)
def list_substances(
    request,
    search: QueryText | None = None,
    instrument: QueryText | None = None,
    schedule: QueryText | None = None,
    family: QueryText | None = None,
    kind: QueryText | None = None,
):
    return selectors.substance_list(
        user=request.auth,
        search=search,
        instrument=instrument,
        schedule=schedule,
        family=family,
        kind=kind,
    )


@router.post(
    "/substances/identify",
    response={200: IdentifyOut, **ERRORS},
    summary="International control status of a structure or name",
)
def identify(request, payload: IdentifyIn):
    values = payload.dict()
    given = {key: values[key] for key in STRUCTURE_FIELDS if values[key]}
    if len(given) != 1:
        raise ValidationFailed(
            {"__all__": ["Give exactly one of smiles, inchi, molblock or name."]}
        )
    result = selectors.identify(**given, on=payload.on)
    if result["errors"] and "inchikey" not in result["query"]:
        raise ValidationFailed({next(iter(given)): result["errors"]})
    return result


@router.get("/substances/{substance_id}", response={200: SubstanceDetailOut, **ERRORS})
def get_substance(request, substance_id: RecordId):
    substance = selectors.substance_get(user=request.auth, substance_id=substance_id)
    substance.listing_history = list(substance.listings.all())
    substance.synonym_list = list(substance.synonyms.all())
    return substance
