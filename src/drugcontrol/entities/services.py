"""Every write of the entities app: parties, the matching index, correlations, merges and
the warning list. One transaction and one audit event each."""

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from drugcontrol.core.alerts import alerts_raise
from drugcontrol.core.audit import record_event, snapshot
from drugcontrol.core.errors import ValidationFailed, check_version
from drugcontrol.core.models import Country
from drugcontrol.core.permissions import require
from drugcontrol.entities import alerts, matching
from drugcontrol.entities.matching import DEFAULT_THRESHOLD, Query, key_hash
from drugcontrol.entities.models import (
    Audience,
    BlockingKey,
    Correlation,
    CorrelationStatus,
    IdentifierKind,
    KeyCount,
    Party,
    PartyIdentifier,
    PartyKind,
    PartyLink,
    PartyLinkCountry,
    PartyMerge,
    PartyName,
    WarningValue,
)
from drugcontrol.entities.normalize import (
    IdentifierError,
    NormalizedName,
    normalize_identifier,
    normalize_name,
)

PARTY_FIELDS = ["kind", "name", "country", "address", "owner_organisation", "external_id"]
IMPORT_COLUMNS = {"id", "kind", "name", "country"}
IMPORT_OPTIONAL = {"address", "phone", "email", "identifier"}


@dataclass
class PartyInput:
    kind: str
    name: str
    country: Country | None
    address: str
    identifiers: list[tuple[str, str, str]]  # (kind, value as given, normalised)
    external_id: str = ""


def validate_party(
    *, kind: str, name: str, country_code: str | None, address: str = "", identifiers=()
) -> PartyInput:
    """Check one party's fields; raises ValidationFailed naming each bad field."""
    errors: dict[str, list[str]] = {}
    if kind not in PartyKind.values:
        errors["kind"] = [_("Unknown party kind.")]
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("A name is required.")]
    elif len(name) > 300:
        errors["name"] = [_("The name is longer than 300 characters.")]
    country = None
    if country_code:
        country = Country.objects.filter(iso3=country_code.strip().upper()).first()
        if country is None:
            errors["country"] = [_("Unknown country code.")]
    normalized = []
    for identifier_kind, value in identifiers:
        if not (value or "").strip():
            continue
        if identifier_kind not in IdentifierKind.values:
            errors.setdefault(identifier_kind, []).append(_("Unknown identifier kind."))
            continue
        try:
            normal = normalize_identifier(identifier_kind, value, country.iso2 if country else None)
        except IdentifierError as error:
            errors.setdefault(identifier_kind, []).append(str(error))
            continue
        normalized.append((identifier_kind, value.strip(), normal))
    if errors:
        raise ValidationFailed(errors)
    return PartyInput(kind, name, country, (address or "").strip(), normalized)


def _write_keys(party: Party, texts: set[str], counted: set[str] = frozenset()) -> None:
    """BlockingKey rows (and their counts) for `texts`; `counted` are count-only keys
    (token_keys, total_key) the party is new to."""
    hashes = sorted({key_hash(text) for text in texts})
    existing = set(
        BlockingKey.objects.filter(party=party, key__in=hashes).values_list("key", flat=True)
    )
    new = [key for key in hashes if key not in existing]
    if new:
        BlockingKey.objects.bulk_create([BlockingKey(key=key, party=party) for key in new])
    increments = new + sorted({key_hash(text) for text in counted})
    if not increments:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO entities_keycount (key, count) VALUES (%s, 1) "
            "ON CONFLICT (key) DO UPDATE SET count = entities_keycount.count + 1",
            [(key,) for key in increments],
        )


