"""The notification form (the shipment, a formset of lines and a formset of parties) and the
forms of the notification page's actions and messages. Countries are chosen from the list
(`CountryField`), substances and parties from the suggestions as the officer types; a party
on file chosen keeps the name as typed beside it (its id in the row's hidden field)."""

import re

from django import forms
from django.forms.utils import ErrorDict
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.attachments import ACCEPT as ATTACHMENT_ACCEPT
from drugcontrol.core.errors import ServiceError
from drugcontrol.core.forms import (
    CountryField,
    Form,
    RecordIdField,
    VersionField,
    focus_first_error,
)
from drugcontrol.entities.forms import PICKED, chosen_party
from drugcontrol.precursors.forms.base import (
    NumberedRowsFormSet,
    ServiceForm,
    model_choices,
    substance_input,
)
from drugcontrol.precursors.models import (
    AttachmentKind,
    Notification,
    NotificationKind,
    NotificationLine,
    ObjectionGround,
    Outcome,
    PartyRole,
)

LINE_ROWS = 3
PARTY_ROLES_ON_FORM = ("exporter", "importer", "consignee", "other")
PARTY_LABELS = {
    "exporter": _("Exporter"),
    "importer": _("Importer"),
    "consignee": _("Consignee"),
    "other": _("Other operator"),
}


class LineForm(ServiceForm):
    """One line of substance, posted as `line-quantity-0`, `line-unit-0`, ..."""

    post_names = {"is_preparation": "preparation", "hs_code": "hs"}

    substance = forms.CharField(
        label=_("Substance"),
        max_length=200,
        required=False,
        widget=substance_input(**{"aria-label": _("Substance")}),
    )
    is_preparation = forms.BooleanField(label=_("preparation"), required=False)
    concentration = forms.CharField(label=_("concentration (%)"), max_length=40, required=False)
    quantity = forms.CharField(label=_("Quantity"), max_length=40, required=False)
    unit = forms.ChoiceField(
        label=_("Unit"), choices=model_choices(NotificationLine, "unit"), required=False
    )
    density = forms.CharField(label=_("Density (kg/l)"), max_length=40, required=False)
    hs_code = forms.CharField(label=_("HS code"), max_length=20, required=False)
    cas = forms.CharField(label=_("CAS number"), max_length=20, required=False)
    description = forms.CharField(label=_("Description"), max_length=10_000, required=False)

    def __init__(self, *args, index=0, **kwargs):
        self.index = index
        super().__init__(*args, **kwargs)

    def add_prefix(self, field_name):
        return f"line-{self.post_names.get(field_name, field_name)}-{self.index}"

    @property
    def path(self) -> str:
        return f"lines.{self.index}"

    def is_empty(self) -> bool:
        data = self.cleaned_data
        return not (data.get("substance") or "").strip() and not (data.get("quantity") or "")

    def raw(self) -> dict:
        data = self.cleaned_data
        return {
            "substance": data["substance"],
            "is_preparation": data["is_preparation"],
            "concentration": data["concentration"] or None,
            "quantity": data["quantity"],
            "unit": data["unit"],
            "density": data["density"] or None,
            "hs_code": data["hs_code"],
            "cas": data["cas"],
            "description": data["description"],
        }


class LineFormSet(forms.formset_factory(LineForm, formset=NumberedRowsFormSet, extra=0)):
    rows = LINE_ROWS

    @classmethod
    def get_default_prefix(cls):
        return "line"


