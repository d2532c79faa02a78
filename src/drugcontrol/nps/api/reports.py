"""The API of identification reports, the NPS register, toxicology cases and the watch list
(`/api/v1/nps/...`): parse, call one service or selector, shape the answer."""

import datetime
import decimal

from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate
from pydantic import AliasPath

from drugcontrol.core.api_common import ERRORS, OutSchema, PagePagination, ShapedPage
from drugcontrol.core.bounds import Day, RecordId, Version, choice
from drugcontrol.nps import selectors, services
from drugcontrol.nps.api.base import router
from drugcontrol.nps.report_choices import (
    CaseKind,
    Classification,
    ConcentrationUnit,
    EffectGroup,
    Matrix,
    Outcome,
    SampleForm,
    SampleKind,
    Technique,
)
from drugcontrol.nps.report_filters import CaseFilter, RegisterFilter, ReportFilter

# --- identification reports ---------------------------------------------------------------


class NpsMatchOut(OutSchema):
    substance: str
    instrument: str
    schedules: list[str]
    basis: str


class NpsNeighbourOut(OutSchema):
    substance: str
    similarity: float
    family: str | None = None


class NpsReportOut(OutSchema):
    id: RecordId
    reference: str
    country: str = Field(validation_alias="country_id")
    reporting_country: str | None = Field(validation_alias="reporting_country_id")
    reporting_organisation: str = Field(
        validation_alias=AliasPath("reporting_organisation", "name")
    )
    sampled_on: datetime.date
    place: str
    sample_kind: choice(SampleKind)
    form: choice(SampleForm)
    reported_name: str
    purity: decimal.Decimal | None
    techniques: list[choice(Technique)]
    incident_id: RecordId | None = Field(
        None,
        validation_alias="incident_shown",
        description="The linked incident, for readers who may see it (null for the others).",
    )
    substance_id: RecordId | None
    substance: str | None = Field(None, validation_alias=AliasPath("substance", "name_en"))
    classification: choice(Classification) = Field(
        description="controlled / possibly_controlled (the engine's status under the 1961, "
        "1971 and 1988 Conventions); known_nps: already in the NPS register; new_substance: "
        "first reported here, now in the register."
    )
    family: str
    families: list[str]
    matches: list[NpsMatchOut] = Field(description="The listings that control it.")
    analogues: list[NpsNeighbourOut] = Field(description="The nearest controlled neighbours.")
    formula: str
    inchikey: str
    parent_smiles: str
    created_at: datetime.datetime
    version: int


class NpsReportIn(Schema):
    sample_kind: choice(SampleKind)
    form: choice(SampleForm)
    sampled_on: Day
    place: str = ""
    country: str | None = Field(
        None, description="ISO alpha-3 of the country of the sample (default: the reporter's)."
    )
    structure: str = Field(description="SMILES, InChI, a MOL block, or a registry name.")
    reported_name: str = ""
    purity: decimal.Decimal | None = Field(None, description="Percent, above 0 and at most 100.")
    techniques: list[choice(Technique)] = []
    incident_id: RecordId | None = None
    notes: str = ""


class NpsReportDetailOut(NpsReportOut):
    structure_given: str
    notes: str


@router.get("/nps/reports", response={200: list[NpsReportOut], **ERRORS})
@paginate(PagePagination)
def list_reports(request, filters: Query[ReportFilter]):
    queryset = selectors.report_list(user=request.auth, filters=filters)
    return _ReportPage(queryset, request.auth)


class _ReportPage(ShapedPage):
    """A page of reports, each with the incident link its reader may see (one query)."""

    def __init__(self, queryset, user):
        super().__init__(queryset, shape=None)
        self.user = user

    def __getitem__(self, item):
        return selectors.with_shown_incidents(user=self.user, reports=self.queryset[item])


def _report(user, report_id: int):
    report = selectors.report_get(user=user, report_id=report_id)
    return selectors.with_shown_incidents(user=user, reports=[report])[0]


