"""Every read of the entities app, scoped to the acting user."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from drugcontrol.core.permissions import can
from drugcontrol.core.visibility import get_visible_or_404, visibility_rule, visible
from drugcontrol.entities.candidates import find_candidates
from drugcontrol.entities.matching import DEFAULT_THRESHOLD, SEARCH_FLOOR, Query
from drugcontrol.entities.models import (
    Audience,
    Correlation,
    CorrelationStatus,
    Party,
    PartyKind,
    PartyLink,
    PartyLinkCountry,
    PartyMerge,
    PartyName,
    WarningValue,
)
from drugcontrol.entities.normalize import normalize_name
from drugcontrol.entities.permissions import READ_PARTIES
from drugcontrol.entities.validation import validate_party

# Record kinds that name parties, each with the action that lets a user read such records
# beyond their own organisation and the name of its page (registered by the owning app).
_record_readers: dict[str, str] = {}
_record_pages: dict[str, str] = {}
_record_roles: dict[str, dict] = {}


def register_record_reader(
    record_type: str, read_action: str, page: str = "", roles: dict | None = None
) -> None:
    """Called by an app (in ready()) for each record kind it links parties to; `page` is the
    URL name of the record's page (one argument, the record's id); `roles` labels the role
    codes its links carry (code -> lazy label), so they show in the reader's language."""
    _record_readers[record_type] = read_action
    if page:
        _record_pages[record_type] = page
    if roles:
        _record_roles[record_type] = dict(roles)


def role_label(record_type: str, role: str) -> str:
    return str(_record_roles.get(record_type, {}).get(role, role))


def _readable_record_types(user) -> list[str]:
    """The record kinds the user reads beyond their own organisation's records."""
    return [kind for kind, name in _record_readers.items() if can(user, name)]


@visibility_rule(PartyLink)
def party_links_visible_to(queryset: QuerySet, user) -> QuerySet:
    """A party's appearance in a record is seen by exactly those who see the record: its own
    organisation, and, by the record's distribution, readers whose organisation kind reads
    that record kind at all (industry and laboratories: only their own records)."""
    own = Q(organisation_id=user.organisation_id)
    readable = _readable_record_types(user)
    if not readable:
        return queryset.filter(own)
    if user.is_international:
        shared = Q(audience__in=(Audience.COUNTRIES_INVOLVED, Audience.ALL))
    else:
        involved = PartyLinkCountry.objects.filter(link=OuterRef("pk"), country_id=user.country_id)
        shared = (
            Q(audience=Audience.ALL)
            | Q(
                audience__in=(Audience.COUNTRY, Audience.COUNTRIES_INVOLVED),
                country_id=user.country_id,
            )
            | Q(Exists(involved), audience=Audience.COUNTRIES_INVOLVED)
        )
    return queryset.filter(own | (Q(record_type__in=readable) & shared))


def _parties_seen(user) -> QuerySet:
    """The party rule itself, as a filter on the party's own row: registered by the user's
    organisation, or named in a record the user may see."""
    links = visible(PartyLink, user)
    return Party.objects.filter(
        Q(owner_organisation_id=user.organisation_id) | Exists(links.filter(party=OuterRef("pk")))
    )


@visibility_rule(Party)
def parties_visible_to(queryset: QuerySet, user) -> QuerySet:
    """A party is seen by the organisation that registered it and by whoever may see a
    record it appears in: never through its country alone, so a party named only in one
    organisation's record stays in that organisation."""
    if not _readable_record_types(user):
        # Industry and laboratories: the parties of their own organisation's file and
        # records, a few, found from the organisation's side (both sets are indexed).
        owned = Party.objects.filter(owner_organisation_id=user.organisation_id)
        links = visible(PartyLink, user)
        mine = owned.order_by().values("pk").union(links.order_by().values("party_id"), all=True)
        return queryset.filter(pk__in=mine)
    # Readers of other organisations' records see a large share of all parties. The rule
    # is applied to each party's own row, joined on its key: PostgreSQL then checks it
    # party by party when only a page is read (a list walked in name order stops once the
    # page is full), and builds the whole visible set once when every party is counted. As
    # a plain filter (an OR with a subquery, estimated to keep half the rows), it built the
    # whole set before returning even the first page.
    return queryset.filter(Exists(_parties_seen(user).filter(pk=OuterRef("pk"))))


@visibility_rule(Correlation)
def correlations_visible_to(queryset: QuerySet, user) -> QuerySet:
    """A correlation is seen by whoever sees both of its parties (and reads parties beyond
    their own records): it never tells anyone of a party they may not see. (Each party is
    checked on its own row already, so the party rule is applied as it is.)"""
    if not can(user, READ_PARTIES.name):
        return queryset.none()
    parties = _parties_seen(user)
    return queryset.filter(
        Exists(parties.filter(pk=OuterRef("party_a_id")))
        & Exists(parties.filter(pk=OuterRef("party_b_id")))
    )


