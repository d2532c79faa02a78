"""Files of estimates, consumption and population (CSV or XLSX, one figure a row). Every row
is checked, every problem named by its row and column, and nothing is saved unless the whole
file is good."""

from django.db import transaction

from drugcontrol.core.errors import ServiceError, ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.core.tabular import read_rows
from drugcontrol.core.tabular import where as row_label
from drugcontrol.medicines import services, statistics

ESTIMATES = "medicines.estimates"
CONSUMPTION = "medicines.consumption"
POPULATION = "medicines.population"
MAX_ROWS = 20_000
COLUMNS = {
    ESTIMATES: ["country", "year", "substance", "consumption_kg", "manufacture_kg", "stock_kg"],
    CONSUMPTION: ["country", "year", "substance", "quantity_kg"],
    POPULATION: ["country", "year", "population", "cancer_deaths", "hiv_deaths", "source"],
}
REQUIRED = {
    ESTIMATES: ("country", "year", "substance", "consumption_kg"),
    CONSUMPTION: ("country", "year", "substance", "quantity_kg"),
    POPULATION: ("country", "year", "population"),
}
REFUSED = _("The file has errors; nothing was imported.")


def _by_row(error: ValidationFailed, rows) -> ValidationFailed:
    """A service's problems by item index, named by the file's rows instead."""
    report = {}
    for key, problems in error.details.items():
        if isinstance(key, int):
            report[row_label(rows[key].number)] = problems
        else:
            report[key] = problems
    return ValidationFailed(report, message=REFUSED)


def _statistics_import(kind: str, record_many, *, actor, name: str, content: bytes, progress):
    rows = read_rows(name, content, required=REQUIRED[kind], max_rows=MAX_ROWS)
    if progress:
        progress(0, len(rows))
    try:
        result = record_many(actor=actor, figures=[dict(row) for row in rows], name=name)
    except ValidationFailed as error:
        raise _by_row(error, rows) from None
    if progress:
        progress(len(rows), len(rows))
    return {"rows": len(rows), **result}


def consumption_import(*, actor, name: str, content: bytes, progress=None) -> dict:
    return _statistics_import(
        CONSUMPTION,
        statistics.consumption_record_many,
        actor=actor,
        name=name,
        content=content,
        progress=progress,
    )


def population_import(*, actor, name: str, content: bytes, progress=None) -> dict:
    return _statistics_import(
        POPULATION,
        statistics.population_record_many,
        actor=actor,
        name=name,
        content=content,
        progress=progress,
    )


def estimates_import(*, actor, name: str, content: bytes, progress=None) -> dict:
    """Estimates, one a row (new, or changing a submitted one), through `estimate_submit`."""
    rows = read_rows(name, content, required=REQUIRED[ESTIMATES], max_rows=MAX_ROWS)
    report: dict[str, dict] = {}
    seen: dict[tuple, int] = {}
    count = 0
    with transaction.atomic():
        for index, row in enumerate(rows):
            if progress:
                progress(index, len(rows))
            key = tuple(row.get(c, "").strip().upper() for c in ("country", "year", "substance"))
            if key in seen:
                report[row_label(row.number)] = {
                    "substance": [
                        _("The same country, year and substance as row %(row)s.")
                        % {"row": seen[key]}
                    ]
                }
                continue
            seen[key] = row.number
            try:
                services.estimate_submit(
                    actor=actor,
                    country=row.get("country", ""),
                    year=row.get("year", ""),
                    substance=row.get("substance", ""),
                    consumption_kg=row.get("consumption_kg", ""),
                    manufacture_kg=row.get("manufacture_kg") or 0,
                    stock_kg=row.get("stock_kg") or 0,
                )
                count += 1
            except ValidationFailed as error:
                report[row_label(row.number)] = {k: list(v) for k, v in error.details.items()}
            except ServiceError as error:  # not this country's authority
                report[row_label(row.number)] = {"country": [error.message]}
        if report:
            transaction.set_rollback(True)
    if report:
        raise ValidationFailed(report, message=REFUSED)
    if progress:
        progress(len(rows), len(rows))
    return {"rows": len(rows), "imported": count}


def estimates_summary(result: dict) -> str:
    return _("%(count)s estimates were imported.") % {"count": result.get("imported", 0)}


def statistics_summary(result: dict) -> str:
    return _("%(rows)s rows: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.") % {
        name: result.get(name, 0) for name in ("rows", "new", "changed", "unchanged")
    }
