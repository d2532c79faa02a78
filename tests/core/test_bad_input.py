"""Bad input hurts nobody else: values the database cannot hold are refused by field, the
lists everyone reads keep working, and malformed requests get a 4xx in the error shape."""

import datetime
import json

import pytest
from django.test import Client

from drugcontrol.core import services
from drugcontrol.incidents.models import Incident, IncidentSubstance
from drugcontrol.precursors.models import LegitimateRequirement, NotificationLine, SuspiciousOrder
from drugcontrol.substances.selectors import find_by_name

from ..conftest import signed_in

pytestmark = pytest.mark.django_db
HUGE_ID = 2**64 + 5
TODAY = datetime.date.today().isoformat()


def bearer(user) -> Client:
    _token, secret = services.token_create(actor=user, user=user, name="bad input")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def post_json(client, url, body, method="post"):
    return getattr(client, method)(url, data=body, content_type="application/json")


def incident_body(**line) -> dict:
    return {
        "kind": "seizure",
        "occurred_on": TODAY,
        "distribution": "organisation",
        "substances": [{"description": "white powder", "unit": "kg", **line}],
    }


def assert_error(response, status, field=None):
    assert response.status_code == status, response.content
    body = response.json()["error"]
    if field is not None:
        assert field in body["details"], body


@pytest.mark.parametrize(
    "value", ["1e30", 1e30, "1e12", "NaN", "Infinity", "-5", "12,5.3", "0x10", True]
)
def test_incident_quantity_out_of_range_is_refused_and_the_list_still_reads(make_user, value):
    officer = make_user(country="CHN", kind="law_enforcement", role="officer")
    client = bearer(officer)
    response = post_json(client, "/api/v1/incidents", incident_body(quantity=value))
    assert_error(response, 422, "substances.0.quantity")
    assert not IncidentSubstance.objects.exists()
    assert client.get("/api/v1/incidents").status_code == 200
    assert signed_in(officer).get("/incidents/").status_code == 200


def test_incident_quantity_within_the_column_is_kept(make_user):
    officer = make_user(country="CHN", kind="law_enforcement", role="officer")
    client = bearer(officer)
    response = post_json(
        client, "/api/v1/incidents", incident_body(quantity="99999999999.9994", purity="12.345")
    )
    assert response.status_code == 201, response.content
    line = IncidentSubstance.objects.get()
    assert str(line.quantity) == "99999999999.999"
    assert str(line.purity) == "12.35"
    assert client.get("/api/v1/incidents").json()["items"][0]["substances"][0]["quantity"]


def test_incident_page_refuses_a_huge_quantity(make_user):
    officer = make_user(country="CHN", kind="law_enforcement", role="officer")
    page = signed_in(officer)
    response = page.post(
        "/incidents/new/",
        {
            "kind": "seizure",
            "occurred_on": TODAY,
            "distribution": "organisation",
            "transport_mode": "unknown",
            "substance-0": "white powder",
            "quantity-0": "1e30",
            "unit-0": "kg",
        },
    )
    assert response.status_code in (200, 422)
    assert not Incident.objects.exists()
    assert page.get("/incidents/").status_code == 200


def notification_body(quantity="25", **line) -> dict:
    return {
        "importing_country": "AUS",
        "invoice_number": "INV-BOUNDS-1",
        "lines": [
            {
                "substance_id": find_by_name("Ephedrine").pk,
                "quantity": quantity,
                "unit": "kg",
                **line,
            }
        ],
    }


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"quantity": "1e20"}, "lines.0.quantity"),
        ({"quantity": 1e20}, "lines.0.quantity"),
        ({"quantity": "Infinity"}, "lines.0.quantity"),
        ({"quantity": "9999999999999", "unit": "t"}, "lines.0.quantity"),  # 10^16 kg derived
        ({"concentration": "1e-30"}, "lines.0.concentration"),
        ({"density": "NaN", "unit": "l"}, "lines.0.density"),
    ],
)
def test_notification_line_out_of_range(make_user, registry, line, field):
    exporter = make_user(country="CHN", role="officer")
    client = bearer(exporter)
    response = post_json(client, "/api/v1/precursors/notifications", notification_body(**line))
    assert_error(response, 422, field)
    assert not NotificationLine.objects.exists()
    assert client.get("/api/v1/precursors/notifications").status_code == 200


