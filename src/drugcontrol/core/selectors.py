"""Every read of the core app, scoped to the acting user through one rule per record kind."""

from django.db.models import CharField, Count, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from drugcontrol.core.models import (
    Alert,
    ApiToken,
    AuditEvent,
    Country,
    ImportJob,
    Organisation,
    SignInLock,
    User,
)
from drugcontrol.core.precompiled import precompile
from drugcontrol.core.visibility import (
    audited_kinds,
    get_visible_or_404,
    visibility_rule,
    visible,
)

# --- visibility rules (the only place these decisions are made) ---------------------------


@visibility_rule(Country)
def countries_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Reference data: every signed-in user sees every country."""
    return queryset


@visibility_rule(Organisation)
def organisations_visible_to(queryset: QuerySet, user) -> QuerySet:
    """National users see their own country's organisations and the international ones;
    the international secretariat sees all."""
    if user.is_international:
        return queryset
    return queryset.filter(Q(country_id=user.country_id) | Q(country__isnull=True))


@visibility_rule(User)
def users_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Colleagues of one's own organisation; international administrators see everyone."""
    if user.is_international and user.is_org_admin:
        return queryset
    return queryset.filter(organisation_id=user.organisation_id)


@visibility_rule(ApiToken)
def api_tokens_visible_to(queryset: QuerySet, user) -> QuerySet:
    """A token is seen by its owner and by administrators of the owner's organisation."""
    if user.is_org_admin:
        return queryset.filter(Q(user_id=user.pk) | Q(user__organisation_id=user.organisation_id))
    return queryset.filter(user_id=user.pk)


@visibility_rule(AuditEvent)
def audit_events_visible_to(queryset: QuerySet, user) -> QuerySet:
    """International users see the whole log; an organisation's administrators see what its
    members did and what was done to its records; everyone sees their own actions. Events
    about a record kind with a restrictive rule (incidents) are shown only to those who may
    see that record."""
    condition = _per_scope("audit_events", queryset.db, user, _audit_events_condition)
    if condition is True:
        return queryset
    if condition is False:
        return queryset.none()
    return queryset.filter(condition)


def _audit_events_condition(alias: str, user):
    condition = Q()
    if not user.is_international:
        if user.is_org_admin:
            condition &= (
                Q(organisation_id=user.organisation_id)
                | Q(owner_organisation_id=user.organisation_id)
                | Q(actor_id=user.pk)
            )
        else:
            condition &= Q(actor_id=user.pk)
    for object_type, model in audited_kinds().items():
        allowed = visible(model, user).annotate(key=Cast("pk", CharField())).values("key")
        condition &= ~(Q(object_type=object_type) & ~Q(object_id__in=allowed))
    return precompile(AuditEvent.objects.using(alias), condition)


# (purpose, database alias, audited kinds, user scope) -> what `make` returned
_scope_cache: dict[tuple, object] = {}
_SCOPE_CACHE_SIZE = 4096


def _per_scope(purpose: str, alias: str, user, make):
    """`make(alias, user)`, made once per process and user scope.

    Building and compiling the audit log's rule, which holds the rules of every record kind
    whose events follow the record, took most of an audit page's time. A rule is a pure
    function of the user's id, role, organisation, organisation kind and country (it builds
    a lazy query and reads nothing else), so those make the key. What is kept is SQL, never
    rows: the database reads the records when the page runs, so the answer is never stale,
    and a user whose role or organisation changes gets a new key."""
    organisation = user.organisation
    key = (
        purpose,
        alias,
        tuple((name, model._meta.label) for name, model in audited_kinds().items()),
        user.pk,
        user.role,
        organisation.pk,
        organisation.kind,
        organisation.country_id,
    )
    made = _scope_cache.get(key)
    if made is None:
        made = make(alias, user)
        if len(_scope_cache) >= _SCOPE_CACHE_SIZE:
            _scope_cache.clear()
        _scope_cache[key] = made
    return made


# --- list and detail selectors --------------------------------------------------------------


def country_list(*, user, region: str | None = None, search: str | None = None) -> QuerySet:
    queryset = visible(Country, user)
    if region:
        queryset = queryset.filter(Q(region_code=region) | Q(subregion_code=region))
    if search:
        queryset = queryset.filter(
            Q(iso3__iexact=search)
            | Q(iso2__iexact=search)
            | Q(name_en__icontains=search)
            | Q(name_zh__icontains=search)
        )
    return queryset.order_by("iso3")


def country_get(*, user, code: str) -> Country:
    return get_visible_or_404(Country, user, iso3=(code or "").upper())


def organisation_list(
    *, user, kind: str | None = None, country: str | None = None, search: str | None = None
) -> QuerySet:
    queryset = visible(Organisation, user).select_related("country")
    if kind:
        queryset = queryset.filter(kind=kind)
    if country:
        queryset = queryset.filter(country_id=country.upper())
    if search:
        queryset = queryset.filter(name__icontains=search)
    return queryset.annotate(member_count=Count("users", filter=Q(users__is_active=True))).order_by(
        "country_id", "name", "pk"
    )


def organisation_get(*, user, organisation_id: int) -> Organisation:
    return get_visible_or_404(
        Organisation.objects.select_related("country"), user, pk=organisation_id
    )