def _add_names_and_identifiers(party: Party, names: list[str], identifiers) -> None:
    texts: set[str] = set()
    known = set(party.names.values_list("name", flat=True))
    # Token counts (count-only keys): a party counts once per token and once in the total.
    counted_before: set[str] = set()
    for name in known:
        counted_before |= matching.token_keys(party.kind, normalize_name(name, kind=party.kind))
    tokens: set[str] = set()
    for name in names:
        if not name or name in known:
            continue
        known.add(name)
        normalized = normalize_name(name, kind=party.kind)
        PartyName.objects.create(
            party=party,
            name=name,
            syllables=normalized.syllable_text[:600],
            compact=normalized.compact[:600],
            words=" ".join(normalized.words)[:600],
            script=normalized.script,
        )
        texts |= matching.name_keys(party.kind, normalized)
        tokens |= matching.token_keys(party.kind, normalized)
    counted = tokens - counted_before
    if tokens and not counted_before:
        counted.add(matching.total_key(party.kind))
    for identifier_kind, value, normal in identifiers:
        PartyIdentifier.objects.get_or_create(
            party=party, kind=identifier_kind, normalized=normal, defaults={"value": value}
        )
        texts.add(matching.identifier_key(identifier_kind, normal))
    _write_keys(party, texts, counted)


def index_rebuild(*, actor=None, batch: int = 2000) -> dict:
    """Normalise every stored name again and rebuild the matching index (BlockingKey rows,
    KeyCount with its token and total counts) with the current code: after a change to
    normalisation or keys, parties indexed before it meet the new ones again."""
    with transaction.atomic():
        BlockingKey.objects.all().delete()
        KeyCount.objects.all().delete()
        party_ids = list(Party.objects.order_by("pk").values_list("pk", flat=True))
        names = rows = 0
        for start in range(0, len(party_ids), batch):
            chunk = party_ids[start : start + batch]
            kinds = dict(Party.objects.filter(pk__in=chunk).values_list("pk", "kind"))
            texts: dict[int, set[str]] = {pk: set() for pk in chunk}
            counted: dict[int, set[str]] = {pk: set() for pk in chunk}
            updated = []
            for stored in PartyName.objects.filter(party_id__in=chunk).order_by("pk"):
                kind = kinds[stored.party_id]
                normalized = normalize_name(stored.name, kind=kind)
                stored.syllables = normalized.syllable_text[:600]
                stored.compact = normalized.compact[:600]
                stored.words = " ".join(normalized.words)[:600]
                stored.script = normalized.script
                updated.append(stored)
                texts[stored.party_id] |= matching.name_keys(kind, normalized)
                tokens = matching.token_keys(kind, normalized)
                if tokens:
                    counted[stored.party_id] |= {*tokens, matching.total_key(kind)}
            PartyName.objects.bulk_update(updated, ["syllables", "compact", "words", "script"])
            names += len(updated)
            for party_id, kind, normal in PartyIdentifier.objects.filter(
                party_id__in=chunk
            ).values_list("party_id", "kind", "normalized"):
                texts[party_id].add(matching.identifier_key(kind, normal))
            keys = [
                BlockingKey(key=key, party_id=party_id)
                for party_id, party_texts in texts.items()
                for key in sorted({key_hash(text) for text in party_texts})
            ]
            BlockingKey.objects.bulk_create(keys, batch_size=5000)
            rows += len(keys)
            counts = Counter(key.key for key in keys)
            for party_texts in counted.values():
                counts.update({key_hash(text) for text in party_texts})
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO entities_keycount (key, count) VALUES (%s, %s) "
                    "ON CONFLICT (key) DO UPDATE SET count = entities_keycount.count + %s",
                    [(key, count, count) for key, count in counts.items()],
                )
        summary = {"parties": len(party_ids), "names": names, "keys": rows}
        record_event(
            actor=actor,
            action="entities.index_rebuilt",
            object_type="entities.party",
            after=summary,
        )
    return summary


def party_create(*, actor, data: PartyInput, owner_organisation=None, correlate=True) -> Party:
    """Register a party on its own (not named in a record). `actor=None`: the command line
    or a loader, registering for `owner_organisation`."""
    require(actor, "entities.party_create")
    return _party_new(
        actor=actor, data=data, owner_organisation=owner_organisation, correlate=correlate
    )


