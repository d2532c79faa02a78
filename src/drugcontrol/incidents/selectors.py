"""Every read of the incidents app, through the incident's distribution rule."""

import itertools
import operator
from collections import Counter
from dataclasses import dataclass
from functools import reduce

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from drugcontrol.core.models import AuditEvent
from drugcontrol.core.permissions import can
from drugcontrol.core.visibility import get_visible_or_404, visibility_rule, visible
from drugcontrol.entities.models import Audience, Correlation, CorrelationStatus, Party, PartyLink
from drugcontrol.incidents.filters import IncidentFilter, RouteMapFilter
from drugcontrol.incidents.models import (
    RECORD_TYPE,
    Incident,
    IncidentAudience,
    IncidentCountry,
    IncidentMessage,
    IncidentParty,
    IncidentSubstance,
)
from drugcontrol.incidents.permissions import READ


@visibility_rule(Incident)
def incidents_visible_to(queryset: QuerySet, user) -> QuerySet:
    """By distribution level: `organisation` - the reporting organisation; `country` - its
    country; `countries_involved` - also every country named in a role or holding a
    correlated party; `all` - every participant. The secretariat sees what is shared
    beyond one country."""
    if not can(user, READ.name):
        # Industry and laboratories: only what their own organisation reported.
        return queryset.filter(reporting_organisation_id=user.organisation_id)
    shared = (Audience.COUNTRIES_INVOLVED, Audience.ALL)
    if user.is_international:
        return queryset.filter(distribution__in=shared)
    involved = IncidentAudience.objects.filter(incident=OuterRef("pk"), country_id=user.country_id)
    return queryset.filter(
        Q(reporting_organisation_id=user.organisation_id)
        | Q(reporting_country_id=user.country_id, distribution__in=(Audience.COUNTRY, *shared))
        | Q(Exists(involved), distribution=Audience.COUNTRIES_INVOLVED)
        | Q(distribution=Audience.ALL)
    )


def incident_list(*, user, filters: IncidentFilter | None = None) -> QuerySet:
    """The incidents the user may see, narrowed by the list's one filter (page and API)."""
    queryset = visible(Incident, user).select_related("reporting_country", "reporting_organisation")
    if filters is not None:
        queryset = filters.filter(queryset)
    return queryset.prefetch_related(
        Prefetch("countries", queryset=IncidentCountry.objects.select_related("country")),
        Prefetch(
            "substances",
            queryset=IncidentSubstance.objects.select_related("substance", "surveillance_chemical"),
        ),
    ).order_by("-occurred_on", "-pk")


def incident_get(*, user, incident_id: int) -> Incident:
    return get_visible_or_404(
        Incident.objects.select_related(
            "reporting_country", "reporting_organisation", "created_by"
        ).prefetch_related(
            Prefetch("countries", queryset=IncidentCountry.objects.select_related("country")),
            Prefetch(
                "substances",
                queryset=IncidentSubstance.objects.select_related(
                    "substance", "surveillance_chemical"
                ),
            ),
            Prefetch(
                "parties",
                queryset=IncidentParty.objects.select_related("party__country", "nationality"),
            ),
            "attachments",
        ),
        user,
        pk=incident_id,
    )


@visibility_rule(IncidentMessage)
def incident_messages_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Exactly the incident's rule: whoever sees the incident reads its whole thread."""
    return queryset.filter(incident__in=visible(Incident, user).values("pk"))


def country_sees_incident(incident: Incident, country_code: str) -> bool:
    """Whether the authorities of a country may see the incident (a request may be
    addressed only to such a country)."""
    if incident.distribution == Audience.ALL:
        return True
    if incident.distribution == Audience.ORGANISATION:
        return False  # the reporting organisation alone
    if country_code == incident.reporting_country_id:
        return True
    return (
        incident.distribution == Audience.COUNTRIES_INVOLVED
        and incident.audience.filter(country_id=country_code).exists()
    )


def addressable_countries(*, user, incident: Incident) -> list[str] | None:
    """The countries the user could address a request on this incident to: the audience
    (but the user's own country) when shared with the countries involved, None (any) when
    shared with all, empty otherwise."""
    if incident.distribution == Audience.ALL:
        return None
    if incident.distribution != Audience.COUNTRIES_INVOLVED:
        return []
    codes = incident.audience.exclude(country_id=user.country_id).values_list(
        "country_id", flat=True
    )
    return sorted(codes)


