"""The incident's thread: who writes, who asks, who answers, and who sees it."""

import pytest

from drugcontrol.core.errors import Conflict, PermissionDenied, ValidationFailed
from drugcontrol.core.models import Alert, AuditEvent
from drugcontrol.incidents import selectors, services
from drugcontrol.incidents.models import IncidentMessage

from .conftest import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(scenario, make_user):
    """A CHN incident naming DEU (destination): China and Germany see it, Mexico does not."""
    people = dict(scenario)
    people["a_police"] = make_user(country="CHN", role="officer", kind="law_enforcement")
    people["b_police"] = make_user(country="DEU", role="officer", kind="law_enforcement")
    people["b_viewer"] = make_user(
        country="DEU", role="viewer", organisation=people["b_police"].organisation
    )
    people["b_focal_le"] = make_user(
        country="DEU", role="focal_point", organisation=people["b_police"].organisation
    )
    people["c_officer"] = make_user(country="MEX", role="officer", kind="law_enforcement")
    people["operator"] = make_user(country="DEU", role="officer", kind="operator")
    people["incident"] = report(
        people["a_officer"],
        countries=[
            {"country": "CHN", "role": "departure"},
            {"country": "DEU", "role": "destination"},
        ],
    )
    return people


def ask(people, **extra):
    return services.message_post(
        actor=people["a_police"],
        incident=people["incident"],
        kind="controlled_delivery_request",
        body="Can the container continue to Hamburg under surveillance?",
        addressed_country="DEU",
        **extra,
    )


