"""Forms of the reference pages: invocations, reply terms, requirements, the surveillance
list, and file uploads."""

from django import forms
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.forms import CountryField, Form, RecordIdField, WholeNumberField
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


class PolicyForm(ServiceForm):
    country = country_field(_("Country"))
    reply_days = forms.IntegerField(
        label=_("Reply deadline (days)"), min_value=1, max_value=90, initial=15
    )
    explicit_clearance = forms.BooleanField(label=_("Explicit clearance required"), required=False)
    import_permit_required = forms.BooleanField(
        label=_("Our law requires an import permit"), required=False
    )
    silence_allows_shipment = forms.BooleanField(
        label=_("Our law allows shipment after the deadline without an answer"), required=False
    )
    law_enforcement_reads = forms.BooleanField(
        label=_("Our law-enforcement users read notifications"), required=False
    )


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