def incident_messages(*, user, incident: Incident) -> QuerySet:
    """The thread of an incident the user sees (the caller read it through its rule), oldest
    first, so the newest is last."""
    return (
        _thread(visible(IncidentMessage, user).filter(incident=incident))
        .select_related("country", "addressed_country", "decided_by")
        .order_by("created_at", "pk")
    )


def incident_message_get(*, user, incident: Incident, message_id: int) -> IncidentMessage:
    """One message of the thread; another incident's message is a 404, as one not seen."""
    return get_visible_or_404(
        _thread(IncidentMessage.objects.select_related("incident")),
        user,
        pk=message_id,
        incident=incident,
    )


def _thread(queryset: QuerySet) -> QuerySet:
    """What a message shows of its writer (the names the page and the API print)."""
    return queryset.annotate(
        organisation_name=F("organisation__name"), author_name=F("author__username")
    )


def related_records(*, user, incident: Incident) -> list[dict]:
    """For each party of the incident: the correlated parties and the other records they
    appear in, as far as the user may see them (a correlation is visible only with both of
    its parties, so no row tells of a party the user may not see)."""
    rows = []
    parties = {ip.party_id: ip for ip in incident.parties.all()}
    if not parties:
        return rows
    correlations = (
        visible(Correlation, user)
        .filter(Q(party_a_id__in=parties) | Q(party_b_id__in=parties))
        .exclude(status=CorrelationStatus.REJECTED)
        .order_by("-score")
    )
    others = {}
    for correlation in correlations:
        mine = (
            correlation.party_a_id if correlation.party_a_id in parties else correlation.party_b_id
        )
        other = correlation.party_b_id if mine == correlation.party_a_id else correlation.party_a_id
        others.setdefault(other, (parties[mine], correlation))
    shown = {party.pk: party for party in visible(Party, user).filter(pk__in=others)}
    links = (
        visible(PartyLink, user)
        .filter(party_id__in=others)
        .exclude(record_type=RECORD_TYPE, record_id=str(incident.pk))
        .select_related("organisation", "country")
    )
    links_by_party: dict[int, list] = {}
    for link in links:
        links_by_party.setdefault(link.party_id, []).append(link)
    visible_incidents = set(
        visible(Incident, user)
        .filter(pk__in=[int(link.record_id) for link in links if link.record_type == RECORD_TYPE])
        .values_list("pk", "reference")
    )
    references = dict(visible_incidents)
    for other, (incident_party, correlation) in others.items():
        shown_records, hidden = [], []
        for link in links_by_party.get(other, []):
            is_incident = link.record_type == RECORD_TYPE
            reference = references.get(int(link.record_id)) if is_incident else None
            if is_incident and reference is None:
                # Named in a record the party rule lets the reader know of (its link is
                # visible), whose page the incident's own rule does not open: counted, not
                # shown. Records the reader may not know of are not counted at all.
                hidden.append(link)
                continue
            shown_records.append(
                {
                    "link": link,
                    "incident_id": int(link.record_id) if is_incident else None,
                    "reference": reference,
                }
            )
        shown_records.sort(key=lambda r: (str(r["link"].country or ""), r["link"].pk))
        groups = [
            {"country": country, "records": list(records)}
            for country, records in itertools.groupby(
                shown_records, key=lambda r: r["link"].country
            )
        ]
        rows.append(
            {
                "incident_party": incident_party,
                "correlation": correlation,
                "party": shown.get(other),
                "records": shown_records,
                "groups": groups,
                "hidden_records": len(hidden),
                "hidden_countries": len({link.country_id for link in hidden}),
            }
        )
    # Grouped by the incident's party, the closest correlation first within each.
    rows.sort(key=lambda row: (row["incident_party"].pk, -row["correlation"].score))
    return rows


ROUTE_ORDER = {"origin": 0, "departure": 1, "transit": 2, "destination": 3, "seizure": 4}


