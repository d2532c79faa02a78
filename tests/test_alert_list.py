"""Alerts filterable by kind, with "mark all read", the same on the page and in the API."""

import pytest

from drugcontrol.core import alerts as alert_services
from drugcontrol.core.models import Alert

from .conftest import signed_in
from .incidents.conftest import (
    report,
    scenario,  # noqa: F401  (fixture)
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def australia(make_user):
    return make_user(country="AUS", role="focal_point")


def broadcast(intl_admin):
    return alert_services.alert_broadcast(actor=intl_admin, title="Annual meeting", body="")


def test_the_api_filters_by_kind_and_marks_all_read(scenario, australia, intl_admin):  # noqa: F811
    report(scenario["a_officer"])
    broadcast(intl_admin)
    client = signed_in(australia)
    everything = client.get("/api/v1/alerts").json()
    assert {item["record_type"] for item in everything["items"]} >= {"incidents.incident", ""}
    incidents = client.get("/api/v1/alerts?record_type=incidents.incident&unread=true").json()
    assert incidents["count"] >= 1
    assert {item["record_type"] for item in incidents["items"]} == {"incidents.incident"}
    marked = client.post("/api/v1/alerts/read-all?record_type=incidents.incident").json()
    assert marked == {"marked": incidents["count"]}
    assert (
        client.get("/api/v1/alerts?record_type=incidents.incident&unread=true").json()["count"] == 0
    )
    # The announcement was outside the filter: still unread.
    assert client.get("/api/v1/alerts?unread=true").json()["count"] >= 1
    too_long = client.get("/api/v1/alerts", {"record_type": "x" * 101})
    assert too_long.status_code == 422


def test_mark_all_read_touches_only_the_readers_alerts(scenario, australia, make_user):  # noqa: F811
    colleague = make_user(organisation=australia.organisation, role="focal_point")
    report(scenario["a_officer"])
    signed_in(australia).post("/api/v1/alerts/read-all")
    assert Alert.objects.filter(recipient=australia, read_at__isnull=True).count() == 0
    assert Alert.objects.filter(recipient=colleague, read_at__isnull=True).count() >= 1


def test_the_alerts_page_filters_by_kind_and_marks_all_read(scenario, australia, intl_admin):  # noqa: F811
    report(scenario["a_officer"])
    broadcast(intl_admin)
    client = signed_in(australia)
    page = client.get("/incidents/alerts/?record_type=").content.decode()
    assert 'data-testid="alert-filters"' in page and "Announcements" in page
    only = client.get("/incidents/alerts/?record_type=incidents.incident").content.decode()
    assert "Annual meeting" not in only and only.count('data-testid="alert-row"') >= 1
    response = client.post(
        "/incidents/alerts/?record_type=incidents.incident", {"all-read_all": "on"}
    )
    assert response.status_code == 302
    unread = Alert.objects.filter(recipient=australia, read_at__isnull=True)
    assert list(unread.values_list("record_type", flat=True)) == [""]
    bad = client.get("/incidents/alerts/?record_type=" + "x" * 101)
    assert bad.status_code == 200 and 'data-field="record_type"' in bad.content.decode()
