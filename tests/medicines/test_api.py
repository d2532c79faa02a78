"""The medicines API: who reads an authorization and an estimate (check_scope), the
balances' shape, and the export authorization refused through the API naming the rule."""

import pytest

from drugcontrol.core.testing import ScopeTarget, check_scope
from drugcontrol.medicines import services
from tests.conftest import signed_in

from .test_balances import SOON, YEAR, import_authorization

pytestmark = pytest.mark.django_db
V1 = "/api/v1/medicines"


@pytest.fixture
def kenya(make_user):
    return make_user(country="KEN", kind="competent_authority", role="officer")


@pytest.fixture
def india(make_user):
    return make_user(country="IND", kind="competent_authority", role="officer")


@pytest.fixture
def secretariat(make_user):
    return make_user(kind="international", role="officer")


def test_an_authorization_is_read_by_the_two_countries_and_the_secretariat(
    kenya, india, secretariat, make_user
):
    authorization = import_authorization(kenya, "KE-1", "1")
    target = ScopeTarget(
        record_id=authorization.pk,
        list_url=f"{V1}/authorizations",
        detail_url=f"{V1}/authorizations/{authorization.pk}",
    )
    germany = make_user(country="DEU", kind="competent_authority", role="officer")
    check_scope(
        target, own_country_user=kenya, other_country_user=germany, international_user=secretariat
    )
    check_scope(
        target, own_country_user=india, other_country_user=germany, international_user=secretariat
    )


def test_a_submitted_estimate_is_read_by_its_country_a_confirmed_one_by_all(
    kenya, secretariat, make_user
):
    estimate = services.estimate_submit(
        actor=kenya, country="KEN", year=YEAR, substance="Morphine", consumption_kg="3"
    )
    target = ScopeTarget(
        record_id=estimate.pk,
        list_url=f"{V1}/estimates",
        detail_url=f"{V1}/estimates/{estimate.pk}",
    )
    germany = make_user(country="DEU", kind="law_enforcement", role="viewer")
    check_scope(
        target, own_country_user=kenya, other_country_user=germany, international_user=secretariat
    )
    services.estimate_confirm(actor=secretariat, estimate=estimate)
    check_scope(
        target,
        own_country_user=kenya,
        other_country_user=germany,
        international_user=secretariat,
        other_countries_see=True,
    )


def test_the_export_is_checked_through_the_api(kenya, india, secretariat):
    kenyan, indian = signed_in(kenya), signed_in(india)
    submitted = kenyan.post(
        f"{V1}/estimates",
        {"country": "KEN", "year": YEAR, "substance": "Morphine", "consumption_kg": "2"},
        content_type="application/json",
    ).json()
    confirmed = signed_in(secretariat).post(
        f"{V1}/estimates/{submitted['id']}/confirm", {"version": 1}, "application/json"
    )
    assert confirmed.json()["status"] == "confirmed"
    body = {
        "number": "KE-9",
        "importing_country": "KEN",
        "exporting_country": "IND",
        "substance": "Morphine",
        "quantity": "3000",
        "unit": "g",
        "importer": "Kenya Medical Supplies Authority",
        "exporter": "Example Alkaloids Ltd",
        "valid_until": SOON,
    }
    issued = kenyan.post(f"{V1}/authorizations", body, "application/json")
    assert issued.status_code == 201 and issued.json()["base_kg"] == "3.000000"
    url = f"{V1}/authorizations/{issued.json()['id']}"
    balances = indian.get(f"{V1}/balances?country=KEN").json()["items"]
    assert balances == [
        {
            "country": "KEN",
            "substance": "Morphine",
            "year": YEAR,
            "system": "1961",
            "estimate_kg": "2.000000",
            "authorized_kg": "0.000000",
            "remaining_kg": "2.000000",
        }
    ]
    refused = indian.post(f"{url}/export", {"number": "IN-9"}, "application/json")
    assert refused.status_code == 422
    assert "article 31" in refused.json()["error"]["details"]["quantity_kg"][0]
    in_chinese = indian.post(
        f"{url}/export", {"number": "IN-9"}, "application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).json()["error"]
    assert "第三十一条第一款（b）项" in in_chinese["details"]["quantity_kg"][0]
    assert "（2 公斤中剩余 2 公斤）" in in_chinese["details"]["quantity_kg"][0]
    passed = indian.post(
        f"{url}/export", {"number": "IN-9", "quantity_kg": "2"}, "application/json"
    )
    assert passed.status_code == 201 and passed.json()["export"]["base_kg"] == "2.000000"
    assert indian.get(f"{V1}/balances?country=KEN").json()["items"][0]["remaining_kg"] == "0.000000"
    endorsed = kenyan.post(
        f"{url}/endorse", {"received_kg": "1.5", "version": 1}, "application/json"
    )
    assert endorsed.status_code == 200 and endorsed.json()["export"]["status"] == "endorsed"
    assert (
        indian.post(f"{url}/endorse", {"received_kg": "1"}, "application/json").status_code == 403
    )