@router.post("/nps/reports", response={201: NpsReportDetailOut, **ERRORS})
def create_report(request, payload: NpsReportIn):
    report = services.report_submit(actor=request.auth, raw=payload.dict())
    return Status(201, _report(request.auth, report.pk))


@router.get("/nps/reports/{report_id}", response={200: NpsReportDetailOut, **ERRORS})
def get_report(request, report_id: RecordId):
    return _report(request.auth, report_id)


# --- the NPS register ---------------------------------------------------------------------


class NpsCountryFirstOut(OutSchema):
    country: str
    first_reported: str = Field(description="YYYY-MM of the country's first report.")


class NpsSubstanceOut(OutSchema):
    id: RecordId = Field(validation_alias="substance_id", description="The registry substance")
    name: str = Field(validation_alias=AliasPath("substance", "name_en"))
    name_zh: str = Field(validation_alias=AliasPath("substance", "name_zh"))
    smiles: str = Field(validation_alias=AliasPath("substance", "smiles"))
    inchikey: str = Field(validation_alias=AliasPath("substance", "inchikey"))
    formula: str = Field(validation_alias=AliasPath("substance", "formula"))
    families: list[str] = Field(validation_alias=AliasPath("substance", "families"))
    family: str
    effect_group: choice(EffectGroup, blank=True)
    first_reported: str | None = Field(
        None,
        description="YYYY-MM of the first report world-wide: shared early-warning data, "
        "counted over every report (docs/nps.md).",
    )
    reporting_countries: list[NpsCountryFirstOut]
    version: int


class NpsToxicologyCountsOut(OutSchema):
    cases: int = Field(description="Cases naming the substance that the reader may see")
    fatal: int
    family: str
    family_cases: int | None = Field(
        None, description="Cases naming any substance of its family that the reader may see"
    )


class NpsSubstanceDetailOut(NpsSubstanceOut):
    controlled_now: bool = Field(
        description="Under international control since it was entered (it then leaves the list)."
    )
    toxicology: NpsToxicologyCountsOut


class NpsEffectGroupIn(Schema):
    effect_group: choice(EffectGroup, blank=True)
    version: Version | None = None


def _shaped_entry(entry):
    entry.reporting_countries = [
        {"country": code, "first_reported": month}
        for code, month in entry.reporting_countries.items()
    ]
    return entry


class _RegisterPage(ShapedPage):
    """A page of the register with its shared aggregates (one query a page)."""

    def __init__(self, queryset):
        super().__init__(queryset, shape=None)

    def __getitem__(self, item):
        return [_shaped_entry(e) for e in selectors.with_aggregates(self.queryset[item])]


@router.get("/nps/substances", response={200: list[NpsSubstanceOut], **ERRORS})
@paginate(PagePagination)
def list_register(request, filters: Query[RegisterFilter]):
    return _RegisterPage(selectors.register_list(user=request.auth, filters=filters))


def _register_detail(user, substance_id: int):
    entry = selectors.register_get(user=user, substance_id=substance_id)
    entry = _shaped_entry(selectors.with_aggregates([entry])[0])
    counts = selectors.register_case_counts(user=user, substance=entry.substance)
    entry.toxicology = {
        "cases": counts["substance"],
        "fatal": counts["fatal"],
        "family": counts["family"],
        "family_cases": counts["family_count"],
    }
    return entry


@router.get("/nps/substances/{substance_id}", response={200: NpsSubstanceDetailOut, **ERRORS})
def get_register_substance(request, substance_id: RecordId):
    return _register_detail(request.auth, substance_id)


@router.patch("/nps/substances/{substance_id}", response={200: NpsSubstanceDetailOut, **ERRORS})
def set_effect_group(request, substance_id: RecordId, payload: NpsEffectGroupIn):
    entry = selectors.register_get(user=request.auth, substance_id=substance_id)
    services.register_effect_group_set(
        actor=request.auth,
        entry=entry,
        effect_group=payload.effect_group,
        expected_version=payload.version,
    )
    return _register_detail(request.auth, substance_id)


# --- toxicology cases ---------------------------------------------------------------------


