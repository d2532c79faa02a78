import datetime
import decimal
from unittest import mock

import pytest
from django.utils import timezone

from drugcontrol.core.errors import Conflict, PermissionDenied, ValidationFailed
from drugcontrol.core.models import Alert, AuditEvent, Country
from drugcontrol.core.visibility import visible
from drugcontrol.entities import services as entity_services
from drugcontrol.entities.models import Party
from drugcontrol.precursors import selectors, services
from drugcontrol.precursors.models import ImportingCountryPolicy, Notification, Status

from .conftest import draft, notification_raw, submitted

pytestmark = pytest.mark.django_db


def actions(notification):
    return list(
        AuditEvent.objects.filter(object_id=str(notification.pk), object_type=services.RECORD_TYPE)
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def test_a_full_exchange_ends_in_an_objection_the_exporter_sees(people):
    notification = draft(people["exporter"])
    assert notification.status == Status.DRAFT
    assert notification.reference.startswith(f"PEN-CHN-{timezone.localdate().year}-")
    # A draft stays in the exporting country.
    assert not visible(Notification, people["importer"]).filter(pk=notification.pk).exists()

    notification = services.notification_submit(
        actor=people["exporter"], notification=notification, expected_version=1
    )
    assert notification.status == Status.SUBMITTED
    assert notification.reply_deadline == timezone.localdate() + datetime.timedelta(days=15)
    assert notification.importing_authority == people["importer"].organisation
    assert Alert.objects.filter(
        recipient=people["importer_focal"], kind="notification_received"
    ).exists()
    assert Alert.objects.filter(recipient=people["transit"], kind="notification_transit").exists()
    assert not Alert.objects.filter(recipient=people["third"]).exists()

    notification = services.notification_acknowledge(
        actor=people["importer"], notification=notification
    )
    notification = services.notification_answer(
        actor=people["importer"],
        notification=notification,
        decision="object",
        ground="unknown_importer",
        detail="No licence on file for this importer.",
    )
    assert notification.status == Status.OBJECTED
    assert notification.response_hours == 0
    assert notification.answered_late is False

    seen_by_exporter = selectors.notification_get(
        user=people["exporter"], notification_id=notification.pk
    )
    assert seen_by_exporter.get_effective_status_display() == "Objected"
    assert seen_by_exporter.objection_detail == "No licence on file for this importer."
    assert Alert.objects.filter(
        recipient=people["exporter_focal"], kind="notification_answered"
    ).exists()
    assert actions(notification) == [
        "precursors.notification_created",
        "precursors.notification_submitted",
        "precursors.notification_acknowledged",
        "precursors.notification_objected",
    ]
    # Transit reads, cannot act; a third country sees nothing.
    transit_view = selectors.notification_get(
        user=people["transit"], notification_id=notification.pk
    )
    assert selectors.allowed_actions(user=people["transit"], notification=transit_view) == set()
    assert not visible(Notification, people["third"]).filter(pk=notification.pk).exists()
    assert not visible(Notification, people["operator"]).exists()


def test_two_officers_answering_at_once_give_one_answer_and_one_conflict(people):
    notification = submitted(people["exporter"])
    version = notification.version
    first = services.notification_answer(
        actor=people["importer"],
        notification=notification,
        decision="clear",
        expected_version=version,
    )
    with pytest.raises(Conflict):
        services.notification_answer(
            actor=people["importer_2"],
            notification=notification,
            decision="object",
            ground="other",
            detail="late doubts",
            expected_version=version,
        )
    with pytest.raises(Conflict):  # without a version, the answered status still refuses
        services.notification_answer(
            actor=people["importer_2"],
            notification=notification,
            decision="object",
            ground="no_licence",
        )
    first.refresh_from_db()
    assert first.status == Status.CLEARED
    assert actions(first).count("precursors.notification_cleared") == 1
    assert "precursors.notification_objected" not in actions(first)


def test_transit_and_exporter_cannot_answer_and_the_importer_cannot_submit(people):
    notification = submitted(people["exporter"])
    for actor in (people["transit"], people["exporter"], people["third"]):
        with pytest.raises(PermissionDenied):
            services.notification_answer(actor=actor, notification=notification, decision="clear")
    with pytest.raises(PermissionDenied):
        services.message_post(actor=people["transit"], notification=notification, body="hello")
    other = draft(people["exporter"])
    with pytest.raises(PermissionDenied):
        services.notification_submit(actor=people["importer"], notification=other)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"lines": [{"substance": "unobtainium", "quantity": "1", "unit": "kg"}]},
            "lines.0.substance",
        ),
        (
            {"lines": [{"substance": "Ephedrine", "quantity": "0", "unit": "kg"}]},
            "lines.0.quantity",
        ),
        (
            {"lines": [{"substance": "Ephedrine", "quantity": "-4", "unit": "kg"}]},
            "lines.0.quantity",
        ),
        (
            {"lines": [{"substance": "Caffeine", "quantity": "4", "unit": "kg"}]},
            "lines.0.substance",
        ),
        (
            {"lines": [{"substance": "Hydrochloric acid", "quantity": "4", "unit": "l"}]},
            "lines.0.density",
        ),
        ({"importing_country": "CHN"}, "importing_country"),
        ({"importing_country": "XYZ"}, "importing_country"),
        ({"transit_countries": ["AUS"]}, "transit_countries.0"),
        ({"expected_dispatch": "31/12/2026"}, "expected_dispatch"),
        ({"parties": [{"role": "importer", "name": ""}]}, "parties.0.name"),
    ],
)
def test_bad_input_names_the_field(people, overrides, field):
    with pytest.raises(ValidationFailed) as caught:
        draft(people["exporter"], **overrides)
    assert field in caught.value.details


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"expected_dispatch": (datetime.date.today() - datetime.timedelta(days=1)).isoformat()},
            "expected_dispatch",
        ),
        ({"point_of_entry": ""}, "point_of_entry"),
        ({"lines": []}, "lines"),
        ({"parties": "exporter only"}, "parties.importer"),
    ],
)
def test_submission_requires_what_article_12_10_a_asks_for(people, overrides, field):
    if overrides.get("parties") == "exporter only":
        overrides = {"parties": notification_raw()["parties"][:1]}
    notification = draft(people["exporter"], **overrides)
    with pytest.raises(ValidationFailed) as caught:
        services.notification_submit(actor=people["exporter"], notification=notification)
    assert field in caught.value.details
    notification.refresh_from_db()
    assert notification.status == Status.DRAFT


