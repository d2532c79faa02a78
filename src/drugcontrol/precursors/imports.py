"""Bulk import from a national system: notifications (CSV, XLSX or JSON) and legitimate
requirements (CSV). Every row is checked and every problem reported with its row and
column; nothing is saved unless the whole file is good."""

import json

from django.db import transaction

from drugcontrol.core.audit import record_event
from drugcontrol.core.countries import country_by_code
from drugcontrol.core.errors import ServiceError, ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.core.tabular import read_rows
from drugcontrol.core.tabular import where as row_label
from drugcontrol.core.visibility import visible
from drugcontrol.entities.models import Party
from drugcontrol.precursors import services
from drugcontrol.precursors.models import RequirementSource
from drugcontrol.substances.selectors import find_by_name

COLUMNS = [
    "group",
    "kind",
    "importing_country",
    "transit_countries",
    "invoice_number",
    "import_permit_number",
    "import_permit_date",
    "reply_deadline",
    "transport_mode",
    "point_of_exit",
    "point_of_entry",
    "expected_dispatch",
    "substance",
    "is_preparation",
    "concentration",
    "quantity",
    "unit",
    "density",
    "hs_code",
    "cas",
    "exporter",
    "exporter_address",
    "importer",
    "importer_address",
    "importer_country",
    "consignee",
    "consignee_address",
    "consignee_country",
    "submit",
]
REQUIRED = {"importing_country", "substance", "quantity", "unit"}
MAX_NOTIFICATIONS = 2000
YES = {"1", "yes", "y", "true", "x", "是"}
MAX_REQUIREMENT_ROWS = 5000
REQUIREMENT_COLUMNS = ["country", "substance", "form", "year", "quantity_kg", "updated_on"]


def _line(row: dict) -> dict:
    return {
        "substance": row.get("substance", ""),
        "is_preparation": (row.get("is_preparation") or "").strip().lower() in YES,
        "concentration": row.get("concentration") or None,
        "quantity": row.get("quantity", ""),
        "unit": row.get("unit", ""),
        "density": row.get("density") or None,
        "hs_code": row.get("hs_code", ""),
        "cas": row.get("cas", ""),
    }


def _notification(row: dict) -> dict:
    parties = []
    for role in ("exporter", "importer", "consignee"):
        if row.get(role):
            parties.append(
                {
                    "role": role,
                    "name": row[role],
                    "address": row.get(f"{role}_address", ""),
                    "country": row.get(f"{role}_country") or None,
                }
            )
    return {
        "kind": row.get("kind") or "scheduled",
        "importing_country": row.get("importing_country", ""),
        "transit_countries": [
            c.strip() for c in (row.get("transit_countries") or "").split(";") if c.strip()
        ],
        "invoice_number": row.get("invoice_number", ""),
        "import_permit_number": row.get("import_permit_number", ""),
        "import_permit_date": row.get("import_permit_date", ""),
        "reply_deadline": row.get("reply_deadline", ""),
        "transport_mode": row.get("transport_mode", ""),
        "point_of_exit": row.get("point_of_exit", ""),
        "point_of_entry": row.get("point_of_entry", ""),
        "expected_dispatch": row.get("expected_dispatch", ""),
        "lines": [_line(row)],
        "parties": parties,
        "submit": (row.get("submit") or "").strip().lower() in YES,
    }


def _from_table(name: str, content: bytes) -> list[tuple[list[int], dict]]:
    """Rows sharing a `group` value are the lines of one notification."""
    rows = read_rows(name, content, required=REQUIRED)
    grouped: dict[str, tuple[list[int], dict]] = {}
    result = []
    for row in rows:
        number = row.number
        group = (row.get("group") or "").strip()
        if group and group in grouped:
            numbers, raw = grouped[group]
            numbers.append(number)
            raw["lines"].append(_line(row))
            continue
        entry = ([number], _notification(row))
        if group:
            grouped[group] = entry
        result.append(entry)
    return result


def _from_json(content: bytes) -> list[tuple[list[int], dict]]:
    """A JSON array of notifications in the API's shape (plus `"submit": true`)."""
    try:
        items = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationFailed({"file": [_("Not a readable JSON file.")]}) from error
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValidationFailed({"file": [_("The JSON file must hold an array of objects.")]})
    if not items:
        raise ValidationFailed({"file": [_("The file has no rows.")]})
    return [([number], item) for number, item in enumerate(items, start=1)]


def _column(field: str) -> str:
    if field.startswith("lines."):
        return field.rsplit(".", 1)[1]
    if field.startswith("parties."):
        parts = field.split(".")
        return parts[1] if not parts[1].isdigit() else "exporter/importer/consignee"
    if field.startswith("transit_countries"):
        return "transit_countries"
    return field


