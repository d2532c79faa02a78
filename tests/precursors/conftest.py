import datetime

import pytest

from drugcontrol.core.visibility import visible
from drugcontrol.entities.models import Party
from drugcontrol.precursors import services
from drugcontrol.substances.selectors import find_by_name


@pytest.fixture
def people(make_user, make_org):
    """Exporter China, importer Australia, transit Singapore, Mexico, uninvolved, and an
    officer of the secretariat."""
    chn = make_org(country="CHN", name="China precursor authority")
    aus = make_org(country="AUS", name="Australia precursor authority")
    return {
        "exporter": make_user(organisation=chn, role="officer", email="cn@example.org"),
        "exporter_focal": make_user(organisation=chn, role="focal_point", email="cnf@example.org"),
        "importer": make_user(organisation=aus, role="officer", email="au@example.org"),
        "importer_2": make_user(organisation=aus, role="officer"),
        "importer_focal": make_user(organisation=aus, role="focal_point", email="auf@example.org"),
        "transit": make_user(country="SGP", role="focal_point", email="sg@example.org"),
        "third": make_user(country="MEX", role="focal_point"),
        "operator": make_user(country="CHN", kind="operator", role="officer"),
        "secretariat": make_user(kind="international", role="officer"),
    }


def future(days=30) -> str:
    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


def notification_raw(**overrides) -> dict:
    raw = {
        "kind": "scheduled",
        "importing_country": "AUS",
        "transit_countries": ["SGP"],
        "invoice_number": "INV-2026-0042",
        "transport_mode": "sea",
        "point_of_exit": "Shanghai",
        "point_of_entry": "Port of Melbourne",
        "expected_dispatch": future(),
        "lines": [{"substance_id": find_by_name("Ephedrine").pk, "quantity": "25", "unit": "kg"}],
        "parties": [
            {
                "role": "exporter",
                "name": "Jiangsu Hengrui Pharmaceutical Co., Ltd.",
                "country": "CHN",
                "address": "7 Kunlunshan Road, Lianyungang",
            },
            {
                "role": "importer",
                "name": "Southern Cross Pharma Pty Ltd",
                "country": "AUS",
                "address": "12 Collins Street, Melbourne",
            },
        ],
    }
    raw.update(overrides)
    return raw


def draft(actor, **overrides):
    data = services.validate_notification(
        notification_raw(**overrides),
        exporting_country_id=actor.country_id,
        visible_parties=visible(Party, actor),
    )
    return services.notification_create(actor=actor, data=data)


def submitted(actor, **overrides):
    return services.notification_submit(actor=actor, notification=draft(actor, **overrides))
