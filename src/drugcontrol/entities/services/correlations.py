"""Correlations and merges: proposing them when a party is registered, the analysts'
decisions, merging two parties and undoing a merge."""

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from drugcontrol.core.alerts import alerts_raise
from drugcontrol.core.audit import record_event
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.permissions import require
from drugcontrol.core.versioning import versioned_change
from drugcontrol.entities import alerts
from drugcontrol.entities.candidates import find_candidates
from drugcontrol.entities.matching import Query
from drugcontrol.entities.models import (
    Correlation,
    CorrelationStatus,
    Party,
    PartyLink,
    PartyMerge,
)
from drugcontrol.entities.normalize import (
    normalize_name,
)


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


def correlation_decide(*, actor, correlation: Correlation, decision: str, expected_version=None):
    """Confirm or reject a proposed correlation (optimistic concurrency on `version`)."""
    require(actor, "entities.correlation_decide", correlation)
    if decision not in (CorrelationStatus.CONFIRMED, CorrelationStatus.REJECTED):
        raise ValidationFailed({"decision": [_("Choose confirmed or rejected.")]})
    with versioned_change(
        correlation,
        expected_version=expected_version,
        actor=actor,
        action=f"entities.correlation_{decision}",
    ) as change:
        current = change.record
        change.before = {"status": current.status}
        current.status = decision
        current.decided_by = actor
        current.decided_at = timezone.now()
        change.after = {"status": decision, "parties": [current.party_a_id, current.party_b_id]}
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
