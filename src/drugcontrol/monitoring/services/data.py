"""Values: a country's data set for a year is opened by its data providers, its cells set one
by one as the form saves them, or many at once (an import, the form's whole grid): all or
nothing, every problem named by row and column. Every change is kept as a revision."""

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from drugcontrol.core.audit import record_event
from drugcontrol.core.bounds import check_instances, text_problem
from drugcontrol.core.countries import country_by_code
from drugcontrol.core.errors import Conflict, PermissionDenied, ValidationFailed
from drugcontrol.core.messages import gettext as _
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
    return [link.category.code for link in element.elementcategory_set.all()]


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


def _insert(rows: list, names: tuple[str, ...]) -> None:
    """Insert new rows of one model with one `executemany`, each value prepared as the ORM
    prepares it (`get_db_prep_save`): the ORM's bulk_create builds a statement of at most a
    few hundred rows at a time, several times slower for an import of thousands."""
    if not rows:
        return
    meta = rows[0]._meta
    fields = [meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    # Names from the model's own metadata, quoted; the values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    params = [
        [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _write_many(actor, submission, checked: list[Checked], source: str) -> dict:
    """Apply many checked values in a few statements (the submission's row is locked by the
    caller): {"new", "changed", "removed", "unchanged"}."""
    current = {
        (value.element_id, value.disaggregation): value
        for value in DataValue.objects.filter(submission=submission)
    }
    new, changed, removed, revisions = [], [], [], []
    unchanged = 0
    now = timezone.now()
    for item in checked:
        stored = current.get((item.element.pk, item.key))
        previous = stored.value if stored is not None else None
        if item.value is None:
            if stored is None:
                unchanged += 1
                continue
            removed.append(stored.pk)
        elif stored is None:
            new.append(
                DataValue(
                    submission=submission,
                    element=item.element,
                    disaggregation=item.key,
                    value=item.value,
                    comment=item.comment,
                    updated_by=actor,
                    updated_at=now,
                )
            )
        elif stored.value == item.value and stored.comment == item.comment:
            unchanged += 1
            continue
        else:
            stored.value, stored.comment, stored.updated_by = item.value, item.comment, actor
            stored.version += 1
            stored.updated_at = now
            changed.append(stored)
        revisions.append(
            ValueRevision(
                submission=submission,
                element=item.element,
                disaggregation=item.key,
                previous=previous,
                new=item.value,
                comment=item.comment,
                source=source,
                actor=actor,
                at=now,
            )
        )
    # The revisions repeat the values' own text and numbers: checking the values suffices.
    check_instances([*new, *changed], "values")
    _insert(
        new,
        (
            "submission",
            "element",
            "disaggregation",
            "value",
            "comment",
            "version",
            "updated_at",
            "updated_by",
        ),
    )
    DataValue.objects.bulk_update(
        changed, ["value", "comment", "updated_by", "version", "updated_at"], batch_size=1000
    )
    DataValue.objects.filter(pk__in=removed).delete()
    _insert(
        revisions,
        (
            "submission",
            "element",
            "disaggregation",
            "previous",
            "new",
            "comment",
            "source",
            "actor",
            "at",
        ),
    )
    return {
        "new": len(new),
        "changed": len(changed),
        "removed": len(removed),
        "unchanged": unchanged,
    }


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
        counts.update(_write_many(actor, submission, checked, source))
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
