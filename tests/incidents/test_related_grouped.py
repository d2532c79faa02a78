"""Related records grouped by party and country, and the summary of records the reader may
know of but not open (never of records the reader may not know exist)."""

import pytest

from drugcontrol.entities.models import Audience, PartyLink
from drugcontrol.incidents import selectors
from drugcontrol.incidents.models import RECORD_TYPE

from ..conftest import signed_in
from .conftest import report

pytestmark = pytest.mark.django_db


def _link(party, incident, *, audience, country="MEX"):
    return PartyLink.objects.create(
        party=party,
        record_type=RECORD_TYPE,
        record_id=str(incident.pk),
        role="consignee",
        organisation=incident.reporting_organisation,
        country_id=country,
        audience=audience,
    )


def test_records_are_grouped_by_country(scenario):
    incident = report(scenario["a_officer"])
    other = report(scenario["c_focal"], consignee="Other", distribution="all")
    _link(scenario["b_party"], other, audience=Audience.ALL)
    rows = selectors.related_records(user=scenario["b_focal"], incident=incident)
    assert rows[0]["groups"][0]["country"].iso3 == "MEX"
    assert rows[0]["groups"][0]["records"][0]["reference"] == other.reference
    assert rows[0]["hidden_records"] == 0


def test_a_record_the_reader_may_not_know_of_is_not_counted(scenario):
    """A record kept inside its organisation: its link is not the reader's to see, so not
    even a count of it is shown (a count would tell that it exists)."""
    incident = report(scenario["a_officer"])
    secret = report(scenario["c_focal"], consignee="Other", distribution="organisation")
    _link(scenario["b_party"], secret, audience=Audience.ORGANISATION)
    rows = selectors.related_records(user=scenario["b_focal"], incident=incident)
    assert rows[0]["hidden_records"] == 0 and rows[0]["groups"] == []
    page = signed_in(scenario["b_focal"]).get(f"/incidents/{incident.pk}/").content.decode()
    assert secret.reference not in page and 'data-testid="related-hidden"' not in page


def test_a_record_the_reader_knows_of_but_may_not_open_is_summarised(scenario):
    """The party rule lets the reader know of the record (its link is shared with every
    participant) while the incident itself stays in its organisation: counted, with its
    countries, never shown."""
    incident = report(scenario["a_officer"])
    kept = report(scenario["c_focal"], consignee="Other", distribution="organisation")
    _link(scenario["b_party"], kept, audience=Audience.ALL)
    rows = selectors.related_records(user=scenario["b_focal"], incident=incident)
    assert (rows[0]["hidden_records"], rows[0]["hidden_countries"]) == (1, 1)
    page = signed_in(scenario["b_focal"]).get(f"/incidents/{incident.pk}/").content.decode()
    assert kept.reference not in page and 'data-testid="related-hidden"' in page
    assert "1 record you may not see (countries: 1)" in page
