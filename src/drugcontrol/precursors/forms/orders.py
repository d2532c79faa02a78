"""Forms of suspicious order reports: the operator's report and the authority's review."""

from django import forms
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.forms import VersionField
from drugcontrol.precursors.forms.base import (
    ServiceForm,
    country_field,
    model_choices,
    substance_input,
)
from drugcontrol.precursors.models import SuspiciousOrder


class SuspiciousOrderForm(ServiceForm):
    received_on = forms.DateField(
        label=_("Date received"), widget=forms.DateInput(attrs={"type": "date"})
    )
    chemical = forms.CharField(
        label=_("Chemical asked for"),
        max_length=300,
        widget=substance_input(),
    )
    quantity = forms.CharField(
        label=_("Quantity"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"size": 8, "inputmode": "decimal"}),
    )
    unit = forms.ChoiceField(
        label=_("Unit"),
        choices=[("", "—"), *model_choices(SuspiciousOrder, "unit")],
        required=False,
    )
    customer_name = forms.CharField(
        label=_("Customer"), max_length=300, widget=forms.TextInput(attrs={"size": 36})
    )
    customer_country = country_field(_("Customer country"))
    reasons = forms.CharField(
        label=_("Why it is suspicious"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def raw(self) -> dict:
        return dict(self.cleaned_data)  # the customer's country as its ISO alpha-3 code


class OrderReviewForm(ServiceForm):
    version = VersionField(label=_("Version"), required=False)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("incident", _("Turn into an incident")), ("dismiss", _("Close without action"))],
    )
