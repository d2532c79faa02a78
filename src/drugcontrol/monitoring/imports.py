"""Importing national monitoring values from a file: the plain template (CSV or XLSX, one
row per cell) or SDMX-CSV (as exported, the format told by the header), read through
`core.tabular`.

All or nothing across the whole file: every row is checked first (country, year, data
set, element, options, value, comment, a cell given twice, a data set the importer may not
enter or that is submitted, accepted or published), every problem named by its row and
the file's column; only a file without problems is applied, through the services
(`values_set_many`: every country, year and data set it holds opened and written in one
transaction and a few statements, the rows checked here not checked again). A row whose
value is empty changes nothing."""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from drugcontrol.core import tabular
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.imports import stored_report
from drugcontrol.core.messages import gettext as _
from drugcontrol.core.messages import ngettext, render
from drugcontrol.core.models import Country
from drugcontrol.core.permissions import can
from drugcontrol.monitoring.choices import EDITABLE, Status
from drugcontrol.monitoring.exchange.cells import definitions
from drugcontrol.monitoring.exchange.plain import HELPER_COLUMNS, KEY_COLUMNS, VALUE_COLUMNS
from drugcontrol.monitoring.exchange.structure import NOT_APPLICABLE, STRUCTURE_ID, dimension_of
from drugcontrol.monitoring.models import DataSet, Submission
from drugcontrol.monitoring.permissions import DATA_ENTER
from drugcontrol.monitoring.services import ValueInput
from drugcontrol.monitoring.services.data import (
    Batch,
    check_value,
    dataset_definitions,
    values_set_many,
    year_problem,
)

IMPORT_KIND = "monitoring.values"
MAX_ROWS = tabular.MAX_ROWS
PLAIN, SDMX = "plain", "sdmx-csv"
PLAIN_REQUIRED = {"country", "year", "dataset", "element", "value"}
# SDMX-CSV 2.0 (STRUCTURE, STRUCTURE_ID, ACTION) or 1.0 (DATAFLOW) before the components.
SDMX_REQUIRED = {"data_element", "ref_area", "time_period", "obs_value"}
SDMX_ACTIONS = {"", "I", "A", "R", "M"}  # information, append, replace, merge: set the value


@dataclass
class Line:
    """One data row as the services read it, with the file's name of each field."""

    number: int
    country: str
    year: str
    dataset: str | None
    element: str
    options: dict
    value: str
    comment: str
    columns: dict = field(default_factory=dict)  # service field -> the file's column

    def column(self, name: str) -> str:
        return self.columns.get(name, name)


class FileProblems(ValidationFailed):
    """A refused file: `problems` holds (row, column, message) in the order found."""

    def __init__(self, problems: list[tuple[int, str, str]]):
        details: dict = {}
        for row, column, message in problems:
            details.setdefault(tabular.where(row), {}).setdefault(column, []).append(message)
        super().__init__(details, message=_("The file has errors; nothing was imported."))
        self.problems = problems


def file_format(columns: list[str]) -> str:
    """SDMX-CSV when the header has the SDMX columns, the plain template otherwise."""
    names = set(columns)
    if names >= SDMX_REQUIRED and names & {"structure_id", "dataflow"}:
        return SDMX
    return PLAIN


PLAIN_FIXED = frozenset({*KEY_COLUMNS, *HELPER_COLUMNS, *VALUE_COLUMNS})


def _plain_line(row, option_columns: list[str]) -> Line:
    """A row of the plain template; `option_columns`: the file's columns of categories."""
    options = {c: row[c] for c in option_columns if row[c]}
    return Line(
        row.number,
        row["country"],
        row["year"],
        row["dataset"],
        row["element"],
        options,
        row["value"],
        row.get("comment", ""),
    )


SDMX_FIXED = {
    "structure",
    "structure_id",
    "action",
    "dataflow",
    "data_element",
    "ref_area",
    "time_period",
    "obs_value",
    "obs_status",
    "comment",
}