def _route(stops) -> list[str]:
    """(role, sequence, country) stops as the path of countries, in travel order."""
    path: list[str] = []
    for _role, _sequence, country in sorted(stops, key=lambda s: (ROUTE_ORDER.get(s[0], 9), s[1])):
        if not path or path[-1] != country:
            path.append(country)
    return path


def incident_route(*, incident: Incident) -> list[str]:
    return _route((c.role, c.sequence, c.country_id) for c in incident.countries.all())


def route_points(*, user, since=None, limit: int = 2000) -> list[dict]:
    """Routes (origin -> departure -> transit -> destination) of the incidents a user may
    see, for the map: each a list of country codes in order."""
    incidents = visible(Incident, user)
    if since:
        incidents = incidents.filter(occurred_on__gte=since)
    ids = list(incidents.order_by("-occurred_on").values_list("pk", flat=True)[:limit])
    stops: dict[int, list] = {}
    for incident_id, role, sequence, country in IncidentCountry.objects.filter(
        incident_id__in=ids
    ).values_list("incident_id", "role", "sequence", "country_id"):
        stops.setdefault(incident_id, []).append((role, sequence, country))
    routes = [{"incident": key, "path": _route(value)} for key, value in stops.items()]
    return [route for route in routes if len(route["path"]) >= 2]


@dataclass
class RouteLegs:
    """The route map's data: the busiest legs (origin, destination, incidents), the number
    of legs left out, and the incidents with a route that were counted."""

    legs: list[tuple[str, str, int]]
    more: int
    incidents: int


def route_legs(*, user, filters: RouteMapFilter | None = None, top: int = 40) -> RouteLegs:
    """The legs (consecutive countries of a route) of the incidents the user may see that
    the filter selects, each with the number of incidents travelling it, busiest first and
    cut to `top`. Only the incidents' stops are read (one query, streamed), and only those
    of incidents the visibility rule lets the user see."""
    incidents = visible(Incident, user)
    if filters is not None:
        incidents = filters.filter(incidents)
    rows = (
        IncidentCountry.objects.filter(incident__in=incidents.order_by().values("pk"))
        .order_by("incident_id")
        .values_list("incident_id", "role", "sequence", "country_id")
    )
    counts: Counter = Counter()
    routed = 0
    for _incident, stops in itertools.groupby(rows.iterator(chunk_size=5000), key=lambda r: r[0]):
        path = _route((role, sequence, country) for _i, role, sequence, country in stops)
        if len(path) < 2:
            continue
        routed += 1
        counts.update(set(itertools.pairwise(path)))  # an incident counts once per leg
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    legs = [(start, end, count) for (start, end), count in ranked[:top]]
    return RouteLegs(legs=legs, more=max(len(ranked) - top, 0), incidents=routed)


def incident_timeline(*, user, incident: Incident, limit: int = 50) -> list[AuditEvent]:
    """What happened to an incident the user may see: everything for the reporting
    organisation and the secretariat; for other readers their own organisation's actions
    and the report itself."""
    events = AuditEvent.objects.filter(object_type=RECORD_TYPE, object_id=str(incident.pk))
    if not user.is_international and user.organisation_id != incident.reporting_organisation_id:
        events = events.filter(
            Q(organisation_id=user.organisation_id) | Q(action="incidents.incident_created")
        )
    return list(events.order_by("sequence")[:limit])


def shared_incident_counts(*, country_codes, substance_ids, since) -> dict[str, int]:
    """For other modules' risk rules: how many incidents shared beyond their own country
    (so seen by every participant involved and by the secretariat) since a date involve
    each of these countries and any of these substances. Counts only, no records."""
    rows = (
        IncidentCountry.objects.filter(
            country_id__in=list(country_codes),
            incident__occurred_on__gte=since,
            incident__distribution__in=(Audience.COUNTRIES_INVOLVED, Audience.ALL),
            incident__substances__substance_id__in=list(substance_ids),
        )
        .values_list("country_id", "incident_id")
        .distinct()
    )
    counts: dict[str, int] = {}
    for country, _incident in rows:
        counts[country] = counts.get(country, 0) + 1
    return counts


