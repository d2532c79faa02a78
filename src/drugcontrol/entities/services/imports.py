"""Parties imported from a file (CSV or XLSX), all rows or none."""

from django.db import transaction

from drugcontrol.core.audit import record_event
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.core.permissions import require
from drugcontrol.entities.models import (
    IdentifierKind,
)
from drugcontrol.entities.services.correlations import correlate_party
from drugcontrol.entities.services.parties import party_row_insert
from drugcontrol.entities.validation import validate_party

IMPORT_COLUMNS = {"id", "kind", "name", "country"}


IMPORT_OPTIONAL = {"address", "phone", "email", "identifier"}


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
            errors[line] = {field: list(messages) for field, messages in error.details.items()}
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
            parties.append(party_row_insert(data, organisation))
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
