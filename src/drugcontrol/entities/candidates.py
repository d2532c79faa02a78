"""Reads of the matching index: the parties whose names or identifiers come closest to a
query, scored. Used by the selectors (matching a typed name) and by the services
(proposing correlations); nothing here writes."""

from django.db import connection
from rapidfuzz import fuzz

from drugcontrol.entities import matching
from drugcontrol.entities.matching import DEFAULT_THRESHOLD, Query
from drugcontrol.entities.models import (
    PartyIdentifier,
)
from drugcontrol.entities.normalize import (
    NormalizedName,
    normalize_name,
    skeleton_form,
)


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
        party_id, merged_into, country_id, party_name, name, syllables, words, script, plain = row
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
                plain=tuple(plain.split()),
            )
        else:  # a name stored before the index kept its words
            self.form = normalize_name(name, kind=kind)


def _stored_rows(kind: str, party_ids) -> list[tuple]:
    """The names of the given parties of the kind (every party of the kind when None)."""
    select = (
        "SELECT p.id, p.merged_into_id, p.country_id, p.name, n.name, n.syllables, n.words, "
        "n.script, n.plain FROM entities_partyname n JOIN entities_party p ON p.id = n.party_id "
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
                query_name, query.kind, [(row[5], row[6], row[8]) for row in rows], threshold
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
            for form in (query_name, name.form):
                tokens.update(form.words, form.syllables, skeleton_form(form).words, form.plain)
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
    """Score the parties that share the most (and the rarest) keys with the query (with
    its renderings through the index's vocabulary: compounds split or joined)."""
    query = matching.vocabulary_variants(query)
    top = matching.top_candidates(query, exclude=exclude)
    if not top:
        return []
    return score_parties(query, top, exclude=exclude, threshold=threshold)[:limit]