class PartyForm(ServiceForm):
    """One operator, posted as `party-exporter`, `party-exporter-country`, ...; a party on
    file chosen from the suggestions has its id in `party-exporter-id` (the page's script
    puts it there), the name staying as typed (`Name [#12]`, the first suggestions' way, is
    still read and the suffix dropped)."""

    name = forms.CharField(
        max_length=300,
        required=False,
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
    party_id = RecordIdField(label=_("Party on file"), required=False)
    country = CountryField(label=_("Party country"), required=False)
    address = forms.CharField(label=_("Address"), max_length=2000, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[
            (value, label)
            for value, label in PartyRole.choices
            if value not in ("exporter", "importer", "consignee")
        ],
    )
    service_fields = {"party_id": "name", "kind": "name", "phone": "name", "email": "name"}

    # Beside the name, the party on file chosen (`On file: Name (CHN)`), set by
    # `NotificationForm.name_chosen_parties`.
    picked = ""

    def __init__(self, *args, index=0, **kwargs):
        self.role_on_form = PARTY_ROLES_ON_FORM[index]
        super().__init__(*args, **kwargs)
        label = PARTY_LABELS[self.role_on_form]
        self.fields["name"].label = label
        self.fields["name"].widget.attrs.update(
            {
                "aria-label": label,
                "data-pick-id": self.add_prefix("party_id"),
                "data-picked-label": PICKED,
            }
        )
        self.fields["country"].widget.attrs["aria-label"] = self.fields["country"].label
        if self.role_on_form != "other":
            del self.fields["role"]

    def add_prefix(self, field_name):
        if field_name == "name":
            return f"party-{self.role_on_form}"
        if field_name == "role":
            return "party-other-role"
        if field_name == "party_id":
            return f"party-{self.role_on_form}-id"
        return f"party-{self.role_on_form}-{field_name}"

    def clean(self):
        data = super().clean()
        chosen_party(self, data, "name", required=False)
        return data

    @property
    def path(self) -> str:
        return f"parties.{self.role_on_form}"

    @property
    def label(self):
        return PARTY_LABELS[self.role_on_form]

    def is_empty(self) -> bool:
        data = self.cleaned_data
        return not (data.get("name") or "").strip() and not data.get("party_id")

    def chosen_id(self) -> int | None:
        """The party on file the row names: as posted, or as the draft had it."""
        if self.is_bound:
            return (getattr(self, "cleaned_data", None) or {}).get("party_id")
        return self.initial.get("party_id")

    def raw(self) -> dict:
        """The row as the service reads a party: one on file (with the name as typed, kept
        as reported), or a new one's details."""
        data = self.cleaned_data
        role = (data.get("role") or "broker") if self.role_on_form == "other" else self.role_on_form
        entry = {"role": role, "address": data["address"], "name": data["name"]}
        if data.get("party_id"):
            entry["party_id"] = data["party_id"]
        else:
            entry["country"] = data["country"] or None
        return entry


class PartyFormSet(forms.formset_factory(PartyForm, formset=NumberedRowsFormSet, extra=0)):
    rows = len(PARTY_ROLES_ON_FORM)

    @classmethod
    def get_default_prefix(cls):
        return "party"


class NotificationForm(ServiceForm):
    """The shipment's fields; the lines and parties are its formsets (`lines`, `parties`)."""

    version = VersionField(label=_("Version"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=NotificationKind.choices, required=False)
    importing_country = CountryField(label=_("Importing country"))
    # In the order of the route (the chosen head the list in that order).
    transit_countries = CountryField(
        label=_("Transit countries"), required=False, multiple=True, ordered=True
    )
    transport_mode = forms.ChoiceField(
        label=_("Transport mode"),
        choices=[("", "—"), *model_choices(Notification, "transport_mode")],
        required=False,
    )
    point_of_exit = forms.CharField(label=_("Point of exit"), max_length=200, required=False)
    point_of_entry = forms.CharField(
        label=_("Expected point of entry"), max_length=200, required=False
    )
    expected_dispatch = forms.DateField(
        label=_("Expected dispatch date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=100, required=False)
    import_permit_number = forms.CharField(
        label=_("Import permit or authorization number"), max_length=100, required=False
    )
    import_permit_date = forms.DateField(
        label=_("Date of the import permit"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reply_deadline = forms.DateField(
        label=_("Reply deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    remarks = forms.CharField(
        label=_("Remarks"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    submit = forms.BooleanField(required=False)  # "Save and submit" rather than "Save draft"

    def __init__(
        self, data=None, *, actor=None, notification=None, initial=None, lines=None, parties=None
    ):
        super().__init__(data, initial=initial)
        self.actor, self.notification = actor, notification
        self.lines = LineFormSet(data, initial=lines)
        self.parties = PartyFormSet(data, initial=parties)

    def all_forms(self) -> list:
        return [self, *self.lines.forms, *self.parties.forms]

    def is_valid(self) -> bool:
        valid = all([forms.Form.is_valid(f) for f in self.all_forms()])
        if not valid:
            focus_first_error(*self.all_forms())
        return valid

    @property
    def has_errors(self) -> bool:
        return any(f.errors for f in self.all_forms())

    def clean_kind(self):
        return self.cleaned_data["kind"] or NotificationKind.SCHEDULED

    def name_chosen_parties(self, parties) -> None:
        """Name beside each party row the party on file it has chosen (`On file: Name
        (CHN)`), among `parties`, those the reader may refer to."""
        chosen = {f: f.chosen_id() for f in self.parties.forms}
        found = {p.pk: p for p in parties.filter(pk__in=[i for i in chosen.values() if i])}
        for form, party_id in chosen.items():
            party = found.get(party_id)
            if party is not None:
                shown = f"{party.name} ({party.country_id})" if party.country_id else party.name
                form.picked = f"{PICKED} {shown}"

    def raw(self) -> dict:
        """The service's input, from the cleaned fields; empty rows left out."""
        data = self.cleaned_data
        self._line_forms = [f for f in self.lines.forms if not f.is_empty()]
        self._party_forms = [f for f in self.parties.forms if not f.is_empty()]
        return {
            "kind": data["kind"],
            "importing_country": data["importing_country"],
            "transit_countries": data["transit_countries"],
            "invoice_number": data["invoice_number"],
            "import_permit_number": data["import_permit_number"],
            "import_permit_date": data["import_permit_date"],
            "reply_deadline": data["reply_deadline"],
            "transport_mode": data["transport_mode"],
            "point_of_exit": data["point_of_exit"],
            "point_of_entry": data["point_of_entry"],
            "expected_dispatch": data["expected_dispatch"],
            "remarks": data["remarks"],
            "lines": [f.raw() for f in self._line_forms],
            "parties": [f.raw() for f in self._party_forms],
        }

    def add_service_error(self, error: ServiceError) -> None:
        """Each of the service's messages on the field it concerns: `lines.1.unit` on the
        second posted line's unit, `parties.0.name` and `parties.exporter.address` on the
        party's row, `transit_countries.2` on the transit countries."""
        line_forms = getattr(self, "_line_forms", self.lines.forms)
        party_forms = getattr(self, "_party_forms", self.parties.forms)
        by_role = {f.role_on_form: f for f in self.parties.forms}
        shown = False
        for key, messages in (error.details or {}).items():
            if not isinstance(messages, list | tuple):
                continue
            form, field = self, key.split(".")[0]
            parts = key.split(".")
            if parts[0] == "lines" and len(parts) == 3 and parts[1].isdigit():
                if int(parts[1]) < len(line_forms):
                    form, field = line_forms[int(parts[1])], parts[2]
                    field = {
                        "substance_id": "substance",
                        "surveillance_chemical_id": "substance",
                    }.get(field, field)
            elif parts[0] == "parties" and len(parts) >= 2:
                if parts[1].isdigit() and int(parts[1]) < len(party_forms):
                    form = party_forms[int(parts[1])]
                elif parts[1] in by_role:
                    form = by_role[parts[1]]
                if form is not self:
                    field = parts[2] if len(parts) > 2 else "name"
                    field = form.service_fields.get(field, field)
            if field not in form.fields:
                form, field = self, None
            for message in messages:
                form.add_error(field, str(message))
                shown = True
        if not shown:
            self.add_error(None, str(error.message))
        focus_first_error(*self.all_forms())


def show_problems(form: NotificationForm, error: ServiceError) -> None:
    """Show what a service said about a saved draft on an unbound form of it (the draft's
    page after a refused submission)."""
    for each in form.all_forms():
        each._errors, each.cleaned_data = ErrorDict(), {}
    form.add_service_error(error)


def notification_initial(notification) -> tuple[dict, list[dict], list[dict]]:
    """A draft's contents as the forms' initial values: the form's, the lines', the parties'."""
    initial = {
        "kind": notification.kind,
        "importing_country": notification.importing_country_id,
        "transit_countries": [t.country_id for t in notification.transits.all()],
        "invoice_number": notification.invoice_number,
        "import_permit_number": notification.import_permit_number,
        "import_permit_date": notification.import_permit_date,
        "reply_deadline": notification.reply_deadline,
        "transport_mode": notification.transport_mode,
        "point_of_exit": notification.point_of_exit,
        "point_of_entry": notification.point_of_entry,
        "expected_dispatch": notification.expected_dispatch,
        "remarks": notification.remarks,
        "version": notification.version,
    }
    lines = []
    for line in notification.lines.all()[:LINE_ROWS]:
        chemical = line.substance or line.surveillance_chemical
        lines.append(
            {
                "substance": chemical.name if chemical else "",
                "is_preparation": line.is_preparation,
                "concentration": line.concentration,
                "quantity": line.quantity,
                "unit": line.unit,
                "density": line.density or "",
                "hs_code": line.hs_code,
                "cas": line.cas,
                "description": line.description,
            }
        )
    parties = [{} for _role in PARTY_ROLES_ON_FORM]
    for item in notification.parties.select_related("party"):
        role = item.role if item.role in PARTY_ROLES_ON_FORM else "other"
        parties[PARTY_ROLES_ON_FORM.index(role)] = {
            "name": item.reported_name,  # as typed; the party on file by its id
            "party_id": item.party_id,
            "address": item.address,
            "country": item.party.country_id or "",
            "role": item.role if role == "other" else "",
        }
    return initial, lines, parties


# --- the notification page's actions ----------------------------------------------------------


class StepForm(ServiceForm):
    """A step that takes nothing but the version the reader saw."""

    version = VersionField(label=_("Version"), required=False)

    def arguments(self) -> dict:
        """The step's service arguments: the cleaned fields but the version."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class ClearForm(StepForm):
    """Clearing the shipment. `findings` holds the ids of the findings of high severity the
    page showed (none: empty); where there are some, the page lists them and the officer
    ticks `considered`. The service checks the ids against the findings on file now."""

    findings = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    considered = forms.BooleanField(
        label=_("I have considered these findings of high severity"), required=False
    )
    service_fields = {"considered_findings": "considered"}

    def clean_findings(self) -> list[int]:
        ids = []
        for part in self.cleaned_data["findings"].split():
            if not re.fullmatch(r"[0-9]{1,18}", part):  # ASCII digits only (not ², ١)
                raise forms.ValidationError(_("Reload the notification and decide again."))
            ids.append(int(part))
        return ids

    def clean(self):
        data = super().clean()
        if data.get("findings") and not data.get("considered"):
            self.add_error(
                "considered",
                _("Confirm that you have considered each finding of high severity, or object."),
            )
        return data

    def arguments(self) -> dict:
        return {"considered_findings": self.cleaned_data["findings"]}


class ObjectionForm(StepForm):
    ground = forms.ChoiceField(label=_("Ground"), choices=[("", "—"), *ObjectionGround.choices])
    detail = forms.CharField(
        label=_("Details"),
        max_length=10_000,
        required=False,
        widget=forms.TextInput(attrs={"size": 40}),
    )


class OutcomeForm(StepForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)


class QuestionForm(StepForm):
    body = forms.CharField(
        label=_("Question to both authorities"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReminderForm(StepForm):
    body = forms.CharField(
        label=_("Note with the reminder"),
        max_length=5000,
        required=False,
        widget=forms.TextInput(attrs={"size": 40}),
    )


# The form of each action of the notification page.
ACTION_FORMS = {
    "submit": StepForm,
    "acknowledge": StepForm,
    "clear": ClearForm,  # no ground; the high findings considered
    "object": ObjectionForm,
    "ship": StepForm,
    "withdraw": StepForm,
    "cancel": StepForm,
    "outcome": OutcomeForm,
    "question": QuestionForm,
    "remind": ReminderForm,
}


class NotificationListAskedForm(Form):
    """The substance the notification list is asked to filter by (`?substance_id=`), read
    as a record id so that the list offers it; a bad value is the filter's field error."""

    substance_id = RecordIdField(label=_("Substance"), required=False)

    def asked(self) -> int | None:
        return self.cleaned_data.get("substance_id") if self.is_valid() else None


class ActionChoiceForm(Form):
    """Which of the page's actions a posted form asks for."""

    action = forms.ChoiceField(
        choices=[(name, name) for name in ACTION_FORMS],
        error_messages={"invalid_choice": _("Unknown action."), "required": _("Unknown action.")},
    )


class MessageForm(ServiceForm):
    body = forms.CharField(
        label=_("Message to the other authority"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AttachForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=AttachmentKind.choices)
    file = forms.FileField(
        label=_("File"), widget=forms.FileInput(attrs={"accept": ATTACHMENT_ACCEPT})
    )