def user_list(
    *, user, organisation_id: int | None = None, search: str | None = None, active=None
) -> QuerySet:
    queryset = visible(User, user).select_related("organisation__country")
    if organisation_id:
        queryset = queryset.filter(organisation_id=organisation_id)
    if search:
        queryset = queryset.filter(
            Q(username__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
        )
    if active is not None:
        queryset = queryset.filter(is_active=active)
    return queryset.order_by("username", "pk")


def user_get(*, user, user_id: int) -> User:
    return get_visible_or_404(
        User.objects.select_related("organisation__country"), user, pk=user_id
    )


def api_token_list(*, user, owner_id: int | None = None, include_revoked=True) -> QuerySet:
    queryset = visible(ApiToken, user).select_related("user")
    queryset = queryset.filter(user_id=owner_id or user.pk)
    if not include_revoked:
        queryset = queryset.filter(revoked_at__isnull=True)
    return queryset.order_by("-created_at", "-pk")


def api_token_get(*, user, token_id: int) -> ApiToken:
    return get_visible_or_404(
        ApiToken.objects.select_related("user__organisation"), user, pk=token_id
    )


def audit_event_list(
    *,
    user,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    actor: str | None = None,
    country: str | None = None,
    since=None,
    until=None,
) -> QuerySet:
    queryset = visible(AuditEvent, user)
    if action:
        queryset = queryset.filter(action__startswith=action)
    if object_type:
        queryset = queryset.filter(object_type=object_type)
    if object_id:
        queryset = queryset.filter(object_id=object_id)
    if actor:
        queryset = queryset.filter(actor_username__iexact=actor)
    if country:
        queryset = queryset.filter(country_id=country.upper())
    if since:
        queryset = queryset.filter(occurred_at__gte=since)
    if until:
        queryset = queryset.filter(occurred_at__lt=until)
    return queryset.order_by("-sequence")


def audit_event_get(*, user, event_id: int) -> AuditEvent:
    return get_visible_or_404(AuditEvent, user, pk=event_id)


def home_summary(*, user) -> dict:
    """What the home page shows about the user's organisation."""
    organisation = user.organisation
    members = visible(User, user).filter(organisation_id=organisation.pk, is_active=True)
    return {
        "organisation": organisation,
        "member_count": members.count(),
        "recent_events": list(audit_event_list(user=user)[:8]),
        "token_count": api_token_list(user=user, include_revoked=False).count(),
    }


@visibility_rule(Alert)
def alerts_visible_to(queryset: QuerySet, user) -> QuerySet:
    """An alert is seen by its recipient only."""
    return queryset.filter(recipient_id=user.pk)


def alert_list(*, user, unread: bool | None = None, filters=None) -> QuerySet:
    """The user's alerts, newest first, narrowed by the list's one filter (`AlertFilter`,
    page and API) or by `unread`."""
    from drugcontrol.core.alert_filters import AlertFilter

    filters = filters or AlertFilter(unread=unread)
    queryset = filters.filter(visible(Alert, user).select_related("sender_organisation"))
    return queryset.order_by("-created_at", "-pk")


def alert_kinds(*, user) -> list[tuple[str, str]]:
    """The kinds of record the user's alerts are about, as filter choices (code, label)."""
    from django.utils.translation import gettext

    from drugcontrol.core.labels import record_type_label

    kinds = visible(Alert, user).order_by().values_list("record_type", flat=True).distinct()
    return sorted(
        (
            (kind, str(record_type_label(kind)) if kind else gettext("Announcements"))
            for kind in kinds
        ),
        key=lambda choice: choice[1],
    )


def alert_get(*, user, alert_id: int) -> Alert:
    return get_visible_or_404(Alert, user, pk=alert_id)


@visibility_rule(ImportJob)
def import_jobs_visible_to(queryset: QuerySet, user) -> QuerySet:
    """An import is followed by whoever uploaded the file."""
    return queryset.filter(actor_id=user.pk)


def import_job_get(*, user, job_id: int, kind: str | None = None) -> ImportJob:
    """One import of the user's (of this kind, when given: a page follows its own kind)."""
    where = {"kind": kind} if kind is not None else {}
    return get_visible_or_404(ImportJob.objects.defer("content"), user, pk=job_id, **where)


def user_signing_in(*, user_id: int) -> User | None:
    """The user between the password and the second-factor step: not signed in yet, so no
    visibility rule applies (the session holds the id the password step stored)."""
    return User.objects.select_related("organisation").filter(pk=user_id).first()


# --- sign-in and the second factor: reads (the services write) -------------------------------


def username_key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def sign_in_lock_active(address: str, username: str, now) -> bool:
    return SignInLock.objects.filter(address=address, username=username, until__gt=now).exists()


def sign_in_address_locked_until(*, address: str, now=None):
    """When the client address's lock for every account ends (None: not locked)."""
    return (
        SignInLock.objects.filter(address=address, username="", until__gt=now or timezone.now())
        .values_list("until", flat=True)
        .first()
    )


def sign_in_blocked(*, user: User, address: str, now=None) -> bool:
    """Whether `user` may not sign in from `address` now: the address, the account from
    that address, or the whole account is locked."""
    now = now or timezone.now()
    return (
        user.is_locked(now)
        or SignInLock.objects.filter(
            address=address, username__in=["", username_key(user.username)], until__gt=now
        ).exists()
    )


def second_factor_missing(user) -> bool:
    """The one rule for a mandatory second factor: the user's organisation requires it and
    the user has not enrolled. Such a user is sent to the set-up page by every page, the API
    refuses their session and their tokens, and no token can be created for them."""
    organisation = getattr(user, "organisation", None)
    return bool(
        organisation is not None
        and organisation.require_second_factor
        and not user.has_second_factor
    )
