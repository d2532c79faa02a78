"""Parties: registering them (on their own or for another module's record), their links
to records, and the matching index they are found through."""

from collections import Counter

from django.db import connection, transaction
from django.utils.translation import gettext as _

from drugcontrol.core.audit import record_event, snapshot
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.permissions import require
from drugcontrol.entities import matching
from drugcontrol.entities.candidates import find_candidates
from drugcontrol.entities.matching import Query, key_hash
from drugcontrol.entities.models import (
    Audience,
    BlockingKey,
    KeyCount,
    Party,
    PartyIdentifier,
    PartyKind,
    PartyLink,
    PartyLinkCountry,
    PartyName,
    WarningValue,
)
from drugcontrol.entities.normalize import (
    normalize_name,
)
from drugcontrol.entities.services.correlations import correlate_party
from drugcontrol.entities.validation import PartyInput

PARTY_FIELDS = ["kind", "name", "country", "address", "owner_organisation", "external_id"]


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
            plain=" ".join(normalized.plain)[:600],
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
        summary = rebuild_rows(
            {
                "Party": Party,
                "PartyName": PartyName,
                "PartyIdentifier": PartyIdentifier,
                "BlockingKey": BlockingKey,
                "KeyCount": KeyCount,
                "WarningValue": WarningValue,
            },
            batch=batch,
        )
        record_event(
            actor=actor,
            action="entities.index_rebuilt",
            object_type="entities.party",
            after=summary,
        )
    return summary


def rebuild_in_migration(apps, schema_editor) -> None:
    """A migration's step that normalises the stored names again with the code of the
    version being installed (rebuild_rows on the migration's historical models)."""
    names = ("Party", "PartyName", "PartyIdentifier", "BlockingKey", "KeyCount", "WarningValue")
    models = {name: apps.get_model("entities", name) for name in names}
    if models["PartyName"].objects.exists() or models["WarningValue"].objects.exists():
        rebuild_rows(models)


def rebuild_rows(models: dict, *, batch: int = 2000) -> dict:
    """index_rebuild's work on the given model classes (the current ones, or a migration's
    historical ones), in the caller's transaction, without an audit event. The warning
    list's names are normalised again too."""
    BlockingKeyModel, KeyCountModel = models["BlockingKey"], models["KeyCount"]
    PartyModel, PartyNameModel = models["Party"], models["PartyName"]
    # A migration before 0008 has no PartyName.plain.
    stored_fields = ["syllables", "compact", "words", "script"]
    if any(field.name == "plain" for field in PartyNameModel._meta.get_fields()):
        stored_fields.append("plain")
    BlockingKeyModel.objects.all().delete()
    KeyCountModel.objects.all().delete()
    party_ids = list(PartyModel.objects.order_by("pk").values_list("pk", flat=True))
    names = rows = 0
    for start in range(0, len(party_ids), batch):
        chunk = party_ids[start : start + batch]
        kinds = dict(PartyModel.objects.filter(pk__in=chunk).values_list("pk", "kind"))
        texts: dict[int, set[str]] = {pk: set() for pk in chunk}
        counted: dict[int, set[str]] = {pk: set() for pk in chunk}
        updated = []
        for stored in PartyNameModel.objects.filter(party_id__in=chunk).order_by("pk"):
            kind = kinds[stored.party_id]
            normalized = normalize_name(stored.name, kind=kind)
            stored.syllables = normalized.syllable_text[:600]
            stored.compact = normalized.compact[:600]
            stored.words = " ".join(normalized.words)[:600]
            stored.script = normalized.script
            if "plain" in stored_fields:
                stored.plain = " ".join(normalized.plain)[:600]
            updated.append(stored)
            texts[stored.party_id] |= matching.name_keys(kind, normalized)
            tokens = matching.token_keys(kind, normalized)
            if tokens:
                counted[stored.party_id] |= {*tokens, matching.total_key(kind)}
        PartyNameModel.objects.bulk_update(updated, stored_fields)
        names += len(updated)
        for party_id, kind, normal in (
            models["PartyIdentifier"]
            .objects.filter(party_id__in=chunk)
            .values_list("party_id", "kind", "normalized")
        ):
            texts[party_id].add(matching.identifier_key(kind, normal))
        keys = [
            BlockingKeyModel(key=key, party_id=party_id)
            for party_id, party_texts in texts.items()
            for key in sorted({key_hash(text) for text in party_texts})
        ]
        BlockingKeyModel.objects.bulk_create(keys, batch_size=5000)
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
    warnings = 0
    WarningModel = models["WarningValue"]
    taken = set(WarningModel.objects.values_list("kind", "normalized"))
    for warning in WarningModel.objects.filter(kind__in=PartyKind.values).order_by("pk"):
        normalized = normalize_name(warning.value, kind=warning.kind).syllable_text
        if normalized != warning.normalized and (warning.kind, normalized) not in taken:
            taken.add((warning.kind, normalized))
            WarningModel.objects.filter(pk=warning.pk).update(normalized=normalized)
            warnings += 1
    return {"parties": len(party_ids), "names": names, "keys": rows, "warnings": warnings}


def party_create(*, actor, data: PartyInput, owner_organisation=None, correlate=True) -> Party:
    """Register a party on its own (not named in a record). `actor=None`: the command line
    or a loader, registering for `owner_organisation`."""
    require(actor, "entities.party_create")
    return _party_new(
        actor=actor, data=data, owner_organisation=owner_organisation, correlate=correlate
    )


def party_row_insert(data: PartyInput, organisation) -> Party:
    """The party's row with its names and identifiers, owned by `organisation` (or, without
    one, by the party's country), in the caller's transaction; no audit event, no matching."""
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
    return party


def _party_new(*, actor, data: PartyInput, owner_organisation=None, correlate=True) -> Party:
    organisation = owner_organisation or (actor.organisation if actor else None)
    with transaction.atomic():
        party = party_row_insert(data, organisation)
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
