"""The precursors pages' forms: a number that is not one (a version, an id, a year, a
number of days) is a field error on every form, never a 500 and never ignored; the
services' errors land on the fields they concern, in the reader's words."""

import re

import pytest

from drugcontrol.core.models import Country
from drugcontrol.precursors import services
from drugcontrol.precursors.models import Invocation, Notification, Status
from drugcontrol.substances.selectors import find_by_name

from ..conftest import signed_in
from .conftest import draft, future, submitted

pytestmark = pytest.mark.django_db

NOT_NUMBERS = ["abc", "1e3", "9" * 30, "1.5", "-1", "12abc", "0x10"]

FORM = {
    "kind": "scheduled",
    "importing_country": "AUS",
    "transit_countries": "SGP",
    "point_of_entry": "Port of Melbourne",
    "expected_dispatch": future(),
    "line-substance-0": "Ephedrine",
    "line-quantity-0": "12",
    "line-unit-0": "kg",
    "party-exporter": "Jiangsu Hengrui Pharmaceutical Co., Ltd.",
    "party-exporter-address": "7 Kunlunshan Road",
    "party-importer": "Southern Cross Pharma Pty Ltd",
    "party-importer-country": "AUS",
    "party-importer-address": "12 Collins Street",
}


def _forms(people, intl_admin):
    """Every form of the precursors pages that takes a whole number: (who, url, what else
    it posts, the field holding the number)."""
    notification = submitted(people["exporter"])
    editable = draft(people["exporter"])
    aus = Country.objects.get(iso3="AUS")
    invocation = services.invocation_add(
        actor=people["secretariat"], country=aus, scope="all", since=notification.created_at.date()
    )
    order = services.suspicious_order_report(
        actor=people["operator"],
        raw={
            "received_on": notification.created_at.date(),
            "chemical": "Ephedrine",
            "customer_name": "Blue Harbour Trading",
            "reasons": "asked for cash payment",
        },
    )
    action = f"/precursors/{notification.pk}/action/"
    steps = [
        (people["exporter"], action, {"action": "submit"}, "version"),
        (people["importer"], action, {"action": "acknowledge"}, "version"),
        (people["importer"], action, {"action": "clear"}, "version"),
        (people["importer"], action, {"action": "object", "ground": "incomplete"}, "version"),
        (people["exporter"], action, {"action": "ship"}, "version"),
        (people["exporter"], action, {"action": "withdraw"}, "version"),
        (people["exporter"], action, {"action": "cancel"}, "version"),
        (people["exporter"], action, {"action": "outcome", "outcome": "seized"}, "version"),
    ]
    return [
        (people["exporter"], "/precursors/new/", FORM, "version"),
        (people["exporter"], f"/precursors/{editable.pk}/edit/", FORM, "version"),
        *steps,
        (people["importer"], "/precursors/invocations/", {"form": "remove"}, "id"),
        (people["importer"], "/precursors/invocations/", {"form": "policy"}, "reply_days"),
        (
            people["importer"],
            "/precursors/requirements/",
            {"substance": "Ephedrine", "quantity_kg": "10"},
            "year",
        ),
        (people["exporter"], f"/precursors/orders/{order.pk}/", {"decision": "dismiss"}, "version"),
    ], (notification, editable, invocation, order)


def test_a_number_that_is_not_one_is_a_field_error_on_every_form(people, intl_admin):
    cases, _records = _forms(people, intl_admin)
    before = {
        "versions": sorted(Notification.objects.values_list("pk", "version")),
        "invocations": Invocation.objects.count(),
    }
    for user, url, payload, field in cases:
        client = signed_in(user)
        for value in NOT_NUMBERS:
            response = client.post(url, {**payload, field: value})
            said = (url, payload, field, value, response.status_code)
            assert 200 <= response.status_code < 500 and response.status_code != 302, said
            assert f'data-field="{field}"'.encode() in response.content, said
    # nothing was written by any of them
    assert sorted(Notification.objects.values_list("pk", "version")) == before["versions"]
    assert Invocation.objects.count() == before["invocations"]