def _party_new(*, actor, data: PartyInput, owner_organisation=None, correlate=True) -> Party:
    organisation = owner_organisation or (actor.organisation if actor else None)
    with transaction.atomic():
        party = Party.objects.create(
            kind=data.kind,
            name=data.name,
            country=data.country,
            address=data.address,
            owner_organisation=organisation,
            owner_country=organisation.country if organisation else data.country,
            external_id=data.external_id,
        )
        _add_names_and_identifiers(party, [data.name], data.identifiers)
        created = correlate_party(party) if correlate else []
        record_event(
            actor=actor,
            action="entities.party_created",
            obj=party,
            after={
                **snapshot(party, PARTY_FIELDS),
                "identifiers": [f"{k}:{n}" for k, _v, n in data.identifiers],
                "correlations": len(created),
            },
            owner_organisation=organisation,
        )
    return party


def party_register(*, actor, data: PartyInput) -> Party:
    """For another module's record (whose own service decided that the actor may write it):
    the party the actor's organisation already holds under the very same name (legal forms,
    case and script aside, same country), or a new one. One company is not registered twice
    by the same organisation, while other organisations' parties and other spellings stay
    parties of their own, correlated: a party never becomes readable through a record its
    reader may not see."""
    query = Query.build(
        kind=data.kind,
        names=[data.name],
        identifiers=[(kind, normal) for kind, _value, normal in data.identifiers],
    )
    candidates = [c.party_id for c in find_candidates(query, threshold=100, limit=3)]
    same = Party.objects.filter(pk__in=candidates, owner_organisation_id=actor.organisation_id)
    for party in sorted(same, key=lambda p: candidates.index(p.pk)):
        if data.country is None or party.country_id in (None, data.country.iso3):
            return party
    return _party_new(actor=actor, data=data, correlate=True)


def party_link(
    *,
    party: Party,
    record_type: str,
    record_id,
    organisation,
    audience: str,
    countries=(),
    role: str = "",
    reported_name: str = "",
) -> PartyLink:
    """Record a party's appearance in another module's record. Called by that module's
    service inside its own transaction (which writes the audit event)."""
    if audience not in Audience.values:
        raise ValidationFailed({"audience": [_("Unknown distribution level.")]})
    link = PartyLink.objects.create(
        party=party,
        record_type=record_type,
        record_id=str(record_id),
        organisation=organisation,
        country=organisation.country,
        audience=audience,
        role=role,
        reported_name=reported_name,
    )
    PartyLinkCountry.objects.bulk_create(
        [PartyLinkCountry(link=link, country_id=code) for code in sorted(set(countries))]
    )
    return link


def record_links_clear(*, record_type: str, record_id) -> int:
    """Remove a record's party links, for its module's service to link the parties the
    record names now (inside that service's transaction, which writes the audit event)."""
    deleted, _by_model = PartyLink.objects.filter(
        record_type=record_type, record_id=str(record_id)
    ).delete()
    return deleted


