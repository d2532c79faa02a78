"""Values: a country's data set for a year is opened by its data providers, its cells set one
by one as the form saves them, or many at once (an import, the form's whole grid): all or
nothing, every problem named by row and column. Every change is kept as a revision."""

from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from drugcontrol.core.audit import Event, record_event, record_events
from drugcontrol.core.bounds import check_instances, check_rows, text_problem
from drugcontrol.core.countries import country_by_code
from drugcontrol.core.errors import Conflict, PermissionDenied, ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.core.models import Country
from drugcontrol.core.permissions import can, require
from drugcontrol.monitoring.choices import EDITABLE, Status
from drugcontrol.monitoring.expressions import disaggregation_key
from drugcontrol.monitoring.models import (
    CategoryOption,
    DataElement,
    DataSet,
    DataValue,
    Submission,
    ValueRevision,
)
from drugcontrol.monitoring.validation import read_value

FIRST_YEAR = 1990
MAX_COMMENT = 2000


def year_problem(year) -> str | None:
    if isinstance(year, bool) or not isinstance(year, int):
        return _("Give the year as four digits.")
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        return _("A year from %(first)s to this year.") % {"first": FIRST_YEAR}
    return None


def submission_open(*, actor, country: str, dataset: DataSet, year) -> Submission:
    """The country's data set for the year, opened as a draft on first use by its data
    providers (officers of its authorities)."""
    problems = {}
    found = country_by_code(country) if isinstance(country, str) and len(country) <= 3 else None
    if found is None:
        problems["country"] = [_("Unknown country code.")]
    if problem := year_problem(year):
        problems["year"] = [problem]
    if problems:
        raise ValidationFailed(problems)
    existing = Submission.objects.filter(country=found, dataset=dataset, year=year).first()
    if existing is not None:
        if not can(actor, "monitoring.data_enter", existing):
            raise PermissionDenied(_("Officers of the country's authorities enter its data."))
        return existing
    stub = Submission(country=found, dataset=dataset, year=year)
    require(actor, "monitoring.data_enter", stub)
    with transaction.atomic():
        submission, created = Submission.objects.get_or_create(
            country=found, dataset=dataset, year=year
        )
        if created:
            record_event(
                actor=actor,
                action="monitoring.submission_opened",
                obj=submission,
                after={"country": found.iso3, "dataset": dataset.code, "year": year},
            )
    return submission


@dataclass
class ValueInput:
    """One value as a form, a file or the API gives it; `row` names it in errors."""

    element: str
    options: dict = field(default_factory=dict)
    value: object = None  # None or "" removes the cell
    comment: str = ""
    row: str = ""


@dataclass
class Checked:
    element: DataElement
    key: str
    value: object
    comment: str


def dataset_definitions(dataset: DataSet) -> tuple[dict, dict]:
    """({element code: element with its category codes}, {category: {option code: the
    country it belongs to, None for every country}})."""
    elements = {
        element.code: element
        for element in DataElement.objects.filter(datasetelement__dataset=dataset)
        .prefetch_related("elementcategory_set__category")
        .distinct()
    }
    options: dict[str, dict] = {}
    for category, option, country in CategoryOption.objects.values_list(
        "category__code", "code", "country_id"
    ):
        options.setdefault(category, {})[option] = country
    return elements, options


def element_category_codes(element: DataElement) -> list[str]:
    """The element's category codes in order, read once per element object (a file checks
    thousands of rows against the same few elements)."""
    codes = element.__dict__.get("_category_codes")
    if codes is None:
        codes = element.__dict__["_category_codes"] = [
            link.category.code for link in element.elementcategory_set.all()
        ]
    return codes


