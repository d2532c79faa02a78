"""Alerts: written by the module that raises them (inside its transaction), e-mailed after
commit through the background queue, read and acknowledged in the inbox.

Who is told goes by a routing table: each app registers an `AlertRoute` per record kind and
event (in its AppConfig.ready()), so core names no app's records. `recipients_for` reads it
so: in each country concerned, each active organisation of one of the route's kinds tells its
active users whose role the route lists. An organisation with none of them tells its active
administrators instead, and failing those its active officers; viewers are never told, so an
organisation of viewers only hears nothing. Administrators are therefore alerted only where a
route lists their role or as that stand-in, not besides the roles a route names.

Each recipient gets one `Alert` row in the inbox; after commit, one e-mail task per alert
whose recipient has an e-mail address (the others have the inbox only), rendered in the
recipient's preferred language or else the site's. What an alert says is a message key with
raw parameters; each app registers the translatable templates of its keys, and the text is
rendered when read, in the reader's language (see docs/architecture.md, "Alert routing")."""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from drugcontrol.core.audit import record_event
from drugcontrol.core.countries import country_by_code
from drugcontrol.core.errors import PermissionDenied, ValidationFailed
from drugcontrol.core.messages import fill
from drugcontrol.core.models import Alert, Country, OrganisationKind, Role, User
from drugcontrol.core.permissions import require

# --- routing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertRoute:
    """Who hears of an event on a record kind: in each country concerned, every active
    organisation of these kinds, and in each, the active users with these roles."""

    record_kind: str
    event: str
    recipient_kinds: tuple[str, ...]
    recipient_roles: tuple[str, ...]


ROUTES: dict[tuple[str, str], AlertRoute] = {}

# An organisation without anyone active in the route's roles is told by the first of these
# roles it has an active member in (administrators, else officers), and only then.
# Viewers are never written to: they do not act on what an alert asks.
FALLBACK_ROLES = (Role.ADMIN, Role.OFFICER)


def register_routes(*routes: AlertRoute) -> None:
    for route in routes:
        key = (route.record_kind, route.event)
        if ROUTES.get(key, route) != route:
            raise ImproperlyConfigured(f"Two alert routes for {key}.")
        ROUTES[key] = route


def route_for(record_kind: str, event: str) -> AlertRoute:
    try:
        return ROUTES[(record_kind, event)]
    except KeyError:
        raise ImproperlyConfigured(f"No alert route for {record_kind} / {event}.") from None


def recipients_for(
    record_kind: str,
    event: str,
    country_codes: Iterable[str],
    organisation_ids: Iterable[int] | None = None,
) -> list[User]:
    """The users the route names in these countries, one query whatever their number;
    `organisation_ids`, when given, narrows them to those organisations (an answer goes to
    the organisation that asked, not to its whole country)."""
    route = route_for(record_kind, event)
    codes = sorted({code for code in country_codes if code})
    if not codes:
        return []
    wanted = set(route.recipient_roles)
    where = Q(organisation__country_id__in=codes)
    if OrganisationKind.INTERNATIONAL in route.recipient_kinds:
        # The secretariat has no country: it hears of what concerns any of them.
        where |= Q(organisation__kind=OrganisationKind.INTERNATIONAL)
    candidates = User.objects.filter(
        where,
        is_active=True,
        organisation__is_active=True,
        organisation__kind__in=route.recipient_kinds,
        role__in=wanted | set(FALLBACK_ROLES),
    )
    if organisation_ids is not None:
        candidates = candidates.filter(organisation_id__in=list(organisation_ids))
    candidates = candidates.select_related("organisation").order_by("organisation_id", "pk")
    members = defaultdict(list)
    for user in candidates:
        members[user.organisation_id].append(user)
    chosen = []
    for users in members.values():
        for roles in (wanted, *({role} for role in FALLBACK_ROLES)):
            picked = [user for user in users if user.role in roles]
            if picked:
                chosen += picked
                break
    return chosen


# --- messages ------------------------------------------------------------------------------


class _Lookups:
    """Reference rows a batch of alerts needs, read once for the whole batch."""

    def __init__(self, country_codes: Iterable[str] = ()):
        codes = {code for code in country_codes if isinstance(code, str)}
        self.countries = Country.objects.in_bulk(codes) if codes else {}

    def country(self, code: str) -> Country | None:
        if code not in self.countries:
            self.countries[code] = Country.objects.filter(pk=code).first()
        return self.countries[code]


