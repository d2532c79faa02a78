"""Home is a work queue: what awaits the reader's country first, by role and country."""

import datetime

import pytest
from django.utils import translation

from drugcontrol.precursors.models import Notification

from .conftest import signed_in
from .incidents.conftest import (
    report,
    scenario,  # noqa: F401  (fixture)
)
from .precursors.conftest import draft, people, submitted  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def home(user, language="en") -> str:
    client = signed_in(user)
    client.cookies["django_language"] = language
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_notifications_awaiting_our_answer_with_days_left(people):  # noqa: F811
    notification = submitted(people["exporter"])
    draft(people["exporter"])
    importer = home(people["importer"])
    assert 'data-testid="home-notifications"' in importer
    assert "1 awaiting our answer" in importer and notification.reference in importer
    days_left = (notification.reply_deadline - datetime.date.today()).days
    assert f'data-testid="days-left">{days_left}<' in importer
    exporter = home(people["exporter"])
    assert "1 draft" in exporter and "0 awaiting our answer" in exporter
    assert notification.reference not in home(people["third"])  # not its business
    assert 'data-testid="home-notifications"' not in home(people["operator"])


def test_overdue_both_ways_and_by_country_for_the_secretariat(people, intl_viewer):  # noqa: F811
    notification = submitted(people["exporter"])
    Notification.objects.filter(pk=notification.pk).update(
        reply_deadline=datetime.date.today() - datetime.timedelta(days=3)
    )
    importer = home(people["importer"])
    assert "1 overdue from us" in importer and "3 days late" in importer
    assert "1 overdue to us" in home(people["exporter"])
    secretariat = home(intl_viewer)
    assert "1 notification overdue" in secretariat
    assert "Australia" in secretariat and "status=overdue&amp;country=AUS" in secretariat
    chinese = home(people["importer"], "zh-hans")
    with translation.override("zh-hans"):
        assert translation.gettext("Days left") in chinese
    assert "Days left" not in chinese


def test_incidents_naming_our_country_this_week(scenario, make_user):  # noqa: F811
    incident = report(scenario["a_officer"])
    australia = make_user(country="AUS", role="focal_point")
    assert incident.reference in home(australia)  # named as the destination
    assert incident.reference not in home(scenario["c_focal"])  # Mexico is not named
    reporter = home(scenario["a_officer"])
    assert 'data-testid="home-incidents"' in reporter
    assert incident.reference not in reporter  # its own report is not news to it


def test_unread_alerts_by_kind(scenario, make_user):  # noqa: F811
    australia = make_user(country="AUS", role="focal_point")
    report(scenario["a_officer"])
    page = home(australia)
    assert 'data-testid="home-alerts"' in page
    assert "1 unread alert" in page and "Incident: 1" in page
    assert 'data-testid="home-alerts"' not in home(scenario["c_focal"])  # nothing unread