@pytest.mark.parametrize("quantity", ["1e20", 1e20, "NaN", "-1", "abc"])
def test_legitimate_requirement_out_of_range(make_user, registry, quantity):
    authority = make_user(country="CHN", role="focal_point")
    client = bearer(authority)
    response = post_json(
        client,
        "/api/v1/precursors/legitimate-requirements",
        {
            "country": "CHN",
            "substance_id": find_by_name("Ephedrine").pk,
            "year": 2030,
            "quantity_kg": quantity,
        },
    )
    assert_error(response, 422, "quantity_kg")
    assert not LegitimateRequirement.objects.exists()
    assert client.get("/api/v1/precursors/legitimate-requirements").status_code == 200


@pytest.mark.parametrize("year", [2**64, "20x0", -1])
def test_legitimate_requirement_year_out_of_range(make_user, registry, year):
    authority = make_user(country="CHN", role="focal_point")
    response = post_json(
        bearer(authority),
        "/api/v1/precursors/legitimate-requirements",
        {
            "country": "CHN",
            "substance_id": find_by_name("Ephedrine").pk,
            "year": year,
            "quantity_kg": "1",
        },
    )
    assert_error(response, 422, "year")


def test_suspicious_order_quantity_out_of_range(make_user, registry):
    operator = make_user(country="CHN", kind="operator", role="officer")
    page = signed_in(operator)
    response = page.post(
        "/precursors/orders/new/",
        {
            "received_on": TODAY,
            "chemical": "Ephedrine",
            "quantity": "1e20",
            "unit": "kg",
            "customer_name": "Lagos Pharma Supplies Ltd",
            "customer_country": "NGA",
            "reasons": "Asked twice in a week.",
        },
    )
    assert response.status_code in (200, 422)
    assert not SuspiciousOrder.objects.exists()
    assert page.get("/precursors/orders/").status_code == 200


def test_service_backstop_names_the_field(make_user):
    """A value that reaches a save without an edge check is still refused by field."""
    from drugcontrol.core.errors import ValidationFailed

    officer = make_user(country="CHN", kind="law_enforcement", role="officer")
    incident = Incident.objects.create(
        reference="CHN-TEST-1",
        kind="seizure",
        occurred_on=datetime.date.today(),
        reporting_organisation=officer.organisation,
        reporting_country_id="CHN",
        created_by=officer,
    )
    with pytest.raises(ValidationFailed) as refused:
        IncidentSubstance.objects.create(incident=incident, quantity=10**20, unit="kg")
    with pytest.raises(ValidationFailed) as too_long:
        incident.description = "x\x00y"
        incident.save()
    assert "quantity" in refused.value.details
    assert "description" in too_long.value.details


# --- malformed requests: a 4xx in the error shape, never a 500 ---


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/incidents/{HUGE_ID}",
        f"/api/v1/organisations/{HUGE_ID}",
        f"/api/v1/precursors/notifications/{HUGE_ID}",
        f"/api/v1/entities/parties/{HUGE_ID}",
        f"/api/v1/incidents?substance_id={HUGE_ID}",
        f"/api/v1/precursors/notifications?substance_id={HUGE_ID}",
        f"/api/v1/users?organisation_id={HUGE_ID}",
    ],
)
def test_ids_beyond_64_bits(make_user, url):
    response = bearer(make_user(country="CHN", role="officer")).get(url)
    assert response.status_code in (404, 422), response.content
    assert "error" in response.json()