def test_a_request_alerts_the_addressed_country_and_its_answer_the_requester(thread):
    Alert.objects.all().delete()
    request = ask(thread)
    assert request.status == "open" and request.country_id == "CHN"
    told = set(Alert.objects.filter(kind="request_received").values_list("recipient", flat=True))
    assert thread["b_police"].pk in told and thread["b_focal_le"].pk in told
    assert thread["b_viewer"].pk not in told and thread["c_officer"].pk not in told
    decided = services.request_decide(
        actor=thread["b_focal_le"], message=request, decision="accepted", note="Agreed."
    )
    assert decided.status == "accepted" and decided.decided_by == thread["b_focal_le"]
    assert decided.version == 2 and decided.decided_at is not None
    answer = Alert.objects.get(kind="request_decided")
    assert answer.recipient == thread["a_police"]  # the requesting organisation only
    assert answer.params["status"] == "accepted"
    actions = list(
        AuditEvent.objects.filter(object_id=str(thread["incident"].pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["incidents.request_made", "incidents.request_decided"]


def test_a_plain_message_alerts_the_reporting_organisation(thread):
    Alert.objects.all().delete()
    services.message_post(
        actor=thread["b_police"], incident=thread["incident"], kind="question", body="Which port?"
    )
    recipients = {a.recipient.organisation_id for a in Alert.objects.filter(kind="message_posted")}
    assert recipients == {thread["incident"].reporting_organisation_id}
    # The reporter writing on its own thread alerts nobody.
    Alert.objects.all().delete()
    services.message_post(actor=thread["a_officer"], incident=thread["incident"], body="Thanks.")
    assert not Alert.objects.exists()


def test_who_may_write(thread, intl_admin, make_user):
    incident = thread["incident"]
    for refused in (thread["b_viewer"], thread["operator"]):
        with pytest.raises(PermissionDenied):
            services.message_post(actor=refused, incident=incident, body="Hello")
    intl_officer = make_user(role="officer", organisation=intl_admin.organisation)
    services.message_post(actor=intl_officer, incident=incident, body="Noted by the secretariat.")
    # A financial intelligence unit of a country that sees the incident asks about payments.
    fiu = make_user(country="DEU", role="officer", kind="fiu")
    services.message_post(actor=fiu, incident=incident, kind="question", body="How was it paid?")
    fiu_viewer = make_user(country="DEU", role="viewer", organisation=fiu.organisation)
    with pytest.raises(PermissionDenied):
        services.message_post(actor=fiu_viewer, incident=incident, body="Hello")
    with pytest.raises(PermissionDenied):  # nor does a unit make requests
        services.message_post(
            actor=fiu,
            incident=incident,
            kind="joint_investigation_request",
            body="?",
            addressed_country="CHN",
        )
    with pytest.raises(PermissionDenied):  # the secretariat asks no controlled delivery
        services.message_post(
            actor=intl_officer,
            incident=incident,
            kind="joint_investigation_request",
            body="?",
            addressed_country="DEU",
        )


@pytest.mark.parametrize(
    ("addressed", "field_message"),
    [
        ("", "Choose the country"),
        ("QQQ", "Unknown country"),
        ("CHN", "another country"),
        ("MEX", "may not see the incident"),
        ("D" * 40, "Unknown country"),
    ],
)
def test_a_request_names_another_country_that_sees_the_incident(thread, addressed, field_message):
    with pytest.raises(ValidationFailed) as error:
        services.message_post(
            actor=thread["a_police"],
            incident=thread["incident"],
            kind="joint_investigation_request",
            body="Joint investigation?",
            addressed_country=addressed,
        )
    assert field_message in str(error.value.details["addressed_country"][0])
    assert not IncidentMessage.objects.exists()


def test_bounds_of_a_message(thread):
    for body, problem in (("   ", "Write a message"), ("x" * 5001, "5000")):
        with pytest.raises(ValidationFailed) as error:
            services.message_post(actor=thread["b_police"], incident=thread["incident"], body=body)
        assert problem in str(error.value.details["body"][0]).replace(",", "")
    with pytest.raises(ValidationFailed) as error:
        services.message_post(
            actor=thread["b_police"], incident=thread["incident"], kind="gossip", body="hi"
        )
    assert "kind" in error.value.details


def test_decisions_refused_to_others_and_twice(thread, intl_admin):
    request = ask(thread)
    # The requester's country does not answer its own request; Mexico cannot see it at all
    # (the selector answers 404 first), nor a viewer of the addressed country act.
    for refused in (thread["a_officer"], thread["b_viewer"], thread["c_officer"], intl_admin):
        with pytest.raises(PermissionDenied):
            services.request_decide(actor=refused, message=request, decision="accepted")
    with pytest.raises(PermissionDenied):  # only the requester withdraws
        services.request_decide(actor=thread["b_police"], message=request, decision="withdrawn")
    services.request_decide(
        actor=thread["b_police"], message=request, decision="declined", expected_version=1
    )
    with pytest.raises(Conflict):  # a second answer
        services.request_decide(actor=thread["b_focal_le"], message=request, decision="accepted")
    with pytest.raises(Conflict):  # nothing to withdraw any more
        services.request_decide(actor=thread["a_police"], message=request, decision="withdrawn")


def test_a_stale_version_is_a_conflict(thread):
    request = ask(thread)
    services.request_decide(actor=thread["b_police"], message=request, decision="accepted")
    with pytest.raises(Conflict):
        services.request_decide(
            actor=thread["a_police"], message=request, decision="closed", expected_version=1
        )
    closed = services.request_decide(
        actor=thread["a_police"], message=request, decision="closed", expected_version=2
    )
    assert closed.status == "closed"


def test_withdrawal_tells_the_addressed_country(thread):
    request = ask(thread)
    Alert.objects.all().delete()
    services.request_decide(actor=thread["a_police"], message=request, decision="withdrawn")
    assert {a.recipient.country_id for a in Alert.objects.all()} == {"DEU"}


def test_a_plain_message_is_not_decided(thread):
    message = services.message_post(
        actor=thread["b_police"], incident=thread["incident"], body="hi"
    )
    with pytest.raises(ValidationFailed):
        services.request_decide(actor=thread["a_police"], message=message, decision="accepted")


# --- visibility ------------------------------------------------------------------------------


def test_the_thread_follows_the_incident(thread, client_for):
    incident, request = thread["incident"], ask(thread)
    base = f"/api/v1/incidents/{incident.pk}/messages"
    mexico = client_for(thread["c_officer"])
    assert mexico.get(base).status_code == 404
    assert mexico.post(base, {"body": "hi"}, content_type="application/json").status_code == 404
    decide = f"{base}/{request.pk}/decide"
    answer = mexico.post(decide, {"decision": "accepted"}, content_type="application/json")
    assert answer.status_code == 404
    assert mexico.get(f"/incidents/{incident.pk}/").status_code == 404
    page = mexico.post(
        f"/incidents/{incident.pk}/messages/{request.pk}/decide/", {"decision": "accepted"}
    )
    assert page.status_code == 404
    # Lists and counts: Mexico's readers see no message of it anywhere.
    assert not selectors.visible(IncidentMessage, thread["c_officer"]).exists()
    assert selectors.visible(IncidentMessage, thread["b_viewer"]).count() == 1
    germany = client_for(thread["b_viewer"]).get(base).json()
    assert germany["count"] == 1 and germany["items"][0]["status"] == "open"
    # A message id of another incident is a 404 too.
    other = report(thread["a_officer"], distribution="all")
    wrong = client_for(thread["b_police"]).post(
        f"/api/v1/incidents/{other.pk}/messages/{request.pk}/decide",
        {"decision": "accepted"},
        content_type="application/json",
    )
    assert wrong.status_code == 404


def test_a_home_only_incident_keeps_its_thread_at_home(thread, intl_admin):
    incident = report(thread["a_officer"], distribution="country")
    services.message_post(actor=thread["a_police"], incident=incident, body="Internal note")
    for outsider in (thread["b_police"], intl_admin):
        assert not selectors.visible(IncidentMessage, outsider).exists()
    with pytest.raises(ValidationFailed):  # nobody abroad can be asked
        services.message_post(
            actor=thread["a_police"],
            incident=incident,
            kind="controlled_delivery_request",
            body="?",
            addressed_country="DEU",
        )


# --- API and page ----------------------------------------------------------------------------


def test_api_post_and_decide(thread, client_for):
    incident = thread["incident"]
    base = f"/api/v1/incidents/{incident.pk}/messages"
    asked = client_for(thread["a_police"]).post(
        base,
        {"kind": "controlled_delivery_request", "body": "Follow it?", "addressed_country": "DEU"},
        content_type="application/json",
    )
    assert asked.status_code == 201, asked.content
    body = asked.json()
    assert body["status"] == "open" and body["addressed_country"] == "DEU"
    decide = f"{base}/{body['id']}/decide"
    germany = client_for(thread["b_police"])
    accepted = germany.post(
        decide, {"decision": "accepted", "version": 1}, content_type="application/json"
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    again = germany.post(
        decide, {"decision": "declined", "version": 1}, content_type="application/json"
    )
    assert again.status_code == 409
    bad = germany.post(decide, {"decision": "open"}, content_type="application/json")
    assert bad.status_code == 422 and "decision" in str(bad.json()["error"]["details"])
    long = germany.post(base, {"body": "x" * 5001}, content_type="application/json")
    assert long.status_code == 422 and "body" in str(long.json()["error"]["details"])
    refused = client_for(thread["b_viewer"]).post(
        base, {"body": "hi"}, content_type="application/json"
    )
    assert refused.status_code == 403


def test_page_shows_the_thread_and_the_buttons(thread, client_for):
    incident, request = thread["incident"], ask(thread)
    url = f"/incidents/{incident.pk}/"
    decide = f'action="/incidents/{incident.pk}/messages/{request.pk}/decide/"'
    german = client_for(thread["b_police"]).get(url).content.decode()
    assert "Can the container continue" in german and decide in german
    assert 'value="accepted"' in german and 'value="declined"' in german
    viewer = client_for(thread["b_viewer"]).get(url).content.decode()
    assert "Can the container continue" in viewer and decide not in viewer
    assert f'action="/incidents/{incident.pk}/messages/"' not in viewer
    requester = client_for(thread["a_police"]).get(url).content.decode()
    assert 'value="withdrawn"' in requester and 'value="accepted"' not in requester
    answer = client_for(thread["b_police"]).post(
        f"/incidents/{incident.pk}/messages/{request.pk}/decide/",
        {"decision": "accepted", "version": "1", "note": "Agreed"},
    )
    assert answer.status_code == 302
    twice = client_for(thread["b_police"]).post(
        f"/incidents/{incident.pk}/messages/{request.pk}/decide/",
        {"decision": "declined", "version": "2"},
    )
    assert twice.status_code == 409 and "already accepted" in twice.content.decode()
    posted = client_for(thread["b_police"]).post(
        f"/incidents/{incident.pk}/messages/", {"kind": "message", "body": ""}
    )
    assert posted.status_code == 422 and 'data-field="body"' in posted.content.decode()
