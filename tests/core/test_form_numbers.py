"""Every core and substances form that takes a number (a record's version, an id, a count)
answers a non-numeric or out-of-range value with an error on that field: never a 500, never
a value read as something else. And the marks every writing form carries: required fields
marked, the first field with an error focused, typed values kept."""

import pytest
from django.urls import reverse

from tests.conftest import signed_in

BAD_NUMBERS = ["abc", "1e3", "", "9" * 30, "1.0", "1_000", "-1", " ", "١٢"]


def _form_errors(response, name):
    return response.context[name].errors


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_user_form_version(value, chn_admin, chn_officer):
    response = signed_in(chn_admin).post(
        reverse("core:user_detail", args=[chn_officer.pk]),
        {"version": value, "role": "viewer", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "version" in _form_errors(response, "form")
    chn_officer.refresh_from_db()
    assert chn_officer.role == "officer"


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_second_factor_policy_form_version(value, chn_admin):
    organisation = chn_admin.organisation
    response = signed_in(chn_admin).post(
        reverse("core:organisation_detail", args=[organisation.pk]),
        {"action": "settings", "version": value, "require_second_factor": "on"},
    )
    assert response.status_code == 200
    assert "version" in _form_errors(response, "settings_form")
    organisation.refresh_from_db()
    assert not organisation.require_second_factor


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_organisation_settings_form_version(value, intl_admin, chn_officer):
    organisation = chn_officer.organisation
    response = signed_in(intl_admin).post(
        reverse("core:organisation_detail", args=[organisation.pk]),
        {"action": "settings", "version": value, "name": "Renamed", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "version" in _form_errors(response, "settings_form")
    # a hidden field has no place of its own: its error is named above the form
    assert "(Hidden field version)" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.name != "Renamed"


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_token_form_days(value, chn_officer):
    response = signed_in(chn_officer).post(
        reverse("core:tokens"), {"name": "tool", "expires_in_days": value}
    )
    assert response.status_code == 200
    assert "expires_in_days" in _form_errors(response, "form")
    assert not chn_officer.api_tokens.exists()


@pytest.mark.parametrize("value", ["abc", "1e3", "9" * 30, "0"])
def test_ids_in_addresses_are_not_found(value, chn_admin):
    client = signed_in(chn_admin)
    assert client.get(f"/users/{value}/").status_code == 404
    assert client.post(f"/accounts/tokens/{value}/revoke/").status_code == 404


@pytest.mark.parametrize("value", ["abc", "1e3", "", "9" * 30])
def test_unknown_actions_change_nothing(value, chn_admin, chn_officer):
    response = signed_in(chn_admin).post(
        reverse("core:organisation_detail", args=[chn_admin.organisation_id]),
        {"action": value, "version": "1", "require_second_factor": "on"},
    )
    assert response.status_code == 200
    chn_admin.organisation.refresh_from_db()
    assert not chn_admin.organisation.require_second_factor


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_identify_answers_any_text(value, chn_officer, registry):
    response = signed_in(chn_officer).post(
        reverse("substances:identify"), {"structure": value, "name": ""}
    )
    assert response.status_code == 200


def test_required_fields_marked_first_error_focused_values_kept(chn_admin):
    response = signed_in(chn_admin).post(
        reverse("core:organisation_detail", args=[chn_admin.organisation_id]),
        {"action": "add_user", "username": "", "email": "kept@example.org", "role": "viewer"},
    )
    assert response.status_code == 200
    form = response.context["user_form"]
    assert set(form.errors) == {"username", "password"}
    html = response.content.decode()
    username = form["username"]
    assert "autofocus" in str(username) and "required" in str(username)
    assert "autofocus" not in str(form["password"])
    assert 'class="required-marker"' in username.label_tag()
    assert 'class="required-marker"' not in form["email"].label_tag()
    assert 'value="kept@example.org"' in html
