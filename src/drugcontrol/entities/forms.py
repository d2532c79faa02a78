from django import forms
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.forms import Form
from drugcontrol.entities.models import IdentifierKind, PartyKind


class PartySearchForm(Form):
    q = forms.CharField(label=_("Name"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any")), *PartyKind.choices]
    )
    country = forms.CharField(label=_("Country (ISO alpha-3)"), required=False, max_length=3)


class MatchForm(Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PartyKind.choices)
    name = forms.CharField(label=_("Name as reported"), max_length=300)
    country = forms.CharField(label=_("Country (ISO alpha-3)"), required=False, max_length=3)


class WarningValueForm(Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[*PartyKind.choices[:3], *IdentifierKind.choices[:4]],
    )
    value = forms.CharField(label=_("Value"), max_length=300)
    reason = forms.CharField(label=_("Why it means nothing"), max_length=300, required=False)