def _sdmx_line(row, columns: list[str], problems: list) -> Line:
    """A row of SDMX-CSV; its own columns checked here (the dataflow, the action)."""
    flow = row.get("structure_id") or row.get("dataflow") or ""
    column = "STRUCTURE_ID" if "structure_id" in columns else "DATAFLOW"
    if flow != STRUCTURE_ID:
        problems.append(
            (
                row.number,
                column,
                _("Not this system's dataflow: %(flow)s (expected %(expected)s).")
                % {"flow": flow[:80], "expected": STRUCTURE_ID},
            )
        )
    if "structure" in columns and row.get("structure", "").lower() not in ("", "dataflow"):
        problems.append((row.number, "STRUCTURE", _("Give the dataflow (dataflow).")))
    if row.get("action", "").upper() not in SDMX_ACTIONS:
        problems.append(
            (
                row.number,
                "ACTION",
                _("Only values are imported (action I); remove values on the form."),
            )
        )
    options, names = {}, {}
    for name in columns:
        if name in SDMX_FIXED:
            continue
        category = name.lower()
        names[category] = dimension_of(category)
        if row.get(name) and row[name] != NOT_APPLICABLE:
            options[category] = row[name]
    return Line(
        row.number,
        row["ref_area"],
        row["time_period"],
        None,
        row["data_element"],
        options,
        row["obs_value"],
        row.get("comment", ""),
        {
            "country": "REF_AREA",
            "year": "TIME_PERIOD",
            "element": "DATA_ELEMENT",
            "value": "OBS_VALUE",
            "comment": "COMMENT",
            **names,
        },
    )


YEAR = re.compile(r"[0-9]{4}")
PROGRESS_ROWS = 500  # rows checked between two reports to the job (each one a write)


def read_lines(name: str, content: bytes) -> tuple[str, list[Line], list]:
    """(format, lines, problems of the SDMX columns) of a file."""
    table = tabular.read_table(name, content, max_rows=MAX_ROWS)
    kind = file_format(table.columns)
    problems: list = []
    if kind == SDMX:
        lines = [_sdmx_line(row, table.columns, problems) for row in table.rows]
    else:
        missing = sorted(PLAIN_REQUIRED - set(table.columns))
        if missing:
            raise ValidationFailed(
                {tabular.FILE: [_("Missing columns: %(c)s") % {"c": ", ".join(missing)}]}
            )
        option_columns = [c for c in table.columns if c not in PLAIN_FIXED]
        lines = [_plain_line(row, option_columns) for row in table.rows]
    return kind, lines, problems


def _check(actor, lines: list[Line], problems: list, progress) -> tuple[dict, dict]:
    """Every row checked, once: returns ({(country, year, dataset): [(line, Checked)]},
    the definitions of each data set met, by code)."""
    defs = definitions()
    countries = set(Country.objects.values_list("iso3", flat=True))
    datasets = {d.code: d for d in DataSet.objects.all()}
    checked_against: dict[str, tuple] = {}
    groups: dict[tuple, list] = defaultdict(list)
    seen: dict[tuple, int] = {}
    years: dict[str, tuple] = {}  # the year as written -> (year, problem), found once
    dataset_of: dict[str, str | None] = {}  # SDMX-CSV: an element's data set, found once
    for index, line in enumerate(lines):
        if index % PROGRESS_ROWS == 0:
            progress(index, len(lines))
        found = []
        country = line.country.strip().upper()
        if country not in countries:
            found.append(("country", _("Unknown country code.")))
        if line.year not in years:
            year = int(line.year) if YEAR.fullmatch(line.year.strip()) else None
            problem = year_problem(year) if year is not None else _("Give the year as four digits.")
            years[line.year] = (year, problem)
        year, problem = years[line.year]
        if problem:
            found.append(("year", problem))
        if line.dataset is not None:
            code = line.dataset
        else:
            if line.element not in dataset_of:
                dataset_of[line.element] = defs.dataset_of(line.element)
            code = dataset_of[line.element]
        dataset = datasets.get(code or "")
        if dataset is None:
            if line.dataset is not None:
                found.append(("dataset", _("Unknown data set: %(code)s.") % {"code": code[:40]}))
            else:
                found.append(
                    (
                        "element",
                        _("Unknown data element: %(code)s.") % {"code": line.element[:40]},
                    )
                )
        else:
            if dataset.code not in checked_against:
                checked_against[dataset.code] = dataset_definitions(dataset)
            item = ValueInput(
                element=line.element,
                options=line.options,
                value=line.value or None,
                comment=line.comment,
                row=str(line.number),
            )
            result, by_field = check_value(
                item, *checked_against[dataset.code], country if country in countries else None
            )
            found.extend(by_field.items())
            if result is not None and not found:
                cell = (country, year, dataset.code, result.element.code, result.key)
                if cell in seen:
                    found.append(
                        ("element", _("The same cell as row %(row)s.") % {"row": seen[cell]})
                    )
                else:
                    seen[cell] = line.number
                    groups[(country, year, dataset)].append((line, result))
        problems.extend((line.number, line.column(name), message) for name, message in found)
    progress(len(lines), len(lines))
    _check_groups(actor, groups, problems)
    return groups, checked_against


