"""A non-numeric or out-of-range id or version in any parties form answers with the page
and an error on that field, never a 500 and never silently ignored."""

import pytest

from drugcontrol.entities import services
from drugcontrol.entities.models import Correlation, WarningValue

from ..conftest import signed_in

BAD = ["abc", "1e3", "9" * 30, "-4", "1.5", ""]


def _field_error(response, field: str) -> None:
    assert response.status_code == 422, (field, response.status_code)
    assert f'data-field="{field}"' in response.content.decode(), field


@pytest.mark.parametrize("value", BAD)
def test_decision_refuses_a_bad_version(make_party, chn_officer, value):
    make_party("广州天河化工有限公司", actor=chn_officer)
    make_party("Guangzhou Tianhe Chemical Co Ltd", actor=chn_officer)
    correlation = Correlation.objects.get()
    response = signed_in(chn_officer).post(
        f"/parties/correlations/{correlation.pk}/", {"action": "confirm", "version": value}
    )
    _field_error(response, "version")
    assert Correlation.objects.get().status == "proposed"


def test_decision_refuses_an_unknown_action(make_party, chn_officer):
    make_party("广州天河化工有限公司", actor=chn_officer)
    make_party("Guangzhou Tianhe Chemical Co Ltd", actor=chn_officer)
    correlation = Correlation.objects.get()
    response = signed_in(chn_officer).post(
        f"/parties/correlations/{correlation.pk}/", {"action": "approve", "version": "1"}
    )
    _field_error(response, "action")


@pytest.mark.parametrize("value", BAD)
def test_warning_list_refuses_a_bad_id(intl_admin, countries, value):
    services.warning_value_add(actor=intl_admin, kind="phone", value="+86 20 0000 0000")
    response = signed_in(intl_admin).post(
        "/parties/warning-list/", {"action": "remove", "id": value}
    )
    _field_error(response, "id")
    assert WarningValue.objects.count() == 1


def test_warning_list_puts_the_service_error_on_its_field(intl_admin, countries):
    response = signed_in(intl_admin).post(
        "/parties/warning-list/", {"kind": "phone", "value": "not a phone", "reason": ""}
    )
    _field_error(response, "value")
    assert "autofocus" in response.content.decode()
