"""API pagination: `page` with a count, `cursor` without one (keyset), and their bounds;
the pages' paginator; what one authenticated list request costs in queries."""

import datetime
import urllib.parse

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from drugcontrol.core import services
from drugcontrol.core.audit import record_event
from drugcontrol.core.models import ApiToken, AuditEvent

from ..conftest import signed_in

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _events(actor, number: int) -> None:
    for index in range(number):
        record_event(
            actor=actor,
            action="test.paged",
            object_type="test.record",
            object_id=str(index),
            owner_organisation=actor.organisation,
        )


def _walk(client, url: str, page_size: int) -> tuple[list, list]:
    """Every page through cursors, from an empty cursor; returns the ids and the answers."""
    ids, answers, cursor = [], [], ""
    while cursor is not None:
        separator = "&" if "?" in url else "?"
        response = client.get(
            f"{url}{separator}page_size={page_size}&cursor={urllib.parse.quote(cursor)}"
        )
        assert response.status_code == 200, response.content
        answer = response.json()
        answers.append(answer)
        ids += [item["id"] for item in answer["items"]]
        cursor = answer["next"]
        assert len(answers) < 100
    return ids, answers


def test_cursor_pages_follow_the_page_order_without_a_count(intl_viewer, chn_officer):
    _events(chn_officer, 23)
    client = signed_in(intl_viewer)
    url = "/api/v1/audit-events?action=test.paged"
    by_page = []
    for number in range(1, 6):
        answer = client.get(f"{url}&page_size=5&page={number}").json()
        assert answer["count"] == 23 and answer["pages"] == 5
        by_page += [item["id"] for item in answer["items"]]
    assert answer["next"] is None  # the last page
    by_cursor, answers = _walk(client, url, 5)
    assert by_cursor == by_page and len(set(by_cursor)) == 23
    assert [len(answer["items"]) for answer in answers] == [5, 5, 5, 5, 3]
    assert all(answer["count"] is None and answer["pages"] is None for answer in answers)
    assert all(answer["page"] is None and answer["page_size"] == 5 for answer in answers)


def test_a_page_answer_continues_with_its_cursor(intl_viewer, chn_officer):
    _events(chn_officer, 7)
    client = signed_in(intl_viewer)
    url = "/api/v1/audit-events?action=test.paged&page_size=3"
    first = client.get(url).json()
    second = client.get(f"{url}&page=2").json()
    following = client.get(f"{url}&cursor={urllib.parse.quote(first['next'])}").json()
    assert [i["id"] for i in following["items"]] == [i["id"] for i in second["items"]]


def test_cursor_reads_after_the_last_record_seen_not_an_offset(intl_viewer, chn_officer):
    _events(chn_officer, 6)
    client = signed_in(intl_viewer)
    url = "/api/v1/audit-events?action=test.paged&page_size=3"
    first = client.get(f"{url}&cursor=").json()
    _events(chn_officer, 4)  # newer events come first in the log; they must not shift page 2
    with CaptureQueriesContext(connection) as context:
        second = client.get(f"{url}&cursor={urllib.parse.quote(first['next'])}").json()
    sequences = [item["sequence"] for item in first["items"] + second["items"]]
    assert sequences == sorted(sequences, reverse=True) and len(set(sequences)) == 6
    page_queries = [q["sql"] for q in context.captured_queries if "core_auditevent" in q["sql"]]
    assert page_queries and not any("OFFSET" in sql.upper() for sql in page_queries)
    assert not any("COUNT(" in sql.upper() for sql in page_queries)


def test_cursor_breaks_ties_with_the_id(chn_officer):
    tokens = [
        services.token_create(actor=chn_officer, user=chn_officer, name=f"t{n}")[0]
        for n in range(5)
    ]
    same_time = timezone.now() - datetime.timedelta(hours=1)
    ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).update(created_at=same_time)
    ids, _answers = _walk(signed_in(chn_officer), "/api/v1/tokens", 2)
    assert ids == sorted((t.pk for t in tokens), reverse=True)  # "-created_at", "-pk"


def test_page_is_bounded_and_cursor_checked(intl_viewer, chn_officer):
    _events(chn_officer, 3)
    client = signed_in(intl_viewer)
    for page in ("18446744073709551616", "1000001", "0"):
        response = client.get(f"/api/v1/audit-events?page={page}")
        assert response.status_code == 422, page
        assert response.json()["error"]["code"] == "validation_error"
        assert "page" in response.json()["error"]["details"]
    last = client.get("/api/v1/audit-events?page=1000000&page_size=200")
    assert last.status_code == 200 and last.json()["items"] == []
    for cursor in ("garbage", "eyJvIjo1fQ:1:x"):
        response = client.get(f"/api/v1/audit-events?cursor={cursor}")
        assert response.status_code == 422
        assert response.json()["error"]["details"] == {"cursor": ["This cursor is not valid here."]}
    events = client.get("/api/v1/audit-events?page_size=1").json()
    elsewhere = client.get(f"/api/v1/countries?cursor={urllib.parse.quote(events['next'])}")
    assert elsewhere.status_code == 422, "a cursor belongs to the endpoint that issued it"
    both = client.get(f"/api/v1/audit-events?page=2&cursor={urllib.parse.quote(events['next'])}")
    assert both.status_code == 422 and "cursor" in both.json()["error"]["details"]