def _check_groups(actor, groups: dict, problems: list) -> None:
    """Each country, year and data set of the file: the importer may enter it, and it is
    open to changes (a draft or returned)."""
    if not groups:
        return
    existing = {
        (s.country_id, s.year, s.dataset_id): s
        for s in Submission.objects.filter(
            country_id__in={c for c, _y, _d in groups}, year__in={y for _c, y, _d in groups}
        )
    }
    for (country, year, dataset), members in groups.items():
        submission = existing.get((country, year, dataset.pk))
        if not can(actor, DATA_ENTER.name, submission or Submission(country_id=country)):
            column, message = (
                "country",
                _("You may not enter the data of %(country)s.") % {"country": country},
            )
        elif submission is not None and submission.status not in EDITABLE:
            column = "year"
            message = _(
                "The data of %(year)s is %(status)s: reopen it, with a reason, to change it."
            ) % {"year": year, "status": Status(submission.status).label}
        else:
            continue
        problems.extend((line.number, line.column(column), message) for line, _value in members)


def _capped(problems: list) -> list:
    """The problems in row order, at most tabular.MAX_REPORTED rows named one by one."""
    problems = sorted(problems, key=lambda p: p[0])
    rows = sorted({row for row, _c, _m in problems})
    if len(rows) <= tabular.MAX_REPORTED:
        return problems
    last = rows[tabular.MAX_REPORTED - 1]
    more = len(rows) - tabular.MAX_REPORTED
    shown = [p for p in problems if p[0] <= last]
    note = ngettext(
        "%(count)s more row has problems.", "%(count)s more rows have problems.", more
    ) % {"count": more}
    return [*shown, (0, "", note)]


def _service_problems(error: ValidationFailed, lines: dict) -> list:
    """A service's refusal (`3.value`, `status`) as the file's rows and columns."""
    found = []
    for key, messages in error.details.items():
        row, _dot, name = str(key).partition(".")
        line = lines.get(int(row)) if row.isdigit() else None
        for message in messages if isinstance(messages, list) else [messages]:
            if line is None:
                found.append((0, str(key), message))
            else:
                found.append((line.number, line.column(name), message))
    return found


def values_import(*, actor, name: str, content: bytes, progress=None, dry_run=False) -> dict:
    """Check every row of the file, then apply them all in one transaction, or nothing.
    Returns {"format", "rows", "new", "changed", "unchanged", "removed", "datasets"}."""
    progress = progress or (lambda checked, total, state="checking": None)
    kind, lines, problems = read_lines(name, content)
    groups, _definitions = _check(actor, lines, problems, progress)
    if problems:
        raise FileProblems(_capped(problems))
    progress(len(lines), len(lines), "saving")
    batches, unchanged = [], 0
    for (country, year, dataset), members in groups.items():
        given = [(line, value) for line, value in members if value.value is not None]
        unchanged += len(members) - len(given)  # an empty value changes nothing
        if given:
            batches.append(
                Batch(
                    country,
                    dataset,
                    year,
                    [value for _line, value in given],
                    [str(line.number) for line, _value in given],
                )
            )
    counts = {"new": 0, "changed": 0, "unchanged": 0, "removed": 0}
    if batches:
        try:
            counts = values_set_many(actor=actor, batches=batches, source="import", dry_run=dry_run)
        except ValidationFailed as error:  # changed since the check (a submission)
            by_number = {line.number: line for line in lines}
            raise FileProblems(_service_problems(error, by_number)) from None
    counts["unchanged"] += unchanged
    return {"format": kind, "rows": len(lines), "datasets": len(groups), **counts}


def values_summary(result: dict) -> str:
    return _("%(rows)s rows: %(new)s new values, %(changed)s changed, %(unchanged)s unchanged.") % {
        name: result.get(name, 0) for name in ("rows", "new", "changed", "unchanged")
    }


def import_errors(error: ValidationFailed) -> list[dict]:
    """A refused file as the command line prints it and the API answers it: [{"row" (0:
    the whole file), "column" (as the file names it), "message" (in the active
    language)}]."""
    problems = getattr(error, "problems", None)
    if problems is not None:
        return [
            {"row": row, "column": column, "message": str(message)}
            for row, column, message in problems
        ]
    found = []
    for problem in stored_report(error):
        where = problem["where"]
        row = where.get("params", {}).get("number", 0) if isinstance(where, dict) else 0
        found.append(
            {
                "row": row if isinstance(row, int) else 0,
                "column": problem["column"],
                "message": render(problem["message"]),
            }
        )
    return found
