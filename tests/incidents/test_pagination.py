"""Cursor pages of a shaped list (incidents: ordered by date, the id breaking ties)."""

import urllib.parse

import pytest

from ..conftest import signed_in
from .conftest import report

pytestmark = pytest.mark.django_db


def _walk(client, url, page_size):
    ids, cursor = [], ""
    while cursor is not None:
        answer = client.get(f"{url}?page_size={page_size}&cursor={urllib.parse.quote(cursor)}")
        assert answer.status_code == 200, answer.content
        answer = answer.json()
        assert answer["count"] is None
        ids += [item["id"] for item in answer["items"]]
        cursor = answer["next"]
    return ids


def test_incident_cursor_pages_match_the_numbered_pages(scenario):
    officer = scenario["a_officer"]
    created = [report(officer) for _ in range(5)]  # all on the same date
    client = signed_in(officer)
    numbered = []
    for page in (1, 2, 3):
        answer = client.get(f"/api/v1/incidents?page_size=2&page={page}").json()
        assert answer["count"] == 5
        numbered += [item["id"] for item in answer["items"]]
    assert numbered == sorted((incident.pk for incident in created), reverse=True)
    assert _walk(client, "/api/v1/incidents", 2) == numbered


def test_alert_cursor_pages(scenario):
    report(scenario["a_officer"])
    report(scenario["a_officer"], consignee="Another Trading Co")
    client = signed_in(scenario["b_focal"])
    everything = [item["id"] for item in client.get("/api/v1/alerts?page_size=200").json()["items"]]
    assert everything
    assert _walk(client, "/api/v1/alerts", 1) == everything