def test_an_importer_without_address_cannot_be_submitted(people):
    parties = notification_raw()["parties"]
    parties[1] = {**parties[1], "address": ""}
    notification = draft(people["exporter"], parties=parties)
    with pytest.raises(ValidationFailed) as caught:
        services.notification_submit(actor=people["exporter"], notification=notification)
    assert "parties.importer.address" in caught.value.details


def test_quantities_are_converted_to_kilograms_of_the_pure_substance(people):
    notification = draft(
        people["exporter"],
        lines=[
            {"substance": "Acetic anhydride", "quantity": "1000", "unit": "l"},
            {
                "substance": "Pseudoephedrine",
                "quantity": "200",
                "unit": "kg",
                "is_preparation": True,
                "concentration": "12.5",
            },
            {"substance": "Ephedrine", "quantity": "500", "unit": "g"},
            {"substance": "Toluene", "quantity": "2", "unit": "l", "density": "0.9"},
        ],
    )
    kilograms = [line.quantity_kg for line in notification.lines.all()]
    assert kilograms == [
        decimal.Decimal("1080.000"),
        decimal.Decimal("25.000"),
        decimal.Decimal("0.500"),
        decimal.Decimal("1.800"),
    ]


def at(moment: datetime.datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def moment(day: str, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour))
    )


