"""The controlled medicines API: estimates and assessments with their supplements, import
and export authorizations with the balance check, endorsement, and the balances. Parse,
call one service or selector, shape the answer."""

import datetime
import decimal

from ninja import Field, Query, Router, Schema
from ninja import Status as Answer
from ninja.pagination import paginate

from drugcontrol.core.api_common import ERRORS, OutSchema, PagePagination
from drugcontrol.core.bounds import QueryText, RecordId, Version, choice
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.medicines import selectors, services
from drugcontrol.medicines.models import (
    AuthorizationStatus,
    EstimateStatus,
    PharmaceuticalForm,
    System,
    Unit,
)

router = Router(tags=["medicines"])
Kilograms = decimal.Decimal


class SupplementOut(OutSchema):
    id: RecordId
    added_kg: Kilograms
    reason: str
    status: choice(EstimateStatus)
    version: int
    submitted_at: datetime.datetime


class EstimateOut(OutSchema):
    id: RecordId
    country: str
    year: int
    substance: str
    system: choice(System)
    consumption_kg: Kilograms
    manufacture_kg: Kilograms
    stock_kg: Kilograms
    status: choice(EstimateStatus)
    version: int
    supplements: list[SupplementOut] = Field(description="Those the caller may read.")


class EstimateIn(Schema):
    country: str = Field(max_length=3)
    year: int = Field(ge=1990, le=2100)
    substance: str = Field(max_length=300, description="The substance's English name.")
    consumption_kg: decimal.Decimal | str
    manufacture_kg: decimal.Decimal | str = "0"
    stock_kg: decimal.Decimal | str = "0"
    version: Version | None = None


class VersionIn(Schema):
    version: Version | None = None


class SupplementIn(Schema):
    added_kg: decimal.Decimal | str
    reason: str = Field(max_length=2000)


def _estimate_out(user, estimate) -> dict:
    return {
        **{
            name: getattr(estimate, name)
            for name in ("year", "system", "consumption_kg", "manufacture_kg", "stock_kg")
        },
        **{name: getattr(estimate, name) for name in ("status", "version")},
        "id": estimate.pk,
        "country": estimate.country_id,
        "substance": estimate.substance.name_en,
        "supplements": list(selectors.supplements_of(user, estimate)),
    }


@router.get("/medicines/estimates", response={200: list[EstimateOut], **ERRORS})
@paginate(PagePagination)
def list_estimates(
    request,
    country: QueryText | None = None,
    year: int | None = Query(None, ge=1990, le=2100),
    substance: QueryText | None = None,
    system: choice(System) | None = None,
):
    """Estimates (1961) and assessments (1971): confirmed ones for every reader, submitted
    ones for their country and the secretariat."""
    rows = selectors.estimate_list(
        request.auth, country=country, year=year, substance=substance, system=system
    )
    return [_estimate_out(request.auth, estimate) for estimate in rows]


@router.get("/medicines/estimates/{estimate_id}", response={200: EstimateOut, **ERRORS})
def get_estimate(request, estimate_id: RecordId):
    return _estimate_out(request.auth, selectors.estimate_get(request.auth, estimate_id))


@router.post("/medicines/estimates", response={200: EstimateOut, **ERRORS})
def submit_estimate(request, payload: EstimateIn):
    """Submit an estimate, or change one not yet confirmed (with its `version`)."""
    estimate = services.estimate_submit(
        actor=request.auth,
        country=payload.country.upper(),
        year=payload.year,
        substance=payload.substance,
        consumption_kg=payload.consumption_kg,
        manufacture_kg=payload.manufacture_kg,
        stock_kg=payload.stock_kg,
        expected_version=payload.version,
    )
    return _estimate_out(request.auth, estimate)


