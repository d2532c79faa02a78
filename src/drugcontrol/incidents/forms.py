"""The incidents pages' forms. The report form is a form and three fixed-size formsets
(countries, substances, parties) whose fields keep the page's names (`country-0`,
`quantity-1`, `party-role-2`); `report_input` turns what they cleaned into the service's
input, and `report_errors` puts the service's errors back on the row and field they name."""

from django import forms
from django.forms import formset_factory
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.forms import (
    CountryField,
    CountrySelect,
    FixedRowsFormSet,
    Form,
    MarkedForm,
    RecordIdField,
    VersionField,
)
from drugcontrol.core.quantities import TransportMode, Unit
from drugcontrol.entities.forms import (
    PICKED,
    KeepingSelect,
    RowForm,
    add_nested_service_error,
    chosen_party,
    country_choices,
)
from drugcontrol.entities.models import Audience, PartyKind
from drugcontrol.incidents.models import (
    CountryRole,
    Incident,
    IncidentKind,
    IncidentMessage,
    MessageKind,
    PartyRole,
    PaymentMethod,
    RequestStatus,
)

COUNTRY_ROWS, SUBSTANCE_ROWS, PARTY_ROWS = 5, 3, 4
PARTY_KINDS = [(PartyKind.COMPANY, _("Company")), (PartyKind.PERSON, _("Person"))]


def nationality_field() -> forms.ChoiceField:
    """A person's nationality as reported (a party row and the add-party form)."""
    return CountryField(label=_("Nationality (a person)"), required=False)


def _max(name: str) -> int:
    return Incident._meta.get_field(name).max_length


