"""Forms of the NPS pages: an identification report, a toxicology case, an effect group, a
watch list entry. Choices come from lists; the services check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.forms import CountryField, MarkedForm, VersionField, WholeNumberField
from drugcontrol.nps.report_choices import (
    CaseKind,
    ConcentrationUnit,
    EffectGroup,
    Matrix,
    Outcome,
    SampleForm,
    SampleKind,
    Technique,
)

FINDING_ROWS = 4


def _blank(choices) -> list:
    return [("", "—"), *choices]


class ReportForm(MarkedForm):
    structure = forms.CharField(
        label=_("Substance: SMILES, InChI, MOL block or name"),
        max_length=20000,
        strip=False,  # a MOL block's first lines may be blank
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_(
            "Paste a SMILES, an InChI or a MOL block from a drawing program, or type the "
            "name of a substance of the registry."
        ),
    )
    reported_name = forms.CharField(
        label=_("Name as reported (street or trade name)"), max_length=300, required=False
    )
    sample_kind = forms.ChoiceField(label=_("Sample"), choices=SampleKind.choices)
    form = forms.ChoiceField(label=_("Form"), choices=SampleForm.choices)
    sampled_on = forms.DateField(
        label=_("Date of the sample"), widget=forms.DateInput(attrs={"type": "date"})
    )
    country = CountryField(label=_("Country of the sample"), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    purity = forms.CharField(
        label=_("Purity (%)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"size": 6, "inputmode": "decimal"}),
    )
    techniques = forms.MultipleChoiceField(
        label=_("Techniques used"),
        choices=Technique.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    incident_id = forms.TypedChoiceField(
        label=_("Incident (optional)"), required=False, coerce=int, empty_value=None
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, incidents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incident_id"].choices = _blank(
            [
                (incident.pk, f"{incident.reference} · {incident.get_kind_display()}")
                for incident in incidents
            ]
        )

    def raw(self) -> dict:
        return dict(self.cleaned_data)


class FindingForm(forms.Form):
    substance = forms.CharField(label=_("Substance"), max_length=300, required=False)
    concentration = forms.CharField(
        label=_("Concentration"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"size": 8, "inputmode": "decimal"}),
    )
    unit = forms.ChoiceField(
        label=_("Unit"), choices=_blank(ConcentrationUnit.choices), required=False
    )
    matrix = forms.ChoiceField(label=_("Matrix"), choices=_blank(Matrix.choices), required=False)


class CaseForm(MarkedForm):
    kind = forms.ChoiceField(label=_("Kind of case"), choices=CaseKind.choices)
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    country = CountryField(label=_("Country"), required=False)
    notes = forms.CharField(
        label=_("Notes"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def finding_forms(data=None) -> list[FindingForm]:
    return [FindingForm(data, prefix=f"finding-{index}") for index in range(FINDING_ROWS)]


def findings_raw(rows: list[FindingForm]) -> list[dict]:
    """The rows the reader filled in (a row with nothing in it is left out)."""
    return [
        {key: value for key, value in row.cleaned_data.items()}
        for row in rows
        if any(
            row.cleaned_data.get(key) for key in ("substance", "concentration", "unit", "matrix")
        )
    ]


class EffectGroupForm(MarkedForm):
    version = VersionField(required=False)
    effect_group = forms.ChoiceField(
        label=_("Effect group"), choices=_blank(EffectGroup.choices), required=False
    )


class WatchForm(MarkedForm):
    substance = forms.CharField(label=_("Substance"), max_length=300)
    smiles = forms.CharField(
        label=_("SMILES (for a substance the registry does not hold)"),
        max_length=5000,
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SignalSettingsForm(MarkedForm):
    """The secretariat's thresholds of the spread rule."""

    version = VersionField(required=False)
    spread_countries = WholeNumberField(
        label=_("Countries (N)"),
        min_value=2,
        max_value=100,
        help_text=_("A substance signals when this many countries or more report it ..."),
    )
    spread_months = WholeNumberField(
        label=_("Months (M)"),
        min_value=1,
        max_value=60,
        help_text=_("... within this many calendar months, the current one included."),
    )