def test_overdue_and_response_statistics_on_a_hand_checked_fixture(people, make_user):
    """Australia (15 days) receives four notifications on 2 March 2026 (deadline 17 March):
    one cleared after 2 days, one objected after 10, one cleared after 20 (late), one never
    answered. New Zealand (30 days) receives one on 20 March, unanswered. On 1 April:
    Australia received 4, answered 3 (0.75), median 10 days, objected 1 of 3 answered, one
    answered late, one overdue; New Zealand received 1, answered none, none overdue yet."""
    nzl_officer = make_user(country="NZL", role="officer")
    services.policy_set(
        actor=nzl_officer,
        country=Country.objects.get(iso3="NZL"),
        reply_days=30,
        explicit_clearance=True,
    )
    exporter, importer = people["exporter"], people["importer"]
    with at(moment("2026-03-02")):
        to_aus = [
            submitted(exporter, expected_dispatch="2026-04-30", transit_countries=[])
            for _ in range(4)
        ]
    with at(moment("2026-03-04")):
        services.notification_answer(actor=importer, notification=to_aus[0], decision="clear")
    with at(moment("2026-03-12")):
        services.notification_answer(
            actor=importer, notification=to_aus[1], decision="object", ground="no_licence"
        )
    with at(moment("2026-03-22")):
        services.notification_answer(actor=importer, notification=to_aus[2], decision="clear")
    with at(moment("2026-03-20")):
        to_nzl = submitted(
            exporter,
            importing_country="NZL",
            expected_dispatch="2026-05-30",
            transit_countries=[],
        )
    with at(moment("2026-04-01")):
        for item in (*to_aus, to_nzl):
            item.refresh_from_db()
        assert [n.effective_status for n in to_aus] == [
            "cleared",
            "objected",
            "cleared",
            "overdue",
        ]
        assert to_aus[3].reply_deadline == datetime.date(2026, 3, 17)
        assert to_nzl.reply_deadline == datetime.date(2026, 4, 19)
        assert to_nzl.effective_status == "submitted"
        overdue = selectors.notification_list(user=importer, status="overdue")
        assert [n.pk for n in overdue] == [to_aus[3].pk]
        # Silence past the deadline is not consent: the exporting country (CHN) recorded no
        # law allowing shipment then.
        assert services.may_ship(to_aus[3]) is False
        assert services.may_ship(to_nzl, today=datetime.date(2026, 4, 20)) is False
        rows = selectors.response_statistics(
            user=people["third"], since=datetime.date(2026, 3, 1), until=datetime.date(2026, 3, 31)
        )
    assert rows == [
        {
            "country": "AUS",
            "received": 4,
            "answered": 3,
            "answered_share": 0.75,
            "median_days": 10.0,
            "objected": 1,
            "objected_share": 1 / 3,
            "answered_late": 1,
            "overdue": 1,
        },
        {
            "country": "NZL",
            "received": 1,
            "answered": 0,
            "answered_share": 0.0,
            "median_days": None,
            "objected": 0,
            "objected_share": 0.0,
            "answered_late": 0,
            "overdue": 0,
        },
    ]
    assert (
        selectors.response_statistics(
            user=people["operator"],
            since=datetime.date(2026, 3, 1),
            until=datetime.date(2026, 3, 31),
        )
        == []
    )