def test_a_missing_id_is_a_field_error_and_a_missing_version_is_not_checked(people):
    client = signed_in(people["importer"])
    response = client.post("/precursors/invocations/", {"form": "remove", "id": ""})
    assert response.status_code == 422 and b'data-field="id"' in response.content
    notification = submitted(people["exporter"])
    response = client.post(
        f"/precursors/{notification.pk}/action/", {"action": "acknowledge", "version": ""}
    )
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.status == Status.ACKNOWLEDGED


def test_forms_without_numbers_ignore_stray_ones(people, intl_admin):
    """Ids and versions posted to forms that take none change nothing and break nothing."""
    notification = submitted(people["exporter"])
    stray = {"version": "abc", "id": "9" * 30}
    cases = [
        (people["importer"], f"/precursors/{notification.pk}/messages/", {"body": "Received"}),
        (people["operator"], "/precursors/orders/new/", {"chemical": "Ephedrine"}),
        (people["importer"], "/precursors/invocations/", {"scope": "all"}),
        (intl_admin, "/precursors/surveillance/", {"edition": "2026"}),
        (people["exporter"], "/precursors/import/", {}),
    ]
    for user, url, payload in cases:
        response = signed_in(user).post(url, {**payload, **stray})
        assert response.status_code < 500, (url, response.status_code)


def test_errors_land_on_their_fields_with_what_was_typed(people):
    client = signed_in(people["exporter"])
    response = client.post(
        "/precursors/new/",
        {
            **FORM,
            "invoice_number": "INV-TYPED-7",
            "line-substance-1": "Pseudoephedrine",
            "line-quantity-1": "-4",
            "line-unit-1": "kg",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    # the second line's quantity, on that line
    assert 'data-field="lines.1.quantity"' in html
    assert "INV-TYPED-7" in html and 'value="-4"' in html
    # the first field in error is focused, and nothing else
    assert html.count(" autofocus") == 1
    focused = html[: html.index(" autofocus")]
    assert focused.rsplit("<input", 1)[1].startswith(' name="line-quantity-1"')
    # required fields are marked, for the browser and for the eye
    assert 'class="required"' in html and "required-marker" in html
    # a country the list does not offer: an error on its row's field, shown again as sent
    response = client.post("/precursors/new/", {**FORM, "party-importer-country": "QQQ"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-field="parties.importer.country"' in html
    assert '<option value="QQQ" selected' in html
    assert Notification.objects.count() == 0


def test_a_refused_submission_shows_why_on_the_fields_of_the_saved_draft(people):
    client = signed_in(people["exporter"])
    form = {**FORM, "party-exporter-address": "", "submit": "1"}
    response = client.post("/precursors/new/", form)
    notification = Notification.objects.get()
    assert notification.status == Status.DRAFT  # saved, not submitted
    assert response.status_code == 302
    assert response["Location"] == f"/precursors/{notification.pk}/edit/?problems=1"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert 'data-field="parties.exporter.address"' in html
    assert "parties.exporter" not in html.replace('data-field="parties.exporter.address"', "")
    assert "Give the address of the Exporter." in html


def test_choices_come_from_lists(people, intl_admin):
    page = signed_in(people["exporter"]).get("/precursors/new/").content.decode()
    assert '<select name="transport_mode"' in page and '<select name="kind"' in page
    # countries from the searchable list, named in the reader's language; no code typed
    for name in ("importing_country", "transit_countries", "party-importer-country"):
        assert re.search(rf'<select name="{name}"[^>]*data-country-select', page), name
    assert re.search(r'<select name="transit_countries"[^>]*multiple', page)
    assert '<option value="AUS" data-terms="' in page and ">Australia (AUS)</option>" in page
    assert 'placeholder="SGP NLD"' not in page and 'placeholder="ISO3"' not in page
    assert "country-options" not in page
    order = signed_in(people["operator"]).get("/precursors/orders/new/").content.decode()
    assert '<select name="customer_country"' in order and '<select name="unit"' in order
    secretariat = signed_in(intl_admin).get("/precursors/requirements/").content.decode()
    assert '<select name="country"' in secretariat and '<select name="form"' in secretariat
    assert find_by_name("Ephedrine") is not None
