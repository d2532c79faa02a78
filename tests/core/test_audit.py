import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction

from drugcontrol.core.audit import compute_hash, record_event, verify_chain
from drugcontrol.core.context import current_request_id
from drugcontrol.core.models import AuditChainHead, AuditEvent

from .tamper import audit_triggers_disabled

pytestmark = pytest.mark.django_db


def _write_events(count, actor=None):
    for number in range(count):
        with transaction.atomic():
            record_event(
                actor=actor,
                action="test.event",
                object_type="test.thing",
                object_id=str(number),
                before={"n": number},
                after={"n": number + 1, "name": "名称"},
            )


def test_events_form_a_chain_and_carry_context(chn_officer):
    token = current_request_id.set("req-12345678")
    try:
        _write_events(3, actor=chn_officer)
    finally:
        current_request_id.reset(token)
    events = list(AuditEvent.objects.filter(action="test.event").order_by("sequence"))
    assert [e.previous_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    last = events[-1]
    assert last.actor_id == chn_officer.pk
    assert last.actor_username == chn_officer.username
    assert last.organisation_id == chn_officer.organisation_id
    assert last.country_id == "CHN"
    assert last.request_id == "req-12345678"
    assert last.after == {"n": 3, "name": "名称"}
    assert compute_hash(last) == last.hash
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.hash) == (last.sequence, last.hash)
    assert verify_chain() == (AuditEvent.objects.count(), None)


@pytest.mark.django_db(transaction=True)
def test_record_event_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        record_event(actor=None, action="x", object_type="y")


def test_database_refuses_update_and_delete(chn_officer):
    _write_events(1)
    event = AuditEvent.objects.order_by("-sequence").first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def _verify_command():
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def test_verify_command_passes_on_an_intact_log(countries):
    _write_events(5)
    assert "chain intact" in _verify_command()


def test_verify_detects_an_edited_row(countries):
    _write_events(5)
    target = AuditEvent.objects.get(action="test.event", object_id="2")
    with audit_triggers_disabled() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET after = %s WHERE id = %s", ['{"n": 999}', target.pk]
        )
    checked, problem = verify_chain()
    assert problem is not None and problem.kind == "edited"
    assert problem.sequence == target.sequence
    assert checked == target.sequence - 1
    with pytest.raises(CommandError, match=f"event #{target.sequence} was changed"):
        _verify_command()


def test_verify_detects_a_deleted_row(countries):
    _write_events(5)
    target = AuditEvent.objects.get(action="test.event", object_id="1")
    with audit_triggers_disabled() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [target.pk])
    _checked, problem = verify_chain()
    assert problem is not None and problem.kind == "missing"
    assert problem.sequence == target.sequence
    with pytest.raises(CommandError, match=f"event #{target.sequence} is missing"):
        _verify_command()


def test_verify_detects_a_deleted_newest_row(countries):
    _write_events(3)
    newest = AuditEvent.objects.order_by("-sequence").first()
    with audit_triggers_disabled() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [newest.pk])
    _checked, problem = verify_chain()
    assert problem is not None and problem.kind == "missing"
    assert problem.sequence == newest.sequence


def test_verify_detects_a_row_rewritten_with_a_fresh_hash(countries):
    """Recomputing the edited row's own hash still breaks the link to the next row."""
    _write_events(4)
    target = AuditEvent.objects.get(action="test.event", object_id="1")
    target.after = {"n": -1}
    forged_hash = compute_hash(target)
    with audit_triggers_disabled() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET after = %s, hash = %s WHERE id = %s",
            ['{"n": -1}', forged_hash, target.pk],
        )
    _checked, problem = verify_chain()
    assert problem is not None and problem.kind == "broken_link"
    assert problem.sequence == target.sequence + 1


def test_verify_reads_in_batches(countries):
    _write_events(7)
    checked, problem = verify_chain(batch_size=3)
    assert problem is None and checked == AuditEvent.objects.count()
