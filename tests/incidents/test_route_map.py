import datetime
import re

import pytest

from drugcontrol.incidents import maps, selectors
from drugcontrol.incidents.filters import RouteMapFilter

from ..conftest import signed_in
from .conftest import report

pytestmark = pytest.mark.django_db

MEX_ROUTE = [
    {"country": "MEX", "role": "departure"},
    {"country": "USA", "role": "destination"},
]


def test_legs_are_counted_once_per_incident_and_busiest_first(scenario):
    for name in ("Alpha", "Beta"):
        report(scenario["a_officer"], consignee=name)
    report(scenario["a_officer"], consignee="Gamma", countries=MEX_ROUTE)
    result = selectors.route_legs(user=scenario["a_officer"])
    assert result.incidents == 3
    assert result.legs[:2] == [("CHN", "NLD", 2), ("NLD", "AUS", 2)]
    assert ("MEX", "USA", 1) in result.legs and result.more == 0
    capped = selectors.route_legs(user=scenario["a_officer"], top=1)
    assert capped.legs == [("CHN", "NLD", 2)] and capped.more == 2


def test_only_incidents_the_reader_may_see_count(scenario):
    report(scenario["a_officer"], distribution="country")
    assert selectors.route_legs(user=scenario["a_officer"]).incidents == 1
    assert selectors.route_legs(user=scenario["c_focal"]).incidents == 0
    assert selectors.route_legs(user=scenario["c_focal"]).legs == []


def test_filters_period_kind_and_country(scenario):
    report(scenario["a_officer"], consignee="Alpha")
    report(scenario["a_officer"], consignee="Gamma", countries=MEX_ROUTE)
    user = scenario["a_officer"]
    legs = selectors.route_legs(user=user, filters=RouteMapFilter(country="MEX")).legs
    assert legs == [("MEX", "USA", 1)]
    later = datetime.date.today() + datetime.timedelta(days=1)
    assert selectors.route_legs(user=user, filters=RouteMapFilter(since=later)).legs == []
    assert (
        selectors.route_legs(user=user, filters=RouteMapFilter(kind="illicit_laboratory")).legs
        == []
    )


def test_busiest_leg_is_drawn_heaviest():
    svg = maps.legs_map([("CHN", "NLD", 10), ("NLD", "AUS", 1)])
    widths = {
        part.split('data-count="')[1].split('"')[0]: float(
            part.split('stroke-width="')[1].split('"')[0]
        )
        for part in svg.split("<path")[1:]
        if "data-count" in part
    }
    assert widths["10"] > widths["1"]


def test_map_page_filters_and_notes_the_legs_left_out(scenario, monkeypatch):
    from drugcontrol.incidents import views

    report(scenario["a_officer"], consignee="Alpha")
    report(scenario["a_officer"], consignee="Gamma", countries=MEX_ROUTE)
    client = signed_in(scenario["a_officer"])
    page = client.get("/incidents/map/?country=MEX").content.decode()
    assert "<title>Mexico → United States: 1 incident</title>" in page
    assert "China → Netherlands" not in page
    monkeypatch.setattr(views, "ROUTE_MAP_TOP", 1)
    page = client.get("/incidents/map/").content.decode()
    assert "2 more legs are not drawn" in page
    bad = client.get("/incidents/map/?since=not-a-date")
    assert bad.status_code == 200 and 'class="error"' in bad.content.decode()


def test_the_map_reads_in_chinese(scenario):
    """Every text of the drawn map is in the reader's language: the map's title, each leg's
    tooltip and each country's, not the codes or the map file's English title."""
    report(scenario["a_officer"], consignee="Alpha")
    client = signed_in(scenario["a_officer"])
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/incidents/map/").content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    titles = re.findall(r"<title>([^<]*)</title>", svg)
    assert titles[0] == "路线图" and 'aria-label="路线图"' in svg
    assert "中国" in titles and "荷兰" in titles and "澳大利亚" in titles
    assert "中国 → 荷兰：1起事件" in titles, titles
    assert "World map" not in svg
    assert not [title for title in titles if re.search(r"[A-Za-z]", title)], titles
