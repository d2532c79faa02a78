"""Every read of the monitoring app, through one visibility rule per record kind.

Definitions are read by every signed-in user. A submission and all that hangs on it (its
values, their revisions, its comments) are read by the country's own users and the
secretariat; once published, by every signed-in user."""

from django.db.models import F, Prefetch, Q, QuerySet

from drugcontrol.core.bounds import plain_number
from drugcontrol.core.permissions import can
from drugcontrol.core.visibility import get_visible_or_404, is_signed_in, visibility_rule, visible
from drugcontrol.monitoring.choices import Status
from drugcontrol.monitoring.expressions import Values
from drugcontrol.monitoring.models import (
    Category,
    CategoryOption,
    DataElement,
    DataSet,
    DataValue,
    DevelopmentProgramme,
    Indicator,
    Submission,
    SubmissionComment,
    Target,
    ValidationRule,
    ValueRevision,
)
from drugcontrol.monitoring.permissions import DATA_READ, DEFINITIONS_READ
from drugcontrol.monitoring.validation import Violation, violations

# --- the rules -------------------------------------------------------------------------------


def _definitions(queryset: QuerySet, user) -> QuerySet:
    return queryset if can(user, DEFINITIONS_READ.name) else queryset.none()


for _model in (Category, CategoryOption, DataElement, DataSet, ValidationRule, Indicator, Target):
    visibility_rule(_model)(_definitions)


def submission_filter(user, prefix: str = "") -> Q | None:
    """Which submissions the user reads, as a filter on `prefix` (None: none at all)."""
    if not is_signed_in(user) or not can(user, DATA_READ.name):
        return None
    if user.is_international:
        return Q()
    published = Q(**{f"{prefix}status": Status.PUBLISHED})
    if user.country_id is None:
        return published
    return published | Q(**{f"{prefix}country_id": user.country_id})


@visibility_rule(Submission)
def submissions_visible_to(queryset: QuerySet, user) -> QuerySet:
    rule = submission_filter(user)
    return queryset.none() if rule is None else queryset.filter(rule)


def _follows_submission(queryset: QuerySet, user) -> QuerySet:
    rule = submission_filter(user, "submission__")
    return queryset.none() if rule is None else queryset.filter(rule)


