"""The notification form picks from lists and keeps what was typed: countries from the
country list (their codes posted, an unknown one a field error naming the field, transit
countries in the order chosen), substances and parties from the suggestions; a party on
file chosen keeps the name as typed beside it, on the page and through the API alike;
`Name [#id]` (the first suggestions' way) is still read and the suffix never kept."""

import re

import pytest

from drugcontrol.entities import services as entity_services
from drugcontrol.entities.models import PartyLink
from drugcontrol.precursors.models import RECORD_TYPE, Notification, NotificationParty
from drugcontrol.substances.selectors import find_by_name

from ..conftest import signed_in
from .conftest import draft, future, notification_raw

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "scheduled",
    "importing_country": "AUS",
    "point_of_entry": "Port of Melbourne",
    "expected_dispatch": future(),
    "line-substance-0": "Ephedrine",
    "line-quantity-0": "12",
    "line-unit-0": "kg",
    "party-exporter": "Jiangsu Hengrui Pharmaceutical Co., Ltd.",
    "party-exporter-address": "7 Kunlunshan Road",
}


def _on_file(actor, name="Southern Cross Pharma Pty Ltd", country="AUS"):
    return entity_services.party_create(
        actor=actor,
        data=entity_services.validate_party(kind="company", name=name, country_code=country),
    )


def _importer(notification) -> NotificationParty:
    return notification.parties.select_related("party").get(role="importer")


# --- countries from the list ------------------------------------------------------------------


def test_countries_are_posted_as_codes_and_transits_keep_the_order_chosen(people):
    client = signed_in(people["exporter"])
    posted = {**FORM, "importing_country": "aus", "transit_countries": ["SGP", "JPN"]}
    response = client.post("/precursors/new/", posted)
    assert response.status_code == 302, response.content.decode()[:2000]
    notification = Notification.objects.get()
    assert notification.importing_country_id == "AUS"
    assert [t.country_id for t in notification.transits.all()] == ["SGP", "JPN"]
    page = client.get(f"/precursors/{notification.pk}/edit/").content.decode()
    transit = re.search(r'<select name="transit_countries".*?</select>', page, re.S).group(0)
    chosen = re.findall(r'<option value="([A-Z]{3})" selected', transit)
    assert chosen == ["SGP", "JPN"], "the chosen head the list, in the route's order"
    importing = re.search(r'<select name="importing_country".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="([A-Z]{3})" selected', importing) == ["AUS"]
    # saved again as drawn, the order holds
    response = client.post(
        f"/precursors/{notification.pk}/edit/",
        {**FORM, "transit_countries": chosen, "version": notification.version},
    )
    assert response.status_code == 302
    assert [t.country_id for t in notification.transits.all()] == ["SGP", "JPN"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("importing_country", "XXX"),
        ("importing_country", "Australia"),
        ("transit_countries", "SGP NLD"),  # the old typed list
        ("transit_countries", "QQQ"),
        ("party-exporter-country", "ZZ"),
    ],
)
def test_a_country_the_list_does_not_offer_is_an_error_on_its_field(people, field, value):
    response = signed_in(people["exporter"]).post("/precursors/new/", {**FORM, field: value})
    assert response.status_code == 422
    html = response.content.decode()
    named = "parties.exporter.country" if field.startswith("party-") else field
    assert f'data-field="{named}"' in html
    assert "is not one of the available choices" in html
    assert Notification.objects.count() == 0


def test_the_importing_country_is_required(people):
    response = signed_in(people["exporter"]).post(
        "/precursors/new/", {**FORM, "importing_country": ""}
    )
    assert response.status_code == 422
    assert 'data-field="importing_country"' in response.content.decode()