class IncidentForm(Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *IncidentKind.choices])
    occurred_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    transport_mode = forms.ChoiceField(
        label=_("Transport mode"),
        choices=TransportMode.choices,
        required=False,
        initial=TransportMode.UNKNOWN,
    )
    distribution = forms.ChoiceField(
        label=_("Distribution"),
        choices=Audience.choices,
        required=False,
        initial=Audience.COUNTRIES_INVOLVED,
    )
    form = forms.CharField(
        label=_("Form"),
        required=False,
        max_length=_max("form"),
        widget=forms.TextInput(attrs={"placeholder": _("powder, liquid, tablets ...")}),
    )
    concealment = forms.CharField(
        label=_("Concealment method"), required=False, max_length=_max("concealment")
    )
    notification_reference = forms.CharField(
        label=_("Pre-export notification"),
        required=False,
        max_length=_max("notification_reference"),
    )
    place_of_seizure = forms.CharField(
        label=_("Place or port of seizure"),
        required=False,
        max_length=_max("place_of_seizure"),
        widget=forms.TextInput(attrs={"placeholder": _("Port of Rotterdam, Maasvlakte")}),
    )
    seizure_locode = forms.CharField(
        label=_("UN/LOCODE"),
        required=False,
        max_length=6,  # "CN SHA" as often written; the service reads it as CNSHA
        widget=forms.TextInput(attrs={"size": 7, "placeholder": "NLRTM"}),
    )
    payment_method = forms.ChoiceField(
        label=_("Payment method"), required=False, choices=[("", "—"), *PaymentMethod.choices]
    )
    modus_operandi = forms.CharField(
        label=_("Modus operandi"),
        required=False,
        max_length=_max("modus_operandi"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=_max("description"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CountryRowForm(RowForm):
    names = {"country": "country-{i}", "role": "country-role-{i}"}
    key_fields = ("country",)
    service_fields = {"country": "country", "role": "role"}

    country = CountryField(label=_("Country"))
    role = forms.ChoiceField(label=_("Role"), choices=CountryRole.choices)


class SubstanceRowForm(RowForm):
    names = {
        "substance": "substance-{i}",
        "quantity": "quantity-{i}",
        "unit": "unit-{i}",
        "purity": "purity-{i}",
    }
    key_fields = ("substance", "quantity")
    service_fields = {"substance_id": "substance", "description": "substance"}

    substance = forms.CharField(
        label=_("Substance"),
        required=False,
        max_length=300,
        widget=forms.TextInput(
            attrs={
                "list": "substance-options",
                "autocomplete": "off",
                "placeholder": _("name, synonym or CAS number"),
                "hx-get": reverse_lazy("substances:suggest"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#substance-options",
            }
        ),
    )
    # Read by the service (a comma is a decimal mark, bounds of the column).
    quantity = forms.CharField(
        label=_("Quantity"),
        required=False,
        max_length=40,
        widget=forms.TextInput(
            attrs={"size": 8, "inputmode": "decimal", "placeholder": _("quantity")}
        ),
    )
    unit = forms.ChoiceField(
        label=_("Unit"), required=False, choices=[("", "—"), *Unit.choices], widget=KeepingSelect
    )
    purity = forms.CharField(
        label=_("Purity (%)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(
            attrs={"size": 6, "inputmode": "decimal", "placeholder": _("purity %")}
        ),
    )


class PartyRowForm(RowForm):
    names = {
        "role": "party-role-{i}",
        "kind": "party-kind-{i}",
        "name": "party-{i}",
        "country": "party-country-{i}",
        "phone": "party-phone-{i}",
        "nationality": "party-nationality-{i}",
        "party_id": "party-id-{i}",
    }
    key_fields = ("name", "party_id")
    service_fields = {"party_id": "name", "name": "name"}

    role = forms.ChoiceField(label=_("Role"), choices=PartyRole.choices)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=PARTY_KINDS, required=False, initial=PartyKind.COMPANY
    )
    name = forms.CharField(
        label=_("Party name"),
        required=False,
        max_length=320,
        widget=forms.TextInput(
            attrs={
                "list": "party-options",
                "size": 32,
                "autocomplete": "off",
                "placeholder": _("name as reported"),
                "hx-get": reverse_lazy("entities:suggest"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#party-options",
            }
        ),
    )
    country = CountryField(label=_("Party country"), required=False)
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"size": 14, "placeholder": _("phone")}),
    )
    nationality = nationality_field()
    # A party on file chosen from the suggestions (or named `Name [#id]`).
    party_id = RecordIdField(label=_("Party on file"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update(
            {"data-pick-id": self.add_prefix("party_id"), "data-picked-label": PICKED}
        )

    def clean(self):
        data = super().clean()
        chosen_party(self, data, "name")
        return data

    def service_entry(self) -> dict:
        """The row as the service reads a party: an existing one, or a new one's details."""
        data = self.cleaned_data
        entry = {
            "role": data["role"],
            "kind": data.get("kind") or PartyKind.COMPANY,
            "nationality": data.get("nationality") or None,
        }
        if data.get("party_id"):
            entry.update(party_id=data["party_id"], name=data.get("name") or "")
        else:
            entry.update(
                name=data["name"], country=data.get("country") or None, phone=data.get("phone")
            )
        return entry


CountryRows = formset_factory(CountryRowForm, formset=FixedRowsFormSet, extra=COUNTRY_ROWS)
SubstanceRows = formset_factory(SubstanceRowForm, formset=FixedRowsFormSet, extra=SUBSTANCE_ROWS)
PartyRows = formset_factory(PartyRowForm, formset=FixedRowsFormSet, extra=PARTY_ROWS)


class IncidentReport:
    """The report page's form and its three formsets, validated and shown together."""

    def __init__(self, data=None):
        self.form = IncidentForm(data)
        self.countries = CountryRows(data, prefix="countries")
        self.substances = SubstanceRows(data, prefix="substances")
        self.parties = PartyRows(data, prefix="parties")

    def in_page_order(self) -> list:
        """The forms (and the report form's fields around the rows) as the page shows them."""
        fields = list(self.form.fields)
        after_rows = ["modus_operandi", "description"]
        return [
            (self.form, [name for name in fields if name not in after_rows]),
            *self.countries.forms,
            *self.substances.forms,
            *self.parties.forms,
            (self.form, after_rows),
        ]

    @property
    def parts(self) -> list:
        return [
            self.form,
            *self.countries.forms,
            *self.substances.forms,
            *self.parties.forms,
        ]

    def is_valid(self) -> bool:
        return all(
            [
                self.form.is_valid(),
                self.countries.is_valid(),
                self.substances.is_valid(),
                self.parties.is_valid(),
            ]
        )

    def service_input(self, *, find_substance) -> dict:
        """The report as `services.validate_incident` reads it."""
        data = self.form.cleaned_data
        substances = []
        for row in self.substances.filled():
            line = row.cleaned_data
            found = find_substance(line["substance"]) if line["substance"] else None
            substances.append(
                {
                    "substance_id": found.pk if found else None,
                    "description": "" if found else line["substance"],
                    "quantity": line["quantity"] or None,
                    "unit": line["unit"],
                    "purity": line["purity"] or None,
                }
            )
        return {
            **{name: data[name] for name in IncidentForm.base_fields},
            "countries": [row.cleaned_data for row in self.countries.filled()],
            "substances": substances,
            "parties": [row.service_entry() for row in self.parties.filled()],
        }

    def add_service_error(self, error) -> None:
        add_nested_service_error(
            self.form,
            error,
            rows={
                "countries": self.countries.filled(),
                "substances": self.substances.filled(),
                "parties": self.parties.filled(),
            },
        )

    @property
    def has_errors(self) -> bool:
        return any(part.errors for part in self.parts)


class AddPartyForm(Form):
    """A party added to an incident already reported (kept names: `party`, `role`, ...)."""

    role = forms.ChoiceField(label=_("Role"), choices=PartyRole.choices)
    party = forms.CharField(
        label=_("Party name"),
        max_length=320,
        widget=forms.TextInput(
            attrs={
                "list": "party-options",
                "autocomplete": "off",
                "data-pick-id": "party_id",
                "data-picked-label": PICKED,
                "hx-get": reverse_lazy("entities:suggest"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#party-options",
            }
        ),
    )
    party_kind = forms.ChoiceField(
        label=_("Kind"), choices=PARTY_KINDS, required=False, initial=PartyKind.COMPANY
    )
    country = CountryField(label=_("Party country"), required=False)
    nationality = nationality_field()
    party_id = RecordIdField(label=_("Party on file"), required=False)
    service_fields = {"party_id": "party", "name": "party", "kind": "party_kind"}

    def clean(self):
        data = super().clean()
        chosen_party(self, data, "party")
        return data

    def service_entry(self) -> dict:
        data = self.cleaned_data
        entry = {
            "role": data["role"],
            "kind": data.get("party_kind") or PartyKind.COMPANY,
            "nationality": data.get("nationality") or None,
        }
        if data.get("party_id"):
            entry.update(party_id=data["party_id"], name=data.get("party") or "")
        else:
            entry.update(name=data["party"], country=data.get("country") or None)
        return entry


class AttachForm(Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.xlsx,.docx,.csv,.txt"}),
    )


class AlertMarkForm(Form):
    id = RecordIdField(label=_("Alert"))
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", ""), ("open", _("Open")), ("acknowledge", _("Acknowledge"))],
    )


class AlertReadAllForm(Form):
    """Marks every alert of the list as filtered (the filter is in the query string)."""

    read_all = forms.BooleanField(label=_("Mark all as read"))


class BroadcastForm(Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    countries = CountryField(
        label=_("Countries (none chosen: all)"),
        required=False,
        multiple=True,
        widget=CountrySelect(attrs={"size": 8}, multiple=True),
    )


class MessageForm(MarkedForm):
    """A message on the incident's thread; a request names the country it asks (offered:
    the countries that may see the incident, the writer's own aside)."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=MessageKind.choices, initial=MessageKind.MESSAGE
    )
    addressed_country = forms.ChoiceField(
        label=_("Addressed to (a request)"), required=False, widget=KeepingSelect
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=IncidentMessage._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, countries=None, requests=True, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = country_choices()()
        if countries is not None:
            wanted = set(countries)
            everyone = [everyone[0], *(row for row in everyone[1:] if row[0] in wanted)]
        self.fields["addressed_country"].choices = everyone
        if not requests:  # the secretariat writes messages and questions only
            self.fields["kind"].choices = [
                (value, label)
                for value, label in MessageKind.choices
                if value in (MessageKind.MESSAGE, MessageKind.QUESTION)
            ]
            del self.fields["addressed_country"]


DECISION_CHOICES = [pair for pair in RequestStatus.choices if pair[0] != RequestStatus.OPEN]


class DecisionForm(MarkedForm):
    """A decision on a request: the button's value, the version the page showed, a note."""

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISION_CHOICES)
    version = VersionField(label=_("Version"), required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=IncidentMessage._meta.get_field("decision_note").max_length,
        widget=forms.TextInput(attrs={"size": 30, "placeholder": _("reason, contact, terms")}),
    )
