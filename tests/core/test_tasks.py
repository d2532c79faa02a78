import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from drugcontrol.core import services

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command(
        "db_worker", batch=True, queue_name="*", startup_delay=False, reload=False, verbosity=0
    )


def test_lockout_mail_is_queued_and_sent_by_the_worker(settings, make_user):
    settings.SIGN_IN_MAX_FAILURES = 2
    user = make_user(email="officer@example.org", preferred_language="zh-hans")
    for _attempt in range(2):
        services.sign_in_check_password(
            address="192.0.2.1", username=user.username, password="wrong"
        )
    queued = DBTaskResult.objects.get()
    assert queued.queue_name == "email" and queued.status == "READY"
    assert mail.outbox == []
    run_worker()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["officer@example.org"]
    assert user.username in message.body and "drugcontrol" in message.subject
    assert message.subject != "drugcontrol: your account was locked", "sent in the user's language"


def test_no_mail_without_an_address_or_below_the_threshold(settings, make_user):
    settings.SIGN_IN_MAX_FAILURES = 3
    with_address = make_user(email="a@example.org")
    without_address = make_user(email="")
    services.sign_in_check_password(
        address="192.0.2.1", username=with_address.username, password="wrong"
    )
    for _attempt in range(3):
        services.sign_in_check_password(
            address="192.0.2.1", username=without_address.username, password="wrong"
        )
    assert not DBTaskResult.objects.exists()
