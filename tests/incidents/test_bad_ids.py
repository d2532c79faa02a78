"""A non-numeric or out-of-range id or version in any incidents form answers with the page
and an error on that field, never a 500 and never silently ignored."""

import datetime

import pytest

from drugcontrol.core.models import Alert
from drugcontrol.incidents.models import Incident

from ..conftest import signed_in
from .conftest import report

BAD = ["abc", "1e3", "9" * 30, "-4", "1.5"]
BAD_OR_EMPTY = [*BAD, ""]  # for a field the form always sends


def _field_error(response, field: str) -> str:
    html = response.content.decode()
    assert response.status_code == 422, (field, response.status_code)
    assert f'data-field="{field}"' in html, field
    return html


@pytest.mark.parametrize("value", BAD)
def test_report_form_refuses_a_bad_party_id(scenario, value):
    client = signed_in(scenario["a_officer"])
    today = datetime.date.today().isoformat()
    response = client.post(
        "/incidents/new/",
        {
            "kind": "seizure",
            "occurred_on": today,
            "country-0": "CHN",
            "country-role-0": "departure",
            "party-0": "Some company",
            "party-role-0": "consignee",
            "party-id-0": value,
        },
    )
    html = _field_error(response, "parties.0.party_id")
    assert 'value="CHN" selected' in html, "the selects keep what was chosen"
    assert not Incident.objects.exists()


def test_report_form_refuses_a_chosen_party_beyond_any_id(scenario):
    client = signed_in(scenario["a_officer"])
    response = client.post(
        "/incidents/new/",
        {
            "kind": "seizure",
            "occurred_on": datetime.date.today().isoformat(),
            "party-0": f"Some company [#{'9' * 30}]",
            "party-role-0": "consignee",
        },
    )
    _field_error(response, "parties.0.name")


def test_report_form_marks_required_fields_and_focuses_the_first_bad_one(scenario):
    client = signed_in(scenario["a_officer"])
    page = client.get("/incidents/new/").content.decode()
    assert 'name="kind" required' in page or 'required id="id_kind"' in page
    assert page.count('class="required"') >= 2  # kind and date carry the visible marker
    response = client.post("/incidents/new/", {"kind": "seizure", "country-0": "QQQ"})
    html = _field_error(response, "occurred_on")
    assert html.count("autofocus") == 1
    assert "countries.0.country:" not in html and "occurred_on:" not in html


@pytest.mark.parametrize("value", BAD)
def test_add_party_form_refuses_a_bad_party_id(scenario, value):
    incident = report(scenario["a_officer"])
    client = signed_in(scenario["a_officer"])
    response = client.post(
        f"/incidents/{incident.pk}/parties/",
        {"party": "Another company", "role": "broker", "party_id": value},
    )
    _field_error(response, "party_id")
    assert incident.parties.count() == 1


def test_add_party_form_puts_the_service_error_on_its_field(scenario):
    incident = report(scenario["a_officer"])
    client = signed_in(scenario["a_officer"])
    response = client.post(
        f"/incidents/{incident.pk}/parties/", {"party": "Another company", "role": "nonsense"}
    )
    _field_error(response, "role")


@pytest.mark.parametrize("value", BAD_OR_EMPTY)
def test_alert_inbox_refuses_a_bad_alert_id(scenario, value):
    report(scenario["a_officer"])
    client = signed_in(scenario["b_focal"])
    response = client.post("/incidents/alerts/", {"id": value, "action": "acknowledge"})
    _field_error(response, "id")
    assert not Alert.objects.filter(acknowledged_at__isnull=False).exists()