@router.post("/medicines/estimates/{estimate_id}/confirm", response={200: EstimateOut, **ERRORS})
def confirm_estimate(request, estimate_id: RecordId, payload: VersionIn):
    estimate = selectors.estimate_get(request.auth, estimate_id)
    estimate = services.estimate_confirm(
        actor=request.auth, estimate=estimate, expected_version=payload.version
    )
    return _estimate_out(request.auth, estimate)


@router.post(
    "/medicines/estimates/{estimate_id}/supplements", response={201: SupplementOut, **ERRORS}
)
def submit_supplement(request, estimate_id: RecordId, payload: SupplementIn):
    """A supplementary estimate: more of a confirmed estimate, with its reason."""
    estimate = selectors.estimate_get(request.auth, estimate_id)
    supplement = services.supplement_submit(
        actor=request.auth, estimate=estimate, added_kg=payload.added_kg, reason=payload.reason
    )
    return Answer(201, supplement)


@router.post(
    "/medicines/supplements/{supplement_id}/confirm", response={200: SupplementOut, **ERRORS}
)
def confirm_supplement(request, supplement_id: RecordId, payload: VersionIn):
    supplement = selectors.supplement_get(request.auth, supplement_id)
    return services.supplement_confirm(
        actor=request.auth, supplement=supplement, expected_version=payload.version
    )


class ExportOut(OutSchema):
    id: RecordId
    number: str
    exporting_country: str
    year: int
    base_kg: Kilograms
    valid_until: datetime.date
    emergency: bool
    status: choice(AuthorizationStatus)
    received_kg: Kilograms | None
    endorsed_on: datetime.date | None
    version: int


class AuthorizationOut(OutSchema):
    id: RecordId
    number: str
    importing_country: str
    exporting_country: str
    substance: str
    preparation: str
    pharmaceutical_form: choice(PharmaceuticalForm)
    quantity: Kilograms
    unit: choice(Unit)
    base_kg: Kilograms = Field(description="The quantity as anhydrous base, in kilograms.")
    importer: str
    exporter: str
    issued_on: datetime.date
    valid_until: datetime.date
    emergency: bool
    status: choice(AuthorizationStatus)
    version: int
    export: ExportOut | None = Field(description="The export authorization issued against it.")


class AuthorizationIn(Schema):
    number: str = Field(max_length=40)
    importing_country: str = Field(max_length=3)
    exporting_country: str = Field(max_length=3)
    substance: str = Field(max_length=300)
    quantity: decimal.Decimal | str
    unit: choice(Unit)
    pharmaceutical_form: choice(PharmaceuticalForm) = PharmaceuticalForm.SUBSTANCE
    preparation: str = Field("", max_length=100, description="A salt or preparation on file.")
    importer: str = Field(max_length=300)
    exporter: str = Field(max_length=300)
    valid_until: datetime.date
    emergency: bool = False


class ExportIn(Schema):
    number: str = Field(max_length=40)
    quantity_kg: decimal.Decimal | str | None = Field(
        None, description="Of anhydrous base; the import authorization's quantity if absent."
    )
    valid_until: datetime.date | None = None
    emergency: bool | None = None


class EndorseIn(Schema):
    received_kg: decimal.Decimal | str
    version: Version | None = None


def _authorization_out(authorization) -> dict:
    export = getattr(authorization, "export_authorization", None)
    return {
        **{
            name: getattr(authorization, name)
            for name in (
                "number",
                "preparation",
                "pharmaceutical_form",
                "quantity",
                "unit",
                "base_kg",
                "issued_on",
                "valid_until",
                "emergency",
                "status",
                "version",
            )
        },
        "id": authorization.pk,
        "importing_country": authorization.importing_country_id,
        "exporting_country": authorization.exporting_country_id,
        "substance": authorization.substance.name_en,
        "importer": authorization.importer.name,
        "exporter": authorization.exporter.name,
        "export": None
        if export is None
        else {
            **{
                name: getattr(export, name)
                for name in (
                    "number",
                    "year",
                    "base_kg",
                    "valid_until",
                    "emergency",
                    "status",
                    "received_kg",
                    "endorsed_on",
                    "version",
                )
            },
            "id": export.pk,
            "exporting_country": export.exporting_country_id,
        },
    }


