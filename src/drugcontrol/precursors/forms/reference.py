"""Forms of the reference pages: invocations, reply terms, requirements, the surveillance
list, and file uploads."""

from django import forms
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.forms import (
    CountryField,
    Form,
    RecordIdField,
    VersionField,
    WholeNumberField,
)
from drugcontrol.precursors.forms.base import (
    ServiceForm,
    country_field,
    substance_input,
)
from drugcontrol.precursors.models import InvocationScope, RequirementForm


class PageFormChoice(Form):
    """Which of a page's forms was posted (its hidden `form` field)."""

    form = forms.CharField(required=False, max_length=20)


class InvocationForm(ServiceForm):
    country = country_field(_("Country"))
    scope = forms.ChoiceField(label=_("Scope"), choices=InvocationScope.choices)
    substance = forms.CharField(
        label=_("Substance"),
        max_length=200,
        required=False,
        widget=substance_input(),
    )
    since = forms.DateField(
        label=_("In force since"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    requested_on = forms.DateField(
        label=_("Date of the request"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    notes = forms.CharField(label=_("Notes"), max_length=10_000, required=False)


class InvocationRemoveForm(ServiceForm):
    """Withdraws an invocation (its own country is the one it is about)."""

    id = RecordIdField(label=_("Invocation"))


class TermsCountryForm(Form):
    """Whose reply terms the page's form shows (`?terms=`): the secretariat chooses any
    country; an authority keeps its own."""

    terms = CountryField(required=False, label=_("Country"))


class PolicyForm(ServiceForm):
    """A country's reply terms and settings, drawn with what is on file for it
    (`policy_initial`). Each setting also posts the value the page showed
    (`show_hidden_initial`), so saving changes only what the reader changed (`changes`), and
    `version` is the version read (0: none on file yet), so a concurrent edit is a 409
    rather than overwritten."""

    # Chosen above the form (`TermsCountryForm`); posted back as drawn.
    country = CountryField(required=False, widget=forms.HiddenInput)
    version = VersionField(label=_("Version"), required=False)
    reply_days = forms.IntegerField(
        label=_("Reply deadline (days)"), min_value=1, max_value=90, show_hidden_initial=True
    )
    explicit_clearance = forms.BooleanField(
        label=_("Explicit clearance required"), required=False, show_hidden_initial=True
    )
    import_permit_required = forms.BooleanField(
        label=_("The country's law requires an import permit"),
        required=False,
        show_hidden_initial=True,
    )
    silence_allows_shipment = forms.BooleanField(
        label=_("The country's law allows shipment after the deadline without an answer"),
        required=False,
        show_hidden_initial=True,
    )
    law_enforcement_reads = forms.BooleanField(
        label=_("The country's law-enforcement users read notifications"),
        required=False,
        show_hidden_initial=True,
    )
    SETTINGS = (
        "reply_days",
        "explicit_clearance",
        "import_permit_required",
        "silence_allows_shipment",
        "law_enforcement_reads",
    )

    def changes(self) -> dict:
        """The settings the reader changed from what the page showed."""
        changed = set(self.changed_data)
        return {name: self.cleaned_data[name] for name in self.SETTINGS if name in changed}


def policy_initial(policy) -> dict:
    """The policy form's values for a country's terms (`selectors.country_terms`: an unsaved
    row of the defaults where none is on file, read as version 0)."""
    return {
        "country": policy.country_id,
        "version": 0 if policy._state.adding else policy.version,
        **{name: getattr(policy, name) for name in PolicyForm.SETTINGS},
    }


class RequirementSetForm(ServiceForm):
    country = country_field(_("Country"))
    substance = forms.CharField(
        label=_("Substance"),
        max_length=200,
        widget=substance_input(),
    )
    form = forms.ChoiceField(label=_("Form"), choices=RequirementForm.choices, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    quantity_kg = forms.CharField(
        label=_("Quantity (kg)"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
    )

    def clean_form(self):
        return self.cleaned_data["form"] or RequirementForm.SUBSTANCE


class InvocationFilterForm(Form):
    """The invocations list's filter: a country from the list."""

    country = CountryField(label=_("Country"), required=False, blank=_("Any"))

    def __init__(self, data=None):
        super().__init__(data, auto_id="filter-%s")


class RequirementFilterForm(Form):
    """The requirements list's filter: a country from the list, a substance from the
    registry's suggestions, a year."""

    country = CountryField(label=_("Country"), required=False, blank=_("Any"))
    substance = forms.CharField(
        label=_("Substance"), max_length=200, required=False, widget=substance_input()
    )
    year = WholeNumberField(label=_("Year"), required=False, min_value=1990, max_value=2100)

    def __init__(self, data=None):
        super().__init__(data, auto_id="filter-%s")


class UploadForm(ServiceForm):
    file = forms.FileField(label=_("File"))


class SurveillanceUploadForm(UploadForm):
    edition = forms.CharField(label=_("Edition"), max_length=50)
    field_order = ["edition", "file"]
