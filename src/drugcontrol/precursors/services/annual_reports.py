"""Form D annual reports (article 12(12) of the 1988 Convention): the draft generated from
what is on file, completed and corrected by the country's competent authority, submitted
to the secretariat, accepted or returned. Each step is a row of `workflow.REPORT_TABLE`,
taken in one transaction with one audit event; every submission is kept as it was."""

import decimal
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drugcontrol.core.alerts import alerts_raise
from drugcontrol.core.audit import record_event
from drugcontrol.core.bounds import check_instances, model_field, read_decimal, read_int
from drugcontrol.core.countries import country_by_code
from drugcontrol.core.errors import Conflict, ValidationFailed
from drugcontrol.core.permissions import require
from drugcontrol.precursors import form_d
from drugcontrol.precursors.form_d_sources import form_d_figures, scheduled_substance_ids
from drugcontrol.precursors.models import (
    ANNUAL_REPORT_RECORD_TYPE,
    FIRST_REPORT_YEAR,
    AnnualReport,
    AnnualReportRow,
    AnnualReportSubmission,
    FormDSection,
    FormDUnit,
    RowOrigin,
    StopReason,
    TradeDirection,
)
from drugcontrol.precursors.permissions import REPORT_KEEP
from drugcontrol.precursors.services.base import step_change
from drugcontrol.precursors.workflow import REPORTS
from drugcontrol.substances.models import Substance, SurveillanceChemical

MAX_ROWS = 1000  # entries in one report
MAX_COUNT = 1_000_000  # seizures or cases in one entry
TEXT_LIMITS = {"chemical_name": 300, "reference": 300, "text": 5000, "remarks": 2000}
# The columns a row holds besides its section (what `RowInput` carries and edits compare).
ROW_FIELDS = (
    "substance_id",
    "surveillance_chemical_id",
    "chemical_name",
    "is_preparation",
    "quantity",
    "unit",
    "count",
    "country_id",
    "other_country_id",
    "direction",
    "reason",
    "reference",
    "text",
    "remarks",
)
# What each section must hold: a list of (fields, message) where one of the fields is needed.
REQUIRED = {
    FormDSection.SCHEDULED_SEIZURES: [(("substance_id",), gettext_lazy("Choose the substance."))],
    FormDSection.OTHER_SEIZURES: [
        (("chemical_name", "surveillance_chemical_id"), gettext_lazy("Name the chemical."))
    ],
    FormDSection.METHODS: [(("text",), gettext_lazy("Describe the method."))],
    FormDSection.STOPPED: [
        (("substance_id", "chemical_name"), gettext_lazy("Name the substance."))
    ],
    FormDSection.TRADE: [
        (("substance_id",), gettext_lazy("Choose the substance.")),
        (("direction",), gettext_lazy("Say whether it was imported or exported.")),
        (("country_id",), gettext_lazy("Choose the partner country.")),
        (("quantity",), gettext_lazy("Give the quantity in kilograms.")),
    ],
    FormDSection.REQUIREMENTS: [
        (("substance_id",), gettext_lazy("Choose the substance.")),
        (("quantity",), gettext_lazy("Give the quantity in kilograms.")),
    ],
}


@dataclass
class RowInput:
    """One checked entry of a report, as the page's forms and the API give it."""

    section: str
    id: int | None = None
    values: dict = field(default_factory=dict)  # ROW_FIELDS -> value


def _column(name: str) -> str:
    """A row's column as the payload names it (`country`, not `country_id`)."""
    return name.removesuffix("_id") if name in ("country_id", "other_country_id") else name