def _warning_values() -> dict[str, set[str]]:
    """The warning list by kind (a small table, read whole with one plain query)."""
    values: dict[str, set[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT kind, normalized FROM entities_warningvalue")
        for kind, normalized in cursor.fetchall():
            values.setdefault(kind, set()).add(normalized)
    return values


class StoredName:
    """A candidate's name as the index stores it (one joined query, no model instances)."""

    __slots__ = ("country_id", "form", "name", "party_id", "party_name", "syllables", "target")

    def __init__(self, row, kind: str):
        party_id, merged_into, country_id, party_name, name, syllables, words, script = row
        self.party_id = party_id
        self.target = merged_into or party_id
        self.country_id = country_id
        self.party_name = party_name
        self.name = name
        self.syllables = syllables
        if words or not syllables:
            self.form = NormalizedName(
                original=name,
                words=tuple(words.split()),
                syllables=tuple(syllables.split()),
                script=script,
            )
        else:  # a name stored before the index kept its words
            self.form = normalize_name(name, kind=kind)


def _stored_rows(kind: str, party_ids) -> list[tuple]:
    """The names of the given parties of the kind (every party of the kind when None)."""
    select = (
        "SELECT p.id, p.merged_into_id, p.country_id, p.name, n.name, n.syllables, n.words, "
        "n.script FROM entities_partyname n JOIN entities_party p ON p.id = n.party_id "
        "WHERE p.kind = %s"
    )
    rows = []
    with connection.cursor() as cursor:
        if party_ids is None:
            cursor.execute(select, [kind])
            rows = cursor.fetchall()
        for chunk in matching._in_chunks([] if party_ids is None else list(party_ids)):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"{select} AND n.party_id IN ({marks})", [kind, *chunk])
            rows += cursor.fetchall()
    return rows


def score_parties(
    query: Query,
    party_ids,
    *,
    exclude: set[int] = frozenset(),
    threshold: int = DEFAULT_THRESHOLD,
) -> list[matching.Candidate]:
    """Score the given parties (all of the query's kind when None) against the query (merged
    parties count as their survivor), best first; values on the warning list give no
    evidence."""
    warnings = _warning_values()
    names_warned = warnings.get(query.kind, set())
    rows = [
        row
        for row in _stored_rows(query.kind, party_ids)
        if (row[1] or row[0]) not in exclude and row[5] not in names_warned
    ]
    query_names = [n for n in query.names if n.text not in names_warned]
    best: dict[int, tuple[int, float, list[str], StoredName]] = {}
    if query.identifiers:
        identifiers: dict[int, set[tuple[str, str]]] = {}
        for party_id, kind, normal in PartyIdentifier.objects.filter(
            party_id__in={row[0] for row in rows}
        ).values_list("party_id", "kind", "normalized"):
            identifiers.setdefault(party_id, set()).add((kind, normal))
        for row in rows:
            for kind, value in query.identifiers:
                if (kind, value) in identifiers.get(row[0], ()) and value not in warnings.get(
                    kind, ()
                ):
                    _keep(best, StoredName(row, query.kind), 100, 100.0, [f"same_{kind}"])
                    break
    # The names that may reach the threshold (rapidfuzz in bulk), then their scores without
    # the rarity of words (which only lowers them), then, for those that pass, with it.
    stored_names: dict[int, StoredName] = {}
    passing = []
    for query_name in query_names:
        if threshold > 0:
            positions = matching.may_reach(
                query_name, query.kind, [(row[5], row[6]) for row in rows], threshold
            )
        else:
            positions = range(len(rows))
        for position in sorted(positions):
            name = stored_names.get(position)
            if name is None:
                name = stored_names[position] = StoredName(rows[position], query.kind)
            score, _how = matching.score_names(query_name, name.form, kind=query.kind)
            if score >= threshold:
                passing.append((query_name, name))
    if passing:
        tokens = set()
        for query_name, name in passing:
            tokens.update(query_name.words, query_name.syllables)
            tokens.update(name.form.words, name.form.syllables)
        rarity = matching.token_rarity(query.kind, tokens)
        for query_name, name in passing:
            score, how = matching.score_names(query_name, name.form, kind=query.kind, rarity=rarity)
            if score < threshold:
                continue
            # Equal scores: the name written in the same order first.
            order = fuzz.ratio(query_name.syllable_text, name.form.syllable_text)
            reasons = [how, *matching.name_reasons(query_name, _full_form(name, query.kind))]
            _keep(best, name, score, order, reasons)
    results = []
    for target, (score, order, reasons, name) in best.items():
        if query.country and name.country_id == query.country:
            reasons = [*reasons, "same_country"]
        results.append((score, order, target, name.party_name, reasons))
    results.sort(key=lambda r: (-r[0], -r[1], r[2]))
    return [
        matching.Candidate(target, score, reasons, party_name)
        for score, _order, target, party_name, reasons in results
    ]


def _full_form(name: StoredName, kind: str) -> NormalizedName:
    return normalize_name(name.name, kind=kind)


def _keep(best: dict, name: StoredName, score: int, order: float, reasons: list[str]) -> None:
    previous = best.get(name.target)
    if previous is None or (score, order) > previous[:2]:
        best[name.target] = (score, order, reasons, name)


def find_candidates(
    query: Query,
    *,
    exclude: set[int] = frozenset(),
    threshold: int = DEFAULT_THRESHOLD,
    limit: int = 10,
) -> list[matching.Candidate]:
    """Score the parties that share the most (and the rarest) keys with the query."""
    top = matching.top_candidates(query, exclude=exclude)
    if not top:
        return []
    return score_parties(query, top, exclude=exclude, threshold=threshold)[:limit]


def correlate_party(party: Party) -> list[Correlation]:
    """Propose correlations between a party and the parties it matches; pairs an analyst
    rejected are never proposed again."""
    query = Query(
        kind=party.kind,
        names=[normalize_name(n.name, kind=party.kind) for n in party.names.all()],
        identifiers=list(party.identifiers.values_list("kind", "normalized")),
        country=party.country_id,
    )
    created = []
    for candidate in find_candidates(query, exclude={party.pk}, limit=25):
        first, second = sorted((party.pk, candidate.party_id))
        correlation, is_new = Correlation.objects.get_or_create(
            party_a_id=first,
            party_b_id=second,
            defaults={"score": candidate.score, "reasons": candidate.reasons},
        )
        if is_new:
            created.append(correlation)
        elif (
            correlation.status == CorrelationStatus.PROPOSED and candidate.score > correlation.score
        ):
            Correlation.objects.filter(pk=correlation.pk).update(
                score=candidate.score, reasons=candidate.reasons
            )
    return created


# --- import -----------------------------------------------------------------------------------


def parties_import(
    *, actor, content: bytes, name: str = "parties.csv", owner_organisation=None, progress=None
) -> dict:
    """Import parties from CSV or XLSX (id, kind, name, country; optional address, phone,
    email, identifier) onto an organisation's file. All-or-nothing: every bad row is
    reported by its row and column and nothing is saved."""
    from drugcontrol.core.tabular import read_table, where

    require(actor, "entities.party_create")
    table = read_table(name, content, required=sorted(IMPORT_COLUMNS))
    rows, errors = [], {}
    seen_ids: dict[str, int] = {}
    for row in table.rows:
        line = row.number
        identifiers = [("phone", row.get("phone", "")), ("email", row.get("email", ""))]
        if row.get("identifier"):
            # "imo:9074729" names its kind; anything else ("passport:G123") is kept whole.
            kind, _sep, value = row["identifier"].partition(":")
            known = kind.strip().lower() in IdentifierKind.values and value.strip()
            identifiers.append(
                (kind.strip().lower(), value.strip()) if known else ("other", row["identifier"])
            )
        try:
            data = validate_party(
                kind=row.get("kind", ""),
                name=row.get("name", ""),
                country_code=row.get("country") or None,
                address=row.get("address", ""),
                identifiers=identifiers,
            )
        except ValidationFailed as error:
            errors[line] = {
                field: [str(m) for m in messages] for field, messages in error.details.items()
            }
            continue
        external = row.get("id", "")
        if external and external in seen_ids:
            errors[line] = {
                "id": [
                    _("The id %(id)s repeats row %(line)s.")
                    % {"id": external, "line": seen_ids[external]}
                ]
            }
            continue
        seen_ids[external] = line
        data.external_id = external
        rows.append(data)
    if errors:
        raise ValidationFailed(
            {where(line): problems for line, problems in errors.items()},
            message=_("The file has errors; nothing was imported."),
        )
    if not rows:
        raise ValidationFailed({"file": [_("The file has no rows.")]})
    organisation = owner_organisation or (actor.organisation if actor else None)
    with transaction.atomic():
        parties = []
        for data in rows:
            party = Party.objects.create(
                kind=data.kind,
                name=data.name,
                country=data.country,
                address=data.address,
                owner_organisation=organisation,
                owner_country=organisation.country if organisation else data.country,
                external_id=data.external_id,
            )
            _add_names_and_identifiers(party, [data.name], data.identifiers)
            parties.append(party)
        correlations = sum(len(correlate_party(party)) for party in parties)
        record_event(
            actor=actor,
            action="entities.parties_imported",
            object_type="entities.party",
            after={"rows": len(parties), "correlations": correlations},
            owner_organisation=organisation,
        )
    return {"imported": len(parties), "correlations": correlations}


def parties_summary(result: dict) -> str:
    return _("%(imported)s parties imported, %(correlations)s correlations proposed.") % {
        "imported": result.get("imported", 0),
        "correlations": result.get("correlations", 0),
    }


# --- analysts' decisions ----------------------------------------------------------------------


def correlation_decide(*, actor, correlation: Correlation, decision: str, expected_version=None):
    """Confirm or reject a proposed correlation (optimistic concurrency on `version`)."""
    require(actor, "entities.correlation_decide", correlation)
    if decision not in (CorrelationStatus.CONFIRMED, CorrelationStatus.REJECTED):
        raise ValidationFailed({"decision": [_("Choose confirmed or rejected.")]})
    with transaction.atomic():
        current = Correlation.objects.select_for_update().get(pk=correlation.pk)
        check_version(current, expected_version)
        before = {"status": current.status}
        current.status = decision
        current.decided_by = actor
        current.decided_at = timezone.now()
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        record_event(
            actor=actor,
            action=f"entities.correlation_{decision}",
            obj=current,
            before=before,
            after={"status": current.status, "parties": [current.party_a_id, current.party_b_id]},
        )
    return current


def parties_merge(*, actor, correlation: Correlation) -> PartyMerge:
    """Merge the two parties of a confirmed correlation into the older one (reversible). A
    merge across countries is told to the other country's authorities."""
    require(actor, "entities.parties_merge", correlation)
    with transaction.atomic():
        correlation = Correlation.objects.select_for_update().get(pk=correlation.pk)
        if correlation.status != CorrelationStatus.CONFIRMED:
            raise ValidationFailed({"status": [_("Only a confirmed correlation can be merged.")]})
        survivor, merged = (
            Party.objects.select_for_update()
            .filter(pk__in=[correlation.party_a_id, correlation.party_b_id])
            .order_by("pk")
        )
        if merged.merged_into_id or survivor.merged_into_id:
            raise ValidationFailed({"status": [_("One of the parties is already merged.")]})
        moved = list(PartyLink.objects.filter(party=merged).values_list("pk", flat=True))
        PartyLink.objects.filter(pk__in=moved).update(party=survivor)
        merged.merged_into = survivor
        merged.version = F("version") + 1
        merged.save(update_fields=["merged_into", "version"])
        merge = PartyMerge.objects.create(
            survivor=survivor, merged=merged, moved_links=moved, merged_by=actor
        )
        _alert_merged_across_countries(actor, survivor, merged)
        record_event(
            actor=actor,
            action="entities.parties_merged",
            obj=merge,
            after={"survivor": survivor.pk, "merged": merged.pk, "moved_links": moved},
        )
    return merge


def _alert_merged_across_countries(actor, survivor: Party, merged: Party) -> None:
    """Each other country whose party was merged is told, about its own party."""
    own_country = actor.country_id if actor is not None else None
    for party in (survivor, merged):
        if party.owner_country_id is None or party.owner_country_id == own_country:
            continue
        alerts_raise(
            record_kind=alerts.RECORD_KIND,
            event=alerts.MERGED_ACROSS_COUNTRIES,
            country_codes=[party.owner_country_id],
            message_key="entities.merged_across_countries",
            params={
                "name": party.name,
                "organisation": actor.organisation.name if actor is not None else "",
            },
            record_id=party.pk,
            url=settings.SITE_URL.rstrip("/") + reverse("entities:detail", args=[party.pk]),
            sender_organisation=actor.organisation if actor is not None else None,
        )


def merge_undo(*, actor, merge: PartyMerge) -> PartyMerge:
    require(actor, "entities.merge_undo", merge)
    if merge.undone_at is not None:
        raise ValidationFailed({"merge": [_("This merge was already undone.")]})
    with transaction.atomic():
        PartyLink.objects.filter(pk__in=merge.moved_links).update(party_id=merge.merged_id)
        Party.objects.filter(pk=merge.merged_id).update(merged_into=None, version=F("version") + 1)
        merge.undone_at = timezone.now()
        merge.save(update_fields=["undone_at"])
        record_event(
            actor=actor,
            action="entities.merge_undone",
            obj=merge,
            after={"survivor": merge.survivor_id, "merged": merge.merged_id},
        )
    return merge


# --- the warning list -------------------------------------------------------------------------


def warning_value_add(*, actor, kind: str, value: str, reason: str = "") -> WarningValue:
    """Put a value on the warning list. Proposals that rest on it are withdrawn, and the
    audit event names them, so that removing the value restores them."""
    require(actor, "entities.warning_list_edit")
    value, reason = (value or "").strip(), (reason or "").strip()
    if not value:
        raise ValidationFailed({"value": [_("A value is required.")]})
    too_long = {
        field: [_("The text is longer than 300 characters.")]
        for field, text in (("value", value), ("reason", reason))
        if len(text) > 300
    }
    if too_long:
        raise ValidationFailed(too_long)
    # Phone numbers, e-mail and web addresses and bank accounts are identifiers even where
    # a party kind has the same name; companies, persons, addresses ... are names.
    if kind in IdentifierKind.values:
        try:
            normalized = normalize_identifier(kind, value)
        except IdentifierError as error:
            raise ValidationFailed({"value": [str(error)]}) from None
    elif kind in PartyKind.values:
        normalized = normalize_name(value, kind=kind).syllable_text
    else:
        raise ValidationFailed({"kind": [_("Unknown kind.")]})
    if WarningValue.objects.filter(kind=kind, normalized=normalized).exists():
        raise ValidationFailed({"value": [_("This value is already on the warning list.")]})
    with transaction.atomic():
        warning = WarningValue.objects.create(
            kind=kind, value=value, normalized=normalized, reason=reason, created_by=actor
        )
        withdrawn = _withdraw_proposals(warning)
        record_event(
            actor=actor,
            action="entities.warning_value_added",
            obj=warning,
            after={
                **snapshot(warning, ["kind", "value", "normalized", "reason"]),
                "withdrawn_correlations": withdrawn,
            },
        )
    return warning


def _withdraw_proposals(warning: WarningValue) -> list[int]:
    """Withdraw the proposals between parties that share the value; returns their ids."""
    if warning.kind in IdentifierKind.values:
        parties = PartyIdentifier.objects.filter(
            kind=warning.kind, normalized=warning.normalized
        ).values_list("party_id", flat=True)
    else:
        parties = PartyName.objects.filter(syllables=warning.normalized).values_list(
            "party_id", flat=True
        )
    ids = set(parties)
    proposals = Correlation.objects.filter(
        Q(party_a_id__in=ids) & Q(party_b_id__in=ids), status=CorrelationStatus.PROPOSED
    )
    withdrawn = sorted(proposals.values_list("pk", flat=True))
    Correlation.objects.filter(pk__in=withdrawn).update(
        status=CorrelationStatus.WITHDRAWN, withdrawn_by=warning, version=F("version") + 1
    )
    return withdrawn


def warning_value_remove(*, actor, warning: WarningValue) -> None:
    """Take a value off the warning list and restore the proposals it withdrew."""
    require(actor, "entities.warning_list_edit")
    with transaction.atomic():
        restored_rows = Correlation.objects.filter(
            withdrawn_by=warning, status=CorrelationStatus.WITHDRAWN
        )
        restored = sorted(restored_rows.values_list("pk", flat=True))
        Correlation.objects.filter(pk__in=restored).update(
            status=CorrelationStatus.PROPOSED, withdrawn_by=None, version=F("version") + 1
        )
        before = snapshot(warning, ["kind", "value", "normalized", "reason"])
        record_event(
            actor=actor,
            action="entities.warning_value_removed",
            obj=warning,
            before=before,
            after={"restored_correlations": restored},
        )
        warning.delete()