def test_ship_withdraw_cancel_and_outcome(people):
    cleared = submitted(people["exporter"])
    services.notification_answer(actor=people["importer"], notification=cleared, decision="clear")
    with pytest.raises(Conflict):
        services.notification_close(
            actor=people["exporter"], notification=cleared, action="withdraw"
        )
    shipped = services.notification_ship(actor=people["exporter"], notification=cleared)
    assert shipped.status == Status.SHIPPED
    with pytest.raises(PermissionDenied):
        services.notification_record_outcome(
            actor=people["transit"], notification=shipped, outcome="arrived"
        )
    done = services.notification_record_outcome(
        actor=people["importer"], notification=shipped, outcome="stopped"
    )
    assert done.outcome == "stopped"
    waiting = submitted(people["exporter"])
    with pytest.raises(Conflict):  # not cleared and the deadline has not passed
        services.notification_ship(actor=people["exporter"], notification=waiting)
    withdrawn = services.notification_close(
        actor=people["exporter"], notification=waiting, action="withdraw"
    )
    assert withdrawn.status == Status.WITHDRAWN
    objected = submitted(people["exporter"])
    services.notification_answer(
        actor=people["importer"],
        notification=objected,
        decision="object",
        ground="other",
        detail="see message",
    )
    cancelled = services.notification_close(
        actor=people["exporter"], notification=objected, action="cancel"
    )
    assert cancelled.status == Status.CANCELLED


def test_an_objection_needs_a_ground(people):
    notification = submitted(people["exporter"])
    with pytest.raises(ValidationFailed) as caught:
        services.notification_answer(
            actor=people["importer"], notification=notification, decision="object"
        )
    assert "ground" in caught.value.details
    with pytest.raises(ValidationFailed) as caught:
        services.notification_answer(
            actor=people["importer"],
            notification=notification,
            decision="object",
            ground="other",
        )
    assert "detail" in caught.value.details


def test_messages_between_the_two_authorities(people):
    notification = submitted(people["exporter"])
    services.message_post(
        actor=people["importer"],
        notification=notification,
        body="Please send the import licence number.",
    )
    assert Alert.objects.filter(
        recipient=people["exporter_focal"], kind="notification_message"
    ).exists()
    with pytest.raises(ValidationFailed):
        services.message_post(actor=people["exporter"], notification=notification, body=" ")
    with pytest.raises(Conflict):
        services.message_post(
            actor=people["exporter"], notification=draft(people["exporter"]), body="too early"
        )


def test_a_draft_can_be_changed_until_it_is_submitted(people):
    notification = draft(people["exporter"])
    data = services.validate_notification(
        notification_raw(importing_country="NZL", transit_countries=[]),
        exporting_country_id="CHN",
    )
    changed = services.notification_update(
        actor=people["exporter"], notification=notification, data=data, expected_version=1
    )
    assert changed.importing_country_id == "NZL" and changed.version == 2
    assert changed.lines.get().importing_country_id == "NZL"
    with pytest.raises(Conflict):
        services.notification_update(
            actor=people["exporter"], notification=changed, data=data, expected_version=1
        )
    services.notification_submit(actor=people["exporter"], notification=changed)
    with pytest.raises(Conflict):
        services.notification_update(
            actor=people["exporter"], notification=changed, data=data, expected_version=None
        )


def test_a_draft_s_parties_are_seen_by_whoever_sees_the_draft(people, make_user):
    from importlib import import_module

    from django.apps import apps

    from drugcontrol.entities.models import PartyLink

    notification = draft(people["exporter"])
    police = make_user(country="CHN", kind="law_enforcement", role="viewer")
    ImportingCountryPolicy.objects.create(country_id="CHN", law_enforcement_reads=True)
    parties = Party.objects.filter(pk__in=notification.parties.values("party_id"))
    assert visible(Notification, police).filter(pk=notification.pk).exists()
    assert visible(parties, police).count() == 2
    assert not visible(parties, people["importer"]).exists()  # not before submission
    submitted_one = services.notification_submit(
        actor=people["exporter"], notification=notification
    )
    links = PartyLink.objects.filter(
        record_type=services.RECORD_TYPE, record_id=str(notification.pk)
    )
    assert sorted(links.values_list("audience", flat=True)) == ["countries_involved"] * 2
    assert visible(parties, people["importer"]).count() == 2
    assert submitted_one.status == Status.SUBMITTED
    # Drafts saved before drafts were linked get their links from the migration.
    older = draft(people["exporter"])
    PartyLink.objects.filter(record_type=services.RECORD_TYPE, record_id=str(older.pk)).delete()
    migration = import_module("drugcontrol.precursors.migrations.0006_link_draft_parties")
    migration.link_draft_parties(apps, None)
    migration.link_draft_parties(apps, None)  # once only
    older_links = PartyLink.objects.filter(
        record_type=services.RECORD_TYPE, record_id=str(older.pk)
    )
    assert sorted(older_links.values_list("audience", flat=True)) == ["country"] * 2
    assert links.count() == 2