@visibility_rule(PartyMerge)
def merges_visible_to(queryset: QuerySet, user) -> QuerySet:
    """A merge is seen by those who read parties and see the party that was kept."""
    if not can(user, READ_PARTIES.name):
        return queryset.none()
    return queryset.filter(Exists(_parties_seen(user).filter(pk=OuterRef("survivor_id"))))


@visibility_rule(WarningValue)
def warning_values_visible_to(queryset: QuerySet, user) -> QuerySet:
    """The warning list is shared with everyone who reads parties (it only suppresses
    correlations)."""
    return queryset if can(user, READ_PARTIES.name) else queryset.none()


def referable_parties(*, user) -> QuerySet:
    """The parties a record the user writes may name by id: every party the user sees
    (a merged one too: the record then names the party it was merged into)."""
    return visible(Party, user)


def party_list(*, user, kind: str | None = None, search: str | None = None, country=None):
    queryset = visible(Party, user).filter(merged_into__isnull=True).select_related("country")
    if kind:
        queryset = queryset.filter(kind=kind)
    if country:
        queryset = queryset.filter(country_id=country.upper())
    if search:
        queryset = queryset.filter(name_search(search))
    return queryset.order_by("name", "pk")


def name_search(search: str) -> Q:
    """A party any of whose names contains the text as written, or contains it in the
    matching engine's compact form (the same normalisation as matching: 天河 finds Tianhe,
    Müller finds Mueller, whatever the script it was reported in). One EXISTS on the names
    (no join to de-duplicate); the text is bounded by the form (100 characters)."""
    text = search.strip()[:100]
    wanted = Q(name__icontains=text)
    compacts = {normalize_name(text, kind=kind).compact for kind in ("company", "person")}
    for compact in sorted(c for c in compacts if len(c) >= 2):
        wanted |= Q(compact__contains=compact)
    return Q(Exists(PartyName.objects.filter(wanted, party=OuterRef("pk"))))


def duplicate_groups(*, user, parties) -> list[dict]:
    """The parties of a page with their likely duplicates: the parties they are confirmed or
    proposed as correlated with, as far as the reader sees the correlation (so both of its
    parties). A party correlated with one shown before it on the page is moved under that
    one; each row carries the others it is correlated with (shown on the page or not)."""
    parties = list(parties)
    ids = [party.pk for party in parties]
    if not ids or not can(user, READ_PARTIES.name):
        return [{"party": party, "duplicates": [], "under": None} for party in parties]
    correlations = (
        visible(Correlation, user)
        .filter(Q(party_a_id__in=ids) | Q(party_b_id__in=ids))
        .filter(status__in=(CorrelationStatus.PROPOSED, CorrelationStatus.CONFIRMED))
        .select_related("party_a__country", "party_b__country")
        .order_by("-score", "pk")[:500]
    )
    related: dict[int, list] = {}
    for correlation in correlations:
        for mine, other in (
            (correlation.party_a, correlation.party_b),
            (correlation.party_b, correlation.party_a),
        ):
            if mine.pk in ids:
                related.setdefault(mine.pk, []).append(
                    {"party": other, "status": correlation.get_status_display()}
                )
    position = {pk: index for index, pk in enumerate(ids)}
    rows = {
        party.pk: {"party": party, "duplicates": related.get(party.pk, []), "under": None}
        for party in parties
    }
    for party in parties:
        earlier = [
            d["party"].pk
            for d in related.get(party.pk, [])
            if position.get(d["party"].pk, len(ids)) < position[party.pk]
        ]
        if earlier:
            head = min(earlier, key=position.get)
            rows[party.pk]["under"] = rows[head]["under"] or head
    ordered: list[dict] = []
    for party in parties:
        row = rows[party.pk]
        if row["under"] is None:
            ordered.append(row)
            ordered.extend(r for r in rows.values() if r["under"] == party.pk)
    return ordered


def party_get(*, user, party_id: int) -> Party:
    return get_visible_or_404(
        Party.objects.select_related("country", "merged_into").prefetch_related(
            "names", "identifiers"
        ),
        user,
        pk=party_id,
    )


def party_links(*, user, party: Party) -> list[PartyLink]:
    """The records naming the party that the user may see, each with its page's address."""
    links = list(
        visible(PartyLink, user).filter(party=party).select_related("organisation", "country")
    )
    # Grouped by the record's country (the page shows one heading per country).
    links.sort(key=lambda link: (str(link.country) if link.country_id else "", link.pk))
    for link in links:
        page = _record_pages.get(link.record_type)
        link.page_url = reverse(page, args=[link.record_id]) if page else ""
        link.role_label = role_label(link.record_type, link.role) if link.role else ""
    return links


def party_correlations(*, user, party: Party) -> list[dict]:
    """The correlations of a party, each with the other party (the correlation rule shows
    only correlations whose both parties the user may see)."""
    correlations = (
        visible(Correlation, user)
        .filter(Q(party_a=party) | Q(party_b=party))
        .exclude(status=CorrelationStatus.REJECTED)
        .select_related("party_a__country", "party_b__country")
    )
    rows = []
    for correlation in correlations:
        other = correlation.party_b if correlation.party_a_id == party.pk else correlation.party_a
        rows.append({"correlation": correlation, "other": other, "other_country": other.country_id})
    return rows


