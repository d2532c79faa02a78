"""The scheduling pipeline's forms: opening a review (a registry substance chosen from the
suggestions, never an id typed) and one form per step of the pipeline's table."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.forms import MarkedForm, VersionField
from drugcontrol.nps.models.pipeline import Convention, Recommendation, ReviewAction, VoteResult
from drugcontrol.nps.services.pipeline import DECISION_LIMIT, NOTE_LIMIT
from drugcontrol.substances.presentation import schedule_label
from drugcontrol.substances.selectors import today

SCHEDULES = ("I", "II", "III", "IV", "Table I", "Table II")


def _day(label):
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def _note():
    return forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewOpenForm(MarkedForm):
    substance = forms.CharField(
        label=_("Substance"),
        max_length=300,
        help_text=_("A substance of the registry: its name, a synonym or its CAS number."),
        widget=forms.TextInput(
            attrs={
                "list": "substance-options",
                "autocomplete": "off",
                "hx-get": reverse_lazy("substances:suggest"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#substance-options",
            }
        ),
    )
    opened_on = _day(_("Under surveillance since"))
    note = _note()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_on"].initial = today


class StepForm(MarkedForm):
    """What every step's form has: the version read and a note."""

    version = VersionField()
    note = _note()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        date_field = next(name for name in self.fields if name.endswith("_on"))
        self.fields[date_field].initial = today

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class BeginForm(StepForm):
    started_on = _day(_("Begun on"))
    field_order = ["started_on", "note"]


class RecommendForm(StepForm):
    recommended_on = _day(_("Recommended on"))
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=Recommendation.choices, widget=forms.RadioSelect
    )
    convention = forms.ChoiceField(
        label=_("Convention"),
        required=False,
        choices=[("", "—"), *Convention.choices],
        help_text=_("For a recommendation to schedule."),
    )
    schedule = forms.ChoiceField(label=_("Schedule or table"), required=False, choices=())
    field_order = ["recommended_on", "recommendation", "convention", "schedule", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schedule"].choices = [("", "—")] + [(s, schedule_label(s)) for s in SCHEDULES]


class VoteForm(StepForm):
    voted_on = _day(_("Voted on"))
    decision = forms.CharField(
        label=_("Decision"),
        max_length=DECISION_LIMIT,
        help_text=_("Its number, e.g. CND 67/1."),
    )
    result = forms.ChoiceField(
        label=_("Result"), choices=VoteResult.choices, widget=forms.RadioSelect
    )
    field_order = ["voted_on", "decision", "result", "note"]


class EntryForm(StepForm):
    in_force_on = _day(_("In force from"))
    field_order = ["in_force_on", "note"]


STEP_FORMS = {
    str(ReviewAction.PRE_REVIEW): BeginForm,
    str(ReviewAction.CRITICAL_REVIEW): BeginForm,
    str(ReviewAction.RECOMMEND): RecommendForm,
    str(ReviewAction.VOTE): VoteForm,
    str(ReviewAction.ENTER_INTO_FORCE): EntryForm,
}
