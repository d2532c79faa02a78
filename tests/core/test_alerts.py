"""The alert routing table, recipient resolution and rendering in the reader's language."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from drugcontrol.core import alerts
from drugcontrol.core.models import Alert, User

from ..conftest import signed_in

ARCHITECTURE = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


def documented_routes() -> set[tuple]:
    section = ARCHITECTURE.read_text(encoding="utf-8").split("\n## Alert routing\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    routes = set()
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue  # prose, the header and the rule under it
        record_kind, event, kinds, roles, _when = (c.strip() for c in line.strip("|").split("|"))
        routes.add(
            (
                record_kind.strip("`"),
                event.strip("`"),
                frozenset(re.findall(r"`([^`]+)`", kinds)),
                frozenset(re.findall(r"`([^`]+)`", roles)),
            )
        )
    return routes


def test_the_documented_routes_are_the_registered_routes():
    registered = {
        (r.record_kind, r.event, frozenset(r.recipient_kinds), frozenset(r.recipient_roles))
        for r in alerts.ROUTES.values()
    }
    assert len(registered) >= 8
    assert documented_routes() == registered


def test_an_unknown_route_or_message_is_a_configuration_error(db):
    with pytest.raises(ImproperlyConfigured):
        alerts.recipients_for("incidents.incident", "no_such_event", ["DEU"])
    with pytest.raises(ImproperlyConfigured):
        alerts.alerts_raise(
            record_kind="core.broadcast",
            event="broadcast",
            country_codes=["DEU"],
            message_key="no.such_message",
            params={},
        )


@pytest.mark.django_db
def test_recipients_by_role_then_administrators_then_officers_never_viewers(make_org, make_user):
    def member(organisation, role, active=True):
        user = make_user(organisation=organisation, role=role)
        if not active:
            User.objects.filter(pk=user.pk).update(is_active=False)
        return user

    customs = make_org(country="DEU", kind="law_enforcement")
    authority = make_org(country="DEU")
    police = make_org(country="DEU", kind="law_enforcement")
    watchers = make_org(country="DEU")
    closed = make_org(country="DEU", is_active=False)
    with_focal = member(customs, "focal_point")
    member(customs, "officer")
    member(customs, "admin")  # focal points are there: the admin is not needed
    admin = member(authority, "admin")
    member(authority, "officer")
    member(authority, "viewer")
    officer = member(police, "officer")
    member(police, "viewer")
    member(police, "focal_point", active=False)
    member(watchers, "viewer")
    member(closed, "focal_point")
    # Organisations of kinds the route does not name, and another country, hear nothing.
    member(make_org(country="DEU", kind="operator"), "focal_point")
    member(make_org(country="DEU", kind="forensic_lab"), "focal_point")
    member(make_org(country="DEU", kind="fiu"), "focal_point")
    member(make_org(country="MEX", kind="law_enforcement"), "focal_point")
    told = alerts.recipients_for("incidents.incident", "country_named", ["DEU"])
    assert sorted(u.pk for u in told) == sorted([with_focal.pk, admin.pk, officer.pk])


@pytest.mark.django_db
def test_a_broadcast_shows_what_the_secretariat_typed_in_every_language(intl_admin, make_user):
    focal = make_user(country="DEU", role="focal_point")
    alerts.alert_broadcast(
        actor=intl_admin, title="Nitazene 100% pure", body="Watch ports.", country_codes=["DEU"]
    )
    alert = Alert.objects.get(recipient=focal)
    assert (alert.kind, alert.message_key) == ("broadcast", "core.broadcast")
    assert alert.params == {"title": "Nitazene 100% pure", "body": "Watch ports."}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert (alert.title, alert.body) == ("Nitazene 100% pure", "Watch ports.")


@pytest.mark.django_db
def test_legacy_and_unknown_messages_show_their_stored_text(make_user):
    user = make_user()
    legacy = Alert.objects.create(
        recipient=user,
        kind="notification_received",
        message_key="core.legacy",
        params={"title": "Old text", "body": "As it was."},
    )
    assert (legacy.title, legacy.body) == ("Old text", "As it was.")
    unknown = Alert.objects.create(recipient=user, kind="x", message_key="gone.app", params={})
    assert (unknown.title, unknown.body) == ("gone.app", "")


@pytest.mark.django_db
def test_an_alert_missing_a_parameter_still_renders(make_user):
    alert = Alert.objects.create(
        recipient=make_user(),
        kind="notification_received",
        message_key="precursors.notification_received",
        params={"reference": "PEN-X", "country": "QQQ"},
    )
    assert alert.title == "Pre-export notification PEN-X from QQQ awaits your answer"
    assert alert.body == "Answer by —."


@pytest.mark.django_db
def test_api_and_inbox_render_in_the_readers_language(make_user, django_assert_max_num_queries):
    reader = make_user(country="DEU", role="focal_point")
    for number, country in enumerate(["AUS", "SGP", "MEX", "IND", "NLD", "FRA", "CHN"]):
        Alert.objects.create(
            recipient=reader,
            kind="notification_received",
            message_key="precursors.notification_received",
            params={
                "reference": f"PEN-{country}-{number}",
                "country": country,
                "deadline": "2026-03-09",
            },
        )
    client = signed_in(reader)
    items = client.get("/api/v1/alerts", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["items"]
    assert items[0]["title"] == "来自中国的出口前通知PEN-CHN-6等待您的答复"
    assert items[0]["body"] == "请在2026年3月9日之前答复。"
    assert items[0]["message_key"] == "precursors.notification_received"
    assert items[0]["params"]["country"] == "CHN"
    english = client.get(f"/api/v1/alerts/{items[0]['id']}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["title"] == "Pre-export notification PEN-CHN-6 from China awaits your answer"
    assert english["body"] == "Answer by 9 Mar 2026."
    client.cookies["django_language"] = "zh-hans"
    # One query for the countries of the whole page, not one per alert (and one for the
    # kinds the filter offers).
    with django_assert_max_num_queries(7):
        page = client.get("/incidents/alerts/").content.decode()
    assert "来自中国的出口前通知PEN-CHN-6等待您的答复" in page
    assert "来自澳大利亚的出口前通知PEN-AUS-0等待您的答复" in page
    assert "请在2026年3月9日之前答复。" in page