def _read_row(
    raw, index: int, errors: dict, *, substances, chemicals, scheduled
) -> RowInput | None:
    path = f"rows.{index}"
    if not isinstance(raw, dict):
        errors[path] = [_("Each entry is an object.")]
        return None
    section = raw.get("section")
    if section not in FormDSection.values:
        errors[f"{path}.section"] = [_("Choose one of the sections of Form D.")]
        return None
    columns = form_d.SECTION_COLUMNS[section]
    found: dict = {}
    values: dict = {name: None if name.endswith("_id") else "" for name in ROW_FIELDS}
    values.update(is_preparation=False, quantity=None, count=None)
    row_id = read_int(raw.get("id"), f"{path}.id", found, minimum=1, maximum=2**63 - 1)
    for name in ("chemical_name", "reference", "text", "remarks"):
        if name in columns:
            text = raw.get(name)
            if text is not None and not isinstance(text, str):
                found[f"{path}.{name}"] = [_("Write text.")]
                continue
            text = (text or "").strip()
            if len(text) > TEXT_LIMITS[name]:
                found[f"{path}.{name}"] = [
                    _("At most %(count)s characters.") % {"count": TEXT_LIMITS[name]}
                ]
            values[name] = text
    if "substance" in columns:
        values["substance_id"] = read_int(
            raw.get("substance_id"), f"{path}.substance_id", found, minimum=1, maximum=2**63 - 1
        )
        if values["substance_id"] is not None and values["substance_id"] not in substances:
            found[f"{path}.substance_id"] = [_("Unknown substance.")]
        elif (
            values["substance_id"] is not None
            and section in (FormDSection.SCHEDULED_SEIZURES, FormDSection.TRADE)
            and values["substance_id"] not in scheduled
        ):
            found[f"{path}.substance_id"] = [
                _("Not in Table I or Table II: report it in section 2.")
            ]
    if "surveillance_chemical" in columns:
        chosen = read_int(
            raw.get("surveillance_chemical_id"),
            f"{path}.surveillance_chemical_id",
            found,
            minimum=1,
            maximum=2**63 - 1,
        )
        if chosen is not None and chosen not in chemicals:
            found[f"{path}.surveillance_chemical_id"] = [_("Not on the special surveillance list.")]
        values["surveillance_chemical_id"] = chosen
    if "is_preparation" in columns:
        values["is_preparation"] = raw.get("is_preparation") in (True, "true", "on", "1", 1)
    values["quantity"] = read_decimal(
        raw.get("quantity"),
        f"{path}.quantity",
        found,
        field=model_field(AnnualReportRow, "quantity"),
    )
    if section in form_d.KG_ONLY:
        values["unit"] = FormDUnit.KG
    else:
        unit = raw.get("unit") or ""
        if unit not in ("", *FormDUnit.values) or (values["quantity"] is not None and not unit):
            found[f"{path}.unit"] = [_("Give kilograms (kg) or litres (l).")]
        values["unit"] = unit if unit in FormDUnit.values else ""
    if "count" in columns:
        values["count"] = read_int(
            raw.get("count"), f"{path}.count", found, minimum=0, maximum=MAX_COUNT
        )
    for name in ("country", "other_country"):
        if name in columns and raw.get(name):
            code = raw.get(name)
            country = country_by_code(code.strip().upper()) if isinstance(code, str) else None
            if country is None:
                found[f"{path}.{name}"] = [_("Unknown country code.")]
            else:
                values[f"{name}_id"] = country.iso3
    for name, choices in (("direction", TradeDirection), ("reason", StopReason)):
        if name in columns:
            value = raw.get(name) or ""
            if value not in ("", *choices.values):
                found[f"{path}.{name}"] = [_("Not one of the choices.")]
            values[name] = value if value in choices.values else ""
    for fields, message in REQUIRED[section]:
        if all(values.get(name) in (None, "") for name in fields):
            found.setdefault(f"{path}.{_column(fields[0])}", [str(message)])
    errors.update(found)
    return None if found else RowInput(section=section, id=row_id, values=values)


def validate_report_rows(raw_rows) -> list[RowInput]:
    """A report's entries as typed (page or API), checked: each problem is named by its
    entry and field (`rows.3.quantity`); nothing is returned unless every entry is good."""
    if not isinstance(raw_rows, list):
        raise ValidationFailed({"rows": [_("Give the entries as a list.")]})
    if len(raw_rows) > MAX_ROWS:
        raise ValidationFailed(
            {"rows": [_("A report holds at most %(count)s entries.") % {"count": MAX_ROWS}]}
        )
    wanted = {
        row.get("substance_id")
        for row in raw_rows
        if isinstance(row, dict) and isinstance(row.get("substance_id"), int | str)
    }
    ids = {int(value) for value in wanted if str(value).isdigit() and len(str(value)) < 19}
    substances = set(Substance.objects.filter(pk__in=ids).values_list("pk", flat=True))
    chemicals = set(SurveillanceChemical.objects.values_list("pk", flat=True))
    scheduled = scheduled_substance_ids()
    errors: dict = {}
    rows = [
        _read_row(
            raw, index, errors, substances=substances, chemicals=chemicals, scheduled=scheduled
        )
        for index, raw in enumerate(raw_rows)
    ]
    if errors:
        raise ValidationFailed(errors, message=_("Some entries are not valid."))
    return rows


def _step(action: str, report: AnnualReport, *, actor, expected_version):
    """A row of Form D's table taken on the locked report (`services.base.step_change`)."""
    return step_change(
        action, report, actor=actor, expected_version=expected_version, workflow=REPORTS
    )


def report_url(report: AnnualReport) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("precursors:annual_report", args=[report.pk])