def visible_incidents_naming(*, user, party_ids) -> list[tuple[int, int, str]]:
    """For other modules' derived data: (party, incident, reference) for the incidents the
    user may see that name any of these parties."""
    return list(
        IncidentParty.objects.filter(
            party_id__in=list(party_ids), incident__in=visible(Incident, user)
        ).values_list("party_id", "incident_id", "incident__reference")
    )


def visible_incident_count(*, user, country: str, substance_ids, since) -> int:
    """For other modules' derived data: incidents the user may see since a date that
    involve the country and any of the substances."""
    return visible_incident_counts(user=user, wanted=[(country, substance_ids, since)])[0]


def visible_incident_counts(*, user, wanted) -> list[int]:
    """`visible_incident_count` for each (country, substance ids, since) of `wanted`, in one
    query (a page of notifications asks it for each of its transit findings)."""
    wanted = [(country, sorted(set(substances)), since) for country, substances, since in wanted]
    keys = [
        Q(countries__country_id=country, substances__substance_id__in=ids, occurred_on__gte=since)
        for country, ids, since in wanted
        if ids
    ]
    if not keys:
        return [0] * len(wanted)
    counts = (
        visible(Incident, user)
        .filter(reduce(operator.or_, keys))
        .aggregate(
            **{
                f"n{index}": Count(
                    "pk",
                    distinct=True,
                    filter=Q(
                        countries__country_id=country,
                        substances__substance_id__in=ids,
                        occurred_on__gte=since,
                    ),
                )
                for index, (country, ids, since) in enumerate(wanted)
                if ids
            }
        )
    )
    return [counts.get(f"n{index}") or 0 for index in range(len(wanted))]


def visible_incidents_exist(*, user, wanted) -> list[bool]:
    """For each (country, substance ids, since) of `wanted`: whether the user may see any
    incident since that date involving the country and any of the substances. What a list
    needs (whether a finding is shown at all): each answered by the first such incident,
    all in one query."""
    checks = {
        f"k{index}": Exists(
            visible(Incident, user).filter(
                occurred_on__gte=since,
                countries__country_id=country,
                substances__substance_id__in=sorted(set(substances)),
            )
        )
        for index, (country, substances, since) in enumerate(wanted)
        if substances
    }
    if not checks:
        return [False] * len(wanted)
    # The answers, on one row of the incidents table (when it is empty, none exists).
    found = Incident.objects.order_by().annotate(**checks).values(*checks).first() or {}
    return [bool(found.get(f"k{index}")) for index in range(len(wanted))]


def incidents_naming_parties(*, party_ids) -> list[tuple[int, int]]:
    """For other modules' risk rules: (party, incident) pairs for incidents that name any of
    these parties. Identifiers only; showing an incident still goes through its rule."""
    return list(
        IncidentParty.objects.filter(party_id__in=list(party_ids)).values_list(
            "party_id", "incident_id"
        )
    )


def _visible_incidents_naming(user, substance_ids, kind: str | None) -> QuerySet:
    queryset = visible(Incident, user).filter(
        Exists(
            IncidentSubstance.objects.filter(
                incident=OuterRef("pk"), substance_id__in=list(substance_ids)
            )
        )
    )
    return queryset.filter(kind=kind) if kind else queryset


def visible_incidents_per_country(*, user, substance_ids, kind: str | None = "seizure") -> dict:
    """For other modules' maps: {reporting country: incidents} of the incidents the user may
    see that name any of these substances (seizures by default)."""
    rows = (
        _visible_incidents_naming(user, substance_ids, kind)
        .order_by()
        .values("reporting_country_id")
        .annotate(count=Count("pk"))
    )
    return {row["reporting_country_id"]: row["count"] for row in rows}


def visible_incidents_per_year(*, user, substance_ids, kind: str | None = "seizure") -> dict:
    """For other modules' charts: {year: incidents} of the incidents the user may see that
    name any of these substances (seizures by default)."""
    from django.db.models.functions import ExtractYear

    rows = (
        _visible_incidents_naming(user, substance_ids, kind)
        .order_by()
        .annotate(year=ExtractYear("occurred_on"))
        .values("year")
        .annotate(count=Count("pk"))
    )
    return {row["year"]: row["count"] for row in rows}
