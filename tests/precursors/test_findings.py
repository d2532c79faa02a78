"""Risk findings computed when a notification is submitted."""

import datetime

import pytest
from django.utils import timezone

from drugcontrol.core.models import Country
from drugcontrol.core.visibility import visible
from drugcontrol.entities.models import Party
from drugcontrol.incidents import services as incident_services
from drugcontrol.precursors import selectors, services
from drugcontrol.precursors.models import Notification
from drugcontrol.substances.selectors import find_by_name

from .conftest import future, notification_raw, submitted

pytestmark = pytest.mark.django_db


def test_going_over_the_legitimate_requirement_is_a_finding(people, intl_admin):
    ephedrine = find_by_name("Ephedrine")
    year = datetime.date.fromisoformat(future()).year
    services.requirement_set(
        actor=people["importer"],
        country=Country.objects.get(iso3="AUS"),
        substance=ephedrine,
        year=year,
        quantity_kg="100",
    )
    first = submitted(
        people["exporter"],
        lines=[{"substance_id": ephedrine.pk, "quantity": "85", "unit": "kg"}],
    )
    assert "requirement_exceeded" not in {f.rule for f in first.findings.all()}
    assert "requirement_nearly_used" in {f.rule for f in first.findings.all()}
    second = submitted(
        people["exporter"],
        lines=[
            {"substance_id": ephedrine.pk, "quantity": "30", "unit": "kg"},
            {"substance": "Pseudoephedrine", "quantity": "5", "unit": "kg"},
        ],
    )
    found = {f.rule: f for f in second.findings.all()}
    exceeded = found["requirement_exceeded"]
    assert exceeded.severity == 4
    assert exceeded.facts["earlier_kg"] == "85.000"
    assert exceeded.facts["total_kg"] == "115.000"
    assert "requirement_missing" in found  # none on file for pseudoephedrine
    assert second.highest_severity == 4
    text = selectors.findings(user=people["importer"], notification=second)[0]["text"]
    assert "115" in text and "100" in text
    # An objected notification no longer counts against the requirement.
    services.notification_answer(
        actor=people["importer"], notification=first, decision="object", ground="no_requirement"
    )
    third = submitted(
        people["exporter"], lines=[{"substance_id": ephedrine.pk, "quantity": "80", "unit": "kg"}]
    )
    facts = {f.rule: f.facts for f in third.findings.all()}
    assert facts["requirement_exceeded"]["earlier_kg"] == "30.000"


def test_a_consignee_named_in_another_countrys_seizure_is_a_finding(people, make_user):
    police = make_user(country="DEU", kind="law_enforcement", role="officer")
    data = incident_services.validate_incident(
        {
            "kind": "seizure",
            "occurred_on": (datetime.date.today() - datetime.timedelta(days=20)).isoformat(),
            "countries": [{"country": "DEU", "role": "seizure"}],
            "substances": [
                {"substance_id": find_by_name("Ephedrine").pk, "quantity": "3", "unit": "kg"}
            ],
            "parties": [
                {
                    "role": "consignee",
                    "name": "Guangzhou Tianhe Huagong Youxian Gongsi",
                    # Registered in a third country: a party registered in the importer's
                    # country would bring the importer into the seizure's audience (the
                    # nationality rule), and this test is about a seizure it may not see.
                    "country": "SGP",
                }
            ],
        },
        visible_parties=visible(Party, police),
    )
    seizure = incident_services.incident_create(actor=police, data=data)
    parties = notification_raw()["parties"] + [
        {
            "role": "consignee",
            "name": "广州天河化工有限公司",
            "country": "AUS",
            "address": "Unit 4, 88 Dock Road, Melbourne",
        }
    ]
    notification = submitted(people["exporter"], parties=parties)
    found = {f.rule: f for f in notification.findings.all()}
    flagged = found["party_flagged"]
    assert flagged.facts["role"] == "consignee"
    assert flagged.facts["incidents"] == [seizure.pk]
    assert "consignee_differs" in found
    # Neither the exporter nor the importer may see the seizure: the finding is not shown to
    # them at all (else submitting names would probe restricted incidents), nor does it
    # raise the severity their lists show.
    for side in ("importer", "exporter"):
        rows = selectors.findings(user=people[side], notification=notification)
        assert "party_flagged" not in {row["rule"] for row in rows}, side
        (listed,) = selectors.with_reader_severity(user=people[side], notifications=[notification])
        assert listed.reader_severity < flagged.severity
    # The secretariat sees both records: the finding names the seizure.
    secretariat = make_user(kind="international", role="viewer")
    rows = selectors.findings(user=secretariat, notification=notification)
    flagged_row = next(row for row in rows if row["rule"] == "party_flagged")
    assert "广州天河化工有限公司" in flagged_row["text"] and "1 incident(s)" in flagged_row["text"]
    assert flagged_row["incidents"] == [(seizure.pk, seizure.reference)]
    (listed,) = selectors.with_reader_severity(user=secretariat, notifications=[notification])
    assert listed.reader_severity == flagged.severity


def test_transit_through_a_country_with_recent_incidents_is_a_finding(people, make_user):
    police = make_user(country="SGP", kind="law_enforcement", role="officer")
    data = incident_services.validate_incident(
        {
            "kind": "seizure",
            "occurred_on": (datetime.date.today() - datetime.timedelta(days=40)).isoformat(),
            "countries": [{"country": "SGP", "role": "transit"}],
            "substances": [{"substance_id": find_by_name("Ephedrine").pk}],
        },
        visible_parties=visible(Party, police),
    )
    incident_services.incident_create(actor=police, data=data)
    notification = submitted(people["exporter"])
    facts = {f.rule: f.facts for f in notification.findings.all()}
    assert facts["transit_incidents"] == {"country": "SGP", "count": 1}
    # Counted for each reader among the incidents that reader may see: Singapore's own
    # authority and the secretariat see the seizure, Australia does not.
    shown = selectors.findings(user=people["importer"], notification=notification)
    assert "transit_incidents" not in {row["rule"] for row in shown}
    for reader in (people["transit"], make_user(kind="international", role="viewer")):
        shown = selectors.findings(user=reader, notification=notification)
        assert any(row["rule"] == "transit_incidents" for row in shown)
    quiet = submitted(people["exporter"], transit_countries=["JPN"])
    assert "transit_incidents" not in {f.rule for f in quiet.findings.all()}


def test_first_notification_and_unusual_quantity_for_an_importer(people):
    first = submitted(people["exporter"])
    assert "first_for_importer" in {f.rule for f in first.findings.all()}
    for _ in range(3):
        submitted(people["exporter"])
    big = submitted(
        people["exporter"],
        lines=[{"substance": "Ephedrine", "quantity": "500", "unit": "kg"}],
    )
    facts = {f.rule: f.facts for f in big.findings.all()}
    assert facts["quantity_unusual"]["basis"] == "importer"
    assert facts["quantity_unusual"]["median_kg"] == "25.000"
    assert "first_for_importer" not in facts


def test_no_answer_last_time_is_a_finding_where_the_importer_invoked(people):
    aus = Country.objects.get(iso3="AUS")
    services.invocation_add(
        actor=people["secretariat"], country=aus, scope="table_i", since=datetime.date(2010, 1, 1)
    )
    earlier = submitted(people["exporter"])
    Notification.objects.filter(pk=earlier.pk).update(
        reply_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    later = submitted(people["exporter"])
    facts = {f.rule: f.facts for f in later.findings.all()}
    assert facts["unanswered_last_time"]["reference"] == earlier.reference
