from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.errors import ServiceError
from drugcontrol.core.labels import record_type_choices
from drugcontrol.core.models import OrganisationKind, Role


class Form(forms.Form):
    """Labels stand above their fields, so they need no colon (in either language)."""

    label_suffix = ""


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


class SignInForm(Form):
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


class CodeForm(Form):
    code = forms.CharField(
        label=_("Six-digit code"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ProfileForm(Form):
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[("", _("As the browser asks")), *settings.LANGUAGES],
        required=False,
    )


class PasswordChangeForm(Form):
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


class TokenForm(Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    expires_in_days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=732, initial=90
    )


class UserCreateForm(Form):
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


class UserEditForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class OrganisationCreateForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    country = forms.CharField(
        label=_("Country (ISO alpha-3)"),
        max_length=3,
        required=False,
        help_text=_("Leave empty for an international organisation."),
    )
    require_second_factor = forms.BooleanField(label=_("Require a second factor"), required=False)


class SecondFactorPolicyForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    require_second_factor = forms.BooleanField(
        label=_("Members must use a second factor"), required=False
    )


class OrganisationSettingsForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
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
