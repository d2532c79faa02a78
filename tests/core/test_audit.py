import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction
from django.db.models import F
from django.test import Client
from django_tasks_db.models import DBTaskResult

from drugcontrol.core.audit import (
    HEAD_RECREATED,
    _canonical,
    compute_hash,
    record_event,
    verify_chain,
    write_checkpoint,
)
from drugcontrol.core.context import current_request_id
from drugcontrol.core.models import AuditChainHead, AuditEvent
from drugcontrol.core.tasks import write_audit_checkpoint

from ..conftest import PASSWORD
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


def _kinds(report):
    return [(problem.kind, problem.sequence, problem.last_sequence) for problem in report.problems]


def _last_sequence():
    return AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()


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
    report = verify_chain()
    assert report.ok and report.checked == AuditEvent.objects.count()


def test_event_hashes_are_keyed_with_the_audit_key(settings, countries):
    _write_events(1)
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event.hash != hashlib.sha256(_canonical(event)).hexdigest()
    assert event.hash == compute_hash(event, key=settings.AUDIT_KEY.encode())
    assert event.hash != compute_hash(event, key=settings.SECRET_KEY.encode())


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


def test_database_protects_the_chain_head(countries):
    _write_events(3)
    head = AuditChainHead.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditChainHead.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic():  # back to an older event
        previous = AuditEvent.objects.get(sequence=head.sequence - 1)
        AuditChainHead.objects.update(sequence=previous.sequence, hash=previous.hash)
    with pytest.raises(DatabaseError), transaction.atomic():  # forward to no event
        AuditChainHead.objects.update(sequence=F("sequence") + 1, hash="f" * 64)
    with pytest.raises(DatabaseError), transaction.atomic():  # same place, another hash
        AuditChainHead.objects.update(hash="f" * 64)
    assert (AuditChainHead.objects.get().sequence, AuditChainHead.objects.get().hash) == (
        head.sequence,
        head.hash,
    )
    # Re-inserted after a removal, the head must point at the newest event.
    older = AuditEvent.objects.get(sequence=head.sequence - 1)
    with audit_triggers_disabled() as cursor:
        cursor.execute("DELETE FROM core_auditchainhead")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditChainHead.objects.create(pk=1, sequence=older.sequence, hash=older.hash)
    AuditChainHead.objects.create(pk=1, sequence=head.sequence, hash=head.hash)


def _verify_command(*args):
    out = io.StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def test_verify_command_passes_on_an_intact_log(countries):
    _write_events(5)
    assert "chain intact" in _verify_command()
    write_checkpoint()
    _write_events(2)
    assert "chain intact, 1 checkpoint(s) agree" in _verify_command()


def test_verify_detects_an_edited_row(countries):
    _write_events(5)
    target = AuditEvent.objects.get(action="test.event", object_id="2")
    with audit_triggers_disabled() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET after = %s WHERE id = %s", ['{"n": 999}', target.pk]
        )
    report = verify_chain()
    assert _kinds(report) == [("edited", target.sequence, None)]
    assert report.checked == _last_sequence()
    with pytest.raises(CommandError, match=f"event #{target.sequence} was changed"):
        _verify_command()


def test_verify_detects_a_deleted_row(countries):
    _write_events(5)
    target = AuditEvent.objects.get(action="test.event", object_id="1")
    with audit_triggers_disabled() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [target.pk])
    report = verify_chain()
    assert _kinds(report) == [("missing", target.sequence, target.sequence)]
    with pytest.raises(CommandError, match=f"event #{target.sequence} is missing"):
        _verify_command()


def test_verify_detects_a_deleted_newest_row(countries):
    _write_events(3)
    newest = AuditEvent.objects.order_by("-sequence").first()
    with audit_triggers_disabled() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [newest.pk])
    report = verify_chain()
    assert _kinds(report) == [("truncated", newest.sequence, newest.sequence)]


def test_verify_detects_a_row_rewritten_with_a_fresh_hash(countries):
    """Even with the key, recomputing the edited row's own hash breaks the next row's link."""
    _write_events(4)
    target = AuditEvent.objects.get(action="test.event", object_id="1")
    target.after = {"n": -1}
    forged_hash = compute_hash(target)
    with audit_triggers_disabled() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET after = %s, hash = %s WHERE id = %s",
            ['{"n": -1}', forged_hash, target.pk],
        )
    report = verify_chain()
    assert _kinds(report) == [("broken_link", target.sequence + 1, None)]


def test_verify_reads_in_batches(countries):
    _write_events(7)
    report = verify_chain(batch_size=3)
    assert report.ok and report.checked == AuditEvent.objects.count()


# --- rewriting the chain behind the application's back ------------------------------------


