"""Every write of the entities app, by domain: parties and the matching index
(`parties`), correlations and merges (`correlations`), imports (`imports`) and the warning
list (`warning_list`). One transaction and one audit event each. Other apps call
`entities.services.X`: the public names are re-exported here."""

from drugcontrol.entities.candidates import find_candidates, score_parties
from drugcontrol.entities.services.correlations import (
    correlate_party,
    correlation_decide,
    merge_undo,
    parties_merge,
)
from drugcontrol.entities.services.imports import parties_import, parties_summary
from drugcontrol.entities.services.parties import (
    PARTY_FIELDS,
    index_rebuild,
    party_create,
    party_link,
    party_register,
    record_links_clear,
)
from drugcontrol.entities.services.warning_list import warning_value_add, warning_value_remove
from drugcontrol.entities.validation import PartyInput, validate_party

__all__ = [
    "PARTY_FIELDS",
    "PartyInput",
    "correlate_party",
    "correlation_decide",
    "find_candidates",
    "index_rebuild",
    "merge_undo",
    "parties_import",
    "parties_merge",
    "parties_summary",
    "party_create",
    "party_link",
    "party_register",
    "record_links_clear",
    "score_parties",
    "validate_party",
    "warning_value_add",
    "warning_value_remove",
]
