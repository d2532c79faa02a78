"""The parties pages' forms, and the small form helpers the pages that write parties share
(the incidents pages too): fixed-size row formsets that keep the page's field names,
service errors put on the row and field they name, the first bad field focused, country
selects that keep what was sent."""

import re
from collections import defaultdict

from django import forms
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.bounds import MAX_ID
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.forms import (
    CountryField,
    Form,
    RecordIdField,
    VersionField,
    add_service_error,
)
from drugcontrol.entities.models import CorrelationStatus, IdentifierKind, PartyKind

# --- shared helpers ---------------------------------------------------------------------------


def country_choices(blank=None):
    """Every country as `Name (ISO3)` in the reader's language, for a select."""
    from drugcontrol.core.models import Country

    def choices():
        rows = sorted(
            ((c.iso3, f"{c.name} ({c.iso3})") for c in Country.objects.all()),
            key=lambda row: row[1].casefold(),
        )
        return [("", blank if blank is not None else "—"), *rows]

    return choices


# A party on file named by `Name [#id]` (how the first suggestions wrote it; still read,
# the suffix is never kept as part of the name).
_CHOSEN_PARTY = re.compile(r"\[#(\d+)\]\s*$")
# Beside a party field, the party on file chosen from the suggestions.
PICKED = _("On file:")


def chosen_party(form, data: dict, name_field: str, *, required: bool = True) -> None:
    """A party on file named by its id field `party_id` (the suggestions' script fills it
    in), or by `Name [#id]`; otherwise, when `required`, a name is (a new party). The name
    keeps what was typed, without the `[#id]`."""
    if "party_id" in form.errors:
        return
    chosen = _CHOSEN_PARTY.search(data.get(name_field) or "")
    if chosen:
        data[name_field] = data[name_field][: chosen.start()].strip()
    if data.get("party_id") is None and chosen:
        number = int(chosen.group(1))
        if number > MAX_ID:
            form.add_error(name_field, _("Unknown party."))
            return
        data["party_id"] = number
    if required and data.get("party_id") is None and not data.get(name_field):
        message = form.fields[name_field].error_messages["required"]  # Django's own wording
        form.add_error(name_field, forms.ValidationError(message, code="required"))


class KeepingSelect(forms.Select):
    """A select that shows again a value it does not offer (what was sent stays visible
    next to its error instead of silently becoming the first option)."""

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        offered = {str(option[0]) for option in self.choices}
        for extra in value:
            if extra not in ("", None) and str(extra) not in offered:
                index = len(groups)
                option = self.create_option(name, extra, extra, True, index, attrs=attrs)
                groups.append((None, [option], index))
        return groups


class RowForm(Form):
    """One row of a fixed-size formset. Its fields keep the page's names (`country-0`,
    `country-role-0`): `names` maps a field to its name with `{i}` for the row."""

    names: dict[str, str] = {}
    key_fields: tuple[str, ...] = ()  # the row counts when one of these is filled in
    service_fields: dict[str, str] = {}  # a service's field name -> this form's field

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # a row's fields have no label of their own
            field.widget.attrs.setdefault("aria-label", field.label)

    @property
    def index(self) -> int:
        return int(self.prefix.rsplit("-", 1)[-1])

    def add_prefix(self, field_name):
        return self.names.get(field_name, f"{field_name}-{{i}}").format(i=self.index)

    def has_changed(self):
        return any(
            str(self.data.get(self.add_prefix(name)) or "").strip() for name in self.key_fields
        )


def add_nested_service_error(form, error, rows: dict[str, list] | None = None) -> None:
    """A service's errors on the fields they name: `kind` on the form's field, and a
    row's `parties.2.name` on the field of the row that was sent third (`rows` maps the
    service's list name to the row forms sent, in the order sent)."""
    rows = rows or {}
    top: dict = {}
    nested: dict = defaultdict(lambda: defaultdict(dict))
    for key, messages in (error.details or {}).items():
        group, _dot, rest = str(key).partition(".")
        index, _dot, name = rest.partition(".")
        if group in rows and index.isdigit() and int(index) < len(rows[group]):
            nested[group][int(index)][name or "__all__"] = messages
        else:
            top[key] = messages
    for group, by_index in nested.items():
        for index, details in by_index.items():
            row = rows[group][index]
            add_service_error(row, ValidationFailed(details), fields=row.service_fields)
    if top or not nested:
        add_service_error(form, ValidationFailed(top, error.message) if top else error)


# --- the parties pages ------------------------------------------------------------------------


class PartySearchForm(Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any")), *PartyKind.choices]
    )
    country = CountryField(label=_("Country"), required=False, blank=_("Any"))


class CorrelationQueueForm(Form):
    """The correlation queue's status filter (its links post nothing else)."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=CorrelationStatus.choices)

    def chosen_status(self) -> str:
        """The status asked for; the proposed ones when none or an unknown one was asked."""
        if self.is_valid() and self.cleaned_data["status"]:
            return self.cleaned_data["status"]
        return CorrelationStatus.PROPOSED


class MatchForm(Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "—"), *PartyKind.choices], initial=PartyKind.COMPANY
    )
    name = forms.CharField(label=_("Name as reported"), max_length=300)
    country = CountryField(label=_("Country"), required=False)


class WarningValueForm(Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", "—"), *PartyKind.choices[:3], *IdentifierKind.choices[:4]],
    )
    value = forms.CharField(label=_("Value"), max_length=300)
    reason = forms.CharField(label=_("Why it means nothing"), max_length=300, required=False)


class WarningRemoveForm(Form):
    action = forms.ChoiceField(choices=[("remove", "remove")], widget=forms.HiddenInput)
    id = RecordIdField(label=_("Value on the warning list"))

    @classmethod
    def asked(cls, data) -> bool:
        """Whether a post of the warning list page is a removal (the page has two forms)."""
        return data is not None and "remove" in data.getlist("action")


class CorrelationDecideForm(Form):
    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[("confirm", _("Confirm")), ("reject", _("Reject")), ("merge", _("Merge"))],
    )
    version = VersionField(label=_("Version"), required=False)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def asks_merge(self) -> bool:
        """Whether the post asks for a merge (a right of its own), before validation."""
        return "merge" in self.data.getlist(self.add_prefix("action"))

    def clean_version(self):
        # Sent by every form that decides; absent only for a merge (no version to check).
        if self.add_prefix("version") in self.data and self.cleaned_data["version"] is None:
            message = self.fields["version"].error_messages["required"]  # Django's wording
            raise forms.ValidationError(message, code="required")
        return self.cleaned_data["version"]