@pytest.mark.parametrize("url", [f"/incidents/{HUGE_ID}/", f"/precursors/notifications/{HUGE_ID}/"])
def test_page_ids_beyond_64_bits(make_user, url):
    assert signed_in(make_user(country="CHN", role="officer")).get(url).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        b'{"kind": "seizure", "occurred_on": "2026-01-01", "description": "\\ud800"}',
        b'{"kind": "seizure", "occurred_on": "2026-01-01", "description": "a\\u0000b"}',
        b'{"kind": "seizure", "occurred_on": "2026-01-01", "substances": [{"quantity": NaN}]}',
        b'{"kind": "seizure", "occurred_on": "2026-01-01", "substances": [{"quantity": Infinity}]}',
        b'{"kind": "seizure", "occurred_on": "2026-01-01", "description": "\xff\xfe"}',
        b'{"kind": "seizure",',
    ],
)
def test_undecodable_json_is_a_400(make_user, body):
    client = bearer(make_user(country="CHN", kind="law_enforcement", role="officer"))
    response = client.post("/api/v1/incidents", data=body, content_type="application/json")
    assert_error(response, 400, "body")
    assert not Incident.objects.exists()


def test_nul_in_a_query_is_a_400(make_user):
    officer = make_user(country="CHN", role="officer")
    response = bearer(officer).get("/api/v1/entities/parties?search=a%00b")
    assert_error(response, 400)
    assert signed_in(officer).get("/incidents/?q=a%00b").status_code == 400


def test_oversize_body_is_a_413(make_user):
    client = bearer(make_user(country="CHN", kind="law_enforcement", role="officer"))
    description = "x" * (3 * 1024 * 1024)
    response = post_json(
        client, "/api/v1/incidents", incident_body() | {"description": description}
    )
    assert_error(response, 413)
    page = signed_in(make_user(country="CHN", kind="law_enforcement", role="officer"))
    assert page.post("/incidents/new/", {"description": description}).status_code == 413


def test_anonymous_and_revoked_writes_are_401_not_csrf(make_user):
    anonymous = Client(enforce_csrf_checks=True)
    response = anonymous.post(
        "/api/v1/incidents", data=json.dumps(incident_body()), content_type="application/json"
    )
    assert_error(response, 401)
    officer = make_user(country="CHN", kind="law_enforcement", role="officer")
    token, secret = services.token_create(actor=officer, user=officer, name="revoked")
    services.token_revoke(actor=officer, token=token)
    revoked = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {secret}"})
    response = revoked.post(
        "/api/v1/incidents", data=json.dumps(incident_body()), content_type="application/json"
    )
    assert_error(response, 401)


def test_signed_in_session_writes_still_need_csrf(make_user):
    officer = make_user(country="CHN", kind="law_enforcement", role="officer")
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = post_json(client, "/api/v1/incidents", incident_body())
    assert_error(response, 403)


@pytest.mark.parametrize(
    "moment", ["5945-01-20T02:59:37%2B17:33", "0001-01-01T00:00:00%2B05:00", "2026-01-01T00:00"]
)
def test_moments_with_any_offset_are_compared_in_utc(make_user, moment):
    """PostgreSQL refuses offsets beyond 15:59 that Python accepts (up to 23:59)."""
    response = bearer(make_user(country="CHN", role="admin")).get(
        f"/api/v1/audit-events?since={moment}&until={moment}"
    )
    assert response.status_code in (200, 422), response.content


# --- found by probing as an outsider would ---


def test_renaming_an_organisation_to_a_name_in_use_is_refused_by_field(make_org, make_user):
    taken = make_org(country="CHN", kind="operator", name="Taken Name")
    other = make_org(country="CHN", kind="operator", name="Other Name")
    secretariat = make_user(kind="international", role="admin")
    response = post_json(
        bearer(secretariat), f"/api/v1/organisations/{other.pk}", {"name": "taken name"}, "patch"
    )
    assert_error(response, 422, "name")
    assert taken.name == "Taken Name"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x" * 60000, "kind": "operator", "country": "CHN"}, "name"),
        ({"name": "%" * 60000, "kind": "operator", "country": "CHN"}, "name"),
    ],
)
def test_overlong_organisation_names_are_refused_before_any_lookup(make_user, body, field):
    response = post_json(
        bearer(make_user(kind="international", role="admin")), "/api/v1/organisations", body
    )
    assert_error(response, 422, field)