def test_parties_are_correlated_with_other_records_once_submitted(people):
    entity_services.party_create(
        actor=people["third"],
        data=entity_services.validate_party(
            kind="company", name="Southern Cross Pharma Pty. Ltd.", country_code="AUS"
        ),
    )
    notification = submitted(people["exporter"])
    importer = notification.parties.get(role="importer").party
    assert visible(Party, people["importer"]).filter(pk=importer.pk).exists()
    assert visible(Party, people["transit"]).filter(pk=importer.pk).exists()


def test_steps_dated_from_history_show_their_own_time_on_the_timeline(people):
    then = moment("2025-06-02", hour=10)
    data = services.validate_notification(
        notification_raw(expected_dispatch="2025-07-01"), exporting_country_id="CHN"
    )
    notification = services.notification_create(actor=people["exporter"], data=data, at=then)
    notification = services.notification_submit(
        actor=people["exporter"], notification=notification, at=then
    )
    assert notification.submitted_at == then
    assert notification.reply_deadline == datetime.date(2025, 6, 17)
    timeline = selectors.notification_timeline(user=people["importer"], notification=notification)
    assert [event.when for event in timeline] == [then, then]
    assert all(event.occurred_at > then for event in timeline)  # recorded now


def test_create_and_submit_is_one_transaction_that_saves_nothing_when_refused(people):
    exporter = people["exporter"]
    complete = services.validate_notification(
        notification_raw(), exporting_country_id="CHN", visible_parties=visible(Party, exporter)
    )
    notification = services.notification_create(actor=exporter, data=complete, submit=True)
    assert notification.status == Status.SUBMITTED
    assert actions(notification) == [
        "precursors.notification_created",
        "precursors.notification_submitted",
    ]
    lacking = services.validate_notification(
        notification_raw(point_of_entry="", expected_dispatch=None),
        exporting_country_id="CHN",
        visible_parties=visible(Party, exporter),
    )
    count, events = Notification.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.notification_create(actor=exporter, data=lacking, submit=True)
    assert {"point_of_entry", "expected_dispatch"} <= set(caught.value.details)
    assert Notification.objects.count() == count
    assert AuditEvent.objects.count() == events


def test_update_and_submit_keeps_the_draft_as_it_was_when_refused(people):
    exporter = people["exporter"]
    notification = draft(exporter)
    lacking = services.validate_notification(
        notification_raw(point_of_entry="", invoice_number="CHANGED"),
        exporting_country_id="CHN",
        visible_parties=visible(Party, exporter),
    )
    with pytest.raises(ValidationFailed) as caught:
        services.notification_update(
            actor=exporter,
            notification=notification,
            data=lacking,
            expected_version=notification.version,
            submit=True,
        )
    assert "point_of_entry" in caught.value.details
    notification.refresh_from_db()
    assert (notification.status, notification.version) == (Status.DRAFT, 1)
    assert notification.invoice_number == "INV-2026-0042"
    complete = services.validate_notification(
        notification_raw(invoice_number="CHANGED"),
        exporting_country_id="CHN",
        visible_parties=visible(Party, exporter),
    )
    notification = services.notification_update(
        actor=exporter, notification=notification, data=complete, expected_version=1, submit=True
    )
    assert (notification.status, notification.invoice_number) == (Status.SUBMITTED, "CHANGED")
