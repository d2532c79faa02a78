"""Who may act on parties, correlations, merges and the warning list."""

from django.utils.translation import gettext_lazy as _

from drugcontrol.core.models import OrganisationKind as Kind
from drugcontrol.core.models import Role
from drugcontrol.core.permissions import action
from drugcontrol.core.visibility import visible
from drugcontrol.entities.models import Party, PartyLink

# Who reads parties, correlations and the warning list beyond their own organisation's
# records: the national authorities, law enforcement, financial intelligence units and the
# secretariat. Industry and laboratories see only the parties of their own records.
PARTY_ANALYSTS = {
    Kind.COMPETENT_AUTHORITY: Role.VIEWER,
    Kind.LAW_ENFORCEMENT: Role.VIEWER,
    Kind.FIU: Role.VIEWER,
    Kind.INTERNATIONAL: Role.VIEWER,
}
PARTY_DECIDERS = {kind: Role.OFFICER for kind in PARTY_ANALYSTS}


def acts_for_party(user, party: Party) -> bool:
    """A party is acted on by those who see it and either hold it on their country's file
    (the secretariat: any), or named it in one of their own organisation's records."""
    if party is None or not visible(Party, user).filter(pk=party.pk).exists():
        return False
    if user.is_international or party.owner_country_id == user.country_id:
        return True
    return PartyLink.objects.filter(party=party, organisation_id=user.organisation_id).exists()


def _acts_for_parties(user, *party_ids) -> bool:
    return all(acts_for_party(user, party) for party in Party.objects.filter(pk__in=party_ids))


def _acts_for_both(user, correlation) -> bool:
    return _acts_for_parties(user, correlation.party_a_id, correlation.party_b_id)


def _acts_for_merge(user, merge) -> bool:
    """Both parties as they were before the merge: the survivor as it is, and the merged
    party, which the merge left without records (they moved to the survivor), by its
    country's file or by the moved records of the user's own organisation."""
    survivor = Party.objects.filter(pk=merge.survivor_id).first()
    merged = Party.objects.filter(pk=merge.merged_id).first()
    if merged is None or not acts_for_party(user, survivor):
        return False
    if merge.undone_at is not None:
        return _acts_for_parties(user, merge.merged_id)
    if user.is_international or merged.owner_country_id == user.country_id:
        return True
    return PartyLink.objects.filter(
        pk__in=merge.moved_links or [], organisation_id=user.organisation_id
    ).exists()


READ_PARTIES = action(
    "entities.party_read",
    _("Read parties and correlations beyond one's own records"),
    grants=PARTY_ANALYSTS,
    condition_text="parties of records the reader may see; industry and laboratories: "
    "only their own organisation's records",
)
action(
    "entities.party_create",
    _("Register a party"),
    grants=PARTY_DECIDERS,
    refusal=_("Viewers, industry and laboratories do not register parties."),
)
action(
    "entities.correlation_decide",
    _("Confirm or reject a correlation"),
    grants=PARTY_DECIDERS,
    condition=_acts_for_both,
    condition_text="may act on both parties (own country's file or named in an own record)",
    refusal=_("You may decide only on correlations between parties you may act on."),
)
action(
    "entities.parties_merge",
    _("Merge two parties"),
    grants=PARTY_DECIDERS,
    condition=_acts_for_both,
    condition_text="may act on both parties; a merge across countries alerts the other country",
    refusal=_("You may merge only parties you may act on."),
)
action(
    "entities.merge_undo",
    _("Undo a merge"),
    grants=PARTY_DECIDERS,
    condition=_acts_for_merge,
    condition_text="may act on both parties",
    refusal=_("You may undo only merges of parties you may act on."),
)
action(
    "entities.warning_list_edit",
    _("Add to or remove from the warning list"),
    grants={Kind.INTERNATIONAL: Role.OFFICER},
    refusal=_("Only officers of the international secretariat edit the warning list."),
)
