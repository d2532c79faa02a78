"""The incident list's filter is declared once (incidents/filters.py): for the same filter
the list page and the API give the same rows, for every reader of the battery's world."""

import datetime
import re

import pytest
from django.utils import timezone

from drugcontrol.core.visibility import visible
from drugcontrol.entities.models import Party
from drugcontrol.incidents import services
from tests.battery_world import build_world

from ..conftest import signed_in

READERS = [
    "chn.law_enforcement.officer",
    "chn.competent_authority.officer",
    "chn.competent_authority.viewer",
    "deu.law_enforcement.officer",
    "deu.competent_authority.officer",
    "chn.forensic_lab.viewer",
    "intl.viewer",
    "chn.fiu.officer",
]
_ROW = re.compile(r'data-testid="incident-row">\s*<td[^>]*><a href="/incidents/(\d+)/"')


def _with_substance(actor, substance_id, *, distribution, days, kind="seizure", unit="t"):
    raw = {
        "kind": kind,
        "occurred_on": (timezone.localdate() - datetime.timedelta(days=days)).isoformat(),
        "distribution": distribution,
        "countries": [{"country": "CHN", "role": "origin"}, {"country": "NGA", "role": "transit"}],
        "substances": [{"substance_id": substance_id, "quantity": "1.5", "unit": unit}],
    }
    data = services.validate_incident(raw, visible_parties=visible(Party, actor))
    return services.incident_create(actor=actor, data=data)


def _filters(world, today):
    sub = world.ids["SUB"]
    return [
        {},
        {"kind": "seizure"},
        {"kind": "diversion_attempt"},
        {"country": "CHN"},
        {"country": "DEU"},
        {"country": "DEU", "role": "destination"},
        {"country": "CHN", "role": "departure"},
        {"country": "NGA", "role": "transit", "kind": "diversion_attempt"},
        {"party": "Hamburg"},
        {"party": "广州"},
        {"substance_id": sub},
        {"substance_id": sub, "country": "CHN", "role": "origin"},
        {"since": (today - datetime.timedelta(days=4)).isoformat()},
        {"until": (today - datetime.timedelta(days=4)).isoformat(), "kind": "seizure"},
        {"since": (today - datetime.timedelta(days=30)).isoformat(), "substance_id": sub},
    ]


@pytest.mark.django_db
def test_the_list_page_and_the_api_give_the_same_rows(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    chn_police = world.users["chn.law_enforcement.officer"]
    _with_substance(chn_police, world.ids["SUB"], distribution="all", days=2)
    _with_substance(
        chn_police, world.ids["SUB"], distribution="country", days=10, kind="diversion_attempt"
    )
    today = timezone.localdate()
    compared = 0
    for key in READERS:
        client = world.clients[key]
        for query in _filters(world, today):
            api = client.get("/api/v1/incidents", {**query, "page_size": 200})
            assert api.status_code == 200, (key, query, api.content)
            from_api = [item["id"] for item in api.json()["items"]]
            page = client.get("/incidents/", query)
            assert page.status_code == 200, (key, query)
            html = page.content.decode()
            assert 'class="field-error"' not in html, (key, query)
            from_page = [int(pk) for pk in _ROW.findall(html)]
            assert from_page == from_api, (key, query)
            compared += bool(from_api)
    assert compared > len(READERS) * 3, "the filters must select rows, not only empty lists"


@pytest.mark.django_db
def test_a_bad_filter_value_is_a_field_error_on_the_page_and_a_422_in_the_api(chn_officer):
    client = signed_in(chn_officer)
    for query in ({"kind": "nonsense"}, {"substance_id": "abc"}, {"since": "31/31/2020"}):
        assert client.get("/api/v1/incidents", query).status_code == 422, query
        page = client.get("/incidents/", query).content.decode()
        assert f'data-field="{next(iter(query))}"' in page, query
