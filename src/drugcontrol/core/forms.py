import re

from django import forms
from django.conf import settings
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT, BaseFormSet, ManagementForm
from django.forms.utils import flatatt
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.bounds import MAX_ID
from drugcontrol.core.errors import ServiceError
from drugcontrol.core.labels import record_type_choices
from drugcontrol.core.models import OrganisationKind, Role


class Form(forms.Form):
    """Labels stand above their fields, so they need no colon (in either language)."""

    label_suffix = ""


# --- what every form that writes shares --------------------------------------------------------

REQUIRED_MARKER = mark_safe(' <span class="required-marker" aria-hidden="true">*</span>')


class MarkedFormMixin:
    """For the forms of pages that write: every required field is marked (the HTML
    `required` attribute Django sets, and a visible asterisk after its label), the first field
    with an error gets `autofocus` (also for errors a service reported through
    `add_service_error`), and errors of hidden fields (a record's `version` or id) are shown
    above the form, named, since a hidden field has no place of its own. Typed values stay in
    a bound form (passwords excepted, as Django does)."""

    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.required and not field.widget.is_hidden and field.label_suffix is None:
                field.label_suffix = REQUIRED_MARKER

    def full_clean(self):
        super().full_clean()
        self.focus_first_error()

    def add_error(self, field, error):
        super().add_error(field, error)
        self.focus_first_error()

    def focus_first_error(self) -> None:
        if not self.is_bound or self._errors is None:
            return
        first = next(
            (
                name
                for name, field in self.fields.items()
                if name in self._errors and not field.widget.is_hidden
            ),
            None,
        )
        if first is None:
            return
        for name, field in self.fields.items():
            if name == first:
                field.widget.attrs["autofocus"] = True
            else:
                field.widget.attrs.pop("autofocus", None)

    _naming_hidden_errors = False

    def non_field_errors(self):
        errors = super().non_field_errors()
        if self._naming_hidden_errors or not any(field.errors for field in self.hidden_fields()):
            return errors
        # Django's own rendering context names them ("(Hidden field version) ..."), in its
        # own translated wording; it asks this method for the rest, hence the guard.
        self._naming_hidden_errors = True
        try:
            return forms.Form.get_context(self)["errors"]
        finally:
            self._naming_hidden_errors = False


class MarkedForm(MarkedFormMixin, forms.Form):
    """`Form` with the marks of `MarkedFormMixin`."""

    label_suffix = ""


class WholeNumberField(forms.IntegerField):
    """An integer typed or posted as digits only (an optional sign): "1e3", "1.0", "1_000"
    and numbers beyond the column are field errors, never a 500 and never read as something
    else."""

    _digits = re.compile(r"[+-]?[0-9]{1,30}")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not self._digits.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


class DecimalTextField(forms.CharField):
    """A quantity typed as people write it, read by the service (`core.bounds.read_decimal`:
    one decimal mark, no exponent surprises, the column's bounds), so its error is the
    service's, beside the field; the phone keyboard shows digits."""

    def __init__(self, *, size: int = 12, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "size": size}))
        super().__init__(**kwargs)


class VersionField(WholeNumberField):
    """The `version` a record had when its form was drawn (optimistic concurrency)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class RecordIdField(WholeNumberField):
    """The id of a record a form names (1 to the largest key the databases hold)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


def focus_first_error(*forms_in_page_order) -> None:
    """For a page of several forms (a form and its row formsets): the first field with an
    error, in page order, gets `autofocus` and every field with an error `aria-invalid`.
    Each argument is a form, or `(form, field names)` for a form whose fields the page shows
    apart, in that order."""
    parts = [item if isinstance(item, tuple) else (item, None) for item in forms_in_page_order]
    for form, _names in parts:  # a form may come in several parts: clear all first
        for field in form.fields.values():
            field.widget.attrs.pop("autofocus", None)
    focused = False
    for form, names in parts:
        if not form.is_bound or not form.errors:
            continue
        for name in names or form.fields:
            field = form.fields[name]
            if name in form.errors:
                field.widget.attrs["aria-invalid"] = "true"
                if not focused and not field.widget.is_hidden:
                    field.widget.attrs["autofocus"] = True
                    focused = True