def check_value(
    item: ValueInput, elements: dict, options: dict, country: str | None = None
) -> tuple[Checked | None, dict]:
    """The input checked against the data set's definitions: (checked, {column: message}).
    With `country` (ISO alpha-3), an option of another country (a region) is refused."""
    problems = {}
    element = elements.get(item.element) if isinstance(item.element, str) else None
    if element is None:
        return None, {
            "element": _("Not a data element of this data set: %(code)s.")
            % {"code": str(item.element)[:40]}
        }
    wanted = element_category_codes(element)
    given = item.options if isinstance(item.options, dict) else {}
    for category in wanted:
        option = given.get(category)
        if option in (None, ""):
            problems[category] = _("Choose the %(category)s.") % {"category": category}
        elif not isinstance(option, str) or option not in options.get(category, ()):
            problems[category] = _("Unknown option %(option)s.") % {"option": str(option)[:40]}
        elif country is not None and options[category].get(option) not in (None, country):
            problems[category] = _("%(option)s is not a region of %(country)s.") % {
                "option": option,
                "country": country,
            }
    for category in given:
        if category not in wanted:
            problems[str(category)[:40]] = _("%(element)s is not broken down by %(category)s.") % {
                "element": element.code,
                "category": str(category)[:40],
            }
    value = None
    if item.value not in (None, ""):
        value, problem = read_value(element, item.value)
        if problem:
            problems["value"] = problem
    comment = item.comment if isinstance(item.comment, str) else ""
    if not isinstance(item.comment, str | type(None)):
        problems["comment"] = _("Give this as text.")
    elif len(comment) > MAX_COMMENT:
        problems["comment"] = _("At most %(limit)s characters.") % {"limit": MAX_COMMENT}
    elif problem := text_problem(comment):
        problems["comment"] = problem
    if problems:
        return None, problems
    key = disaggregation_key({c: given[c] for c in wanted})
    return Checked(element, key, value, comment.strip()), {}


def _require_editable(actor, submission: Submission) -> None:
    require(actor, "monitoring.data_enter", submission)
    if submission.status not in EDITABLE:
        raise ValidationFailed(
            {
                "status": [
                    _("The data of %(year)s is %(status)s: reopen it, with a reason, to change it.")
                    % {"year": submission.year, "status": Status(submission.status).label}
                ]
            }
        )


def _write(actor, submission, checked: Checked, source: str, expected_version=None) -> str:
    """Apply one checked value: "new", "changed", "removed" or "unchanged"."""
    current = (
        DataValue.objects.select_for_update()
        .filter(submission=submission, element=checked.element, disaggregation=checked.key)
        .first()
    )
    if expected_version is not None and (current.version if current else 0) != expected_version:
        raise Conflict(_("Someone changed this value meanwhile: reload to see it."))
    previous = current.value if current else None
    if checked.value is None:
        if current is None:
            return "unchanged"
        current.delete()
        outcome = "removed"
    elif current is None:
        DataValue.objects.create(
            submission=submission,
            element=checked.element,
            disaggregation=checked.key,
            value=checked.value,
            comment=checked.comment,
            updated_by=actor,
        )
        outcome = "new"
    elif current.value == checked.value and current.comment == checked.comment:
        return "unchanged"
    else:
        current.value, current.comment = checked.value, checked.comment
        current.version += 1
        current.updated_by = actor
        current.save()
        outcome = "changed"
    ValueRevision.objects.create(
        submission=submission,
        element=checked.element,
        disaggregation=checked.key,
        previous=previous,
        new=checked.value,
        comment=checked.comment,
        source=source,
        actor=actor,
    )
    return outcome


VALUE_COLUMNS = (
    "submission",
    "element",
    "disaggregation",
    "value",
    "comment",
    "version",
    "updated_at",
    "updated_by",
)
REVISION_COLUMNS = (
    "submission",
    "element",
    "disaggregation",
    "previous",
    "new",
    "comment",
    "source",
    "actor",
    "at",
)
CHANGED_COLUMNS = ("value", "comment", "updated_by", "version", "updated_at")
IN_CHUNK = 500  # ids in one `IN (...)`, far below SQLite's limit of parameters


def _columns(model, names) -> list[str]:
    quote = connection.ops.quote_name
    return [quote(model._meta.get_field(name).column) for name in names]


