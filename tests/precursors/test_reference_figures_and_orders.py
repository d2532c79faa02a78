"""Requirements, invocations and reply terms, the surveillance list and suspicious orders."""

import datetime
import decimal

import pytest
from django.utils import timezone

from drugcontrol.core.errors import Conflict, PermissionDenied, ValidationFailed
from drugcontrol.core.models import Alert, Country
from drugcontrol.core.quantities import to_kg
from drugcontrol.core.visibility import visible
from drugcontrol.entities.models import Party
from drugcontrol.precursors import selectors, services
from drugcontrol.substances.selectors import find_by_name

from ..conftest import signed_in
from .conftest import draft, submitted

pytestmark = pytest.mark.django_db


def test_requirements_keep_their_history_and_belong_to_their_country(people, intl_admin):
    aus = Country.objects.get(iso3="AUS")
    ephedrine = find_by_name("Ephedrine")
    first = services.requirement_set(
        actor=people["importer"],
        country=aus,
        substance=ephedrine,
        year=2027,
        quantity_kg="100",
        updated_on=datetime.date(2026, 10, 1),
    )
    second = services.requirement_set(
        actor=intl_admin,
        country=aus,
        substance=ephedrine,
        year=2027,
        quantity_kg="120.5",
        updated_on=datetime.date(2026, 11, 1),
        expected_version=first.version,
    )
    assert second.pk == first.pk and second.quantity_kg == decimal.Decimal("120.5")
    assert [r.quantity_kg for r in second.revisions.all()] == [
        decimal.Decimal("100"),
        decimal.Decimal("120.5"),
    ]
    page = signed_in(people["exporter"]).get(f"/precursors/requirements/{first.pk}/")
    assert page.content.decode().count('data-testid="revision"') == 2
    with pytest.raises(PermissionDenied):
        services.requirement_set(
            actor=people["exporter"],
            country=aus,
            substance=ephedrine,
            year=2027,
            quantity_kg="1",
        )
    with pytest.raises(ValidationFailed) as caught:
        services.requirement_set(
            actor=people["importer"],
            country=aus,
            substance=ephedrine,
            year=2027,
            quantity_kg="-1",
        )
    assert "quantity_kg" in caught.value.details


def test_invocations_and_reply_terms(people):
    aus = Country.objects.get(iso3="AUS")
    services.invocation_add(
        actor=people["secretariat"],
        country=aus,
        scope="substance",
        substance=find_by_name("Acetic anhydride"),
        since=datetime.date(2001, 6, 1),
    )
    with pytest.raises(Conflict):
        services.invocation_add(
            actor=people["secretariat"],
            country=aus,
            scope="substance",
            substance=find_by_name("Acetic anhydride"),
            since=datetime.date(2001, 6, 1),
        )
    with pytest.raises(ValidationFailed):
        services.invocation_add(
            actor=people["secretariat"],
            country=aus,
            scope="substance",
            substance=find_by_name("Caffeine"),
            since=datetime.date(2001, 6, 1),
        )
    services.policy_set(
        actor=people["importer"], country=aus, reply_days=21, explicit_clearance=True
    )
    assert services.reply_terms("AUS") == (21, True)
    notification = submitted(people["exporter"])
    assert notification.reply_deadline == timezone.localdate() + datetime.timedelta(days=21)
    assert notification.explicit_clearance is True


def test_surveillance_list_loads_all_or_nothing_and_serves_light_notifications(people, intl_admin):
    bad = "name,cas,hs_code,notes\nSodium cyanide,143-33-9,,\n,64-19-7,,\nX,123-45-6,,\n"
    with pytest.raises(ValidationFailed) as caught:
        services.surveillance_load(actor=intl_admin, content=bad.encode(), edition="2026")
    assert set(caught.value.details) == {"row 3", "row 4"}
    assert selectors.surveillance_list(user=intl_admin).count() == 0
    good = "name,cas,hs_code,notes\nBenzaldehyde,100-52-7,2912.21,\nNitroethane,79-24-3,,\n"
    assert (
        services.surveillance_load(actor=intl_admin, content=good.encode(), edition="2026")[
            "loaded"
        ]
        == 2
    )
    with pytest.raises(PermissionDenied):
        services.surveillance_load(actor=people["importer"], content=good.encode(), edition="2026")
    assert selectors.surveillance_list(user=people["operator"]).count() == 0
    light = draft(
        people["exporter"],
        kind="light",
        lines=[{"substance": "Nitroethane", "quantity": "200", "unit": "kg"}],
    )
    assert light.reference.startswith("VN-CHN-")
    assert light.lines.get().surveillance_chemical.name == "Nitroethane"
    with pytest.raises(ValidationFailed):  # a Table I substance is not a light notification
        draft(
            people["exporter"],
            kind="light",
            lines=[{"substance": "Ephedrine", "quantity": "1", "unit": "kg"}],
        )


