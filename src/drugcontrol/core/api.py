"""Core endpoints: the signed-in user, countries, organisations, users, tokens, audit log,
alerts and import jobs."""

import datetime

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from drugcontrol.core import alerts, imports, permissions, selectors, services
from drugcontrol.core.alert_filters import AlertFilter
from drugcontrol.core.api_common import ERRORS, OutSchema, PagePagination
from drugcontrol.core.bounds import Moment, QueryText, RecordId, Version, choice
from drugcontrol.core.models import ImportState, OrganisationKind, Role

router = Router(tags=["core"])


class CountryOut(OutSchema):
    iso3: str
    iso2: str
    numeric: str
    name: str
    name_en: str
    name_zh: str
    region_code: str
    region_name: str
    subregion_code: str
    subregion_name: str


class OrganisationOut(OutSchema):
    id: RecordId
    name: str
    kind: choice(OrganisationKind)
    country: str | None = Field(None, validation_alias="country_id")
    require_second_factor: bool
    is_active: bool
    version: int


class UserOut(OutSchema):
    id: RecordId
    username: str
    first_name: str
    last_name: str
    email: str
    organisation_id: RecordId | None
    country: str | None = Field(None, validation_alias="country_id")
    role: choice(Role)
    is_active: bool
    second_factor: bool = Field(False, validation_alias="has_second_factor")
    version: int


class TokenOut(OutSchema):
    id: RecordId
    name: str
    prefix: str
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    last_used_at: datetime.datetime | None


class TokenCreated(TokenOut):
    secret: str


class AuditEventOut(OutSchema):
    id: RecordId
    sequence: int
    occurred_at: datetime.datetime
    actor: str = Field("", validation_alias="actor_username")
    organisation_id: RecordId | None
    owner_organisation_id: RecordId | None
    country: str | None = Field(None, validation_alias="country_id")
    action: str
    object_type: str
    object_id: str
    before: dict | None
    after: dict | None
    request_id: str
    hash: str


AUDIT_EVENT_COLUMNS = [
    "id",
    "sequence",
    "occurred_at",
    "actor_username",
    "organisation_id",
    "owner_organisation_id",
    "country_id",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "request_id",
    "hash",
]


class OrganisationIn(Schema):
    name: str
    kind: choice(OrganisationKind)
    country: str | None = None
    require_second_factor: bool = False


class OrganisationPatch(Schema):
    version: Version | None = None
    name: str | None = None
    require_second_factor: bool | None = None
    is_active: bool | None = None


class UserIn(Schema):
    organisation_id: RecordId
    username: str
    role: choice(Role)
    password: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""


class UserPatch(Schema):
    version: Version | None = None
    role: choice(Role) | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_active: bool | None = None


class TokenIn(Schema):
    name: str = ""
    expires_in_days: int | None = None


def _changes(payload: Schema) -> tuple[int | None, dict]:
    data = payload.dict(exclude_unset=True)
    return data.pop("version", None), {
        key: value for key, value in data.items() if value is not None
    }


class MeOut(UserOut):
    organisation_kind: choice(OrganisationKind) = Field(validation_alias="organisation_kind")
    actions: list[str] = Field(
        validation_alias="granted_actions",
        description="The actions the user's organisation kind and role allow (each may still "
        "depend on the record: see the permission matrix in the architecture document).",
    )


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The signed-in user")
def me(request):
    user = request.auth
    user.organisation_kind = user.organisation.kind if user.organisation_id else ""
    user.granted_actions = permissions.granted(user)
    return user


@router.get("/countries", response={200: list[CountryOut], **ERRORS})
@paginate(PagePagination)
def list_countries(request, region: QueryText | None = None, search: QueryText | None = None):
    return selectors.country_list(user=request.auth, region=region, search=search)


@router.get("/countries/{code}", response={200: CountryOut, **ERRORS})
def get_country(request, code: str):
    return selectors.country_get(user=request.auth, code=code)


@router.get("/organisations", response={200: list[OrganisationOut], **ERRORS})
@paginate(PagePagination)
def list_organisations(
    request,
    kind: QueryText | None = None,
    country: QueryText | None = None,
    search: QueryText | None = None,
):
    return selectors.organisation_list(user=request.auth, kind=kind, country=country, search=search)


