"""Reading the tables people upload: CSV (UTF-8) and XLSX, as rows of plain strings."""

import csv
import io

from django.utils.translation import gettext as _

from drugcontrol.core.errors import ValidationFailed


def read_rows(name: str, content: bytes) -> list[dict]:
    """Rows of a CSV (UTF-8) or XLSX file as dicts keyed by lower-case column names."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as error:  # openpyxl raises several kinds for a broken file
            raise ValidationFailed({"file": [_("Not a readable XLSX file.")]}) from error
        rows = list(sheet.iter_rows(values_only=True))
        if not rows:
            return []
        header = [str(c or "").strip().lower() for c in rows[0]]
        return [
            {
                header[i]: ("" if v is None else str(v).strip())
                for i, v in enumerate(r)
                if i < len(header)
            }
            for r in rows[1:]
            if any(v not in (None, "") for v in r)
        ]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationFailed({"file": [_("The CSV file is not UTF-8 text.")]}) from error
    reader = csv.DictReader(io.StringIO(text))
    return [
        {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        for row in reader
        if any((v or "").strip() for v in row.values())
    ]


def import_report(error) -> dict[str, dict[str, list]]:
    """A failed import's problems as {where: {column: [messages]}} for the report table
    (a problem with the file as a whole has no column)."""
    return {
        where: problems if isinstance(problems, dict) else {"": problems}
        for where, problems in error.details.items()
    }
