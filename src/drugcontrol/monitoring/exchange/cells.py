"""The cells a file carries: one per element, year, country and combination of options,
with its value when the reader may read it."""

import decimal
import itertools
from dataclasses import dataclass, field

from django.utils import timezone

from drugcontrol.core.bounds import plain_number
from drugcontrol.core.models import Country
from drugcontrol.monitoring import selectors
from drugcontrol.monitoring.choices import Status
from drugcontrol.monitoring.expressions import parse_key
from drugcontrol.monitoring.models import (
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    ElementCategory,
)


@dataclass
class Cell:
    country: str
    year: int
    dataset: str
    element: str
    options: dict = field(default_factory=dict)  # {category code: option code}
    value: decimal.Decimal | None = None
    comment: str = ""
    status: str = ""  # the submission's, "" when there is none


@dataclass(frozen=True)
class Definitions:
    """What a file needs of the definitions, read once: the elements' names and categories,
    the categories' options in order, the data set an element is reported in."""

    elements: dict  # code -> DataElement
    categories: dict  # element code -> [category codes in the element's order]
    options: dict  # category code -> [option codes in order]
    category_order: list  # every category code, in the definitions' order
    datasets: dict  # data set code -> [element codes in the form's order]
    # (category code, option code) -> the only country that reports it (a region)
    option_country: dict = field(default_factory=dict)

    def options_for(self, category: str, country: str) -> list[str]:
        """The category's options the country reports (its own regions, not others')."""
        return [
            option
            for option in self.options.get(category, [])
            if self.option_country.get((category, option), country) == country
        ]

    def dataset_of(self, element: str) -> str | None:
        """The data set an element is reported in (the first by code when several)."""
        for code in sorted(self.datasets):
            if element in self.datasets[code]:
                return code
        return None

    def dataset_categories(self, dataset: str | None) -> list[str]:
        """The categories of a data set's elements (every category for None), in order."""
        used = (
            {c for element in self.datasets.get(dataset, ()) for c in self.categories[element]}
            if dataset
            else set(self.category_order)
        )
        return [code for code in self.category_order if code in used]


def definitions() -> Definitions:
    """Definitions are read by every signed-in user and by the system's own exports."""
    from drugcontrol.monitoring.models import Category, CategoryOption

    elements = {element.code: element for element in DataElement.objects.order_by("order", "code")}
    categories: dict[str, list[str]] = {code: [] for code in elements}
    for element, category in ElementCategory.objects.order_by("element__code", "order").values_list(
        "element__code", "category__code"
    ):
        categories[element].append(category)
    options: dict[str, list[str]] = {}
    option_country = {}
    for category, option, country in CategoryOption.objects.order_by(
        "category__order", "category__code", "order", "code"
    ).values_list("category__code", "code", "country_id"):
        options.setdefault(category, []).append(option)
        if country:
            option_country[category, option] = country
    datasets: dict[str, list[str]] = {
        code: [] for code in DataSet.objects.values_list("code", flat=True)
    }
    for dataset, element in DataSetElement.objects.order_by(
        "dataset__code", "order", "element__code"
    ).values_list("dataset__code", "element__code"):
        datasets[dataset].append(element)
    order = list(Category.objects.order_by("order", "code").values_list("code", flat=True))
    return Definitions(elements, categories, options, order, datasets, option_country)


def _readable(user, *, country=None, year=None, dataset=None):
    """Values as (country, year, dataset, element, disaggregation, value, comment, status):
    what `user` may read, or (no user) the published values, which every signed-in user
    reads."""
    if user is None:
        queryset = DataValue.objects.filter(submission__status=Status.PUBLISHED)
        if country:
            queryset = queryset.filter(submission__country_id=country.upper())
        if year:
            queryset = queryset.filter(submission__year=year)
        if dataset:
            queryset = queryset.filter(submission__dataset__code=dataset)
    else:
        queryset = selectors.value_list(user, country=country, year=year, dataset=dataset)
    return queryset.order_by(
        "submission__country_id",
        "submission__year",
        "submission__dataset__code",
        "element__order",
        "element__code",
        "disaggregation",
    ).values_list(
        "submission__country_id",
        "submission__year",
        "submission__dataset__code",
        "element__code",
        "disaggregation",
        "value",
        "comment",
        "submission__status",
    )


def export_cells(user, *, country=None, year=None, dataset=None) -> list[Cell]:
    """Every value the reader may read (None: every published value), by country, year,
    data set, element and options."""
    return [
        Cell(c, y, d, e, parse_key(key), value, comment, status)
        for c, y, d, e, key, value, comment, status in _readable(
            user, country=country, year=year, dataset=dataset
        ).iterator(chunk_size=5000)
    ]


def template_countries(user, dataset: str, year: int) -> list[str]:
    """The countries of a template when none is chosen: the reader's own; for the
    secretariat, those with the data set for that year."""
    if user.country_id:
        return [user.country_id]
    return sorted(
        {s.country_id for s in selectors.submission_list(user, year=year, dataset=dataset)}
    )


def template_cells(
    user, defs: Definitions, *, dataset: str, country: str | None = None, year: int | None = None
) -> list[Cell]:
    """One cell per element of the data set and combination of its options, for each
    country and the year, with the current value where the reader may read it."""
    year = year or timezone.localdate().year - 1
    countries = [country.upper()] if country else template_countries(user, dataset, year)
    known = set(Country.objects.filter(iso3__in=countries).values_list("iso3", flat=True))
    current = {
        (c, e, key): (value, comment, status)
        for c, _y, _d, e, key, value, comment, status in _readable(
            user, country=country, year=year, dataset=dataset
        )
    }
    cells = []
    for iso3 in (c for c in countries if c in known):
        for element in defs.datasets.get(dataset, []):
            wanted = defs.categories[element]
            for combination in itertools.product(*(defs.options_for(c, iso3) for c in wanted)):
                options = dict(zip(wanted, combination, strict=True))
                key = ";".join(f"{c}={options[c]}" for c in sorted(options))
                value, comment, status = current.get((iso3, element, key), (None, "", ""))
                cells.append(Cell(iso3, year, dataset, element, options, value, comment, status))
    return cells


def number(value) -> str:
    """A value as a file writes it: plain decimal notation, no exponent, no trailing zeros."""
    return plain_number(value)
