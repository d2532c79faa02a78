"""Reading the tables people upload (CSV or XLSX) as rows of plain strings.

Every import reads through `read_table`, so every file meets the same rules (see
docs/architecture.md, "Imports"): one header row, names trimmed and case-folded; UTF-8 (with
or without BOM), UTF-16 with BOM or GB18030 text; comma, semicolon or tab separated; values
only (no formulas); at most `MAX_ROWS` rows and `MAX_CELL_CHARS` characters a cell. Every
refusal names the row and column a spreadsheet shows (the header is row 1)."""

import codecs
import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.messages import gettext as _

MAX_BYTES = 10 * 1024 * 1024  # the upload itself
MAX_ROWS = 50_000  # data rows, below the header
MAX_CELL_CHARS = 32_767  # what a spreadsheet cell holds at most
MAX_XLSX_UNPACKED = 200 * 1024 * 1024  # the workbook's files once unzipped (zip bombs)
MAX_REPORTED = 200  # problems listed before the reader stops looking
DELIMITERS = ",;\t"
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")

# The reader refuses long cells itself, with their row and column; csv's own limit (128 KB)
# would stop it with an error that names neither.
csv.field_size_limit(max(csv.field_size_limit(), 2 * MAX_BYTES))


class Row(dict):
    """One data row: column name -> text, with `number`, its row in a spreadsheet."""

    number: int = 0


@dataclass
class Table:
    columns: list[str]
    rows: list[Row] = field(default_factory=list)


def where(*numbers: int) -> str:
    """How a report names a row, or the rows of one record (as a spreadsheet numbers them:
    the header is row 1)."""
    if len(numbers) == 1:
        return _("row %(number)s") % {"number": numbers[0]}
    return _("rows %(numbers)s") % {"numbers": ", ".join(str(n) for n in numbers)}


def column_letter(index: int) -> str:
    """Spreadsheet letters of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# Where a report puts a problem of the whole file (also the upload form's field).
FILE = "file"


def _refuse(message) -> ValidationFailed:
    return ValidationFailed({FILE: [message]})


def is_xlsx(name: str) -> bool:
    return (name or "").lower().endswith((".xlsx", ".xlsm"))


def check_file(name: str, content: bytes, *, suffixes=(*TEXT_SUFFIXES, ".xlsx", ".xlsm")) -> None:
    """What can be refused without reading the rows: run before an import is queued, so a
    file that would be refused does not wait for the worker."""
    lowered = (name or "").lower()
    if lowered.endswith(".xls"):
        raise _refuse(_("Save the workbook as XLSX: the older XLS format cannot be read."))
    if not lowered.endswith(tuple(suffixes)):
        raise _refuse(
            _("Upload a file ending in %(suffixes)s.") % {"suffixes": ", ".join(suffixes)}
        )
    if not content:
        raise _refuse(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise _refuse(_("The file is larger than 10 MB."))
    if is_xlsx(name):
        _check_zip(content)


def _check_zip(content: bytes) -> None:
    """Refuse a workbook that is no zip, or unpacks to more than MAX_XLSX_UNPACKED, before
    anything is unpacked (the sizes come from the zip's directory; reading stops there too)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _refuse(_("Not a readable XLSX file.")) from error
    if unpacked > MAX_XLSX_UNPACKED:
        raise _refuse(
            _("The workbook unpacks to more than %(mb)s MB; split it into smaller files.")
            % {"mb": MAX_XLSX_UNPACKED // (1024 * 1024)}
        )


# --- text --------------------------------------------------------------------------------------


def decode_text(content: bytes) -> str:
    """The file's text: a byte order mark decides (UTF-8, UTF-16); else strict UTF-8; else
    GB18030 when the result reads as Chinese text; else a refusal naming the problem."""
    if content.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", content)]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", content)]
    else:
        candidates = [("utf-8", content)]
    for encoding, data in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            if encoding != "utf-8":
                raise _refuse(
                    _("The file starts as %(encoding)s text but is not valid %(encoding)s.")
                    % {"encoding": encoding.upper().replace("-SIG", "")}
                ) from None
            text = _gb18030(content)
        if "\x00" in text:
            raise _refuse(
                _(
                    "The file holds NUL characters: it is not a text file, or UTF-16 without "
                    "its byte order mark. Save it as CSV UTF-8."
                )
            )
        return text
    raise AssertionError("unreachable")


def _gb18030(content: bytes) -> str:
    refusal = _refuse(
        _(
            "The file is not UTF-8, UTF-16 or GB18030 text. Save it from the spreadsheet as "
            "CSV UTF-8 (or as Unicode text) and upload it again."
        )
    )
    try:
        text = content.decode("gb18030")
    except UnicodeDecodeError:
        raise refusal from None
    if not _reads_as_chinese(text):
        raise refusal
    return text