def correlation_list(*, user, status: str | None = None) -> QuerySet:
    queryset = visible(Correlation, user).select_related("party_a", "party_b")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-pk")


def correlation_get(*, user, correlation_id: int) -> Correlation:
    return get_visible_or_404(
        Correlation.objects.select_related("party_a", "party_b"), user, pk=correlation_id
    )


def party_merges(*, user, party: Party) -> QuerySet:
    """The merges into this party that still stand (so that they can be undone)."""
    return (
        visible(PartyMerge, user)
        .filter(survivor=party, undone_at__isnull=True)
        .select_related("merged")
    )


def merge_get(*, user, merge_id: int) -> PartyMerge:
    return get_visible_or_404(PartyMerge, user, pk=merge_id)


def warning_value_list(*, user) -> QuerySet:
    return visible(WarningValue, user).select_related("created_by")


def warning_value_get(*, user, warning_id: int) -> WarningValue:
    return get_visible_or_404(WarningValue, user, pk=warning_id)


def match(
    *,
    user,
    kind: str,
    name: str,
    country: str | None = None,
    identifiers=(),
    threshold: int = DEFAULT_THRESHOLD,
    limit: int = 10,
    below: bool = False,
) -> list[dict]:
    """Parties like the one described, best first, among those the user may see
    (`user=None`: the command line, which sees every party). With `below`, a search: the
    best candidates under the threshold too (down to SEARCH_FLOOR), each marked
    `below_threshold`; correlation proposals keep the threshold."""
    data = validate_party(kind=kind, name=name, country_code=country, identifiers=identifiers)
    query = Query.build(
        kind=data.kind,
        names=[data.name],
        identifiers=[(k, n) for k, _v, n in data.identifiers],
        country=data.country.iso3 if data.country else None,
    )
    floor = min(threshold, SEARCH_FLOOR) if below else threshold
    candidates = find_candidates(query, threshold=floor, limit=limit * 5)
    if user is not None:
        allowed = set(
            visible(Party, user)
            .filter(pk__in=[c.party_id for c in candidates])
            .values_list("pk", flat=True)
        )
        candidates = [c for c in candidates if c.party_id in allowed]
    return [
        {
            "id": c.party_id,
            "name": c.name,
            "score": c.score,
            "reasons": c.reasons,
            "below_threshold": c.score < threshold,
        }
        for c in candidates[:limit]
    ]


def party_suggestions(*, user, text: str, kind: str | None = None, limit: int = 10) -> list[dict]:
    """Parties the user may see whose name starts with what was typed, or a word of it
    does, in any script (天河 finds "Guangzhou Tianhe Chemical": both read `tian he`), then
    the matching engine's candidates for the whole text (a name reported in another script
    or spelling), best first, at most `limit`. Each: id, name, country (ISO3 or None)."""
    typed = normalize_name(text, kind=kind or PartyKind.COMPANY)
    words = " ".join(typed.plain) if typed.plain else typed.text
    keys = [key for key in (typed.syllable_text, words) if key]
    compact = "".join(words.split()) or typed.compact
    if not keys or len(compact) < 2:
        return []
    starts = Q(compact__startswith=compact)  # the name's start, in any script
    for key in keys:  # a later word's start
        starts |= Q(syllables__contains=f" {key}") if key == typed.syllable_text else Q()
        starts |= Q(words__contains=f" {key}") if key != typed.syllable_text else Q()
    parties = visible(Party, user).filter(merged_into__isnull=True)
    if kind:
        parties = parties.filter(kind=kind)
    names = PartyName.objects.filter(party__in=parties)
    ids = list(  # the name itself first, then names that start with it
        names.filter(compact=compact).values_list("party_id", flat=True).distinct()[:limit]
    )
    ids += [
        pk
        for pk in names.filter(starts)
        .order_by("party_id")
        .values_list("party_id", flat=True)
        .distinct()[:limit]
        if pk not in ids
    ]
    if len(ids) < limit and len(compact) >= 4:  # the engine, for a name more than begun
        query = Query.build(kind=kind or PartyKind.COMPANY, names=[text])
        found = find_candidates(query, threshold=SEARCH_FLOOR, limit=limit * 3)
        allowed = set(
            parties.filter(pk__in=[c.party_id for c in found]).values_list("pk", flat=True)
        )
        ids += [c.party_id for c in found if c.party_id in allowed and c.party_id not in ids]
    rows = {
        party.pk: party
        for party in Party.objects.filter(pk__in=ids[:limit]).only("name", "country")
    }
    return [
        {"id": pk, "name": rows[pk].name, "country": rows[pk].country_id}
        for pk in ids[:limit]
        if pk in rows
    ]