@router.get("/organisations/{organisation_id}", response={200: OrganisationOut, **ERRORS})
def get_organisation(request, organisation_id: RecordId):
    return selectors.organisation_get(user=request.auth, organisation_id=organisation_id)


@router.post("/organisations", response={201: OrganisationOut, **ERRORS})
def create_organisation(request, payload: OrganisationIn):
    organisation = services.organisation_create(
        actor=request.auth,
        name=payload.name,
        kind=payload.kind,
        country_code=payload.country,
        require_second_factor=payload.require_second_factor,
    )
    return Status(201, organisation)


@router.patch("/organisations/{organisation_id}", response={200: OrganisationOut, **ERRORS})
def update_organisation(request, organisation_id: RecordId, payload: OrganisationPatch):
    organisation = selectors.organisation_get(user=request.auth, organisation_id=organisation_id)
    version, changes = _changes(payload)
    return services.organisation_update(
        actor=request.auth, organisation=organisation, expected_version=version, **changes
    )


@router.get("/users", response={200: list[UserOut], **ERRORS})
@paginate(PagePagination)
def list_users(request, organisation_id: RecordId | None = None, search: QueryText | None = None):
    return selectors.user_list(user=request.auth, organisation_id=organisation_id, search=search)


@router.get("/users/{user_id}", response={200: UserOut, **ERRORS})
def get_user(request, user_id: RecordId):
    return selectors.user_get(user=request.auth, user_id=user_id)


@router.post("/users", response={201: UserOut, **ERRORS})
def create_user(request, payload: UserIn):
    organisation = selectors.organisation_get(
        user=request.auth, organisation_id=payload.organisation_id
    )
    user = services.user_create(
        actor=request.auth,
        organisation=organisation,
        username=payload.username,
        role=payload.role,
        password=payload.password,
        email=payload.email,
        first_name=payload.first_name,
        last_name=payload.last_name,
    )
    return Status(201, user)


@router.patch("/users/{user_id}", response={200: UserOut, **ERRORS})
def update_user(request, user_id: RecordId, payload: UserPatch):
    user = selectors.user_get(user=request.auth, user_id=user_id)
    version, changes = _changes(payload)
    return services.user_update(actor=request.auth, user=user, expected_version=version, **changes)


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, summary="My API tokens")
@paginate(PagePagination)
def list_tokens(request):
    return selectors.api_token_list(user=request.auth)


@router.get("/tokens/{token_id}", response={200: TokenOut, **ERRORS})
def get_token(request, token_id: RecordId):
    return selectors.api_token_get(user=request.auth, token_id=token_id)


@router.post(
    "/tokens",
    response={201: TokenCreated, **ERRORS},
    summary="Create an API token (the secret is shown only in this answer)",
)
def create_token(request, payload: TokenIn):
    token, secret = services.token_create(
        actor=request.auth,
        user=request.auth,
        name=payload.name,
        expires_in_days=payload.expires_in_days,
    )
    token.secret = secret
    return Status(201, token)


@router.post("/tokens/{token_id}/revoke", response={200: TokenOut, **ERRORS})
def revoke_token(request, token_id: RecordId):
    token = selectors.api_token_get(user=request.auth, token_id=token_id)
    return services.token_revoke(actor=request.auth, token=token)


@router.get("/audit-events", response={200: list[AuditEventOut], **ERRORS})
@paginate(PagePagination)
def list_audit_events(
    request,
    action: QueryText | None = None,
    object_type: QueryText | None = None,
    object_id: QueryText | None = None,
    actor: QueryText | None = None,
    country: QueryText | None = None,
    since: Moment | None = None,
    until: Moment | None = None,
):
    events = selectors.audit_event_list(
        user=request.auth,
        action=action,
        object_type=object_type,
        object_id=object_id,
        actor=actor,
        country=country,
        since=since,
        until=until,
    )
    # Rows as dicts: the log is the longest list in the system, and skipping model
    # instances halves the cost of a page.
    return events.values(*AUDIT_EVENT_COLUMNS)