def _counts(report: AnnualReport) -> dict:
    rows = list(report.rows.values_list("section", "origin"))
    return {
        "rows": len(rows),
        "manual": sum(1 for _section, origin in rows if origin == RowOrigin.MANUAL),
    }


def _write_generated(report: AnnualReport, actor) -> None:
    """Replace the generated rows with what is on file now; rows someone added or edited
    stay, and a generated row whose key an edited row holds, or whose entry was removed by
    hand (`removed_keys`), is not generated again."""
    figures = form_d_figures(user=actor, country=report.country_id, year=report.year)
    report.rows.filter(origin=RowOrigin.GENERATED).delete()
    manual = list(report.rows.order_by("position", "pk"))
    held = {row.key for row in manual if row.key} | set(report.removed_keys or [])
    order = {section: index for index, section in enumerate(form_d.SECTIONS)}
    figures.sort(key=lambda figure: order[figure["section"]])
    rows = [
        AnnualReportRow(report=report, origin=RowOrigin.GENERATED, position=index, **figure)
        for index, figure in enumerate(f for f in figures if f["key"] not in held)
    ]
    check_instances(rows, "rows")
    AnnualReportRow.objects.bulk_create(rows)
    for offset, row in enumerate(manual, start=len(rows)):
        row.position = offset
    AnnualReportRow.objects.bulk_update(manual, ["position"])
    report.generated_at = timezone.now()


def annual_report_generate(*, actor, year, country: str | None = None) -> AnnualReport:
    """Draft the country's Form D for a calendar year from what is on file (the actor's
    country unless named). A report already on file for that year is a 409 naming it."""
    code = (country or getattr(actor, "country_id", None) or "").strip().upper()
    require(actor, REPORT_KEEP.name, code or None)
    errors: dict = {}
    checked = read_int(
        year, "year", errors, minimum=FIRST_REPORT_YEAR, maximum=timezone.localdate().year
    )
    if checked is None and "year" not in errors:
        errors["year"] = [_("Give the year the report is for.")]
    if country_by_code(code) is None:
        errors["country"] = [_("Unknown country code.")]
    if errors:
        raise ValidationFailed(errors)
    existing = AnnualReport.objects.filter(country_id=code, year=checked).first()
    if existing is not None:
        raise Conflict(
            _("A Form D for this country and year is already on file."),
            details={"id": existing.pk},
        )
    try:
        with transaction.atomic():
            report = AnnualReport.objects.create(country_id=code, year=checked, created_by=actor)
            _write_generated(report, actor)
            report.save(update_fields=["generated_at"])
            record_event(
                actor=actor,
                action="precursors.annual_report_generated",
                obj=report,
                after={"country": code, "year": checked, **_counts(report)},
            )
    except IntegrityError:  # another officer generated it at the same moment
        raise Conflict(_("A Form D for this country and year is already on file.")) from None
    return report


@REPORTS.implements("regenerate")
def annual_report_regenerate(
    *, actor, report: AnnualReport, expected_version, restore_removed: bool = False
) -> AnnualReport:
    """Generate the draft again from what is on file now; entries added or corrected by
    hand are kept, and generated entries removed by hand stay removed unless
    `restore_removed`."""
    REPORTS.require_step(actor, report, "regenerate")
    with _step("regenerate", report, actor=actor, expected_version=expected_version) as (
        change,
        _row,
        _now,
    ):
        current = change.record
        restored = len(current.removed_keys or []) if restore_removed else 0
        if restore_removed:
            current.removed_keys = []
            current.save(update_fields=["removed_keys"])
        _write_generated(current, actor)
        change.after = {**_counts(current), "restored": restored}
    return change.record


def _differs(row: AnnualReportRow, values: dict) -> bool:
    for name in ROW_FIELDS:
        current, new = getattr(row, name), values[name]
        if isinstance(current, decimal.Decimal) and new is not None:
            if current != decimal.Decimal(new):
                return True
        elif (current or None) != (new or None):
            return True
    return False


