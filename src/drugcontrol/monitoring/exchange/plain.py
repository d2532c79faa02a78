"""The plain template: one row per cell, `country, year, dataset, element`, the element's
names in both languages (helper columns, not read back), one column per category of the
data set's elements (blank where the element has no such category), `value, comment`."""

import csv
import decimal
import io

from openpyxl import Workbook

from drugcontrol.core import tabular
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.monitoring.exchange.cells import Cell, Definitions, number

KEY_COLUMNS = ["country", "year", "dataset", "element"]
# A workbook takes about twenty times as long to write as CSV (50,000 rows: about 3 s
# against 0.15 s on the benchmark machine), and the request waits for it: beyond the rows an
# import reads back (core.tabular), it is refused, and CSV or a narrower choice offered.
MAX_XLSX_ROWS = tabular.MAX_ROWS
HELPER_COLUMNS = ["element_name_en", "element_name_zh"]
VALUE_COLUMNS = ["value", "comment"]


def columns(categories: list[str]) -> list[str]:
    return [*KEY_COLUMNS, *HELPER_COLUMNS, *categories, *VALUE_COLUMNS]


def _rows(cells: list[Cell], defs: Definitions, categories: list[str]):
    for cell in cells:
        element = defs.elements.get(cell.element)
        yield [
            cell.country,
            cell.year,
            cell.dataset,
            cell.element,
            element.name_en if element else "",
            element.name_zh if element else "",
            *(cell.options.get(category, "") for category in categories),
            number(cell.value),
            cell.comment,
        ]


def plain_csv(cells: list[Cell], defs: Definitions, categories: list[str]) -> bytes:
    """UTF-8 with a byte order mark, so a spreadsheet opens the Chinese names as such."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns(categories))
    writer.writerows(_rows(cells, defs, categories))
    return buffer.getvalue().encode("utf-8-sig")


def _spreadsheet_number(text: str):
    if not text:
        return None
    shown = repr(float(text))
    if "e" in shown or decimal.Decimal(shown) != decimal.Decimal(text):
        return text
    return int(float(text)) if float(text).is_integer() else float(text)


def plain_xlsx(cells: list[Cell], defs: Definitions, categories: list[str]) -> bytes:
    """The same rows as a workbook of one sheet. A value is a number cell when a
    spreadsheet's number holds it exactly and reads back without an exponent; otherwise
    text, so that it keeps every digit it was stored with. Refused beyond MAX_XLSX_ROWS
    rows (on `format`)."""
    if problem := xlsx_problem(len(cells)):
        raise ValidationFailed({"format": [problem]})
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("values")
    header = columns(categories)
    sheet.append(header)
    at = header.index("value")
    for row in _rows(cells, defs, categories):
        row[at] = _spreadsheet_number(row[at])
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_problem(rows: int):
    """Why `rows` rows are not written as a workbook (None when they may be)."""
    if rows <= MAX_XLSX_ROWS:
        return None
    return _(
        "%(rows)s rows are too many for an XLSX workbook (at most %(limit)s, as many as an "
        "import reads): download CSV, or choose a data set, a country or a year."
    ) % {"rows": f"{rows:,}", "limit": f"{MAX_XLSX_ROWS:,}"}