def test_a_suspicious_order_becomes_an_incident(people):
    order = services.suspicious_order_report(
        actor=people["operator"],
        raw={
            "received_on": datetime.date.today().isoformat(),
            "chemical": "Pseudoephedrine",
            "quantity": "300",
            "unit": "kg",
            "customer_name": "Pacific Rim Trading Ltd",
            "customer_country": "MEX",
            "reasons": "Paid in cash, no end-use statement, asked for unlabelled drums.",
        },
    )
    assert order.substance == find_by_name("Pseudoephedrine")
    assert Alert.objects.filter(
        recipient=people["exporter_focal"], kind="suspicious_order"
    ).exists()
    assert [o.pk for o in selectors.suspicious_order_list(user=people["exporter"])] == [order.pk]
    assert not selectors.suspicious_order_list(user=people["importer"]).exists()
    with pytest.raises(PermissionDenied):
        services.suspicious_order_review(actor=people["operator"], order=order, decision="incident")
    reviewed = services.suspicious_order_review(
        actor=people["exporter"], order=order, decision="incident", expected_version=1
    )
    assert reviewed.status == "incident"
    from drugcontrol.incidents.models import Incident

    incident = Incident.objects.get(pk=reviewed.incident_id)
    assert incident.kind == "suspicious_order"
    assert incident.parties.get().party_id == order.customer_party_id
    with pytest.raises(Conflict):
        services.suspicious_order_review(
            actor=people["exporter"], order=reviewed, decision="dismiss"
        )
    with pytest.raises(ValidationFailed) as caught:
        services.suspicious_order_report(actor=people["operator"], raw={"quantity": "-1"})
    assert {"received_on", "chemical", "quantity", "customer_name", "reasons"} <= set(
        caught.value.details
    )


def test_an_order_s_customer_is_seen_by_whoever_reads_the_order(people, make_user):
    order = services.suspicious_order_report(
        actor=people["operator"],
        raw={
            "received_on": datetime.date.today().isoformat(),
            "chemical": "Ephedrine",
            "customer_name": "Pacific Rim Trading Ltd",
            "reasons": "Asked for unlabelled drums.",
        },
    )
    police = make_user(country="CHN", kind="law_enforcement", role="focal_point")
    customer = Party.objects.filter(pk=order.customer_party_id)
    assert visible(customer, people["operator"]).exists()
    assert visible(customer, people["exporter"]).exists()  # the operator's national authority
    assert not visible(customer, police).exists()  # who may not read the order
    assert not visible(customer, people["importer"]).exists()
    # Orders reported before the link was written get it from the migration.
    from importlib import import_module

    from django.apps import apps

    from drugcontrol.entities.models import PartyLink

    PartyLink.objects.filter(record_type="precursors.suspiciousorder").delete()
    assert not visible(customer, people["exporter"]).exists()
    migration = import_module(
        "drugcontrol.precursors.migrations.0005_link_suspicious_order_customers"
    )
    migration.link_customers(apps, None)
    migration.link_customers(apps, None)  # once only
    assert PartyLink.objects.filter(record_type="precursors.suspiciousorder").count() == 1
    assert visible(customer, people["exporter"]).exists()


def test_a_suspicious_order_in_tonnes_becomes_an_incident_with_its_quantity(people):
    order = services.suspicious_order_report(
        actor=people["operator"],
        raw={
            "received_on": datetime.date.today().isoformat(),
            "chemical": "Pseudoephedrine",
            "quantity": "1.5",
            "unit": "t",
            "customer_name": "Pacific Rim Trading Ltd",
            "customer_country": "MEX",
            "reasons": "Asked for a tonne and a half, paid in cash.",
        },
    )
    assert order.reference.startswith(f"SOR-CHN-{datetime.date.today().year}-")
    reviewed = services.suspicious_order_review(
        actor=people["exporter"], order=order, decision="incident", expected_version=1
    )
    assert (reviewed.status, reviewed.version) == ("incident", 2)
    from drugcontrol.incidents.models import Incident

    line = Incident.objects.get(pk=reviewed.incident_id).substances.get()
    assert (line.quantity, line.unit) == (decimal.Decimal("1.5"), "t")  # the shared units
    assert to_kg(line.quantity, line.unit) == decimal.Decimal(1500)