@REPORTS.implements("edit")
def annual_report_update(
    *, actor, report: AnnualReport, rows: list[RowInput], expected_version
) -> AnnualReport:
    """Replace the report's entries with `rows` (checked by `validate_report_rows`): an
    entry with the `id` of one on file changes it (a generated entry changed by hand
    becomes manual), one without adds a manual entry, and entries left out are removed."""
    REPORTS.require_step(actor, report, "edit")
    with _step("edit", report, actor=actor, expected_version=expected_version) as (
        change,
        _row,
        _now,
    ):
        current = change.record
        existing = {row.pk: row for row in current.rows.all()}
        unknown = {
            f"rows.{index}.id": [_("This entry is not in the report (any more).")]
            for index, item in enumerate(rows)
            if item.id is not None and item.id not in existing
        }
        if unknown:
            raise ValidationFailed(unknown)
        before = _counts(current)
        changed, added, edited = [], [], 0
        for index, item in enumerate(rows):
            row = existing.pop(item.id) if item.id is not None else None
            if row is None:
                row = AnnualReportRow(report=current, section=item.section, origin=RowOrigin.MANUAL)
                added.append(row)
            elif _differs(row, item.values) or row.section != item.section:
                if row.origin == RowOrigin.GENERATED:
                    row.origin = RowOrigin.MANUAL
                    edited += 1
                changed.append(row)
            else:
                changed.append(row)
            row.section, row.position = item.section, index
            for name, value in item.values.items():
                setattr(row, name, value)
        check_instances([*changed, *added], "rows")
        removed_keys = [row.key for row in existing.values() if row.key]
        if removed_keys:
            current.removed_keys = list(
                dict.fromkeys([*(current.removed_keys or []), *removed_keys])
            )
            current.save(update_fields=["removed_keys"])
        AnnualReportRow.objects.filter(pk__in=list(existing)).delete()
        AnnualReportRow.objects.bulk_update(changed, ["section", "position", "origin", *ROW_FIELDS])
        AnnualReportRow.objects.bulk_create(added)
        change.before = before
        change.after = {
            **_counts(current),
            "added": len(added),
            "removed": len(existing),
            "edited_generated": edited,
        }
    return change.record


def _alert(report: AnnualReport, *, event: str, message_key: str, params: dict, actor) -> None:
    alerts_raise(
        record_kind=ANNUAL_REPORT_RECORD_TYPE,
        event=event,
        country_codes=[report.country_id],
        message_key=message_key,
        params={"year": report.year, **params},
        record_id=report.pk,
        url=report_url(report),
        sender_organisation=actor.organisation,
    )


@REPORTS.implements("submit")
def annual_report_submit(*, actor, report: AnnualReport, expected_version) -> AnnualReport:
    """Send the report to the secretariat; what was sent is kept as a numbered version."""
    REPORTS.require_step(actor, report, "submit")
    with _step("submit", report, actor=actor, expected_version=expected_version) as (
        change,
        step,
        now,
    ):
        current = change.record
        number = current.submissions.count() + 1
        rows = current.rows.select_related("substance", "surveillance_chemical").order_by(
            "position", "pk"
        )
        AnnualReportSubmission.objects.create(
            report=current,
            number=number,
            rows=[form_d.row_values(row) for row in rows],
            submitted_at=now,
            submitted_by=actor,
        )
        current.status = step.target
        current.submitted_at, current.submitted_by = now, actor
        current.decided_at, current.decided_by = None, None
        (event,) = step.alerts
        _alert(
            current,
            event=event,
            message_key="precursors.annual_report_submitted",
            params={"country": current.country_id},
            actor=actor,
        )
        change.after = {"status": step.target, "submission": number, **_counts(current)}
    return change.record


@REPORTS.implements("accept", "return", argument="decision")
def annual_report_decide(
    *, actor, report: AnnualReport, decision: str, comment: str = "", expected_version
) -> AnnualReport:
    """The secretariat accepts the submitted report (it is then locked) or returns it with
    a comment, for the country to correct and submit again."""
    REPORTS.require_step(actor, report, "accept", "return")
    if decision not in ("accept", "return"):
        raise ValidationFailed({"decision": [_("Accept or return the report.")]})
    comment = (comment or "").strip() if isinstance(comment, str) else ""
    if decision == "return" and not comment:
        raise ValidationFailed({"comment": [_("Say what the country should correct.")]})
    if len(comment) > 5000:
        raise ValidationFailed({"comment": [_("At most %(count)s characters.") % {"count": 5000}]})
    with _step(decision, report, actor=actor, expected_version=expected_version) as (
        change,
        step,
        now,
    ):
        current = change.record
        current.status = step.target
        current.decided_at, current.decided_by = now, actor
        current.return_comment = comment if decision == "return" else ""
        current.submissions.filter(number=current.submissions.count()).update(
            decision=step.target, decided_at=now, decided_by=actor, comment=comment
        )
        (event,) = step.alerts
        _alert(
            current,
            event=event,
            message_key="precursors.annual_report_accepted"
            if decision == "accept"
            else "precursors.annual_report_returned",
            params={"comment": comment[:500]} if decision == "return" else {},
            actor=actor,
        )
        change.after = {"status": step.target, "comment": comment[:500]}
    return change.record
