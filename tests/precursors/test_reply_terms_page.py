"""The reply terms form shows the chosen country's terms on file and saves only what the
reader changed; a concurrent edit is refused, not overwritten."""

from html.parser import HTMLParser

import pytest

from drugcontrol.core.models import AuditEvent, Country
from drugcontrol.precursors import services
from drugcontrol.precursors.models import ImportingCountryPolicy

from ..conftest import signed_in

pytestmark = pytest.mark.django_db

PAGE = "/precursors/invocations/"


class PolicyFormValues(HTMLParser):
    """What a browser posts from the page's terms form: its inputs' values, checked boxes
    only."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.found = False
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form" and attributes.get("data-testid") == "policy-form":
            self.inside = self.found = True
        elif tag == "input" and self.inside and "name" in attributes:
            kind = attributes.get("type", "text")
            if kind == "checkbox" and "checked" not in attributes:
                return
            if kind != "submit":
                self.values[attributes["name"]] = attributes.get("value", "on")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def drawn(client, query="") -> dict[str, str] | None:
    """The terms form as the page draws it (None: no form)."""
    response = client.get(PAGE + query)
    assert response.status_code == 200
    parser = PolicyFormValues()
    parser.feed(response.content.decode())
    return parser.values if parser.found else None


def terms(code: str) -> ImportingCountryPolicy:
    return ImportingCountryPolicy.objects.get(country_id=code)


def set_strict(people, code="AUS"):
    """Australia requires explicit clearance and an import permit, and lets its police read."""
    services.policy_set(
        actor=people["secretariat"],
        country=Country.objects.get(iso3=code),
        reply_days=20,
        explicit_clearance=True,
        import_permit_required=True,
        law_enforcement_reads=True,
    )


def test_saving_the_form_changes_only_what_was_changed(people):
    set_strict(people)
    client = signed_in(people["importer_focal"])
    values = drawn(client)
    # The form shows Australia's terms on file, with the version read.
    assert values["country"] == "AUS" and values["version"] == "1"
    assert values["reply_days"] == "20"
    assert values["explicit_clearance"] == values["import_permit_required"] == "on"
    assert "silence_allows_shipment" not in values
    response = client.post(PAGE, {**values, "reply_days": "30"})
    assert response.status_code == 302 and response["Location"].endswith("?terms=AUS")
    policy = terms("AUS")
    assert policy.reply_days == 30
    assert policy.explicit_clearance and policy.import_permit_required
    assert policy.law_enforcement_reads and not policy.silence_allows_shipment
    event = AuditEvent.objects.filter(action="precursors.policy_set").order_by("sequence").last()
    assert event.before["explicit_clearance"] is True and event.after["reply_days"] == 30
    # Unticking one box changes that one only.
    values = drawn(client)
    del values["law_enforcement_reads"]
    assert client.post(PAGE, values).status_code == 302
    policy = terms("AUS")
    assert not policy.law_enforcement_reads and policy.explicit_clearance
    assert policy.reply_days == 30
    # Saving what is on file writes nothing.
    before = AuditEvent.objects.count()
    saved = client.post(PAGE, drawn(client), follow=True)
    assert b"Nothing was changed." in saved.content
    assert AuditEvent.objects.count() == before and terms("AUS").version == policy.version


def test_a_post_naming_one_setting_keeps_the_others(people):
    set_strict(people)
    client = signed_in(people["importer_focal"])
    response = client.post(PAGE, {"form": "policy", "country": "AUS", "reply_days": "25"})
    assert response.status_code == 302
    policy = terms("AUS")
    assert policy.reply_days == 25
    assert policy.explicit_clearance and policy.import_permit_required
    assert policy.law_enforcement_reads


def test_a_concurrent_edit_is_refused_not_overwritten(people):
    set_strict(people)
    first, second = signed_in(people["importer_focal"]), signed_in(people["importer"])
    mine, theirs = drawn(first), drawn(second)
    assert first.post(PAGE, {**mine, "reply_days": "40"}).status_code == 302
    late = second.post(PAGE, {**theirs, "reply_days": "10"})
    assert late.status_code == 409
    assert b"changed by someone else" in late.content
    assert terms("AUS").reply_days == 40


def test_terms_first_set_meanwhile_are_not_overwritten(people):
    client = signed_in(people["importer_focal"])
    values = drawn(client)
    assert values["version"] == "0"  # none on file: the defaults
    assert values["reply_days"] == str(services.DEFAULT_REPLY_DAYS)
    set_strict(people)
    response = client.post(PAGE, {**values, "reply_days": "30"})
    assert response.status_code == 409
    assert terms("AUS").reply_days == 20 and terms("AUS").explicit_clearance


def test_the_secretariat_chooses_the_country_an_authority_keeps_its_own(people):
    set_strict(people)
    secretariat = signed_in(people["secretariat"])
    assert drawn(secretariat) is None  # a country to choose first
    page = secretariat.get(PAGE).content.decode()
    assert 'data-testid="terms-country"' in page
    values = drawn(secretariat, "?terms=AUS")
    assert values["country"] == "AUS" and values["explicit_clearance"] == "on"
    response = secretariat.post(PAGE, {**values, "silence_allows_shipment": "on"})
    assert response.status_code == 302
    policy = terms("AUS")
    assert policy.silence_allows_shipment and policy.explicit_clearance
    assert policy.reply_days == 20
    # An authority sees its own country's terms whatever it asks for.
    china = signed_in(people["exporter_focal"])
    assert drawn(china, "?terms=AUS")["country"] == "CHN"
    assert 'data-testid="terms-country"' not in china.get(PAGE).content.decode()
    # And may not save another country's.
    refused = china.post(PAGE, {**values, "reply_days": "5"})
    assert refused.status_code == 403
    assert terms("AUS").reply_days == 20


def test_the_api_keeps_a_setting_left_out(people):
    set_strict(people)
    client = signed_in(people["importer_focal"])
    response = client.put(
        "/api/v1/precursors/reply-terms/AUS",
        {"reply_days": 21, "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["explicit_clearance"] is True
    stale = client.put(
        "/api/v1/precursors/reply-terms/AUS",
        {"reply_days": 22, "version": 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
