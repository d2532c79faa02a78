"""Form D's layout, declared once: its sections in the form's order, the columns each section
uses with their headings, a row's values as they are kept in a submitted version, and the
two exports (XLSX laid out like the form, CSV with one line per entry). Reads nothing from
the database but country names; the pages, the API and the services share it."""

import csv
import datetime
import decimal
import io
from collections.abc import Iterable

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drugcontrol.core.countries import country_by_code
from drugcontrol.precursors.models import (
    AnnualReportStatus,
    FormDSection,
    FormDUnit,
    RowOrigin,
    StopReason,
    TradeDirection,
)

Section = FormDSection
PART_ONE = (
    Section.SCHEDULED_SEIZURES,
    Section.OTHER_SEIZURES,
    Section.METHODS,
    Section.STOPPED,
)
PART_TWO = (Section.TRADE, Section.REQUIREMENTS)
SECTIONS = (*PART_ONE, *PART_TWO)
NUMBER = {section: index for index, section in enumerate(SECTIONS, start=1)}
# Governments furnish Form D for a calendar year to the Board by 30 June of the next year
# (the date on the form and in the Board's annual requests).
DUE_MONTH, DUE_DAY = 6, 30


def due_date(year: int) -> datetime.date:
    """When the report for `year` is due at the secretariat: 30 June of the next year."""
    return datetime.date(year + 1, DUE_MONTH, DUE_DAY)


# The columns of each section, in the form's order.
SECTION_COLUMNS: dict[str, tuple[str, ...]] = {
    Section.SCHEDULED_SEIZURES: ("substance", "quantity", "unit", "count", "country", "remarks"),
    Section.OTHER_SEIZURES: (
        "chemical_name",
        "surveillance_chemical",
        "quantity",
        "unit",
        "count",
        "country",
        "remarks",
    ),
    Section.METHODS: ("text", "count", "reference", "remarks"),
    Section.STOPPED: (
        "substance",
        "chemical_name",
        "quantity",
        "unit",
        "country",
        "other_country",
        "reason",
        "reference",
        "remarks",
    ),
    Section.TRADE: ("substance", "direction", "country", "quantity", "remarks"),
    Section.REQUIREMENTS: ("substance", "is_preparation", "quantity", "remarks"),
}
# Sections whose quantities are in kilograms only (the unit is not asked).
KG_ONLY = (Section.TRADE, Section.REQUIREMENTS)

HEADINGS = {
    "substance": gettext_lazy("Substance"),
    "chemical_name": gettext_lazy("Chemical name"),
    "surveillance_chemical": gettext_lazy("On the special surveillance list as"),
    "is_preparation": gettext_lazy("Substance or preparations"),
    "quantity": gettext_lazy("Quantity"),
    "unit": gettext_lazy("Unit"),
    "count": gettext_lazy("Number of seizures"),
    "country": gettext_lazy("Country of origin or source"),
    "other_country": gettext_lazy("Importing country"),
    "direction": gettext_lazy("Import or export"),
    "reason": gettext_lazy("Reason"),
    "reference": gettext_lazy("References"),
    "text": gettext_lazy("Method"),
    "remarks": gettext_lazy("Remarks"),
}
SECTION_HEADINGS = {
    (Section.METHODS, "count"): gettext_lazy("Number of cases"),
    (Section.METHODS, "reference"): gettext_lazy("Incident references"),
    (Section.STOPPED, "country"): gettext_lazy("Exporting country"),
    (Section.STOPPED, "reference"): gettext_lazy("Notification or incident reference"),
    (Section.TRADE, "country"): gettext_lazy("Partner country"),
    (Section.TRADE, "quantity"): gettext_lazy("Quantity (kg)"),
    (Section.REQUIREMENTS, "quantity"): gettext_lazy("Annual requirement (kg)"),
}
CHOICES = {"unit": FormDUnit, "direction": TradeDirection, "reason": StopReason}


def heading(section: str, column: str) -> str:
    return str(SECTION_HEADINGS.get((section, column), HEADINGS[column]))


def section_title(section: str) -> str:
    return f"{NUMBER[section]}. {Section(section).label}"


def row_values(row) -> dict:
    """A row as a submitted version keeps it (JSON): codes and ids, with the names shown."""
    substance = row.substance
    chemical = row.surveillance_chemical
    return {
        "section": row.section,
        "origin": row.origin,
        "key": row.key,
        "substance_id": row.substance_id,
        "substance_en": substance.name_en if substance else "",
        "substance_zh": substance.name_zh if substance else "",
        "surveillance_chemical_id": row.surveillance_chemical_id,
        "surveillance_chemical": chemical.name if chemical else "",
        "chemical_name": row.chemical_name,
        "is_preparation": row.is_preparation,
        "quantity": None if row.quantity is None else str(row.quantity),
        "unit": row.unit,
        "count": row.count,
        "country": row.country_id or "",
        "other_country": row.other_country_id or "",
        "direction": row.direction,
        "reason": row.reason,
        "reference": row.reference,
        "text": row.text,
        "remarks": row.remarks,
    }


