"""Clearing a shipment with findings of high severity: objecting is the page's first answer,
and clearing names each high finding as considered, on the page and in the API alike; a
high finding that appeared since the notification was read refuses the clear."""

import datetime
import re

import pytest

from drugcontrol.core.errors import Conflict, ValidationFailed
from drugcontrol.core.models import AuditEvent, Country
from drugcontrol.core.visibility import visible
from drugcontrol.entities.models import Party
from drugcontrol.incidents import services as incident_services
from drugcontrol.precursors import selectors, services
from drugcontrol.precursors.models import Finding, Notification, Severity, Status
from drugcontrol.substances.selectors import find_by_name

from ..conftest import signed_in
from .conftest import future, submitted

pytestmark = pytest.mark.django_db


def high_risk(people) -> Notification:
    """A notification whose 25 kg of ephedrine go over Australia's requirement of 10 kg."""
    services.requirement_set(
        actor=people["importer"],
        country=Country.objects.get(iso3="AUS"),
        substance=find_by_name("Ephedrine"),
        year=datetime.date.fromisoformat(future()).year,
        quantity_kg="10",
    )
    notification = submitted(people["exporter"])
    assert notification.findings.filter(severity=Severity.HIGH).exists()
    return notification


def high_ids(user, notification) -> list[int]:
    rows = selectors.findings(user=user, notification=notification)
    return [row["id"] for row in selectors.high_findings(rows)]


def another_high_finding(notification) -> Finding:
    """A high finding that appears after the notification was read (a rule's record became
    visible, or the rules ran again)."""
    earlier = notification.findings.get(rule="requirement_exceeded")
    return Finding.objects.create(
        notification=notification,
        rule="requirement_exceeded",
        severity=Severity.HIGH,
        facts={**earlier.facts, "total_kg": "999.000"},
    )


def test_the_service_asks_which_high_findings_were_considered(people):
    notification = high_risk(people)
    importer = people["importer"]
    with pytest.raises(ValidationFailed) as refused:
        services.notification_answer(actor=importer, notification=notification, decision="clear")
    (message,) = refused.value.details["considered_findings"]
    assert "high severity" in message and "above the legitimate requirement" in message
    with pytest.raises(Conflict):  # [] says none was shown
        services.notification_answer(
            actor=importer, notification=notification, decision="clear", considered_findings=[]
        )
    notification.refresh_from_db()
    assert notification.status == Status.SUBMITTED
    ids = high_ids(importer, notification)
    cleared = services.notification_answer(
        actor=importer,
        notification=notification,
        decision="clear",
        considered_findings=[*ids, 10**12],  # other ids are ignored
    )
    assert cleared.status == Status.CLEARED
    event = AuditEvent.objects.filter(action="precursors.notification_cleared").get()
    assert event.after["high_findings_considered"] == [
        {"id": ids[0], "rule": "requirement_exceeded"}
    ]


def test_the_audit_log_names_no_finding_that_only_some_readers_see(people):
    # Australia alone knows of a seizure naming the importer (distribution: its country).
    importer = people["importer"]
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    seizure = incident_services.validate_incident(
        {
            "kind": "seizure",
            "occurred_on": yesterday,
            "distribution": "country",
            "countries": [{"country": "AUS", "role": "seizure"}],
            "parties": [
                {
                    "role": "consignee",
                    "kind": "company",
                    "name": "Southern Cross Pharma Pty Ltd",
                    "country": "AUS",
                }
            ],
        },
        visible_parties=visible(Party, importer),
    )
    incident_services.incident_create(actor=importer, data=seizure)
    notification = high_risk(people)
    rules = {row["rule"] for row in selectors.findings(user=importer, notification=notification)}
    assert "party_flagged" in rules, "the importer sees the flag"
    services.notification_answer(
        actor=importer,
        notification=notification,
        decision="clear",
        considered_findings=high_ids(importer, notification),
    )
    # The secretariat reads the whole audit log but not the incident: the log names only
    # what every reader of the notification sees.
    event = AuditEvent.objects.filter(action="precursors.notification_cleared").get()
    logged = [item["rule"] for item in event.after["high_findings_considered"]]
    assert logged == ["requirement_exceeded"]
    assert "party_flagged" not in str(event.after)


def test_objecting_and_clearing_without_high_findings_ask_nothing_more(people):
    plain = submitted(people["exporter"])
    assert high_ids(people["importer"], plain) == []
    cleared = services.notification_answer(
        actor=people["importer"], notification=plain, decision="clear"
    )
    assert cleared.status == Status.CLEARED
    event = AuditEvent.objects.filter(action="precursors.notification_cleared").get()
    assert "high_findings_considered" not in event.after
    risky = high_risk(people)
    objected = services.notification_answer(
        actor=people["importer"], notification=risky, decision="object", ground="no_requirement"
    )
    assert objected.status == Status.OBJECTED


def test_a_high_finding_that_appeared_since_refuses_the_clear(people):
    notification = high_risk(people)
    seen = high_ids(people["importer"], notification)
    new = another_high_finding(notification)
    with pytest.raises(Conflict) as refused:
        services.notification_answer(
            actor=people["importer"],
            notification=notification,
            decision="clear",
            considered_findings=seen,
        )
    assert refused.value.details == {"unconsidered": {"finding_ids": [new.pk]}}
    assert "999" in str(refused.value.message)  # names the new finding
    notification.refresh_from_db()
    assert notification.status == Status.SUBMITTED


def _clear_form(html: str) -> str:
    return re.search(r'<form[^>]*data-testid="clear-form".*?</form>', html, re.S).group(0)