def _rechain_from(sequence, edit, digest):
    """What someone with database access does: edit one event, then recompute every hash
    from there on and move the head along, so that every link holds again."""
    events = list(AuditEvent.objects.filter(sequence__gte=sequence).order_by("sequence"))
    previous_hash = AuditEvent.objects.get(sequence=sequence - 1).hash
    with audit_triggers_disabled() as cursor:
        for event in events:
            if event.sequence == sequence:
                edit(event)
            event.previous_hash = previous_hash
            event.hash = digest(event)
            cursor.execute(
                "UPDATE core_auditevent SET after = %s, previous_hash = %s, hash = %s "
                "WHERE id = %s",
                [json.dumps(event.after), event.previous_hash, event.hash, event.pk],
            )
            previous_hash = event.hash
        cursor.execute("UPDATE core_auditchainhead SET hash = %s", [previous_hash])
    return events


def _set_after(event):
    event.after = {"n": -1, "name": "forged"}


def test_an_event_edited_and_rechained_with_plain_sha256_is_reported(countries):
    _write_events(5)
    target = AuditEvent.objects.get(action="test.event", object_id="2").sequence
    last = _last_sequence()
    _rechain_from(target, _set_after, lambda e: hashlib.sha256(_canonical(e)).hexdigest())
    report = verify_chain()
    assert _kinds(report) == [("unkeyed", target, last)]
    with pytest.raises(CommandError, match=f"events #{target} to #{last} carry a plain SHA-256"):
        _verify_command()


def test_an_event_edited_and_rechained_under_a_wrong_key_is_reported(countries):
    _write_events(5)
    target = AuditEvent.objects.get(action="test.event", object_id="3").sequence
    last = _last_sequence()
    _rechain_from(target, _set_after, lambda e: compute_hash(e, key=b"guessed-key"))
    assert _kinds(verify_chain()) == [("edited", target, last)]


def test_a_checkpoint_exposes_a_rechain_even_under_the_right_key(countries):
    """A stolen key re-chains cleanly; the signed checkpoint outside the database does not
    match any more."""
    _write_events(5)
    checkpoint = write_checkpoint()
    target = AuditEvent.objects.get(action="test.event", object_id="1").sequence
    _rechain_from(target, _set_after, compute_hash)
    assert _kinds(verify_chain()) == [("checkpoint_mismatch", checkpoint["sequence"], None)]


def test_deleting_the_newest_events_with_the_head_is_caught_by_a_checkpoint(countries):
    _write_events(6)
    call_command("audit", "checkpoint", stdout=io.StringIO())
    last = _last_sequence()
    with audit_triggers_disabled() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE sequence > %s", [last - 3])
        cursor.execute("DELETE FROM core_auditchainhead")
    report = verify_chain()
    assert _kinds(report) == [
        ("truncated", last - 2, last),
        ("head_missing", last - 3, None),
    ]
    with pytest.raises(CommandError) as failure:
        _verify_command()
    message = str(failure.value)
    assert f"events #{last - 2} to #{last} are missing" in message
    assert "the chain head row is missing" in message


def test_a_truncated_tail_with_a_head_re_inserted_for_it_is_caught_by_a_checkpoint(countries):
    _write_events(4)
    write_checkpoint()
    last = _last_sequence()
    with audit_triggers_disabled() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE sequence > %s", [last - 2])
        cursor.execute("DELETE FROM core_auditchainhead")
    new_end = AuditEvent.objects.get(sequence=last - 2)
    AuditChainHead.objects.create(pk=1, sequence=new_end.sequence, hash=new_end.hash)
    assert _kinds(verify_chain()) == [("truncated", last - 1, last)]


def test_checkpoints_must_be_signed_with_the_audit_key(settings, countries):
    _write_events(3)
    write_checkpoint()
    path = settings.AUDIT_CHECKPOINT_DIR / "checkpoints.jsonl"
    record = json.loads(path.read_text().splitlines()[0])
    record["sequence"] += 10  # pretend the chain was longer, to frame someone
    with path.open("a") as file:
        file.write(json.dumps(record) + "\n")
        file.write("not json\n")
    report = verify_chain()
    assert [problem.kind for problem in report.problems] == [
        "checkpoint_invalid",
        "checkpoint_invalid",
    ]
    assert f"{path}:2" in report.problems[0].message
    assert report.checkpoints == 1


