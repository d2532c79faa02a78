"""What the precursors pages' forms share: ids and versions as whole numbers, countries and
substances from lists, the service's errors on the fields, the first field in error focused."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.errors import ServiceError
from drugcontrol.core.forms import (
    CountryField,
    FixedRowsFormSet,
    Form,
    add_service_error,
    focus_first_error,
)


def model_choices(model, field: str) -> list[tuple[str, str]]:
    """The choices a model's column takes (units, transport modes), wherever they are
    declared."""
    return [(value, label) for value, label in model._meta.get_field(field).choices if value]


def country_field(label, *, required=False) -> CountryField:
    """A country chosen from the list, named in the reader's language and searchable in
    either language or by code (its ISO alpha-3 code is what is posted and cleaned)."""
    return CountryField(label=label, required=required)


def substance_input(**attrs) -> forms.TextInput:
    """A substance typed by name, synonym (Chinese names too) or CAS number, with the
    registry's suggestions (`substances:suggest`)."""
    return forms.TextInput(
        attrs={
            "list": "substance-options",
            "autocomplete": "off",
            "placeholder": _("name, synonym or CAS number"),
            "hx-get": reverse_lazy("substances:suggest"),
            "hx-trigger": "input changed delay:250ms",
            "hx-target": "#substance-options",
            **attrs,
        }
    )


class ServiceForm(Form):
    """A form whose service's field errors can be shown on its fields."""

    required_css_class = "required"
    error_css_class = "has-error"
    # A service's field name -> this form's, where they differ.
    service_fields: dict[str, str] = {}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "country" in self.fields and user is not None and not user.country_id:
            self.fields["country"].required = True  # the secretariat names the country

    def add_service_error(self, error: ServiceError) -> None:
        add_service_error(self, error, fields=self.service_fields)
        focus_first_error(self)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if not valid:
            focus_first_error(self)
        return valid


class NumberedRowsFormSet(FixedRowsFormSet):
    """Fixed rows whose forms know their row number (their fields' names carry it)."""

    rows = 1

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "index": index, "use_required_attribute": False}