@router.get("/medicines/authorizations", response={200: list[AuthorizationOut], **ERRORS})
@paginate(PagePagination)
def list_authorizations(
    request,
    country: QueryText | None = None,
    status: choice(AuthorizationStatus) | None = None,
):
    """Import authorizations with the export authorization issued against each: read by
    the two countries' authorities and the secretariat."""
    rows = selectors.import_authorization_list(request.auth, country=country, status=status)
    return [_authorization_out(a) for a in rows.select_related("export_authorization")]


@router.get(
    "/medicines/authorizations/{authorization_id}", response={200: AuthorizationOut, **ERRORS}
)
def get_authorization(request, authorization_id: RecordId):
    return _authorization_out(selectors.import_authorization_get(request.auth, authorization_id))


@router.post("/medicines/authorizations", response={201: AuthorizationOut, **ERRORS})
def issue_import_authorization(request, payload: AuthorizationIn):
    """The importing country's competent authority issues an import authorization."""
    authorization = services.import_authorization_issue(actor=request.auth, **payload.dict())
    return Answer(201, _authorization_out(authorization))


@router.post(
    "/medicines/authorizations/{authorization_id}/export",
    response={201: AuthorizationOut, **ERRORS},
)
def issue_export_authorization(request, authorization_id: RecordId, payload: ExportIn):
    """The exporting country's competent authority issues the export authorization: refused,
    naming the rule, beyond the importing country's balance (unless an emergency)."""
    authorization = selectors.import_authorization_get(request.auth, authorization_id)
    services.export_authorization_issue(
        actor=request.auth,
        number=payload.number,
        import_authorization=authorization,
        quantity_kg=payload.quantity_kg,
        valid_until=payload.valid_until,
        emergency=payload.emergency,
    )
    authorization = selectors.import_authorization_get(request.auth, authorization_id)
    return Answer(201, _authorization_out(authorization))


@router.post(
    "/medicines/authorizations/{authorization_id}/endorse",
    response={200: AuthorizationOut, **ERRORS},
)
def endorse_shipment(request, authorization_id: RecordId, payload: EndorseIn):
    """The importing authority records the quantity received."""
    authorization = selectors.import_authorization_get(request.auth, authorization_id)
    export = selectors.export_of(request.auth, authorization)
    if export is None:
        raise ValidationFailed(
            {"authorization": [_("No export authorization was issued against it yet.")]}
        )
    services.shipment_endorse(
        actor=request.auth,
        export_authorization=export,
        received_kg=payload.received_kg,
        expected_version=payload.version,
    )
    return _authorization_out(selectors.import_authorization_get(request.auth, authorization_id))


class BalanceOut(OutSchema):
    country: str
    substance: str
    year: int
    system: choice(System)
    estimate_kg: Kilograms = Field(description="The confirmed estimate with its supplements.")
    authorized_kg: Kilograms = Field(
        description="Exports authorized to the country (the quantity received once endorsed)."
    )
    remaining_kg: Kilograms


@router.get("/medicines/balances", response={200: list[BalanceOut], **ERRORS})
@paginate(PagePagination)
def list_balances(
    request,
    country: QueryText | None = None,
    year: int | None = Query(None, ge=1990, le=2100),
    substance: QueryText | None = None,
):
    """What remains of each confirmed estimate: read by competent authorities (an exporter
    checks it before deciding) and the secretariat."""
    return [
        {
            "country": b.country,
            "substance": b.substance,
            "year": b.year,
            "system": b.system,
            "estimate_kg": b.estimate_kg,
            "authorized_kg": b.authorized_kg,
            "remaining_kg": b.remaining_kg,
        }
        for b in selectors.balance_list(
            request.auth, country=country, year=year, substance=substance
        )
    ]