def _reads_as_chinese(text: str) -> bool:
    """GB18030 decodes most byte strings; Western text in a one-byte code page (é, ü followed
    by a letter) decodes to rare characters outside GB2312 or to control characters, while
    Chinese spreadsheets write GB2312's common characters almost only."""
    others = [c for c in text if ord(c) > 127]
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text) or not others:
        return False
    common = 0
    for character in others:
        try:
            character.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += 1
    return common >= 0.9 * len(others)


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: what the header line holds when it holds only one of them,
    else what csv.Sniffer finds among them in the first lines, else comma."""
    lines = text[:65536].splitlines()
    header = next((line for line in lines if line.strip()), "")
    present = [d for d in DELIMITERS if d in header]
    if len(present) == 1:
        return present[0]
    sample = "\n".join(lines[:50])
    try:
        found = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        found = ""
    if found in present:
        return found
    if present:
        return max(present, key=header.count)
    return ","


def _csv_records(content: bytes):
    """(row number, values) of every record of a CSV file."""
    text = decode_text(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    number = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            message = _("The row cannot be read: %(error)s") % {"error": error}
            raise ValidationFailed({where(number + 1): {"": [message]}}) from error
        number += 1
        yield number, values, {}


# --- XLSX --------------------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _xlsx_records(content: bytes):
    """(row number, values, {column index: problem}) of every row of the workbook's active
    sheet, read as stored: formulas (and error values) are refused, never read as empty."""
    from openpyxl import load_workbook

    _check_zip(content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises several kinds for a broken file
        raise _refuse(_("Not a readable XLSX file.")) from error
    try:
        sheet = book.active
        if sheet is None or not hasattr(sheet, "reset_dimensions"):
            raise _refuse(_("The workbook's first sheet is not a table."))
        # The <dimension> element can claim fewer rows than the sheet holds (some programs
        # write A1 or a stale range); without this, read-only mode stops where it says.
        sheet.reset_dimensions()
        rows = sheet.iter_rows()
        number = 0
        while True:
            try:
                cells = next(rows)
            except StopIteration:
                return
            except Exception as error:  # a broken sheet: say so, not "unexpected error"
                raise _refuse(_("Not a readable XLSX file.")) from error
            number += 1
            values, problems = [], {}
            for index, cell in enumerate(cells):
                kind = getattr(cell, "data_type", "n")
                reference = f"{column_letter(index)}{number}"
                if kind == "f":
                    problems[index] = _(
                        "%(cell)s holds a formula; save the sheet as values (copy, then paste "
                        "values only) and upload it again."
                    ) % {"cell": reference}
                    values.append("")
                elif kind == "e":
                    problems[index] = _("%(cell)s holds the error %(value)s.") % {
                        "cell": reference,
                        "value": cell.value,
                    }
                    values.append("")
                else:
                    values.append(_cell_text(cell.value))
            yield number, values, problems
    finally:
        book.close()


# --- one table ---------------------------------------------------------------------------------


def read_table(
    name: str, content: bytes, *, required=(), max_rows: int = MAX_ROWS, rows_needed=True
) -> Table:
    """The file's header and data rows (blank rows skipped, numbers kept). Refuses, with the
    row and column of each problem: duplicate or missing columns, values outside the header,
    over-long cells, formulas, more than `max_rows` rows."""
    if not content:
        raise _refuse(_("The file is empty."))
    records = _xlsx_records(content) if is_xlsx(name) else _csv_records(content)
    columns: list[str] | None = None
    table = Table(columns=[])
    report: dict[str, dict[str, list[str]]] = {}

    def problem(number: int, column: str, message: str) -> None:
        report.setdefault(where(number), {}).setdefault(column, []).append(message)

    for number, raw, cell_problems in records:
        values = [v.strip() for v in raw]
        if not any(values) and not cell_problems:
            continue  # blank rows are skipped; the numbering still counts them
        if columns is None:
            columns = _header(values, cell_problems, number)
            table.columns = [c for c in columns if c]
            continue
        if len(table.rows) >= max_rows:
            raise _refuse(
                _("The file has more than %(n)s rows; split it into smaller files.")
                % {"n": f"{max_rows:,}"}
            )
        row = Row()
        row.number = number
        for index, value in enumerate(values):
            column = columns[index] if index < len(columns) else ""
            label = column or column_letter(index)
            if index in cell_problems:
                problem(number, label, cell_problems[index])
            elif len(value) > MAX_CELL_CHARS:
                problem(
                    number,
                    label,
                    _("The cell holds %(n)s characters; at most %(max)s are read.")
                    % {"n": f"{len(value):,}", "max": f"{MAX_CELL_CHARS:,}"},
                )
            elif value and not column:
                problem(
                    number,
                    label,
                    _(
                        "A value in column %(letter)s, which has no name in the header row "
                        "(the header has %(count)s columns)."
                    )
                    % {"letter": column_letter(index), "count": len(table.columns)},
                )
            elif column:
                row[column] = value
        for column in table.columns:
            row.setdefault(column, "")
        table.rows.append(row)
        if len(report) >= MAX_REPORTED:
            break
    if report:
        raise ValidationFailed(report, message=_("The file has errors; nothing was imported."))
    if columns is None:
        raise _refuse(_("The file has no header row and no rows."))
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise _refuse(_("Missing columns: %(c)s") % {"c": ", ".join(sorted(missing))})
    if rows_needed and not table.rows:
        raise _refuse(_("The file has a header row but no rows below it."))
    return table


def _header(values: list[str], cell_problems: dict, number: int) -> list[str]:
    if cell_problems:
        index, message = next(iter(cell_problems.items()))
        raise ValidationFailed({where(number): {column_letter(index): [message]}})
    columns = [v.casefold() for v in values]
    seen: dict[str, int] = {}
    for index, column in enumerate(columns):
        if not column:
            continue
        if column in seen:
            raise _refuse(
                _("The column %(column)s appears twice in the header (columns %(a)s and %(b)s).")
                % {
                    "column": column,
                    "a": column_letter(seen[column]),
                    "b": column_letter(index),
                }
            )
        seen[column] = index
    return columns


def read_rows(name: str, content: bytes, **options) -> list[Row]:
    """The data rows of `read_table` (each with its `number`)."""
    return read_table(name, content, **options).rows


def import_report(error) -> dict[str, dict[str, list]]:
    """A failed import's problems as {where: {column: [messages]}} for the report table
    (a problem with the file as a whole has no column)."""
    return {
        where: problems if isinstance(problems, dict) else {"": problems}
        for where, problems in error.details.items()
    }