@visibility_rule(DevelopmentProgramme)
def programmes_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Alternative development programmes are public knowledge (their donors and the
    secretariat report them): read by every signed-in user."""
    return queryset if is_signed_in(user) and can(user, DATA_READ.name) else queryset.none()


visibility_rule(DataValue)(_follows_submission)
visibility_rule(ValueRevision)(_follows_submission)
visibility_rule(SubmissionComment)(_follows_submission)


# --- definitions -----------------------------------------------------------------------------


def category_list(user) -> QuerySet:
    return visible(Category, user).order_by("order", "code")


def category_options(user, *, country: str | None = None) -> dict[str, list[CategoryOption]]:
    """{category code: its options in order}; with `country`, without other countries'
    regions."""
    found: dict[str, list] = {}
    options = visible(CategoryOption, user).select_related("category")
    if country is not None:
        options = options.filter(Q(country__isnull=True) | Q(country_id=country))
    for option in options:
        found.setdefault(option.category.code, []).append(option)
    return found


def element_list(user, *, section: str | None = None, dataset: str | None = None) -> QuerySet:
    queryset = visible(DataElement, user).prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("elementcategory__order"))
    )
    if section:
        queryset = queryset.filter(section=section)
    if dataset:
        queryset = queryset.filter(datasetelement__dataset__code=dataset)
    return queryset.order_by("order", "code")


def element_categories() -> dict[str, list[str]]:
    """{element code: its category codes in order}: what the expressions need (definitions
    are read by every signed-in user; the system's own computations read them too)."""
    found: dict[str, list[str]] = {
        code: [] for code in DataElement.objects.values_list("code", flat=True)
    }
    rows = DataElement.categories.through.objects.order_by("element__code", "order").values_list(
        "element__code", "category__code"
    )
    for element, category in rows:
        found[element].append(category)
    return found


def option_names() -> dict[tuple[str, str], str]:
    """{(category, option): the option's name in the reader's language}."""
    return {
        (option.category.code, option.code): option.name
        for option in CategoryOption.objects.select_related("category")
    }


def dataset_list(user) -> QuerySet:
    return visible(DataSet, user).order_by("code")


def dataset_get(user, code: str) -> DataSet:
    return get_visible_or_404(DataSet, user, code=code)


def dataset_elements(user, dataset: DataSet) -> list[DataElement]:
    return list(
        element_list(user)
        .filter(datasetelement__dataset=dataset)
        .order_by("datasetelement__order", "code")
    )


def rule_list(user) -> QuerySet:
    return visible(ValidationRule, user).order_by("code")


def indicator_list(user) -> QuerySet:
    return visible(Indicator, user).order_by("code")


def target_list(user) -> QuerySet:
    return visible(Target, user).select_related("indicator").order_by("code")


# --- data ------------------------------------------------------------------------------------


def submission_list(
    user,
    *,
    country: str | None = None,
    year: int | None = None,
    status: str | None = None,
    dataset: str | None = None,
) -> QuerySet:
    queryset = visible(Submission, user).select_related("country", "dataset")
    if country:
        queryset = queryset.filter(country_id=country.upper())
    if year:
        queryset = queryset.filter(year=year)
    if status:
        queryset = queryset.filter(status=status)
    if dataset:
        queryset = queryset.filter(dataset__code=dataset)
    return queryset.order_by("-year", "country_id", "dataset__code")


def submission_get(user, submission_id: int) -> Submission:
    return get_visible_or_404(
        Submission.objects.select_related("country", "dataset"), user, pk=submission_id
    )


def value_list(
    user,
    *,
    country: str | None = None,
    year: int | None = None,
    element: str | None = None,
    status: str | None = None,
    dataset: str | None = None,
) -> QuerySet:
    queryset = visible(DataValue, user).annotate(
        country_code=F("submission__country_id"),
        year_of=F("submission__year"),
        dataset_code=F("submission__dataset__code"),
        status_of=F("submission__status"),
        element_code=F("element__code"),
    )
    if country:
        queryset = queryset.filter(submission__country_id=country.upper())
    if year:
        queryset = queryset.filter(submission__year=year)
    if element:
        queryset = queryset.filter(element__code=element)
    if status:
        queryset = queryset.filter(submission__status=status)
    if dataset:
        queryset = queryset.filter(submission__dataset__code=dataset)
    return queryset.order_by(
        "submission__country_id",
        "-submission__year",
        "element__order",
        "element__code",
        "disaggregation",
    )


def values_of(submission: Submission) -> dict[tuple[str, str], object]:
    """{(element code, disaggregation): value} of a submission the caller may read."""
    return {
        (code, key): value
        for code, key, value in DataValue.objects.filter(submission=submission).values_list(
            "element__code", "disaggregation", "value"
        )
    }


def previous_values(submission: Submission, user=None) -> dict[tuple[str, str], object]:
    """The same country's values of the year before, of any status: the country reads its own
    drafts, and the secretariat everything (the form shows them beside each cell). Given a
    reader, only a year before that reader may see (another country reading published data
    does not see the draft of the year before through it); without one, for the system's own
    checks (a submission's jumps)."""
    queryset = Submission.objects if user is None else visible(Submission, user)
    previous = queryset.filter(
        country_id=submission.country_id, dataset_id=submission.dataset_id, year=submission.year - 1
    ).first()
    return values_of(previous) if previous else {}


def comments_of(user, submission: Submission) -> QuerySet:
    return (
        visible(SubmissionComment, user)
        .filter(submission=submission)
        .select_related("author", "organisation")
    )


def revisions_of(user, submission: Submission, element: str | None = None) -> QuerySet:
    queryset = (
        visible(ValueRevision, user)
        .filter(submission=submission)
        .select_related("element", "actor")
    )
    if element:
        queryset = queryset.filter(element__code=element)
    return queryset


# --- validation --------------------------------------------------------------------------------


def validation_report(submission: Submission, user=None) -> list[Violation]:
    """The rules the submission's values break (with last year's values for the jumps, as far
    as `user`, when given, may see them: see previous_values)."""
    values = Values(current=values_of(submission), previous=previous_values(submission, user))
    return violations(ValidationRule.objects.order_by("code"), values, element_categories())


def violation_text(violation: Violation, names: dict | None = None) -> str:
    """The rule's name in the reader's language, the options it was broken for, both sides."""
    names = names if names is not None else option_names()
    where = ", ".join(names.get(pair, pair[1]) for pair in sorted(violation.binding.items()))
    sides = f"{plain_number(violation.left)} / {plain_number(violation.right)}"
    return (
        f"{violation.rule.name} ({where}: {sides})" if where else f"{violation.rule.name} ({sides})"
    )


# --- the home page -----------------------------------------------------------------------------


def home_queue(user) -> dict | None:
    """The reader's monitoring work: their country's data sets still to submit (draft or
    returned) for its data providers, the submissions awaiting a decision for the
    secretariat's officers; None when there is nothing to do."""
    from drugcontrol.core.permissions import may_sometimes

    to_fill = []
    if user.country_id and may_sometimes(user, "monitoring.data_enter"):
        to_fill = list(
            submission_list(user, country=user.country_id).filter(
                status__in=[Status.DRAFT, Status.RETURNED]
            )[:5]
        )
    to_decide = []
    if may_sometimes(user, "monitoring.data_decide"):
        to_decide = list(submission_list(user, status=Status.SUBMITTED)[:5])
    if not to_fill and not to_decide:
        return None
    return {"to_fill": to_fill, "to_decide": to_decide}


# --- alternative development ------------------------------------------------------------------


def programme_list(user, *, country: str | None = None, year: int | None = None) -> QuerySet:
    queryset = visible(DevelopmentProgramme, user).select_related("country")
    if country:
        queryset = queryset.filter(country_id=country.upper())
    if year:
        queryset = queryset.filter(start_year__lte=year).filter(
            Q(end_year__isnull=True) | Q(end_year__gte=year)
        )
    return queryset.prefetch_related("regions").order_by("country_id", "-start_year", "name")


def programme_get(user, programme_id: int) -> DevelopmentProgramme:
    return get_visible_or_404(
        DevelopmentProgramme.objects.select_related("country").prefetch_related("regions"),
        user,
        pk=programme_id,
    )


def country_regions(user, country: str) -> QuerySet:
    """The first-level regions of a country, in order."""
    return visible(CategoryOption, user).filter(category__code="region", country_id=country)
