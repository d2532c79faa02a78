"""The medicines pages' forms: an import authorization, the export authorization issued
against it, and the endorsement of what arrived. The services check and convert."""

from django import forms
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.forms import CountryField, DecimalTextField, MarkedForm, VersionField
from drugcontrol.medicines.models import PharmaceuticalForm, Unit


class ImportAuthorizationForm(MarkedForm):
    number = forms.CharField(label=_("Number"), max_length=40)
    exporting_country = CountryField(label=_("Exporting country"))
    substance = forms.ChoiceField(label=_("Substance"))
    preparation = forms.ChoiceField(
        label=_("Salt or preparation"),
        required=False,
        help_text=_("Counted as anhydrous base with its factor; empty: the base itself."),
    )
    pharmaceutical_form = forms.ChoiceField(
        label=_("Pharmaceutical form"), choices=PharmaceuticalForm.choices
    )
    quantity = DecimalTextField(label=_("Quantity"))
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices, initial=Unit.KG)
    importer = forms.CharField(label=_("Importer"), max_length=300)
    exporter = forms.CharField(label=_("Exporter"), max_length=300)
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    emergency = forms.BooleanField(label=_("Emergency delivery (humanitarian)"), required=False)

    def __init__(self, *args, substances=(), preparations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["substance"].choices = [(s.name_en, s.name) for s in substances]
        self.fields["preparation"].choices = [
            ("", "—"),
            *((form, f"{form} ({factor})") for form, factor in preparations),
        ]


class ExportAuthorizationForm(MarkedForm):
    number = forms.CharField(label=_("Export authorization number"), max_length=40)
    quantity_kg = DecimalTextField(
        label=_("Quantity (kg of anhydrous base)"),
        required=False,
        help_text=_("Empty: the import authorization's quantity."),
    )
    emergency = forms.BooleanField(label=_("Emergency delivery (humanitarian)"), required=False)


class EndorseForm(MarkedForm):
    received_kg = DecimalTextField(label=_("Quantity received (kg of anhydrous base)"))
    version = VersionField(required=False)


class EstimateForm(MarkedForm):
    """A country's estimate (narcotic drug) or assessment (psychotropic substance) of a year,
    in kilograms of anhydrous base; the service checks and rounds."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    substance = forms.ChoiceField(label=_("Substance"))
    consumption_kg = DecimalTextField(label=_("To be consumed (kg)"))
    manufacture_kg = DecimalTextField(
        label=_("To be used to manufacture other drugs and preparations (kg)"), required=False
    )
    stock_kg = DecimalTextField(label=_("To be added to stocks (kg)"), required=False)
    version = VersionField(required=False)

    def __init__(self, *args, years=(), substances=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in years]
        self.fields["substance"].choices = [(s.name_en, s.name) for s in substances]


class SupplementForm(MarkedForm):
    added_kg = DecimalTextField(label=_("Quantity added (kg)"))
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConfirmForm(MarkedForm):
    """The secretariat's confirmation of what it read (its version)."""

    version = VersionField(required=False)