class FixedRowsFormSet(BaseFormSet):
    """A formset with a fixed number of rows (`rows`, else the factory's `extra`) and no
    management form to post: the pages, the API-shaped tests and the browser post the rows'
    fields only. `filled()` leaves out the rows nobody filled in."""

    rows: int | None = None

    def total_form_count(self):
        return self.rows if self.rows is not None else self.extra

    def initial_form_count(self):
        return 0

    @cached_property
    def management_form(self):
        form = ManagementForm(
            {
                f"{self.prefix}-{TOTAL_FORM_COUNT}": self.total_form_count(),
                f"{self.prefix}-{INITIAL_FORM_COUNT}": 0,
            },
            auto_id=self.auto_id,
            prefix=self.prefix,
        )
        form.full_clean()
        return form

    def filled(self) -> list:
        """The rows the user filled in, in page order."""
        return [form for form in self.forms if form.has_changed()]


class ActionForm(forms.Form):
    """Which of a page's buttons was pressed (`name="action"`): one of `actions`, or None."""

    action = forms.ChoiceField(choices=())

    def __init__(self, data, *, actions):
        super().__init__(data)
        self.fields["action"].choices = [(action, action) for action in actions]

    @classmethod
    def chosen(cls, request, *actions) -> str | None:
        if request.method != "POST":
            return None
        form = cls(request.POST, actions=actions)
        return form.cleaned_data["action"] if form.is_valid() else None


class NextForm(forms.Form):
    """Where to go after a form (`next`), kept only when it stays on this site."""

    next = forms.CharField(required=False, max_length=2000)

    @classmethod
    def target(cls, request, data) -> str:
        form = cls(data)
        target = form.cleaned_data["next"] if form.is_valid() else ""
        if target and url_has_allowed_host_and_scheme(
            target, {request.get_host()}, request.is_secure()
        ):
            return target
        return ""


def add_service_error(form: forms.Form, error: ServiceError, *, fields=None) -> None:
    """Show a service's field errors on the fields they name (`fields` maps a service's
    field name to the form's where they differ), anything else above the form."""
    shown = False
    for field, messages in (error.details or {}).items():
        if isinstance(messages, list | tuple):
            field = (fields or {}).get(field, field)
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, str(message))
                shown = True
    if not shown:
        form.add_error(None, str(error.message))


# --- countries chosen from a list -------------------------------------------------------------


def country_options() -> list[tuple[str, str, str]]:
    """Every country as (ISO3, `Name (ISO3)` in the reader's language, the words a reader
    may type to find it: its names in every language held and its codes), by name."""
    from drugcontrol.core.models import Country

    rows = []
    for country in Country.objects.only(
        "iso3", "iso2", "name_en", "name_zh", "name_fr", "name_es", "name_ru", "name_ar"
    ):
        names = (country.name_en, country.name_zh, country.name_fr, country.name_es)
        names += (country.name_ru, country.name_ar)
        terms = " ".join(dict.fromkeys(n for n in (*names, country.iso3, country.iso2) if n))
        rows.append((country.iso3, f"{country.name} ({country.iso3})", terms))
    return sorted(rows, key=lambda row: row[1].casefold())


class CountrySelect(forms.SelectMultiple):
    """A select of countries named in the reader's language, rendered in one pass (several
    hundred options). Each option carries the words that find it (`data-terms`: its names
    in every language and its codes); `static/js/app.js` adds a search box above the select
    that narrows it to the options matching what is typed, in either language or by code.
    A value the list does not offer is shown again, selected (what was sent stays visible
    next to its error). `chosen_first`: the countries chosen head the list in the order
    given, so a form posts them back in that order (a route's transit countries)."""

    allow_multiple_selected = False

    def __init__(self, attrs=None, *, multiple=False, blank="—", chosen_first=False):
        super().__init__(attrs)
        self.allow_multiple_selected = multiple
        self.blank = blank
        self.chosen_first = chosen_first

    def value_from_datadict(self, data, files, name):
        if self.allow_multiple_selected:
            return super().value_from_datadict(data, files, name)
        return data.get(name)

    def format_value(self, value):
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        return [str(item) for item in value if item not in (None, "")]

    def render(self, name, value, attrs=None, renderer=None):
        given = self.format_value(value)
        chosen = set(given)
        rows = country_options()
        offered = {code for code, _label, _terms in rows}
        extra = [(code, code, code) for code in sorted(chosen - offered)]
        if self.chosen_first and chosen:
            by_code = {row[0]: row for row in [*rows, *extra]}
            first = [by_code[code] for code in dict.fromkeys(given)]
            rows, extra = first + [row for row in rows if row[0] not in chosen], []
        blank = [] if self.allow_multiple_selected else [("", self.blank, "")]
        options = format_html_join(
            "",
            '<option value="{}"{} data-terms="{}">{}</option>',
            (
                (code, mark_safe(" selected") if code in chosen else "", terms, label)
                for code, label, terms in [*blank, *rows, *extra]
            ),
        )
        final = self.build_attrs(self.attrs, attrs)
        final["data-country-select"] = ""
        final["data-search-label"] = _("Find a country: a name in either language, or a code")
        if self.allow_multiple_selected:
            final["multiple"] = True
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), options)