def test_checkpoints_from_another_directory_are_compared(tmp_path, countries):
    _write_events(3)
    copy = tmp_path / "off-machine-copy"
    write_checkpoint(copy)
    with audit_triggers_disabled() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE sequence = %s", [_last_sequence()])
        cursor.execute("DELETE FROM core_auditchainhead")
    # Only the head's removal shows without the copy; with it, the removed event shows too.
    assert _kinds(verify_chain()) == [("head_missing", _last_sequence(), None)]
    with pytest.raises(CommandError, match=r"\[truncated\] #\d+: .*off-machine-copy"):
        _verify_command("--checkpoint-dir", str(copy))


def test_a_checkpoint_is_queued_every_n_events(
    settings, countries, django_capture_on_commit_callbacks
):
    settings.AUDIT_CHECKPOINT_EVERY = 3
    first = (_last_sequence() or 0) + 1
    with django_capture_on_commit_callbacks(execute=True):
        _write_events(3 - (first - 1) % 3 + 3)  # crosses two multiples of 3
    queued = DBTaskResult.objects.filter(task_path__endswith="write_audit_checkpoint")
    assert queued.count() == 2
    assert write_audit_checkpoint.call() == _last_sequence()
    path = settings.AUDIT_CHECKPOINT_DIR / "checkpoints.jsonl"
    record = json.loads(path.read_text())
    assert (record["sequence"], record["count"]) == (_last_sequence(), AuditEvent.objects.count())
    assert record["hash"] == AuditEvent.objects.get(sequence=_last_sequence()).hash
    assert verify_chain().ok


def test_a_quiet_installation_gets_a_checkpoint_after_the_interval(
    settings, countries, django_capture_on_commit_callbacks
):
    settings.AUDIT_CHECKPOINT_EVERY = 10**9
    settings.AUDIT_CHECKPOINT_MINUTES = 0  # the interval has always passed
    with django_capture_on_commit_callbacks(execute=True):
        _write_events(2)
    assert DBTaskResult.objects.filter(task_path__endswith="write_audit_checkpoint").count() == 2
    settings.AUDIT_CHECKPOINT_MINUTES = 60  # and has just been reset
    with django_capture_on_commit_callbacks(execute=True):
        _write_events(2)
    assert DBTaskResult.objects.filter(task_path__endswith="write_audit_checkpoint").count() == 2


# --- a missing head -------------------------------------------------------------------------


def test_a_missing_head_is_reported_and_writes_go_on(countries):
    _write_events(3)
    last = AuditEvent.objects.get(sequence=_last_sequence())
    with audit_triggers_disabled() as cursor:
        cursor.execute("DELETE FROM core_auditchainhead")
    assert _kinds(verify_chain()) == [("head_missing", last.sequence, None)]
    _write_events(2)
    recreated = AuditEvent.objects.get(sequence=last.sequence + 1)
    assert recreated.action == HEAD_RECREATED
    assert recreated.after == {"sequence": last.sequence, "hash": last.hash}
    assert recreated.previous_hash == last.hash
    head = AuditChainHead.objects.get()
    assert head.sequence == _last_sequence() == last.sequence + 3
    report = verify_chain()
    assert _kinds(report) == [("head_recreated", last.sequence + 1, None)]
    assert f"re-created from event #{last.sequence}" in report.problems[0].message


def test_sign_in_works_without_the_head(chn_officer):
    with audit_triggers_disabled() as cursor:
        cursor.execute("DELETE FROM core_auditchainhead")
    response = Client().post(
        "/accounts/sign-in/", {"username": chn_officer.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=HEAD_RECREATED).count() == 1
    assert AuditEvent.objects.order_by("-sequence").first().action == "auth.signed_in"
    assert AuditChainHead.objects.get().sequence == _last_sequence()


# --- everything at once ---------------------------------------------------------------------


def test_every_problem_is_reported_together(countries):
    _write_events(9)
    write_checkpoint()
    events = {e.object_id: e.sequence for e in AuditEvent.objects.filter(action="test.event")}
    edited, deleted, last = events["1"], events["4"], _last_sequence()
    with audit_triggers_disabled() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET after = %s WHERE sequence = %s", ['{"n": 0}', edited]
        )
        cursor.execute("DELETE FROM core_auditevent WHERE sequence = %s", [deleted])
        cursor.execute("DELETE FROM core_auditevent WHERE sequence = %s", [last])
        cursor.execute("DELETE FROM core_auditchainhead")
    report = verify_chain(batch_size=2)
    assert _kinds(report) == [
        ("edited", edited, None),
        ("missing", deleted, deleted),
        ("truncated", last, last),
        ("head_missing", last - 1, None),
    ]
    with pytest.raises(CommandError) as failure:
        _verify_command()
    message = str(failure.value)
    assert "4 problem(s)" in message
    for text in (
        f"event #{edited} was changed",
        f"event #{deleted} is missing",
        f"event #{last} is missing",
        "the chain head row is missing",
    ):
        assert text in message
