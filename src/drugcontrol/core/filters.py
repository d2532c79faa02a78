"""A list's filter, declared once for the API, the page and the export.

A list's filter is a django-ninja `FilterSchema` in `<app>/filters.py`. The API takes it as
its query (`filters: XFilter = Query(...)`), so the OpenAPI document lists its fields and a
bad value is a 422; the page and the export bind the same query string to a Django form
generated from it (`filter_form`), so a bad value is an error on that field; the selector
applies it (`filters.filter(queryset)`). The same filter values therefore give the same
rows on the page and in the API.
"""

import datetime
import types
import typing
from collections.abc import Mapping, Sequence

from annotated_types import Ge, Le, MaxLen
from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from ninja import FilterSchema
from pydantic import ValidationError
from pydantic.fields import FieldInfo

Choices = Sequence[tuple[typing.Any, typing.Any]]

# `choices={"country": COUNTRIES}`: the field is a `core.forms.CountryField` (every country
# named in the reader's language, searchable; the value is the ISO alpha-3 code).
COUNTRIES = "countries"


def _unwrapped(annotation) -> tuple[typing.Any, list]:
    """The annotation without `Optional` and `Annotated`, and the metadata it carried."""
    metadata: list = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            metadata.extend(annotation.__metadata__)
            annotation = annotation.__origin__
        elif origin in (typing.Union, types.UnionType):
            members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                return annotation, metadata
            annotation = members[0]
        else:
            return annotation, metadata


def _bounds(metadata: list) -> dict:
    bounds: dict = {}
    for item in metadata:
        for constraint in getattr(item, "metadata", [item]):
            if isinstance(constraint, Ge):
                bounds["min_value"] = constraint.ge
            elif isinstance(constraint, Le):
                bounds["max_value"] = constraint.le
            elif isinstance(constraint, MaxLen):
                bounds["max_length"] = constraint.max_length
    return bounds


class ListSelect(forms.Select):
    """A select rendered in one pass. A filter offers every country and every substance the
    reader sees (several hundred options); Django's template per option costs tens of
    milliseconds a page for them."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(item) for item in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, mark_safe(" selected") if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)


def _form_field(name: str, info: FieldInfo, choices: Choices | None) -> forms.Field:
    annotation, metadata = _unwrapped(info.annotation)
    for item in info.metadata:
        metadata.append(item)
    bounds = _bounds(metadata)
    label = info.title or name.replace("_", " ").capitalize()
    common = {"required": False, "label": label, "help_text": info.description or ""}
    if isinstance(choices, str) and choices == COUNTRIES:
        from drugcontrol.core.forms import CountryField

        return CountryField(**common)
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, set):
        (member,) = typing.get_args(annotation)[:1]
        member, _ = _unwrapped(member)
        if choices is None and typing.get_origin(member) is typing.Literal:
            choices = [(value, value) for value in typing.get_args(member)]
        coerce = int if member is int else str
        return forms.TypedMultipleChoiceField(choices=choices or [], coerce=coerce, **common)
    if origin is typing.Literal and choices is None:
        choices = [(value, value) for value in typing.get_args(annotation) if value != ""]
    if choices is not None:
        coerce = int if annotation is int else str
        return forms.TypedChoiceField(
            choices=[("", "—"), *choices],
            coerce=coerce,
            empty_value=None,
            widget=ListSelect,
            **common,
        )
    if annotation is bool:
        return forms.NullBooleanField(**common)
    if annotation is int:
        return forms.IntegerField(**{**common, **bounds})
    if annotation is datetime.date:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if annotation is datetime.datetime:
        return forms.DateTimeField(**common)
    return forms.CharField(max_length=bounds.get("max_length", 200), strip=True, **common)


class FilterForm(forms.Form):
    """A bound filter form; `filters()` is the schema with the values that were valid."""

    schema: type[FilterSchema]

    def filters(self) -> FilterSchema:
        self.is_valid()
        values = {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if value not in (None, "", [])
        }
        try:
            return self.schema(**values)
        except ValidationError as error:  # a rule of the schema beyond one field's type
            for problem in error.errors():
                field = str(problem["loc"][0]) if problem["loc"] else None
                self.add_error(field if field in self.fields else None, problem["msg"])
            return self.schema()

    @property
    def active(self) -> bool:
        """Whether any filter is set (the page says so and offers to clear them)."""
        return any(self.data.get(name) for name in self.fields)


def filter_form(
    schema: type[FilterSchema],
    data: Mapping | None = None,
    *,
    choices: Mapping[str, Choices] | None = None,
) -> FilterForm:
    """A Django form with one optional field per field of `schema`, bound to `data` (the
    query string). `choices` gives the options of fields the page offers as a list (a
    substance by id, a country by code); their values must be what the API takes."""
    choices = choices or {}
    fields = {
        name: _form_field(name, info, choices.get(name))
        for name, info in schema.model_fields.items()
    }
    form_class = type(f"{schema.__name__}Form", (FilterForm,), {**fields, "schema": schema})
    return form_class(data if data is not None else None)
