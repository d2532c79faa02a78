from django import forms
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.forms import Form, MarkedForm
from drugcontrol.substances.models import Instrument
from drugcontrol.substances.presentation import families_by_code, family_label
from drugcontrol.substances.selectors import today


def family_choices():
    return [("", _("Any family")), *[(code, family_label(code)) for code in families_by_code()]]


def convention_choices():
    return [("", _("Any")), *[(v, label) for v, label in Instrument.choices if v != "national"]]


class SubstanceSearchForm(Form):
    q = forms.CharField(label=_("Name, synonym, CAS number or InChIKey"), required=False)
    instrument = forms.ChoiceField(
        label=_("Convention"),
        required=False,
        choices=convention_choices,
    )
    schedule = forms.CharField(label=_("Schedule or table"), required=False, max_length=10)
    family = forms.ChoiceField(label=_("Structural family"), required=False, choices=family_choices)


class IdentifyForm(MarkedForm):
    structure = forms.CharField(
        label=_("Structure: SMILES, InChI or MOL block"),
        required=False,
        strip=False,  # a MOL block's leading blank line is part of the format
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("or a name, synonym or CAS number"), required=False)
    on = forms.DateField(
        label=_("Status on"),
        required=False,
        help_text=_("The status under the listings in force on that day (empty: today)."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = today

    def clean(self):
        data = super().clean()
        if bool(data.get("structure", "").strip()) == bool(data.get("name", "").strip()):
            raise forms.ValidationError(_("Give a structure or a name (one of the two)."))
        return data
