"""The warning list: values too common to mean anything (a port's address, a placeholder
phone number), which give no evidence for a correlation."""

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from drugcontrol.core.audit import record_event, snapshot
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.permissions import require
from drugcontrol.entities.identifiers import IdentifierError, normalize_identifier
from drugcontrol.entities.models import (
    Correlation,
    CorrelationStatus,
    IdentifierKind,
    PartyIdentifier,
    PartyKind,
    PartyName,
    WarningValue,
)
from drugcontrol.entities.normalize import normalize_name
from drugcontrol.entities.validation import identifier_problem


def warning_value_add(*, actor, kind: str, value: str, reason: str = "") -> WarningValue:
    """Put a value on the warning list and withdraw proposals (see `_withdraw_proposals`
    for exactly which: every proposal between two parties that both hold the value, not
    only those the value was the evidence for). The audit event names them, and each
    records the value that withdrew it, so that removing the value restores them."""
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
            raise ValidationFailed({"value": [identifier_problem(error)]}) from None
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
    """Withdraw every correlation still *proposed* whose two parties both hold the value,
    whatever the proposal rests on (a proposal scored on other names or identifiers is
    withdrawn too); returns their ids. A party holds the value when it has an identifier
    of the value's kind with this normalised value, or, for a name kind (company, person,
    address), any stored name whose syllables equal the value's, whatever that party's own
    kind. Confirmed, rejected and already withdrawn correlations are left as they are."""
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
    """Take a value off the warning list and put back to *proposed* every correlation it
    withdrew (those still withdrawn and marked as withdrawn by this value), whatever
    else has changed since; then delete the value."""
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
