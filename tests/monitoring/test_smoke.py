import pytest

from drugcontrol.monitoring import selectors, services

from .conftest import cell

pytestmark = pytest.mark.django_db


def test_smoke(use_2024, provider, focal_point, secretariat):
    services.value_set(actor=provider, submission=use_2024, item=cell("PREV", "5.2", drug="cannabis", period="past_month"))
    services.value_set(actor=provider, submission=use_2024, item=cell("PREV", "3.1", drug="cannabis", period="past_year"))
    report = selectors.validation_report(use_2024)
    assert [v.rule.code for v in report] == ["PREV_MONTH_YEAR"]
    print(selectors.violation_text(report[0]))
    from tests.conftest import signed_in
    page = signed_in(provider).get(f"/monitoring/submissions/{use_2024.pk}/")
    assert page.status_code == 200, page.content[:2000]
    assert "cell-error" in page.content.decode()
    r = signed_in(provider).post(f"/monitoring/submissions/{use_2024.pk}/cell/", {"element": "PREV", "key": "drug=cannabis;period=past_month", "cell|PREV|drug=cannabis;period=past_month": "2", "note|PREV|drug=cannabis;period=past_month": ""})
    assert r.status_code == 200
    assert 'data-errors="0"' in r.content.decode(), r.content.decode()[-1500:]
    api = signed_in(focal_point).post(f"/api/v1/monitoring/submissions/{use_2024.pk}/submit", {}, content_type="application/json")
    assert api.status_code == 200, api.content
    assert api.json()["status"] == "submitted"
    r = signed_in(secretariat).post(f"/api/v1/monitoring/submissions/{use_2024.pk}/return", {"comment": "Check"}, content_type="application/json")
    assert r.json()["status"] == "returned", r.content
    for url in ["/monitoring/", "/monitoring/definitions/", "/api/v1/monitoring/values?country=CHN", "/api/v1/monitoring/data-elements", "/api/v1/monitoring/datasets", "/api/v1/monitoring/submissions", "/api/v1/monitoring/indicators", "/api/v1/monitoring/targets", "/api/v1/monitoring/validation-rules"]:
        r = signed_in(secretariat).get(url)
        assert r.status_code == 200, (url, r.content[:500])
