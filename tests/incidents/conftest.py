import datetime

import pytest

from drugcontrol.core.visibility import visible
from drugcontrol.entities import services as entity_services
from drugcontrol.entities.models import Party
from drugcontrol.incidents import services


@pytest.fixture
def scenario(make_user, countries):
    """Country A (China) reports; country B (Germany) holds the consignee on file, written in
    pinyin with a typo; country C (Mexico) has nothing to do with it."""
    people = {
        "a_officer": make_user(country="CHN", role="officer", email="a@example.org"),
        "b_focal": make_user(country="DEU", role="focal_point", email="b@example.org"),
        "c_focal": make_user(country="MEX", role="focal_point", email="c@example.org"),
    }
    people["b_party"] = entity_services.party_create(
        actor=people["b_focal"],
        data=entity_services.validate_party(
            kind="company", name="Guangzhou Tianhe Huagong Youxian Gongsi", country_code="CHN"
        ),
    )
    return people


def report(actor, *, consignee="广州天河化工有限公司", distribution="countries_involved", **extra):
    raw = {
        "kind": "seizure",
        "occurred_on": (datetime.date.today() - datetime.timedelta(days=3)).isoformat(),
        "distribution": distribution,
        "transport_mode": "sea",
        "countries": [
            {"country": "CHN", "role": "departure"},
            {"country": "NLD", "role": "transit"},
            {"country": "AUS", "role": "destination"},
        ],
        "substances": [{"description": "white powder", "quantity": "12.5", "unit": "kg"}],
        "parties": [{"role": "consignee", "kind": "company", "name": consignee, "country": "CHN"}],
        **extra,
    }
    data = services.validate_incident(raw, visible_parties=visible(Party, actor))
    return services.incident_create(actor=actor, data=data)