Format = Callable[[object, _Lookups], str]


def as_text(value, lookups: _Lookups) -> str:
    """Shown as stored (a reference, a name, text a person typed)."""
    return "" if value is None else str(value)


def as_country(value, lookups: _Lookups) -> str:
    """An ISO3 code, shown as the country's name in the reader's language."""
    country = lookups.country(value) if isinstance(value, str) else None
    return country.name if country is not None else as_text(value, lookups)


def as_date(value, lookups: _Lookups) -> str:
    """An ISO date, shown in the reader's locale format."""
    try:
        return formats.date_format(datetime.date.fromisoformat(value))
    except (TypeError, ValueError):
        return as_text(value, lookups)


def as_choice(choices) -> Format:
    """A code of these TextChoices, shown as its label."""

    def show(value, lookups: _Lookups) -> str:
        try:
            return str(choices(value).label)
        except ValueError:
            return as_text(value, lookups)

    return show


@dataclass(frozen=True)
class AlertMessage:
    """The templates of one message key: translatable strings with %(name)s placeholders
    (gettext_lazy, so they follow the active language), and how each parameter is shown
    when it is not plain text."""

    title: str
    body: str = ""
    formats: Mapping[str, Format] = field(default_factory=dict)


MESSAGES: dict[str, AlertMessage] = {}
BROADCAST = "core.broadcast"
LEGACY = "core.legacy"


def register_messages(messages: Mapping[str, AlertMessage]) -> None:
    MESSAGES.update(messages)


def _render(alert: Alert, lookups: _Lookups) -> tuple[str, str]:
    params = alert.params or {}
    message = MESSAGES.get(alert.message_key)
    if message is None:  # a key no installed app knows: show what is stored
        return str(params.get("title") or alert.message_key), str(params.get("body") or "")
    values = {
        name: message.formats.get(name, as_text)(value, lookups) for name, value in params.items()
    }
    return fill(message.title, values), fill(message.body, values)


def _cache_key() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def alert_text(alert: Alert) -> tuple[str, str]:
    """The alert's title and body in the active language."""
    cache = alert.__dict__.setdefault("_rendered", {})
    language = _cache_key()
    if language not in cache:
        cache[language] = _render(alert, _Lookups())
    return cache[language]


def alerts_render(alerts: Iterable[Alert]) -> list[Alert]:
    """Render a page of alerts in the active language with one query for their countries."""
    alerts = list(alerts)
    codes = set()
    for alert in alerts:
        message = MESSAGES.get(alert.message_key)
        for name, show in message.formats.items() if message else ():
            if show is as_country:
                codes.add((alert.params or {}).get(name))
    lookups = _Lookups(codes)
    language = _cache_key()
    for alert in alerts:
        alert.__dict__.setdefault("_rendered", {})[language] = _render(alert, lookups)
    return alerts


register_messages(
    {
        # Text a secretariat user typed, shown as typed.
        BROADCAST: AlertMessage(title="%(title)s", body="%(body)s"),
        # An alert written before alerts were stored as messages and not rebuilt from its
        # record: the text it was created with.
        LEGACY: AlertMessage(title="%(title)s", body="%(body)s"),
    }
)
register_routes(
    AlertRoute(
        record_kind=BROADCAST,
        event="broadcast",
        recipient_kinds=(OrganisationKind.COMPETENT_AUTHORITY, OrganisationKind.LAW_ENFORCEMENT),
        recipient_roles=(Role.FOCAL_POINT,),
    )
)


# --- raising and reading -------------------------------------------------------------------


