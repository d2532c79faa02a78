"""The spectral library: its list, one spectrum, and the search of a spectrum against it."""

from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import paginate

from drugcontrol.core.api_common import ERRORS, OutSchema, PagePagination
from drugcontrol.core.bounds import QueryText, RecordId
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.tabular import MAX_BYTES
from drugcontrol.nps.api.base import router
from drugcontrol.nps.spectra import selectors
from drugcontrol.nps.spectra.msp import MAX_PEAKS, parse_msp, read_peak_list

Status = Literal["controlled", "not_controlled"]
STATUS_HELP = (
    "controlled: the linked substance has an international listing in force today; "
    "not_controlled: it has none; null: the spectrum is linked to no registry substance."
)
MAX_MSP_TEXT = 1_000_000  # characters of MSP text in a search (one spectrum)


class SpectrumOut(OutSchema):
    id: RecordId
    name: str
    cas: str
    formula: str
    molecular_weight: float | None
    synonyms: list[str]
    peak_count: int
    base_peak: float = Field(description="m/z of the most intense peak")
    substance_id: RecordId | None
    substance: str | None = Field(
        None,
        validation_alias="substance_name",
        description="the linked registry substance's name",
    )
    linked_by: Literal["cas", "name", "none"]
    status: Status | None = Field(None, validation_alias="control_status", description=STATUS_HELP)


class SpectrumDetailOut(SpectrumOut):
    comments: str
    fields: dict[str, str] = Field(description="the file's other fields, as it names them")
    peaks: list[tuple[float, float]] = Field(description="(m/z, intensity) pairs")
    source_file: str
    source_line: int


class SpectrumSearchIn(Schema):
    peaks: list[tuple[float, float]] | None = Field(
        None, max_length=MAX_PEAKS, description="(m/z, intensity) pairs; or give `msp`"
    )
    msp: str | None = Field(
        None, max_length=MAX_MSP_TEXT, description="one spectrum as MSP text; or give `peaks`"
    )
    name: str = Field("", max_length=300, description="the query's name, for the answer")
    limit: int = Field(10, ge=1, le=100)
    min_matched_peaks: int = Field(
        0, ge=0, le=MAX_PEAKS, description="hits share at least this many unit-m/z peaks"
    )


class SpectrumHitOut(OutSchema):
    id: RecordId = Field(description="the library spectrum")
    name: str
    substance: str | None
    substance_id: RecordId | None
    score: float = Field(ge=0, le=1, description="weighted cosine (m/z^1 x intensity^0.5)")
    status: Status | None = Field(None, description=STATUS_HELP)
    matched_peaks: int


class SpectrumQueryOut(OutSchema):
    name: str


class SpectrumSearchOut(OutSchema):
    query: SpectrumQueryOut
    hits: list[SpectrumHitOut]


@router.get("/nps/spectra", response={200: list[SpectrumOut], **ERRORS})
@paginate(PagePagination)
def list_spectra(request, search: QueryText | None = None):
    return selectors.spectrum_list(user=request.auth, search=search)


@router.post(
    "/nps/spectra/search",
    response={200: SpectrumSearchOut, **ERRORS},
    summary="The library spectra most like a spectrum, best first, with their control status",
)
def search_spectra(request, payload: SpectrumSearchIn):
    if (payload.peaks is None) == (payload.msp is None):
        raise ValidationFailed({"__all__": [_("Give either peaks or msp.")]})
    name = payload.name
    if payload.msp is not None:
        if len(payload.msp.encode()) > MAX_BYTES:
            raise ValidationFailed({"msp": [_("The text is larger than 10 MB.")]})
        spectra = parse_msp(payload.msp)
        if len(spectra) != 1:
            raise ValidationFailed({"msp": [_("Give one spectrum to search.")]})
        peaks, name = spectra[0].peaks, name or spectra[0].name
    else:
        peaks = read_peak_list(payload.peaks)
    hits = selectors.search_library(
        user=request.auth,
        peaks=peaks,
        limit=payload.limit,
        min_matched_peaks=payload.min_matched_peaks,
    )
    return {"query": {"name": name}, "hits": [hit.public() for hit in hits]}


# After the search: its address would otherwise be read as a spectrum's id.
@router.get("/nps/spectra/{spectrum_id}", response={200: SpectrumDetailOut, **ERRORS})
def get_spectrum(request, spectrum_id: RecordId):
    spectrum = selectors.spectrum_get(user=request.auth, spectrum_id=spectrum_id)
    spectrum.source_file = spectrum.source.file_name
    return spectrum