class NpsFindingOut(OutSchema):
    substance_id: RecordId
    substance: str = Field(validation_alias=AliasPath("substance", "name_en"))
    concentration: decimal.Decimal | None
    unit: choice(ConcentrationUnit, blank=True)
    matrix: choice(Matrix)


class NpsCaseOut(OutSchema):
    id: RecordId
    reference: str
    country: str = Field(validation_alias="country_id")
    reporting_country: str | None = Field(validation_alias="reporting_country_id")
    reporting_organisation: str = Field(
        validation_alias=AliasPath("reporting_organisation", "name")
    )
    kind: choice(CaseKind)
    occurred_on: datetime.date
    outcome: choice(Outcome)
    findings: list[NpsFindingOut] = Field(validation_alias="finding_list")
    created_at: datetime.datetime
    version: int


class NpsCaseDetailOut(NpsCaseOut):
    notes: str


class NpsFindingIn(Schema):
    substance_id: RecordId | None = None
    substance: str | None = Field(None, description="A registry name, synonym or CAS number.")
    concentration: decimal.Decimal | None = None
    unit: choice(ConcentrationUnit, blank=True) = ""
    matrix: choice(Matrix)


class NpsCaseIn(Schema):
    kind: choice(CaseKind)
    occurred_on: Day
    outcome: choice(Outcome)
    country: str | None = None
    findings: list[NpsFindingIn]
    notes: str = ""


def _with_findings(case):
    case.finding_list = list(case.findings.all())
    return case


@router.get("/nps/toxicology", response={200: list[NpsCaseOut], **ERRORS})
@paginate(PagePagination)
def list_cases(request, filters: Query[CaseFilter]):
    return ShapedPage(selectors.case_list(user=request.auth, filters=filters), _with_findings)


@router.post("/nps/toxicology", response={201: NpsCaseDetailOut, **ERRORS})
def create_case(request, payload: NpsCaseIn):
    case = services.case_report(actor=request.auth, raw=payload.dict())
    return Status(201, _with_findings(selectors.case_get(user=request.auth, case_id=case.pk)))


@router.get("/nps/toxicology/{case_id}", response={200: NpsCaseDetailOut, **ERRORS})
def get_case(request, case_id: RecordId):
    return _with_findings(selectors.case_get(user=request.auth, case_id=case_id))


# --- the watch list -------------------------------------------------------------------------


class NpsWatchOut(OutSchema):
    id: RecordId = Field(validation_alias="substance_id", description="The registry substance")
    name: str = Field(validation_alias=AliasPath("substance", "name_en"))
    name_zh: str = Field(validation_alias=AliasPath("substance", "name_zh"))
    reason: str
    added_on: datetime.date
    version: int


class NpsYearOut(OutSchema):
    year: int
    seizures: int
    reports: int
    cases: int


class NpsWatchDetailOut(NpsWatchOut):
    years: list[NpsYearOut] = Field(
        description="Per year: seizures (incidents), identification reports and toxicology "
        "cases naming the substance, counting only records the reader may see."
    )


class NpsWatchIn(Schema):
    substance_id: RecordId | None = None
    substance: str | None = Field(
        None, description="A registry name; with `smiles`, the name of a substance it lacks."
    )
    smiles: str | None = None
    reason: str


def _watch_detail(user, substance_id: int):
    entry = selectors.watch_get(user=user, substance_id=substance_id)
    entry.years = selectors.watch_series(user=user, substance_id=substance_id)
    return entry


@router.get("/nps/watch-list", response={200: list[NpsWatchOut], **ERRORS})
@paginate(PagePagination)
def list_watch(request):
    return selectors.watch_list(user=request.auth)


@router.post("/nps/watch-list", response={201: NpsWatchDetailOut, **ERRORS})
def add_watch(request, payload: NpsWatchIn):
    entry = services.watch_add(actor=request.auth, raw=payload.dict())
    return Status(201, _watch_detail(request.auth, entry.substance_id))


@router.get("/nps/watch-list/{substance_id}", response={200: NpsWatchDetailOut, **ERRORS})
def get_watch(request, substance_id: RecordId):
    return _watch_detail(request.auth, substance_id)