def _insert(model, names: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert rows of one model in one statement: `COPY` on PostgreSQL, one `executemany`
    elsewhere. The rows hold what the database takes as it is (ids, text, decimals), and a
    moment prepared once by its field (`_moment`): the ORM's bulk_create would build a
    model instance per row and a statement per few hundred rows, several times slower for
    an import of thousands."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(_columns(model, names))
    with connection.cursor() as cursor:
        raw = getattr(cursor, "cursor", None)
        if connection.vendor == "postgresql" and hasattr(raw, "copy"):
            # Names from the model's own metadata, quoted; the rows go as COPY data.
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        # Names from the model's own metadata, quoted; the values are parameters.
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608
        cursor.executemany(sql, rows)


def _update(model, names: tuple[str, ...], rows: list[tuple]) -> None:
    """Update rows of one model by id with one `executemany`: each row holds the values of
    `names`, then the id."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{column} = %s" for column in _columns(model, names))
    key = _columns(model, ("id",))[0]
    with connection.cursor() as cursor:
        # Names from the model's own metadata, quoted; the values are parameters.
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {key} = %s", rows)  # noqa: S608


def _moment(model, name: str, moment):
    """A moment as the model's field writes it (text on SQLite, as it is on PostgreSQL)."""
    return model._meta.get_field(name).get_db_prep_save(moment, connection)


def _stored_values(submission_ids: list[int]) -> dict:
    """{(submission, element, key): (id, value, comment, version)} of the submissions, read
    in one query per IN_CHUNK submissions."""
    stored = {}
    for start in range(0, len(submission_ids), IN_CHUNK):
        chunk = submission_ids[start : start + IN_CHUNK]
        for pk, submission, element, key, value, comment, version in DataValue.objects.filter(
            submission_id__in=chunk
        ).values_list(
            "pk", "submission_id", "element_id", "disaggregation", "value", "comment", "version"
        ):
            stored[(submission, element, key)] = (pk, value, comment, version)
    return stored


def _write_many(
    actor, batches: list[tuple[Submission, list[Checked]]], source: str, fresh=frozenset()
) -> list[dict]:
    """Apply the checked values of one or more submissions (their rows locked by the
    caller; `fresh`: the ids of those just opened, which hold no values yet) in a few
    statements whatever their number: the stored values of all of them read at once, the
    new values and every revision inserted with one statement each, the changed values
    updated with one. Returns {"new", "changed", "removed", "unchanged"} of each."""
    stored = _stored_values([s.pk for s, _values in batches if s.pk not in fresh])
    actor_id = getattr(actor, "pk", None)
    now = timezone.now()
    value_at, revision_at = _moment(DataValue, "updated_at", now), _moment(ValueRevision, "at", now)
    new, changed, removed, revisions, results = [], [], [], [], []
    for submission, values in batches:
        counts = {"new": 0, "changed": 0, "removed": 0, "unchanged": 0}
        for item in values:
            element = item.element.pk
            found = stored.get((submission.pk, element, item.key))
            previous = found[1] if found is not None else None
            if item.value is None:
                if found is None:
                    counts["unchanged"] += 1
                    continue
                removed.append(found[0])
                counts["removed"] += 1
            elif found is None:
                new.append(
                    (
                        submission.pk,
                        element,
                        item.key,
                        item.value,
                        item.comment,
                        1,
                        value_at,
                        actor_id,
                    )
                )
                counts["new"] += 1
            elif found[1] == item.value and found[2] == item.comment:
                counts["unchanged"] += 1
                continue
            else:
                changed.append(
                    (item.value, item.comment, actor_id, found[3] + 1, value_at, found[0])
                )
                counts["changed"] += 1
            revisions.append(
                (
                    submission.pk,
                    element,
                    item.key,
                    previous,
                    item.value,
                    item.comment,
                    source,
                    actor_id,
                    revision_at,
                )
            )
        results.append(counts)
    # The last check before the rows are written (core.bounds); the revisions repeat the
    # values' own text and numbers, so checking the values suffices.
    check_rows(DataValue, VALUE_COLUMNS, new, "values")
    check_rows(DataValue, CHANGED_COLUMNS, [row[:-1] for row in changed], "values")
    _insert(DataValue, VALUE_COLUMNS, new)
    _update(DataValue, CHANGED_COLUMNS, changed)
    for start in range(0, len(removed), IN_CHUNK):
        DataValue.objects.filter(pk__in=removed[start : start + IN_CHUNK]).delete()
    _insert(ValueRevision, REVISION_COLUMNS, revisions)
    return results


def value_set(
    *, actor, submission: Submission, item: ValueInput, expected_version=None, source="form"
) -> DataValue | None:
    """Set (or, with no value, remove) one cell; returns it (None once removed)."""
    _require_editable(actor, submission)
    elements, options = dataset_definitions(submission.dataset)
    checked, problems = check_value(item, elements, options, submission.country_id)
    if problems:
        raise ValidationFailed({name: [message] for name, message in problems.items()})
    with transaction.atomic():
        Submission.objects.select_for_update().filter(pk=submission.pk).first()
        submission.refresh_from_db()
        _require_editable(actor, submission)
        outcome = _write(actor, submission, checked, source, expected_version)
        if outcome != "unchanged":
            record_event(
                actor=actor,
                action="monitoring.value_set",
                obj=submission,
                after={
                    "element": checked.element.code,
                    "disaggregation": checked.key,
                    "value": None if checked.value is None else str(checked.value),
                    "outcome": outcome,
                },
            )
    return DataValue.objects.filter(
        submission=submission, element=checked.element, disaggregation=checked.key
    ).first()


def values_set(
    *,
    actor,
    submission: Submission,
    items: list[ValueInput],
    source="import",
    dry_run=False,
    definitions: tuple[dict, dict] | None = None,
) -> dict:
    """Many cells of one data set at once, all or nothing: every problem of every item named
    by its row and column; returns {"rows", "new", "changed", "removed", "unchanged"}.
    `definitions`: the data set's ({element code: element}, {category: options}) when the
    caller has read them already (an import of many data sets)."""
    _require_editable(actor, submission)
    elements, options = definitions or dataset_definitions(submission.dataset)
    checked, problems, seen = [], {}, {}
    for index, item in enumerate(items):
        where = item.row or str(index + 1)
        result, found = check_value(item, elements, options, submission.country_id)
        for column, message in found.items():
            problems[f"{where}.{column}"] = [message]
        if result is not None:
            cell = (result.element.code, result.key)
            if cell in seen:
                problems[f"{where}.element"] = [
                    _("The same cell as row %(row)s.") % {"row": seen[cell]}
                ]
            seen[cell] = where
            checked.append(result)
    if problems:
        raise ValidationFailed(problems)
    counts = {"rows": len(items), "new": 0, "changed": 0, "removed": 0, "unchanged": 0}
    with transaction.atomic():
        Submission.objects.select_for_update().filter(pk=submission.pk).first()
        submission.refresh_from_db()
        _require_editable(actor, submission)
        counts.update(_write_many(actor, [(submission, checked)], source)[0])
        if dry_run:
            transaction.set_rollback(True)
            return counts
        if counts["new"] or counts["changed"] or counts["removed"]:
            record_event(
                actor=actor,
                action="monitoring.values_set",
                obj=submission,
                after={"source": source, **counts},
            )
    return counts


@dataclass
class Batch:
    """The checked values (`check_value`) of one country's data set for a year, as a file
    brings them; `rows` names each value in errors (the file's row)."""

    country: str
    dataset: DataSet
    year: int
    values: list[Checked]
    rows: list[str]


def _refuse_rows(batch: Batch, column: str, message) -> dict:
    return {f"{row}.{column}": [message] for row in batch.rows}


def _locked_submissions(batches: list[Batch]) -> dict:
    """{(country, dataset id, year): submission} of the batches that exist, locked."""
    found = Submission.objects.select_for_update().filter(
        country_id__in={b.country for b in batches},
        dataset_id__in={b.dataset.pk for b in batches},
        year__in={b.year for b in batches},
    )
    return {(s.country_id, s.dataset_id, s.year): s for s in found}


def _open_missing(actor, batches: list[Batch]) -> tuple[list[Submission], list[Submission]]:
    existing = _locked_submissions(batches)
    problems: dict = {}
    missing = []
    for batch in batches:
        submission = existing.get((batch.country, batch.dataset.pk, batch.year))
        if submission is None:
            submission = Submission(
                country_id=batch.country, dataset=batch.dataset, year=batch.year
            )
            missing.append(submission)
        require(actor, "monitoring.data_enter", submission)
        if submission.status not in EDITABLE:
            problems.update(
                _refuse_rows(
                    batch,
                    "year",
                    _("The data of %(year)s is %(status)s: reopen it, with a reason, to change it.")
                    % {"year": submission.year, "status": Status(submission.status).label},
                )
            )
    if problems:
        raise ValidationFailed(problems)
    check_instances(missing, "submissions")
    Submission.objects.bulk_create(missing)
    opened = {(s.country_id, s.dataset_id, s.year): s for s in missing}
    keys = ((b.country, b.dataset.pk, b.year) for b in batches)
    return [opened.get(key) or existing[key] for key in keys], missing


def _open_many(actor, batches: list[Batch]) -> tuple[list[Submission], list[Submission]]:
    """The batches' submissions (locked) in their order, those missing opened as drafts in
    one statement: (submissions, the ones opened). Refused as `submission_open` and
    `values_set` refuse: a country the actor may not enter (403), a data set submitted,
    accepted or published (each of its rows named at its year)."""
    try:
        with transaction.atomic():
            return _open_missing(actor, batches)
    except IntegrityError:
        # Another writer opened one of them meanwhile (PostgreSQL; SQLite's writers take
        # turns): read them again. A second clash is answered as any clash (409).
        return _open_missing(actor, batches)


def values_set_many(
    *, actor, batches: list[Batch], source: str = "import", dry_run: bool = False
) -> dict:
    """The values of many countries' data sets and years at once (a file), all or nothing
    in one transaction and a few statements whatever their number: each data set opened as
    a draft on first use, each refused unless the actor may enter its country's data and
    it is a draft or returned, the values written as `values_set` writes them (a revision
    per change). One event per data set opened (`monitoring.submission_opened`) and per
    data set changed (`monitoring.values_set`), recorded together. The values come checked
    by `check_value` (the importer checks each row once and names every problem by its
    row); the country and year are checked here. Returns {"new", "changed", "removed",
    "unchanged"}."""
    problems: dict = {}
    known = set(
        Country.objects.filter(iso3__in={b.country for b in batches}).values_list("iso3", flat=True)
    )
    for batch in batches:
        if batch.country not in known:
            problems.update(_refuse_rows(batch, "country", _("Unknown country code.")))
        if problem := year_problem(batch.year):
            problems.update(_refuse_rows(batch, "year", problem))
    if problems:
        raise ValidationFailed(problems)
    counts = {"new": 0, "changed": 0, "removed": 0, "unchanged": 0}
    with transaction.atomic():
        submissions, opened = _open_many(actor, batches)
        results = _write_many(
            actor,
            [(s, b.values) for s, b in zip(submissions, batches, strict=True)],
            source,
            fresh={s.pk for s in opened},
        )
        events = [
            Event(
                "monitoring.submission_opened",
                s,
                after={"country": s.country_id, "dataset": s.dataset.code, "year": s.year},
            )
            for s in opened
        ]
        for submission, result in zip(submissions, results, strict=True):
            for name in counts:
                counts[name] += result[name]
            if result["new"] or result["changed"] or result["removed"]:
                rows = {"rows": sum(result.values()), **result}
                events.append(
                    Event("monitoring.values_set", submission, after={"source": source, **rows})
                )
        record_events(actor=actor, events=events)
        if dry_run:
            transaction.set_rollback(True)
    return counts