def test_the_service_s_transit_error_lands_on_the_transit_field(people):
    response = signed_in(people["exporter"]).post(
        "/precursors/new/", {**FORM, "transit_countries": ["SGP", "AUS"]}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-field="transit_countries"' in html
    assert "A transit country is neither the exporting nor the importing country." in html


# --- substances from the suggestions ----------------------------------------------------------


def test_the_substance_fields_ask_the_registry_s_suggestions(people):
    page = signed_in(people["exporter"]).get("/precursors/new/").content.decode()
    field = re.search(r'<input[^>]*name="line-substance-0"[^>]*>', page).group(0)
    assert 'hx-get="/substances/suggest/"' in field and 'list="substance-options"' in field
    assert 'hx-trigger="input changed delay:250ms"' in field
    assert "suggest/substances" not in page and "suggest/parties" not in page


SYNONYM = "(1R,2S)-2-(methylamino)-1-phenylpropan-1-ol"  # one of ephedrine's synonyms


@pytest.mark.parametrize("typed", ["Ephe", "麻黄", "299-42-3", SYNONYM])
def test_the_suggestions_answer_a_notification_line(people, typed):
    """htmx sends the text under the field's own name (`line-substance-0`) and names the
    field in `HX-Trigger-Name`: names, Chinese names, CAS numbers and synonyms are found."""
    options = signed_in(people["exporter"]).get(
        "/substances/suggest/", {"line-substance-0": typed}, HTTP_HX_TRIGGER_NAME="line-substance-0"
    )
    html = options.content.decode()
    assert 'value="Ephedrine"' in html and "299-42-3" in html, (typed, html)


def test_the_suggestions_answer_the_suspicious_order_s_chemical(people):
    options = signed_in(people["operator"]).get(
        "/substances/suggest/", {"chemical": "Ephe"}, HTTP_HX_TRIGGER_NAME="chemical"
    )
    assert 'value="Ephedrine"' in options.content.decode()


def test_a_substance_chosen_by_its_chinese_name_is_saved(people):
    client = signed_in(people["exporter"])
    response = client.post("/precursors/new/", {**FORM, "line-substance-0": "麻黄素"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Notification.objects.get().lines.get().substance == find_by_name("Ephedrine")


# --- parties: chosen from the suggestions, the name kept as typed -----------------------------


def test_the_party_fields_ask_the_party_suggestions_and_fill_a_hidden_id(people):
    page = signed_in(people["exporter"]).get("/precursors/new/").content.decode()
    field = re.search(r'<input[^>]*name="party-importer"[^>]*>', page).group(0)
    assert 'hx-get="/parties/suggest/"' in field and 'list="party-options"' in field
    assert 'data-pick-id="party-importer-id"' in field and 'data-picked-label="On file:"' in field
    assert re.search(r'<input type="hidden" name="party-importer-id"', page)


def test_a_party_chosen_keeps_the_name_as_typed(people):
    party = _on_file(people["exporter"])
    client = signed_in(people["exporter"])
    typed = "Southern Cross Pharma (as invoiced)"
    response = client.post(
        "/precursors/new/",
        {**FORM, "party-importer": typed, "party-importer-id": party.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    notification = Notification.objects.get()
    item = _importer(notification)
    assert (item.party_id, item.reported_name) == (party.pk, typed)
    link = PartyLink.objects.get(record_type=RECORD_TYPE, record_id=notification.pk, party=party)
    assert link.reported_name == typed
    # the page shows the name as reported beside the party matched
    detail = client.get(f"/precursors/{notification.pk}/").content.decode()
    row = re.search(r'<tr data-testid="notification-party">(?:(?!</tr>).)*Importer.*?</tr>', detail)
    assert row and typed in row.group(0)
    assert f'href="/parties/{party.pk}/">Southern Cross Pharma Pty Ltd</a>' in row.group(0)
    # and the draft's form shows it as typed, the party on file beside it, no `[#id]`
    page = client.get(f"/precursors/{notification.pk}/edit/").content.decode()
    assert re.search(rf'<input[^>]*name="party-importer"[^>]*value="{re.escape(typed)}"', page)
    assert re.search(rf'<input type="hidden" name="party-importer-id" value="{party.pk}"', page)
    assert "On file: Southern Cross Pharma Pty Ltd (AUS)" in page
    assert "[#" not in page


def test_a_party_chosen_without_a_name_typed_is_named_as_on_file(people):
    party = _on_file(people["exporter"])
    response = signed_in(people["exporter"]).post(
        "/precursors/new/", {**FORM, "party-importer-id": party.pk}
    )
    assert response.status_code == 302
    item = _importer(Notification.objects.get())
    assert (item.party_id, item.reported_name) == (party.pk, "Southern Cross Pharma Pty Ltd")


def test_a_legacy_name_with_its_id_is_read_and_the_suffix_dropped(people):
    party = _on_file(people["exporter"])
    response = signed_in(people["exporter"]).post(
        "/precursors/new/", {**FORM, "party-importer": f"Southern Cross Pharma [#{party.pk}]"}
    )
    assert response.status_code == 302
    item = _importer(Notification.objects.get())
    assert (item.party_id, item.reported_name) == (party.pk, "Southern Cross Pharma")


@pytest.mark.parametrize(
    ("posted", "field"),
    [
        ({"party-importer": "Someone [#999999999999999999999]"}, "parties.importer.name"),
        ({"party-importer": "Someone", "party-importer-id": "abc"}, "parties.importer.party_id"),
        ({"party-importer": "Someone", "party-importer-id": "987654321"}, "parties.importer.name"),
    ],
)
def test_a_party_id_that_is_not_one_is_an_error_on_its_row(people, posted, field):
    response = signed_in(people["exporter"]).post("/precursors/new/", {**FORM, **posted})
    assert response.status_code == 422
    assert f'data-field="{field}"' in response.content.decode()
    assert Notification.objects.count() == 0


def test_a_party_the_officer_may_not_see_is_refused(people, make_user):
    hidden = _on_file(make_user(country="MEX", role="officer"), name="Quiet Mexican Trading")
    response = signed_in(people["exporter"]).post(
        "/precursors/new/", {**FORM, "party-importer": "Quiet", "party-importer-id": hidden.pk}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-field="parties.importer.name"' in html and "Unknown party." in html
    assert "Quiet Mexican Trading" not in html


def test_the_api_keeps_the_name_as_typed_too(people):
    party = _on_file(people["exporter"])
    client = signed_in(people["exporter"])

    def create(name):
        entry = {"role": "importer", "party_id": party.pk, "address": "12 Collins Street"}
        body = notification_raw(parties=[{**entry, **({"name": name} if name else {})}])
        url = "/api/v1/precursors/notifications"
        return client.post(url, body, content_type="application/json")

    typed = create("  Southern Cross (API, as invoiced) ")
    assert typed.status_code == 201, typed.content
    assert typed.json()["parties"][0]["reported_name"] == "Southern Cross (API, as invoiced)"
    assert typed.json()["parties"][0]["party_id"] == party.pk
    plain = create(None)
    assert plain.json()["parties"][0]["reported_name"] == "Southern Cross Pharma Pty Ltd"
    too_long = create("x" * 301)
    assert too_long.status_code == 422
    assert "parties.0.name" in too_long.json()["error"]["details"]


def test_the_services_keep_the_name_as_typed(people):
    party = _on_file(people["exporter"])
    notification = draft(
        people["exporter"],
        parties=[{"role": "importer", "party_id": party.pk, "name": "S. Cross Pharma"}],
    )
    assert _importer(notification).reported_name == "S. Cross Pharma"


# --- lists: the substance asked for, the countries of the filters ------------------------------


@pytest.mark.parametrize("value", ["abc", "9" * 30, "-1", "1e3"])
def test_a_substance_id_that_is_not_one_is_a_filter_error(people, value):
    response = signed_in(people["exporter"]).get("/precursors/", {"substance_id": value})
    assert response.status_code == 200
    assert 'data-field="substance_id"' in response.content.decode()


def test_the_list_filters_by_a_substance_asked_for(people):
    notification = draft(people["exporter"])
    ephedrine = find_by_name("Ephedrine")
    page = signed_in(people["exporter"]).get("/precursors/", {"substance_id": ephedrine.pk})
    html = page.content.decode()
    assert f'href="/precursors/{notification.pk}/"' in html
    assert 'data-field="substance_id"' not in html


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("exporter", "/precursors/"),
        ("exporter", "/precursors/statistics/"),
        ("exporter", "/precursors/invocations/"),
        ("exporter", "/precursors/requirements/"),
        ("secretariat", "/precursors/annual-reports/"),
    ],
)
def test_the_filters_offer_the_country_list_and_refuse_a_code_it_lacks(people, who, url):
    client = signed_in(people[who])
    html = client.get(url).content.decode()
    assert re.search(r'<select name="country"[^>]*data-country-select', html), url
    assert not re.search(r'<input(?![^>]*type="hidden")[^>]*name="country"', html), url
    refused = client.get(url, {"country": "QQQ"})
    assert refused.status_code < 500
    assert 'data-field="country"' in refused.content.decode(), url
    chosen = client.get(url, {"country": "AUS"}).content.decode()
    assert 'data-field="country"' not in chosen, url
    assert '<option value="AUS" selected' in chosen, url


def test_the_requirements_filter_reads_its_substance_and_year(people):
    client = signed_in(people["importer"])
    for query, field in [({"year": "abc"}, "year"), ({"substance": "Nothing such"}, "substance")]:
        html = client.get("/precursors/requirements/", query).content.decode()
        assert f'data-field="{field}"' in html, query
        assert 'data-testid="requirement-row"' not in html