def _problems(error: ValidationFailed) -> dict[str, list[str]]:
    """A row's field errors under the file's column names."""
    return {_column(field): list(messages) for field, messages in error.details.items()}


def notifications_import(*, actor, name: str, content: bytes, progress=None) -> dict:
    """Check every row, then save everything in one transaction, or nothing. `progress`
    (checked, total, state) is told how far the check has come."""
    progress = progress or (lambda checked, total, state="checking": None)
    is_json = name.lower().endswith(".json")
    entries = _from_json(content) if is_json else _from_table(name, content)
    if len(entries) > MAX_NOTIFICATIONS:
        raise ValidationFailed(
            {"file": [_("At most %(n)s notifications per file.") % {"n": MAX_NOTIFICATIONS}]}
        )
    parties = visible(Party, actor)
    report: dict[str, dict] = {}
    checked = []
    progress(0, len(entries))
    for index, (numbers, raw) in enumerate(entries, start=1):
        where = _("item %(number)s") % {"number": numbers[0]} if is_json else row_label(*numbers)
        try:
            data = services.validate_notification(
                raw, exporting_country_id=actor.country_id, visible_parties=parties
            )
            checked.append((where, data, bool(raw.get("submit"))))
        except ValidationFailed as error:
            report[where] = _problems(error)
        progress(index, len(entries))
    if report:
        raise ValidationFailed(report, message=_("The file has errors; nothing was imported."))
    progress(len(entries), len(entries), "saving")
    created = []
    with transaction.atomic():
        for where, data, submit in checked:
            try:
                notification = services.notification_create(actor=actor, data=data, submit=submit)
                created.append(notification)
            except ValidationFailed as error:
                report[where] = _problems(error)
            except ServiceError as error:
                report[where] = {"": [error.message]}
                if error.status == 403:
                    break  # the same refusal would repeat on every row
        if report:
            transaction.set_rollback(True)
        else:
            record_event(
                actor=actor,
                action="precursors.notifications_imported",
                object_type=services.RECORD_TYPE,
                after={
                    "file": name,
                    "notifications": len(created),
                    "references": [n.reference for n in created],
                },
            )
    if report:
        raise ValidationFailed(report, message=_("The file has errors; nothing was imported."))
    return {
        "imported": len(created),
        "submitted": sum(1 for n in created if n.status != "draft"),
        "references": [n.reference for n in created][:200],
    }


def notifications_summary(result: dict) -> str:
    return _("%(imported)s notifications imported, %(submitted)s submitted.") % {
        "imported": result.get("imported", 0),
        "submitted": result.get("submitted", 0),
    }


def requirements_import(
    *, actor, content: bytes, name: str = "requirements.csv", progress=None
) -> dict:
    """Legitimate requirements from CSV or XLSX
    (`country,substance,form,year,quantity_kg,updated_on`)."""
    import datetime

    rows = read_rows(
        name,
        content,
        required=("country", "substance", "year", "quantity_kg"),
        max_rows=MAX_REQUIREMENT_ROWS,
    )
    report: dict[str, dict] = {}
    count = 0
    with transaction.atomic():
        for row in rows:
            number = row.number
            problems: dict[str, list[str]] = {}
            country = country_by_code(row.get("country"))
            if country is None:
                problems["country"] = [_("Unknown country code.")]
            substance = find_by_name(row.get("substance", ""))
            if substance is None:
                problems["substance"] = [_("Unknown substance.")]
            year = row.get("year", "")
            if not year.isdigit():
                problems["year"] = [_("Not a plausible year.")]
            updated = None
            if row.get("updated_on"):
                try:
                    updated = datetime.date.fromisoformat(row["updated_on"])
                except ValueError:
                    problems["updated_on"] = [_("Give the date as YYYY-MM-DD.")]
            if not problems:
                try:
                    services.requirement_set(
                        actor=actor,
                        country=country,
                        substance=substance,
                        form=row.get("form") or "substance",
                        year=int(year),
                        quantity_kg=row.get("quantity_kg", ""),
                        updated_on=updated,
                        source=RequirementSource.FILE_IMPORT,
                    )
                    count += 1
                except ValidationFailed as error:
                    problems = {k: list(v) for k, v in error.details.items()}
                except ServiceError as error:
                    problems = {"country": [error.message]}
            if problems:
                report[row_label(number)] = problems
        if report:
            transaction.set_rollback(True)
    if report:
        raise ValidationFailed(report, message=_("The file has errors; nothing was imported."))
    return {"imported": count}


def requirements_summary(result: dict) -> str:
    return _("%(count)s requirements were imported.") % {"count": result.get("imported", 0)}
