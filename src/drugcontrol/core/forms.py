import re

from django import forms
from django.conf import settings
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT, BaseFormSet, ManagementForm
from django.utils.functional import cached_property
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
    country = forms.CharField(
        label=_("Country (ISO alpha-3)"),
        max_length=3,
        required=False,
        help_text=_("Leave empty for an international organisation."),
    )
    require_second_factor = forms.BooleanField(label=_("Require a second factor"), required=False)


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