class CountryField(forms.Field):
    """A country chosen from a list (never a code typed by hand): the page shows every
    country named in the reader's language, searchable in either language or by code; the
    value posted and cleaned is the ISO alpha-3 code the services take (a list of codes with
    `multiple=True`; "" or [] when nothing is chosen). An unknown code is a field error.
    `ordered=True` (with `multiple`): the order of the codes matters and is kept (the chosen
    countries head the list in that order)."""

    default_error_messages = {
        # Django's own wording (and its translations).
        "invalid_choice": forms.ChoiceField.default_error_messages["invalid_choice"],
    }

    def __init__(self, *, required=True, multiple=False, blank=None, ordered=False, **kwargs):
        self.multiple = multiple
        kwargs.setdefault("label", _("Countries") if multiple else _("Country"))
        widget = kwargs.pop("widget", None) or CountrySelect(
            multiple=multiple, blank=blank if blank is not None else "—", chosen_first=ordered
        )
        super().__init__(required=required, widget=widget, **kwargs)

    def to_python(self, value):
        if self.multiple:
            if value in self.empty_values:
                return []
            values = value if isinstance(value, list | tuple) else [value]
            return list(dict.fromkeys(str(v).strip().upper() for v in values if str(v).strip()))
        return "" if value in self.empty_values else str(value).strip().upper()

    def validate(self, value):
        super().validate(value)
        from drugcontrol.core.models import Country

        codes = value if self.multiple else [value] if value else []
        known = set(Country.objects.filter(iso3__in=codes).values_list("iso3", flat=True))
        for code in codes:
            if code not in known:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": code[:20]},
                )


class SignInForm(MarkedForm):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        strip=False,
    )


class CodeForm(MarkedForm):
    code = forms.CharField(
        label=_("Six-digit code"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ProfileForm(MarkedForm):
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[("", _("As the browser asks")), *settings.LANGUAGES],
        required=False,
    )


class PasswordChangeForm(MarkedForm):
    current_password = forms.CharField(
        label=_("Current password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        strip=False,
    )
    new_password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two passwords differ."))
        return data


class TokenForm(MarkedForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    expires_in_days = WholeNumberField(
        label=_("Valid for (days)"), min_value=1, max_value=732, initial=90
    )


class UserCreateForm(MarkedForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )


class UserEditForm(MarkedForm):
    version = VersionField()
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class OrganisationCreateForm(MarkedForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    country = CountryField(
        label=_("Country"),
        required=False,
        help_text=_("Leave empty for an international organisation."),
    )
    require_second_factor = forms.BooleanField(label=_("Require a second factor"), required=False)


class OrganisationFilterForm(Form):
    """The organisation list's filter (a country from the list, not a code typed)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = CountryField(label=_("Country"), required=False, blank=_("Any"))

    def values(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"search": data.get("q") or None, "country": data.get("country") or None}


class SecondFactorPolicyForm(MarkedForm):
    version = VersionField()
    require_second_factor = forms.BooleanField(
        label=_("Members must use a second factor"), required=False
    )


class OrganisationSettingsForm(MarkedForm):
    version = VersionField()
    name = forms.CharField(label=_("Name"), max_length=200)
    require_second_factor = forms.BooleanField(
        label=_("Members must use a second factor"), required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)


def _record_types():
    return [("", _("All")), *record_type_choices()]


class AuditFilterForm(Form):
    action = forms.CharField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("User"), required=False)
    object_type = forms.ChoiceField(label=_("Record type"), required=False, choices=_record_types)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