def alerts_raise(
    *,
    record_kind: str,
    event: str,
    country_codes: Iterable[str],
    message_key: str,
    params: dict,
    record_id="",
    url: str = "",
    sender_organisation=None,
    organisation_ids: Iterable[int] | None = None,
) -> list[Alert]:
    """Alert whom the route names in these countries (inside the caller's transaction;
    only in these organisations, when given) and e-mail each of them after commit, in
    their own language."""
    if message_key not in MESSAGES:
        raise ImproperlyConfigured(f"Unknown alert message {message_key}.")
    recipients = recipients_for(record_kind, event, country_codes, organisation_ids)
    alerts = Alert.objects.bulk_create(
        [
            Alert(
                recipient=user,
                kind=event,
                message_key=message_key,
                params=params,
                record_type=record_kind if record_id != "" else "",  # a broadcast has none
                record_id=str(record_id),
                url=url,
                sender_organisation=sender_organisation,
            )
            for user in {user.pk: user for user in recipients}.values()
        ]
    )
    mailed = [alert.pk for alert in alerts if alert.recipient.email]
    if mailed:
        transaction.on_commit(lambda: _email(mailed))
    return alerts


def _email(alert_ids) -> None:
    from drugcontrol.core.tasks import send_alert_email

    for alert_id in alert_ids:
        send_alert_email.enqueue(alert_id=alert_id)


def alert_email(alert: Alert) -> tuple[str, str]:
    """Subject and body of an alert's e-mail, in its recipient's language."""
    recipient = alert.recipient
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        title, body = alert_text(alert)
    subject = " ".join(f"drugcontrol: {title}".split())  # a header holds one line
    return subject, "\n\n".join(part for part in (body, alert.url) if part)


def alert_broadcast(*, actor, title: str, body: str, country_codes=None) -> list[Alert]:
    """The international secretariat's special alert to chosen countries, or, when none is
    chosen, to every country in which some organisation has a user."""
    require(actor, "core.alert_broadcast")
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("A title is required.")]
    for name, text, limit in (("title", title, 300), ("body", body, 10000)):
        if len((text or "").strip()) > limit:
            errors[name] = [_("At most %(limit)s characters.") % {"limit": limit}]
    codes = sorted({c.strip().upper() for c in (country_codes or []) if c.strip()})
    unknown = [c for c in codes if country_by_code(c) is None]
    if unknown:
        errors["countries"] = [
            _("Unknown country codes: %(codes)s") % {"codes": ", ".join(unknown)}
        ]
    if errors:
        raise ValidationFailed(errors)
    if not codes:
        codes = list(
            User.objects.filter(organisation__country__isnull=False)
            .values_list("organisation__country_id", flat=True)
            .distinct()
        )
    with transaction.atomic():
        alerts = alerts_raise(
            record_kind=BROADCAST,
            event="broadcast",
            country_codes=codes,
            message_key=BROADCAST,
            params={"title": title.strip(), "body": (body or "").strip()},
            sender_organisation=actor.organisation,
        )
        record_event(
            actor=actor,
            action="alert.broadcast",
            object_type="core.alert",
            after={"title": title.strip(), "countries": codes, "recipients": len(alerts)},
        )
    return alerts


def alert_mark(*, actor, alert: Alert, acknowledge: bool = False) -> Alert:
    """The recipient reads (and may acknowledge) an alert."""
    if alert.recipient_id != actor.pk:
        raise PermissionDenied(_("This alert is not yours."))
    now = timezone.now()
    changed = []
    if alert.read_at is None:
        alert.read_at = now
        changed.append("read_at")
    if acknowledge and alert.acknowledged_at is None:
        alert.acknowledged_at = now
        changed.append("acknowledged_at")
    if changed:
        with transaction.atomic():
            alert.save(update_fields=changed)
            record_event(
                actor=actor,
                action="alert.acknowledged" if acknowledge else "alert.read",
                obj=alert,
                owner_organisation=actor.organisation,
            )
    return alert


def alerts_mark_all_read(*, actor, queryset) -> int:
    """The recipient reads every unread alert of `queryset` (their own, as listed and
    filtered): one update, one audit event with the count (zero included: the click is
    the user's act either way)."""
    unread = queryset.filter(recipient_id=actor.pk, read_at__isnull=True)
    with transaction.atomic():
        count = Alert.objects.filter(pk__in=list(unread.values_list("pk", flat=True))).update(
            read_at=timezone.now()
        )
        record_event(
            actor=actor,
            action="alert.all_read",
            object_type="core.alert",
            after={"count": count},
            owner_organisation=actor.organisation,
        )
    return count


def unread_count(user) -> int:
    return Alert.objects.filter(Q(recipient=user) & Q(read_at__isnull=True)).count()
