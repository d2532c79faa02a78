"""The monitoring pages' forms: opening a country's data set for a year, and a step of its
approval. The grid of values is drawn from the definitions (views.py, `grid`), not a form
class: its cells are the data set's elements by their options."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.forms import CountryField, MarkedForm, VersionField
from drugcontrol.monitoring.choices import Livelihood
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
    area_ha = forms.CharField(
        label=_("Area covered (ha)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 12}),
    )
    households = forms.IntegerField(
        label=_("Households reached"), required=False, min_value=0, max_value=100_000_000
    )
    livelihoods = forms.MultipleChoiceField(
        label=_("Replacement crops and products"),
        required=False,
        choices=Livelihood.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    funding_usd = forms.CharField(
        label=_("Funding (US$)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 14}),
    )
    funders = forms.CharField(label=_("Funded by"), required=False, max_length=300)
    version = VersionField(required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["start_year"].choices = year_choices()
        self.fields["end_year"].choices = [
            ("", "—"),
            *((year, year) for year in range(this_year + 30, FIRST_YEAR - 1, -1)),
        ]
        self.fields["regions"].choices = [(r.code, f"{r.name} ({r.code})") for r in regions]


class ProgrammeCountryForm(forms.Form):
    """The country a new programme is recorded for (the secretariat chooses it)."""

    country = CountryField(label=_("Country"))