@pytest.mark.parametrize(
    ("username", "password", "field"),
    [("new_user", "", "password"), ("u" * 60000, "a-long-and-unusual-phrase-81", "username")],
)
def test_user_creation_refuses_empty_passwords_and_overlong_names(
    make_user, username, password, field
):
    admin = make_user(country="CHN", role="admin")
    response = post_json(
        bearer(admin),
        "/api/v1/users",
        {
            "organisation_id": admin.organisation_id,
            "username": username,
            "role": "viewer",
            "password": password,
        },
    )
    assert_error(response, 422, field)


@pytest.mark.parametrize("quantity", ["1,500", "1,500,000", "1_000"])
def test_ambiguous_or_python_only_numbers_are_refused(make_user, quantity):
    officer = make_user(country="CHN", kind="law_enforcement", role="officer")
    response = post_json(bearer(officer), "/api/v1/incidents", incident_body(quantity=quantity))
    assert_error(response, 422, "substances.0.quantity")


def test_overlong_text_is_refused_not_cut(make_user, registry):
    exporter = make_user(country="CHN", role="officer")
    body = notification_body() | {"invoice_number": "I" * 5000}
    response = post_json(bearer(exporter), "/api/v1/precursors/notifications", body)
    assert_error(response, 422, "invoice_number")
    officer = make_user(country="CHN", kind="law_enforcement", role="officer")
    response = post_json(
        bearer(officer), "/api/v1/incidents", incident_body() | {"description": "d" * 20000}
    )
    assert_error(response, 422, "description")


def test_overlong_broadcasts_are_refused(make_user):
    secretariat = make_user(kind="international", role="admin")
    response = post_json(
        bearer(secretariat),
        "/api/v1/alerts/broadcast",
        {"title": "Alert", "body": "b" * 20000, "countries": ["CHN"]},
    )
    assert_error(response, 422, "body")


def test_a_chunked_body_is_refused_not_dropped(make_user):
    officer = make_user(country="CHN", kind="law_enforcement", role="officer")
    response = bearer(officer).post(
        "/api/v1/entities/match",
        data=json.dumps({"kind": "company", "name": "Acme"}),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
    )
    assert_error(response, 411)


# Text that shows as something else: a right-to-left override makes "evil.exe\u202egpj" read
# "evil.exejpg"; an escape sequence is a command to the terminal that prints the name.
HIDDEN = ["Acme\u202eCorp", "Acme\u2067Corp", "Acme\x1b[2JCorp", "Acme\x08Corp", "Acme\x85Corp"]


@pytest.mark.parametrize("name", HIDDEN)
def test_a_shared_name_with_a_hidden_control_character_is_refused_by_field(
    make_user, registry, name
):
    from drugcontrol.entities.models import Party
    from drugcontrol.nps.models import IdentificationReport, RegisterEntry
    from tests.nps.conftest import report_raw

    officer = make_user(country="CHN", role="officer")
    answer = post_json(
        bearer(officer), "/api/v1/entities/parties", {"kind": "company", "name": name}
    )
    assert_error(answer, 422, "name")
    assert "U+" in answer.json()["error"]["details"]["name"][0]
    police = make_user(country="CHN", kind="law_enforcement", role="officer")
    body = incident_body() | {"parties": [{"role": "consignee", "kind": "company", "name": name}]}
    assert post_json(bearer(police), "/api/v1/incidents", body).status_code == 422
    laboratory = make_user(country="CHN", kind="forensic_lab", role="officer")
    answer = post_json(bearer(laboratory), "/api/v1/nps/reports", report_raw(reported_name=name))
    assert_error(answer, 422, "reported_name")
    assert not Party.objects.exists() and not Incident.objects.exists()
    assert not IdentificationReport.objects.exists() and not RegisterEntry.objects.exists()


def test_right_to_left_names_and_direction_marks_are_kept(make_user):
    officer = make_user(country="CHN", role="officer")
    client = bearer(officer)
    for name in ["شركة الأمل للكيماويات", "Acme\u200fCorp", "Acme Corp"]:
        answer = post_json(client, "/api/v1/entities/parties", {"kind": "company", "name": name})
        assert answer.status_code == 201, answer.content
        assert answer.json()["name"] == name