def test_the_page_makes_objecting_the_first_answer_and_asks_to_confirm(people):
    notification = high_risk(people)
    importer = signed_in(people["importer"])
    page = importer.get(f"/precursors/{notification.pk}/").content.decode()
    # Object is the primary button and comes first; clearing is secondary.
    assert page.index('data-testid="object-form"') < page.index('data-testid="clear-form"')
    assert re.search(r'value="object" class="primary"', page)
    clear = _clear_form(page)
    assert 'class="primary"' not in clear
    assert 'name="considered" required' in clear
    assert "above the legitimate requirement" in clear  # the finding is named
    (finding_id,) = high_ids(people["importer"], notification)
    assert f'name="findings" value="{finding_id}"' in clear
    assert 'data-testid="high-findings-note"' in page
    url = f"/precursors/{notification.pk}/action/"
    post = {"action": "clear", "version": notification.version, "findings": str(finding_id)}
    # The box unticked: refused on the page, nothing changes.
    unticked = importer.post(url, post)
    assert unticked.status_code == 422
    assert b'data-field="considered"' in unticked.content
    assert b"Confirm that you have considered each finding" in unticked.content
    notification.refresh_from_db()
    assert notification.status == Status.SUBMITTED
    # A post that names no finding (a page drawn before it appeared): a 409 naming it.
    bare = importer.post(url, {"action": "clear", "version": notification.version})
    assert bare.status_code == 409
    assert b"appeared since you read the notification" in bare.content
    # Ids in other digits than ASCII ones are refused as any garbled id is, never a 500.
    for garbled in ("²", f"¹ {finding_id}", "١"):
        answer = importer.post(url, {**post, "findings": garbled, "considered": "on"})
        assert answer.status_code == 422, garbled
    # Ticked, naming what was shown: cleared.
    done = importer.post(url, {**post, "considered": "on"})
    assert done.status_code == 302
    notification.refresh_from_db()
    assert notification.status == Status.CLEARED


def test_the_page_refuses_a_clear_when_a_high_finding_appeared_since(people):
    notification = high_risk(people)
    importer = signed_in(people["importer"])
    (seen,) = high_ids(people["importer"], notification)
    new = another_high_finding(notification)
    response = importer.post(
        f"/precursors/{notification.pk}/action/",
        {
            "action": "clear",
            "version": notification.version,
            "findings": str(seen),
            "considered": "on",
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "appeared since you read the notification" in html and "999" in html
    # The form is drawn afresh: it names both findings now, the box unticked.
    clear = _clear_form(html)
    assert f'name="findings" value="{seen} {new.pk}"' in clear
    assert 'name="considered" required autofocus' in clear
    notification.refresh_from_db()
    assert notification.status == Status.SUBMITTED


def test_without_high_findings_the_page_clears_as_before(people):
    notification = submitted(people["exporter"])
    importer = signed_in(people["importer"])
    page = importer.get(f"/precursors/{notification.pk}/").content.decode()
    clear = _clear_form(page)
    assert 'value="clear" class="primary"' in clear and 'name="considered"' not in clear
    assert 'data-testid="high-findings-note"' not in page
    response = importer.post(
        f"/precursors/{notification.pk}/action/",
        {"action": "clear", "version": notification.version},
    )
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.status == Status.CLEARED


def test_the_api_asks_the_same(people):
    notification = high_risk(people)
    client = signed_in(people["importer"])
    url = f"/api/v1/precursors/notifications/{notification.pk}"
    detail = client.get(url).json()
    high = [f["id"] for f in detail["findings"] if f["severity"] == Severity.HIGH]
    assert high == high_ids(people["importer"], notification)
    refused = client.post(f"{url}/clear", {}, content_type="application/json")
    assert refused.status_code == 422
    assert "considered_findings" in refused.json()["error"]["details"]
    new = another_high_finding(notification)
    stale = client.post(
        f"{url}/clear", {"considered_findings": high}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["details"]["unconsidered"]["finding_ids"] == [new.pk]
    bad = client.post(
        f"{url}/clear", {"considered_findings": ["x"]}, content_type="application/json"
    )
    assert bad.status_code == 422
    done = client.post(
        f"{url}/clear", {"considered_findings": [*high, new.pk]}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "cleared"


def test_the_deadline_says_how_late_the_answer_is(people):
    notification = submitted(people["exporter"])
    importer = signed_in(people["importer"])
    page = importer.get(f"/precursors/{notification.pk}/").content.decode()
    assert "days left" in page and 'data-testid="days-past-deadline"' not in page
    Notification.objects.filter(pk=notification.pk).update(
        reply_deadline=datetime.date.today() - datetime.timedelta(days=3)
    )
    page = importer.get(f"/precursors/{notification.pk}/").content.decode()
    assert re.search(r'data-testid="days-past-deadline">overdue by 3 days<', page)
    Notification.objects.filter(pk=notification.pk).update(
        reply_deadline=datetime.date.today() - datetime.timedelta(days=1)
    )
    page = importer.get(f"/precursors/{notification.pk}/").content.decode()
    assert "overdue by 1 day<" in page
    # Where the exporting country's silence rule lets the shipment proceed, it is not overdue.
    Notification.objects.filter(pk=notification.pk).update(silence_rule=True)
    page = importer.get(f"/precursors/{notification.pk}/").content.decode()
    assert "deadline passed 1 day ago" in page and "overdue by" not in page
    client = signed_in(people["importer"])
    client.cookies["django_language"] = "zh-hans"
    assert client.get(f"/precursors/{notification.pk}/").status_code == 200