@router.get("/audit-events/{event_id}", response={200: AuditEventOut, **ERRORS})
def get_audit_event(request, event_id: RecordId):
    return selectors.audit_event_get(user=request.auth, event_id=event_id)


class AlertOut(OutSchema):
    id: RecordId
    kind: str
    title: str  # rendered in the request's language
    body: str
    message_key: str
    params: dict
    record_type: str
    record_id: str
    url: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None
    acknowledged_at: datetime.datetime | None


class RenderedAlerts:
    """The alert list, rendered a page at a time with one query for the countries named."""

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self):
        return self.queryset.count()

    def __getitem__(self, item):
        return alerts.alerts_render(self.queryset[item])


class BroadcastIn(Schema):
    title: str
    body: str = ""
    countries: list[str] = []


class MarkIn(Schema):
    acknowledge: bool = False


@router.post("/alerts/broadcast", response={201: dict, **ERRORS})
def broadcast_alert(request, payload: BroadcastIn):
    sent = alerts.alert_broadcast(
        actor=request.auth, title=payload.title, body=payload.body, country_codes=payload.countries
    )
    return Status(201, {"recipients": len(sent)})


@router.get("/alerts", response={200: list[AlertOut], **ERRORS}, summary="My alerts")
@paginate(PagePagination)
def list_alerts(request, filters: Query[AlertFilter]):
    return RenderedAlerts(selectors.alert_list(user=request.auth, filters=filters))


@router.post(
    "/alerts/read-all",
    response={200: dict, **ERRORS},
    summary="Mark every alert of the filter as read",
)
def mark_all_alerts(request, filters: Query[AlertFilter]):
    queryset = selectors.alert_list(user=request.auth, filters=filters)
    return {"marked": alerts.alerts_mark_all_read(actor=request.auth, queryset=queryset)}


@router.get("/alerts/{alert_id}", response={200: AlertOut, **ERRORS})
def get_alert(request, alert_id: RecordId):
    return selectors.alert_get(user=request.auth, alert_id=alert_id)


@router.post("/alerts/{alert_id}/read", response={200: AlertOut, **ERRORS})
def mark_alert(request, alert_id: RecordId, payload: MarkIn):
    alert = selectors.alert_get(user=request.auth, alert_id=alert_id)
    return alerts.alert_mark(actor=request.auth, alert=alert, acknowledge=payload.acknowledge)


class ImportProblemOut(Schema):
    where: str  # rendered in the request's language: "row 4", "第4行", "file"
    column: str  # as the file names it
    message: str  # rendered in the request's language
    where_key: str | None  # the catalogue entry and its parameters, as stored
    where_params: dict
    message_key: str | None  # null: text kept as it was written
    params: dict


class ImportJobOut(Schema):
    id: RecordId
    kind: str
    file_name: str
    state: choice(ImportState)
    checked: int
    total: int
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    summary: str  # a finished import's result in one sentence of the request's language
    result: dict
    problems: list[ImportProblemOut]


def _problem_out(problem: imports.ImportProblem) -> dict:
    return {
        "where": problem.where,
        "column": problem.column,
        "message": problem.message,
        "where_key": problem.stored_where.get("key"),
        "where_params": problem.stored_where.get("params") or {},
        "message_key": problem.stored_message.get("key"),
        "params": problem.stored_message.get("params") or {},
    }


@router.get(
    "/imports/{job_id}", response={200: ImportJobOut, **ERRORS}, summary="An import of mine"
)
def get_import(request, job_id: RecordId):
    """A file import the caller uploaded: its progress, then its result or its report by
    row and column, in the request's language (another user's import is a 404)."""
    job = selectors.import_job_get(user=request.auth, job_id=job_id)
    return {
        "id": job.pk,
        "kind": job.kind,
        "file_name": job.file_name,
        "state": job.state,
        "checked": job.checked,
        "total": job.total,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "summary": imports.import_summary(job),
        "result": job.result or {},
        "problems": [_problem_out(problem) for problem in imports.import_problems(job)],
    }
