"""Bulk import of incidents from CSV or XLSX: every row checked, every problem reported with
its row and column, nothing saved unless every row is good."""

from django.db import transaction
from django.utils.translation import ngettext

from drugcontrol.core.audit import record_event
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.core.tabular import read_rows, where
from drugcontrol.core.visibility import visible
from drugcontrol.entities.models import Party
from drugcontrol.incidents import services
from drugcontrol.substances.selectors import find_by_name

COLUMNS = [
    "kind",
    "date",
    "distribution",
    "transport_mode",
    "substance",
    "quantity",
    "unit",
    "purity",
    "origin",
    "departure",
    "transit",
    "destination",
    "seizure_country",
    "place_of_seizure",
    "seizure_locode",
    "payment_method",
    "exporter",
    "exporter_country",
    "consignee",
    "consignee_country",
    # A person involved (a courier, a suspect): the country the person lives in and the
    # nationality, which alerts the country of nationality as PICS does.
    "person",
    "person_country",
    "person_nationality",
    "concealment",
    "description",
]
REQUIRED = {"kind", "date"}
MAX_ROWS = 5000


def _row_to_raw(row: dict) -> dict:
    countries = []
    for column, role in (
        ("origin", "origin"),
        ("departure", "departure"),
        ("destination", "destination"),
        ("seizure_country", "seizure"),
    ):
        if row.get(column):
            countries.append({"country": row[column], "role": role})
    for code in filter(None, (c.strip() for c in (row.get("transit") or "").split(";"))):
        countries.append({"country": code, "role": "transit"})
    substances = []
    if row.get("substance"):
        substance = find_by_name(row["substance"])
        substances.append(
            {
                "substance_id": substance.pk if substance else None,
                "description": "" if substance else row["substance"],
                "quantity": row.get("quantity") or None,
                "unit": row.get("unit") or "",
                "purity": row.get("purity") or None,
            }
        )
    parties = []
    for column, role in (("exporter", "exporter"), ("consignee", "consignee")):
        if row.get(column):
            parties.append(
                {
                    "role": role,
                    "kind": "company",
                    "name": row[column],
                    "country": row.get(f"{column}_country") or None,
                }
            )
    if row.get("person") or row.get("person_nationality"):
        parties.append(
            {
                "role": "person_involved",
                "kind": "person",
                "name": row.get("person") or "",
                "country": row.get("person_country") or None,
                "nationality": row.get("person_nationality") or None,
            }
        )
    return {
        "kind": row.get("kind", ""),
        "occurred_on": row.get("date", ""),
        "distribution": row.get("distribution") or "countries_involved",
        "transport_mode": row.get("transport_mode") or "unknown",
        "concealment": row.get("concealment", ""),
        "place_of_seizure": row.get("place_of_seizure", ""),
        "seizure_locode": row.get("seizure_locode", ""),
        "payment_method": row.get("payment_method", ""),
        "description": row.get("description", ""),
        "countries": countries,
        "substances": substances,
        "parties": parties,
    }


def _party_columns(row: dict) -> dict:
    """For each party the row names, by its index in the service's list: the file's column of
    each field (`name`, `country`, `nationality`)."""
    columns, index = {}, 0
    for column in ("exporter", "consignee", "person"):
        present = row.get(column) or (column == "person" and row.get("person_nationality"))
        if present:
            columns[str(index)] = {
                "name": column,
                "party_id": column,
                "country": f"{column}_country",
                "nationality": "person_nationality",
            }
            index += 1
    return columns


def _column_of(field: str, row: dict) -> str:
    """Name the file's column for a validation error on a nested field."""
    if field.startswith("countries."):
        return "origin/departure/transit/destination/seizure_country"
    if field.startswith("substances."):
        return {"quantity": "quantity", "unit": "unit", "purity": "purity"}.get(
            field.rsplit(".", 1)[1], "substance"
        )
    if field.startswith("parties."):
        index, _dot, name = field.removeprefix("parties.").partition(".")
        return _party_columns(row).get(index, {}).get(name, "exporter/consignee/person")
    return {"occurred_on": "date"}.get(field, field)


def incidents_import(*, actor, name: str, content: bytes, progress=None) -> dict:
    """Check every row, then save all in one transaction, or nothing. `progress`
    (checked, total, state) is told how far the check has come."""
    progress = progress or (lambda checked, total, state="checking": None)
    rows = read_rows(name, content, required=REQUIRED, max_rows=MAX_ROWS)
    parties = visible(Party, actor)
    checked, report = [], {}
    progress(0, len(rows))
    for index, row in enumerate(rows):
        progress(index, len(rows))
        raw = _row_to_raw(row)
        try:
            checked.append(services.validate_incident(raw, visible_parties=parties))
        except ValidationFailed as error:
            report[where(row.number)] = {
                _column_of(field, row): list(messages) for field, messages in error.details.items()
            }
    if report:
        raise ValidationFailed(report, message=_("The file has errors; nothing was imported."))
    progress(len(rows), len(rows), "saving")
    with transaction.atomic():
        created = [services.incident_create(actor=actor, data=data) for data in checked]
        record_event(
            actor=actor,
            action="incidents.incidents_imported",
            object_type="incidents.incident",
            after={
                "file": name,
                "rows": len(created),
                "references": [i.reference for i in created],
            },
        )
    return {"imported": len(created), "references": [i.reference for i in created][:200]}


def incidents_summary(result: dict) -> str:
    count = result.get("imported", 0)
    return ngettext("%(count)s incident imported.", "%(count)s incidents imported.", count) % {
        "count": count
    }