def test_a_short_list_is_counted_from_its_only_page(intl_admin, chn_officer):
    _events(chn_officer, 3)
    _token, secret = services.token_create(actor=intl_admin, user=intl_admin, name="q")
    client = bearer(secret)
    client.get("/api/v1/me")  # the first use of a token records its time of use
    with CaptureQueriesContext(connection) as context:
        answer = client.get("/api/v1/audit-events?action=test.paged&page_size=10").json()
    assert answer["count"] == 3 and answer["pages"] == 1 and answer["next"] is None
    assert not any("COUNT(" in q["sql"].upper() for q in context.captured_queries)
    with CaptureQueriesContext(connection) as context:
        answer = client.get("/api/v1/audit-events?action=test.paged&page_size=2").json()
    assert answer["count"] == 3 and answer["pages"] == 2 and answer["next"]
    assert sum("COUNT(" in q["sql"].upper() for q in context.captured_queries) == 1


def test_a_bearer_request_reads_its_token_in_one_query_and_writes_nothing(intl_admin):
    _token, secret = services.token_create(actor=intl_admin, user=intl_admin, name="q")
    client = bearer(secret)
    client.get("/api/v1/me")  # the first use is recorded
    used = ApiToken.objects.get(name="q").last_used_at
    with CaptureQueriesContext(connection) as context:
        response = client.get("/api/v1/audit-events?page_size=5")
    assert response.status_code == 200
    sqls = [q["sql"] for q in context.captured_queries]
    assert sum("core_apitoken" in sql for sql in sqls) == 1
    token_query = next(sql for sql in sqls if "core_apitoken" in sql)
    assert "core_user" in token_query and "core_organisation" in token_query
    assert "core_country" in token_query
    assert not any(sql.lstrip().upper().startswith(("UPDATE", "INSERT")) for sql in sqls)
    assert not any("django_session" in sql for sql in sqls)
    assert ApiToken.objects.get(name="q").last_used_at == used
    # A minute later, the use is recorded again.
    ApiToken.objects.filter(name="q").update(last_used_at=used - datetime.timedelta(minutes=2))
    client.get("/api/v1/me")
    assert ApiToken.objects.get(name="q").last_used_at > used


def test_a_bearer_request_does_not_read_the_session(intl_admin, chn_officer):
    _token, secret = services.token_create(actor=chn_officer, user=chn_officer, name="q")
    client = signed_in(intl_admin)  # a session cookie too, of another user
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    with CaptureQueriesContext(connection) as context:
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.json()["username"] == chn_officer.username
    assert not any("django_session" in q["sql"] for q in context.captured_queries)
    assert client.get("/api/v1/me").json()["username"] == intl_admin.username


def test_the_audit_rule_follows_a_change_of_role(chn_officer, chn_admin):
    _events(chn_officer, 2)
    client = signed_in(chn_admin)
    url = "/api/v1/audit-events?action=test.paged"
    assert client.get(url).json()["count"] == 2  # an administrator sees the members' events
    chn_admin.role = "officer"
    chn_admin.save(update_fields=["role"])
    assert client.get(url).json()["count"] == 0  # an officer only their own
    chn_admin.role = "admin"
    chn_admin.save(update_fields=["role"])
    assert client.get(url).json()["count"] == 2


@pytest.mark.parametrize("page", ["18446744073709551616", "abc", "-1", "1e9", "9" * 5000])
def test_list_pages_survive_any_page_number(chn_admin, page):
    _events(chn_admin, 3)
    client = signed_in(chn_admin)
    for url in ("/audit/", "/accounts/tokens/", "/organisations/"):
        response = client.get(url, {"page": page})
        assert response.status_code == 200, (url, page)


def test_audit_events_in_the_database_match_the_list(intl_viewer, chn_officer):
    """The list after the rule is compiled once per user scope still reads current rows."""
    client = signed_in(intl_viewer)
    before = client.get("/api/v1/audit-events?action=test.paged").json()["count"]
    _events(chn_officer, 2)
    after = client.get("/api/v1/audit-events?action=test.paged").json()["count"]
    assert (before, after) == (0, 2)
    assert AuditEvent.objects.filter(action="test.paged").count() == 2
