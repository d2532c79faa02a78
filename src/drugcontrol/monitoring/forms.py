"""The monitoring pages' forms: opening a country's data set for a year, and a step of its
approval. The grid of values is drawn from the definitions (views.py, `grid`), not a form
class: its cells are the data set's elements by their options."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.forms import CountryField, DecimalTextField, MarkedForm, VersionField
from drugcontrol.monitoring.choices import (
    Importance,
    Livelihood,
    Operator,
    Section,
    Unit,
    ValueType,
)
from drugcontrol.monitoring.services.data import FIRST_YEAR


def year_choices() -> list[tuple[int, int]]:
    this_year = timezone.localdate().year
    return [(year, year) for year in range(this_year, FIRST_YEAR - 1, -1)]


class OpenForm(MarkedForm):
    dataset = forms.ChoiceField(label=_("Data set"))
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, datasets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [(d.code, d.name) for d in datasets]
        self.fields["year"].choices = year_choices()
        self.fields["year"].initial = timezone.localdate().year - 1


class ActForm(MarkedForm):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("submit", "return", "accept", "publish", "reopen")],
        widget=forms.HiddenInput,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to return data or to reopen it: the other side reads it."),
    )
    version = VersionField(required=False)


class PivotForm(forms.Form):
    """The pivot table's filter: data elements, countries (all when none), a span of years."""

    elements = forms.MultipleChoiceField(label=_("Data elements"))
    countries = CountryField(label=_("Countries"), required=False, multiple=True)
    first_year = forms.TypedChoiceField(
        label=_("From"), coerce=int, required=False, empty_value=None
    )
    last_year = forms.TypedChoiceField(label=_("To"), coerce=int, required=False, empty_value=None)
    published_only = forms.BooleanField(label=_("Published figures only"), required=False)

    def __init__(self, *args, elements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["elements"].choices = [(e.code, e.name) for e in elements]
        years = [("", "—"), *year_choices()]
        self.fields["first_year"].choices = years
        self.fields["last_year"].choices = years

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first and last and first > last:
            self.add_error("last_year", _("The span ends before it begins."))
        return cleaned


class IndicatorMapForm(forms.Form):
    """The year and the breakdown's option an indicator's map shows, chosen among those with
    figures; anything else (absent, unknown, not a year) shows the default."""

    year = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    option = forms.ChoiceField(required=False)

    def __init__(self, *args, years=(), options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in years]
        self.fields["option"].choices = [(option, option) for option in options]

    def choice(self, name: str, default):
        """The field's valid value, else `default`."""
        if not self.is_valid() and name in self.errors:
            return default
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value


class CropChoiceForm(forms.Form):
    """The year and crop a crop page shows, chosen among those with figures; anything else
    shows the default (as `IndicatorMapForm`)."""

    year = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    crop = forms.ChoiceField(required=False)

    def __init__(self, *args, years=(), crops=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in years]
        self.fields["crop"].choices = [(crop, crop) for crop in crops]

    choice = IndicatorMapForm.choice


class ProgrammeForm(MarkedForm):
    """An alternative development programme; its regions are chosen among its country's."""

    name = forms.CharField(label=_("Name"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    start_year = forms.TypedChoiceField(label=_("First year"), coerce=int)
    end_year = forms.TypedChoiceField(
        label=_("Last year"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Leave empty while it runs."),
    )
    regions = forms.MultipleChoiceField(
        label=_("First-level regions it covers"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    area_ha = DecimalTextField(label=_("Area covered (ha)"), required=False)
    households = forms.IntegerField(
        label=_("Households reached"), required=False, min_value=0, max_value=100_000_000
    )
    livelihoods = forms.MultipleChoiceField(
        label=_("Replacement crops and products"),
        required=False,
        choices=Livelihood.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    funding_usd = DecimalTextField(label=_("Funding (US$)"), required=False, size=14)
    funders = forms.CharField(label=_("Funded by"), required=False, max_length=300)
    version = VersionField(required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        years = [(year, year) for year in range(this_year + 30, FIRST_YEAR - 1, -1)]
        self.fields["start_year"].choices = [("", "—"), *years]  # chosen, never a default
        self.fields["end_year"].choices = [("", "—"), *years]
        self.fields["regions"].choices = [(r.code, f"{r.name} ({r.code})") for r in regions]


class ProgrammeCountryForm(forms.Form):
    """The country a new programme is recorded for (the secretariat chooses it)."""

    country = CountryField(label=_("Country"))


class _DefinitionForm(MarkedForm):
    """A definition's code and names; the code is fixed once it exists."""

    code = forms.RegexField(
        label=_("Code"),
        max_length=40,
        regex=r"^[A-Za-z0-9_-]+$",
        help_text=_("Letters, digits, - and _; it cannot change later."),
    )
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    version = VersionField(required=False)

    def __init__(self, *args, existing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if existing:
            self.fields["code"].disabled = True


def _formula_field(label, required=True, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=500,
        help_text=help_text,
        widget=forms.TextInput(attrs={"size": 60, "spellcheck": "false"}),
    )


FORMULA_HELP = _(
    "Data element codes, numbers, + - * / and brackets; ELEMENT[category=option] picks an "
    "option, sum(...) adds over the options left open, previous(...) is last year's."
)


class RuleForm(_DefinitionForm):
    left = _formula_field(_("Left side"), help_text=FORMULA_HELP)
    operator = forms.ChoiceField(label=_("Operator"), choices=Operator.choices)
    right = _formula_field(_("Right side"))
    importance = forms.ChoiceField(label=_("Importance"), choices=Importance.choices)


class IndicatorForm(_DefinitionForm):
    numerator = _formula_field(_("Numerator"), help_text=FORMULA_HELP)
    denominator = _formula_field(_("Denominator"), required=False)
    factor = DecimalTextField(label=_("Factor"))
    breakdown = forms.ChoiceField(label=_("Broken down by"), required=False)
    weight = _formula_field(
        _("Weight in aggregates"),
        required=False,
        help_text=_("Empty: the population aged 15-64 the country reported."),
    )
    unit_en = forms.CharField(label=_("Unit (English)"), max_length=60, required=False)
    unit_zh = forms.CharField(label=_("Unit (Chinese)"), max_length=60, required=False)
    decimals = forms.TypedChoiceField(
        label=_("Decimals shown"), coerce=int, choices=[(n, n) for n in range(7)], initial=1
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["breakdown"].choices = [("", "—"), *((c.code, c.name) for c in categories)]


class TargetForm(_DefinitionForm):
    indicator = forms.ChoiceField(label=_("Indicator"))
    baseline_year = forms.TypedChoiceField(label=_("Baseline year"), coerce=int)
    target_year = forms.TypedChoiceField(label=_("Target year"), coerce=int)
    change_percent = DecimalTextField(label=_("Change (%)"))
    source = forms.CharField(
        label=_("Source"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(i.code, i.name) for i in indicators]
        years = [(year, year) for year in range(2100, 1989, -1)]
        self.fields["baseline_year"].choices = years
        self.fields["target_year"].choices = years


class ElementForm(_DefinitionForm):
    section = forms.ChoiceField(label=_("Section"), choices=Section.choices)
    value_type = forms.ChoiceField(label=_("Value type"), choices=ValueType.choices)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    minimum = DecimalTextField(label=_("Smallest value"), required=False)
    maximum = DecimalTextField(label=_("Largest value"), required=False)
    categories = forms.MultipleChoiceField(
        label=_("Broken down by"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Fixed once values are entered."),
    )
    dataset = forms.ChoiceField(label=_("Data set"), required=False)
    description_en = forms.CharField(
        label=_("Description (English)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description_zh = forms.CharField(
        label=_("Description (Chinese)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, categories=(), datasets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = [(c.code, c.name) for c in categories]
        self.fields["dataset"].choices = [(d.code, d.name) for d in datasets]


class DefinitionsUploadForm(MarkedForm):
    file = forms.FileField(label=_("Definitions file (JSON)"))
    dry_run = forms.BooleanField(label=_("Only check it"), required=False)


DEFINITION_FORMS = {
    "elements": ElementForm,
    "rules": RuleForm,
    "indicators": IndicatorForm,
    "targets": TargetForm,
}