def shown(values: dict, column: str) -> str:
    """A cell as the reader reads it, in the active language."""
    value = values.get(column)
    if column == "substance":
        chinese = (translation.get_language() or "").startswith("zh")
        return (values.get("substance_zh") if chinese else "") or values.get("substance_en") or ""
    if column in ("country", "other_country"):
        country = country_by_code(value) if value else None
        return str(country.name) if country is not None else (value or "")
    if column in CHOICES:
        return str(CHOICES[column](value).label) if value in CHOICES[column].values else ""
    if column == "is_preparation":
        return _("Preparations") if value else _("Substance")
    if column == "quantity":
        return "" if value in (None, "") else format(decimal.Decimal(value).normalize(), "f")
    if value is None:
        return ""
    return str(value)


def grouped(rows: Iterable[dict]) -> list[dict]:
    """The sections in the form's order, each with its title, headings and rows (cells as
    shown): what the pages and the XLSX lay out."""
    by_section: dict[str, list[dict]] = {section: [] for section in SECTIONS}
    for values in rows:
        by_section.setdefault(values["section"], []).append(values)
    return [
        {
            "section": section,
            "number": NUMBER[section],
            "title": section_title(section),
            "part": 1 if section in PART_ONE else 2,
            "columns": SECTION_COLUMNS[section],
            "headings": [heading(section, column) for column in SECTION_COLUMNS[section]],
            "numeric": [
                index
                for index, column in enumerate(SECTION_COLUMNS[section])
                if column in ("quantity", "count")
            ],
            "rows": [
                {
                    "values": values,
                    "cells": [shown(values, column) for column in SECTION_COLUMNS[section]],
                    "manual": values.get("origin") == RowOrigin.MANUAL,
                }
                for values in by_section[section]
            ],
        }
        for section in SECTIONS
    ]


def _safe(text: str) -> str:
    """Text a spreadsheet would read as a formula (=, +, -, @) is kept as text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def _cell_value(values: dict, column: str):
    if column == "quantity" and values.get("quantity") not in (None, ""):
        return decimal.Decimal(values["quantity"])
    if column == "count" and values.get("count") is not None:
        return values["count"]
    return _safe(shown(values, column))


def title() -> str:
    return _(
        "Form D: annual information on substances frequently used in the illicit "
        "manufacture of narcotic drugs and psychotropic substances"
    )


def _status_label(status: str) -> str:
    return str(AnnualReportStatus(status).label) if status in AnnualReportStatus.values else status


def export_xlsx(*, country: str, year: int, status: str, rows: Iterable[dict], note="") -> bytes:
    """The report laid out like the form: its title, country, year and status, then each
    part and section with its headings and entries, in the reader's language."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Form D"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
    country_obj = country_by_code(country)
    sheet.append([title()])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("Article 12, paragraph 12, of the 1988 Convention")])
    sheet.append([_("Country"), str(country_obj.name) if country_obj else country, country])
    sheet.append([_("Year"), year])
    sheet.append([_("Status"), _status_label(status)])
    if note:
        sheet.append([_("Version"), note])
    for row in sheet.iter_rows(min_row=3, max_row=sheet.max_row, max_col=1):
        row[0].font = bold
    widths: dict[int, int] = {}
    for section in grouped(rows):
        sheet.append([])
        if section["section"] == PART_ONE[0]:
            sheet.append([_("Part one: seizures and methods")])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
        elif section["section"] == PART_TWO[0]:
            sheet.append([_("Part two: licit trade, uses and requirements")])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
        sheet.append([section["title"]])
        sheet.cell(sheet.max_row, 1).font = bold
        sheet.append(section["headings"])
        for cell in sheet[sheet.max_row]:
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if not section["rows"]:
            sheet.append([_("Nothing to report.")])
        for entry in section["rows"]:
            values = [_cell_value(entry["values"], column) for column in section["columns"]]
            sheet.append(values)
            for index, (column, value) in enumerate(zip(section["columns"], values, strict=True)):
                cell = sheet.cell(sheet.max_row, index + 1)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever was typed
                if column == "quantity":
                    cell.number_format = "#,##0.000"
                widths[index] = max(widths.get(index, 10), min(len(str(value)) + 2, 60))
    for index, width in widths.items():
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CSV_COLUMNS = (
    "substance",
    "chemical_name",
    "surveillance_chemical",
    "is_preparation",
    "quantity",
    "unit",
    "count",
    "country",
    "other_country",
    "direction",
    "reason",
    "reference",
    "text",
    "remarks",
)


def export_csv(*, country: str, year: int, rows: Iterable[dict]) -> str:
    """One line per entry, with its section; countries as ISO alpha-3 codes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Country"),
            _("Year"),
            _("Section"),
            _("Section title"),
            _("Entered by hand"),
            *(str(HEADINGS[column]) for column in CSV_COLUMNS),
        ]
    )
    for section in grouped(rows):
        for entry in section["rows"]:
            values = entry["values"]
            cells = []
            for column in CSV_COLUMNS:
                if column in ("country", "other_country"):
                    cells.append(values.get(column) or "")
                elif column in SECTION_COLUMNS[section["section"]]:
                    cells.append(_safe(shown(values, column)))
                else:
                    cells.append("")
            writer.writerow(
                [
                    country,
                    year,
                    section["number"],
                    section["title"],
                    _("yes") if entry["manual"] else _("no"),
                    *cells,
                ]
            )
    return buffer.getvalue()
