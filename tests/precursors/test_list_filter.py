"""The notification list's filter is declared once (`precursors.filters.NotificationFilter`):
for the same filter the list page and the API give the same rows, for every reader."""

import datetime
import re

import pytest

from drugcontrol.precursors import services
from drugcontrol.precursors.models import Notification
from drugcontrol.substances.selectors import find_by_name

from ..conftest import signed_in
from .conftest import draft, submitted

pytestmark = pytest.mark.django_db


def _line(name, quantity="10"):
    return [{"substance_id": find_by_name(name).pk, "quantity": quantity, "unit": "kg"}]


@pytest.fixture
def exchange(people):
    """Notifications in several states, routes and substances."""
    exporter, importer = people["exporter"], people["importer"]
    cleared = submitted(exporter, invoice_number="INV-CLEAR-1")
    services.notification_answer(actor=importer, notification=cleared, decision="clear")
    objected = submitted(exporter, lines=_line("Pseudoephedrine"), transit_countries=[])
    services.notification_answer(
        actor=importer, notification=objected, decision="object", ground="no_licence"
    )
    overdue = submitted(exporter, invoice_number="INV-LATE-7")
    Notification.objects.filter(pk=overdue.pk).update(
        reply_deadline=datetime.date.today() - datetime.timedelta(days=3)
    )
    waiting = submitted(exporter, lines=_line("Pseudoephedrine"), importing_country="NZL")
    drafted = draft(exporter, importing_country="NZL", transit_countries=[])
    other_way = submitted(importer, importing_country="CHN", transit_countries=["SGP"])
    return {
        "cleared": cleared,
        "objected": objected,
        "overdue": overdue,
        "waiting": waiting,
        "draft": drafted,
        "other_way": other_way,
    }


def _filters(exchange):
    today = datetime.date.today()
    ephedrine, pseudo = find_by_name("Ephedrine").pk, find_by_name("Pseudoephedrine").pk
    return [
        {},
        {"status": "submitted"},
        {"status": "overdue"},
        {"status": "objected"},
        {"status": "draft"},
        {"direction": "outgoing"},
        {"direction": "incoming"},
        {"direction": "transit"},
        {"substance_id": ephedrine},
        {"substance_id": pseudo},
        {"substance_id": pseudo, "direction": "outgoing", "status": "objected"},
        {"country": "AUS"},
        {"country": "NZL"},
        {"country": "CHN", "direction": "incoming"},
        {"since": today.isoformat()},
        {"until": (today - datetime.timedelta(days=1)).isoformat()},
        {"since": today.isoformat(), "until": today.isoformat(), "status": "cleared"},
        {"q": "INV-LATE-7"},
        {"q": exchange["cleared"].reference},
        {"q": "Southern Cross"},
        {"q": "Southern Cross", "country": "NZL", "direction": "outgoing"},
    ]


def _page_rows(client, query) -> list[str]:
    response = client.get("/precursors/", query)
    assert response.status_code == 200, (query, response.status_code)
    html = response.content.decode()
    assert 'class="field-error"' not in html, query
    row = r'data-testid="notification-row">\s*<td class="nowrap">'
    return re.findall(row + r'<a href="/precursors/\d+/">([^<]+)</a>', html)


def _api_rows(client, query) -> list[str]:
    response = client.get("/api/v1/precursors/notifications", {**query, "page_size": 200})
    assert response.status_code == 200, (query, response.content)
    return [item["reference"] for item in response.json()["items"]]


def test_the_page_and_the_api_give_the_same_rows_for_the_same_filter(people, intl_viewer, exchange):
    readers = [
        people["exporter"],
        people["importer"],
        people["transit"],
        people["third"],
        people["operator"],
        intl_viewer,
    ]
    seen_any = set()
    for reader in readers:
        client = signed_in(reader)
        for query in _filters(exchange):
            page, api = _page_rows(client, query), _api_rows(client, query)
            assert page == api, (reader, query, page, api)
            seen_any.add(bool(api))
    assert seen_any == {True, False}  # the filters both find rows and leave some out
    exporter = signed_in(people["exporter"])
    # the filters do narrow: a sample of what the exporter's authority sees
    assert set(_api_rows(exporter, {"status": "overdue"})) == {exchange["overdue"].reference}
    assert set(_api_rows(exporter, {"status": "draft"})) == {exchange["draft"].reference}
    assert set(_api_rows(exporter, {"substance_id": find_by_name("Pseudoephedrine").pk})) == {
        exchange["objected"].reference,
        exchange["waiting"].reference,
    }


def test_the_page_offers_substances_by_id_and_names_a_bad_value(people, exchange):
    client = signed_in(people["exporter"])
    pseudo = find_by_name("Pseudoephedrine")
    html = client.get("/precursors/").content.decode()
    assert f'<option value="{pseudo.pk}">{pseudo.name}</option>' in html
    assert '<select name="substance_id"' in html and '<select name="status"' in html
    bad = client.get("/precursors/", {"since": "31/31/2026", "substance_id": "abc"})
    assert bad.status_code == 200
    assert b'data-field="since"' in bad.content and b'data-field="substance_id"' in bad.content
    api = client.get("/api/v1/precursors/notifications", {"substance_id": "abc"})
    assert api.status_code == 422


STATISTICS_FILTERS = [
    {},
    {"country": "AUS"},
    {"country": "NZL"},
    {"since": (datetime.date.today() - datetime.timedelta(days=1)).isoformat()},
    {"until": (datetime.date.today() - datetime.timedelta(days=400)).isoformat()},
]


@pytest.mark.parametrize("query", STATISTICS_FILTERS)
def test_statistics_page_csv_and_api_read_one_filter(exchange, people, query):
    """The response statistics' period and country (`StatisticsFilter`) give the same rows
    on the page's CSV and in the API."""
    client = signed_in(people["third"])
    api = client.get("/api/v1/precursors/statistics", query)
    assert api.status_code == 200
    csv_rows = client.get("/precursors/statistics/", {**query, "format": "csv"})
    lines = csv_rows.content.decode().splitlines()[1:]
    assert [line.split(",")[:4] for line in lines] == [
        [row["country"], str(row["received"]), str(row["answered"]), f"{row['answered_share']:.3f}"]
        for row in api.json()
    ]


def test_statistics_refuse_a_bad_date_on_its_field(exchange, people):
    client = signed_in(people["third"])
    page = client.get("/precursors/statistics/", {"since": "2026-13-45"})
    assert page.status_code == 200
    assert 'data-field="since"' in page.content.decode()
    api = client.get("/api/v1/precursors/statistics", {"since": "2026-13-45"})
    assert api.status_code == 422 and "since" in str(api.json()["error"]["details"])
