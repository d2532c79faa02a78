"""`record_events`: many events of one actor appended at once, the same chain as
`record_event` writes one by one (keyed hashes, links, the head moved event by event as its
trigger requires), interleaved with single events."""

import pytest
from django.db import transaction

from drugcontrol.core.audit import Event, compute_hash, record_event, record_events, verify_chain
from drugcontrol.core.context import current_request_id
from drugcontrol.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def test_many_events_form_one_chain_with_single_ones(chn_officer):
    with transaction.atomic():
        record_event(actor=chn_officer, action="test.before", object_type="test.thing")
    token = current_request_id.set("req-many-1")
    try:
        with transaction.atomic():
            record_events(
                actor=chn_officer,
                events=[
                    Event("test.many", obj=chn_officer.organisation, after={"n": 1}),
                    Event("test.many", object_type="test.thing", object_id="7", before={"n": 1}),
                    Event("test.many", object_type="test.thing", object_id="8", after={"名": "称"}),
                ],
            )
    finally:
        current_request_id.reset(token)
    with transaction.atomic():
        record_event(actor=None, action="test.after", object_type="test.thing")
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.sequence for e in events] == list(range(events[0].sequence, events[-1].sequence + 1))
    assert [e.previous_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert all(compute_hash(e) == e.hash for e in events)
    many = [e for e in events if e.action == "test.many"]
    assert [(e.object_type, e.object_id) for e in many] == [
        ("core.organisation", str(chn_officer.organisation_id)),
        ("test.thing", "7"),
        ("test.thing", "8"),
    ]
    assert {(e.actor_id, e.country_id, e.request_id) for e in many} == {
        (chn_officer.pk, "CHN", "req-many-1")
    }
    assert many[2].after == {"名": "称"} and many[1].before == {"n": 1}
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.hash) == (events[-1].sequence, events[-1].hash)
    report = verify_chain()
    assert report.ok, report.problems


def test_no_events_write_nothing(countries):
    before = AuditEvent.objects.count()
    with transaction.atomic():
        record_events(actor=None, events=[])
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_record_events_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        record_events(actor=None, events=[Event("x", object_type="y")])
