"""National monitoring: the definitions (categories and their options, data elements, data
sets, validation rules, indicators, targets), loaded from `data/monitoring/` and kept by the
secretariat, and the data: one submission a country, data set and year, its values by
disaggregation, every revision of each value, and the comments of its approval."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from drugcontrol.monitoring.choices import (
    Importance,
    Livelihood,
    Operator,
    Section,
    Status,
    Unit,
    ValueType,
)


class Named(models.Model):
    """A definition with a code and its names in both languages of the interface."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the reader's language."""
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en


class Category(Named):
    """A dimension values are broken down by: drug, sex, age group, period of use..."""

    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]


class CategoryOption(models.Model):
    """An option of a category. A sub-national region (a first-level administrative division,
    coded by ISO 3166-2) is an option of one country only: `country` names it, and only that
    country's data sets offer it."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(_("code"), max_length=40)
    country = models.ForeignKey(
        "core.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="monitoring_option_code")
        ]

    name = Named.name

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name, with the code for a region (two regions of a country may share a
        name, as Vientiane prefecture and province do)."""
        return f"{self.name} ({self.code})" if self.country_id else self.name


class DataElement(Named):
    """One figure a country reports, with the dimensions it is broken down by."""

    description_en = models.TextField(_("description (English)"), max_length=2000, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), max_length=2000, blank=True)
    section = models.CharField(_("section"), max_length=10, choices=Section.choices)
    value_type = models.CharField(_("value type"), max_length=10, choices=ValueType.choices)
    unit = models.CharField(_("unit"), max_length=15, choices=Unit.choices)
    minimum = models.DecimalField(
        _("smallest value"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    maximum = models.DecimalField(
        _("largest value"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    categories = models.ManyToManyField(
        Category, through="ElementCategory", related_name="elements", blank=True
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    @property
    def description(self) -> str:
        if (get_language() or "").startswith("zh"):
            return self.description_zh
        return self.description_en


class ElementCategory(models.Model):
    element = models.ForeignKey(DataElement, on_delete=models.CASCADE)
    category = models.ForeignKey(Category, on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["element", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["element", "category"], name="monitoring_element_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.element_id}: {self.category_id}"


class DataSet(Named):
    """A form: the elements a country reports together for a year."""

    description_en = models.TextField(_("description (English)"), max_length=2000, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), max_length=2000, blank=True)
    elements = models.ManyToManyField(DataElement, through="DataSetElement", related_name="+")

    class Meta:
        ordering = ["code"]


class DataSetElement(models.Model):
    dataset = models.ForeignKey(DataSet, on_delete=models.CASCADE)
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["dataset", "order"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "element"], name="monitoring_set_element")
        ]

    def __str__(self) -> str:
        return f"{self.dataset_id}: {self.element_id}"


class ValidationRule(Named):
    """left operator right, over the values of one country and year (see expressions.py); an
    error blocks submission, a warning needs a comment on the value."""

    left = models.CharField(_("left side"), max_length=500)
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices)
    right = models.CharField(_("right side"), max_length=500)
    importance = models.CharField(_("importance"), max_length=10, choices=Importance.choices)

    class Meta:
        ordering = ["code"]


class Indicator(Named):
    """numerator / denominator x factor, over a country's values for a year."""

    numerator = models.CharField(_("numerator"), max_length=500)
    denominator = models.CharField(_("denominator"), max_length=500, blank=True)
    factor = models.DecimalField(_("factor"), max_digits=12, decimal_places=4, default=1)
    # A category to give the indicator for each option of (seizures per drug); "" for one
    # figure a country and year.
    breakdown = models.CharField(_("broken down by"), max_length=40, blank=True)
    # What countries are weighted by in a regional or world figure ("": the population aged
    # 15-64 the country reported).
    weight = models.CharField(_("weight in aggregates"), max_length=500, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=60, blank=True)
    unit_zh = models.CharField(_("unit (Chinese)"), max_length=60, blank=True)
    decimals = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["code"]


class Target(Named):
    """A change of an indicator from a baseline year to a target year (for example -50 % of
    HIV among people who inject drugs from 2010 to 2015)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    target_year = models.PositiveSmallIntegerField(_("target year"))
    change_percent = models.DecimalField(_("change (%)"), max_digits=7, decimal_places=2)
    source = models.TextField(_("source"), max_length=2000, blank=True)

    class Meta:
        ordering = ["code"]


class Submission(models.Model):
    """A country's data set for one year and where it stands in the approval."""

    country = models.ForeignKey(
        "core.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    dataset = models.ForeignKey(
        DataSet, verbose_name=_("data set"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "country_id", "dataset_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "dataset", "year"], name="monitoring_submission_once"
            )
        ]
        indexes = [models.Index(fields=["status", "year"])]

    def __str__(self) -> str:
        return f"{self.country_id} {self.year} {self.dataset.code}"


class DataValue(models.Model):
    """One cell: an element for one combination of its categories' options, `disaggregation`
    written `category=option;...` in the order of the category codes ("" when the element has
    no categories)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+")
    disaggregation = models.CharField(_("disaggregation"), max_length=300, blank=True)
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=6)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["element_id", "disaggregation"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "element", "disaggregation"], name="monitoring_value_once"
            )
        ]
        indexes = [models.Index(fields=["element", "disaggregation"])]

    def __str__(self) -> str:
        return f"{self.element_id} {self.disaggregation}: {self.value}"


class ValueRevision(models.Model):
    """Every change of a value (and its removal: `new` None), kept for good."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+")
    disaggregation = models.CharField(max_length=300, blank=True)
    previous = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    new = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    comment = models.TextField(max_length=2000, blank=True)
    source = models.CharField(max_length=10)  # form, import, api
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["submission", "element", "disaggregation"])]

    def __str__(self) -> str:
        return f"{self.element_id} {self.disaggregation}: {self.previous} -> {self.new}"


class SubmissionComment(models.Model):
    """What was said in the approval: a return's reasons, a reopening's reason, a note."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="comments")
    action = models.CharField(max_length=20)  # the workflow action it came with
    text = models.TextField(_("comment"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.action}"


class DevelopmentProgramme(models.Model):
    """An alternative development programme: where it works (first-level regions of its
    country), for how long, for how many households, what it helps people grow or make
    instead of illicit crops, and its funding. Its regions are what cultivation inside
    programme areas is compared by."""

    country = models.ForeignKey(
        "core.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    summary = models.TextField(_("summary"), max_length=4000, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    area_ha = models.DecimalField(
        _("area covered (ha)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    households = models.PositiveIntegerField(_("households reached"), null=True, blank=True)
    livelihoods = models.JSONField(_("replacement crops and products"), default=list, blank=True)
    funding_usd = models.DecimalField(
        _("funding (US$)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    funders = models.CharField(_("funded by"), max_length=300, blank=True)
    regions = models.ManyToManyField(
        CategoryOption, verbose_name=_("regions"), related_name="programmes", blank=True
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["country_id", "-start_year", "name"]
        indexes = [models.Index(fields=["country", "start_year"])]

    def __str__(self) -> str:
        return self.name

    def runs_in(self, year: int) -> bool:
        return self.start_year <= year and (self.end_year is None or year <= self.end_year)

    def livelihood_names(self) -> list[str]:
        names = dict(Livelihood.choices)
        return [str(names.get(code, code)) for code in self.livelihoods]
