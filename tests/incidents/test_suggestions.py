"""Suggestions as the reporter types: substances from the registry (either language, first
letters, CAS number), parties through the matching engine (first letters, another script),
never a party the reader may not see; the name as reported is kept as typed."""

import datetime
import re

import pytest

from drugcontrol.entities import services as entity_services
from drugcontrol.incidents.models import Incident
from drugcontrol.substances.models import Synonym
from drugcontrol.substances.names import normalize_name

from ..conftest import signed_in
from .conftest import report

pytestmark = pytest.mark.django_db


def _party(actor, name, country="CHN"):
    return entity_services.party_create(
        actor=actor,
        data=entity_services.validate_party(kind="company", name=name, country_code=country),
    )


@pytest.mark.parametrize("typed", ["Ephe", "麻黄", "299-42-3", "ephedrine"])
def test_substances_by_first_letters_either_language_or_cas(scenario, typed):
    client = signed_in(scenario["a_officer"])
    options = client.get("/substances/suggest/", {"q": typed}).content.decode()
    assert 'value="Ephedrine"' in options and "299-42-3" in options


def test_substance_names_in_the_readers_language(scenario):
    client = signed_in(scenario["a_officer"])
    options = client.get("/substances/suggest/?q=Ephe", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = options.content.decode()
    assert 'value="麻黄素"' in html and "Ephedrine" in html
    assert html.index("麻黄素") < html.index("4-CMC"), "names that start with the text first"


@pytest.mark.parametrize("typed", ["(-)-ep", "(-)-Ephedr", "ep", "伪麻"])
def test_names_that_start_with_the_text_come_before_names_that_contain_it(scenario, typed):
    client = signed_in(scenario["a_officer"])
    html = client.get("/substances/suggest/", {"q": typed}).content.decode()
    values = re.findall(r'value="([^"]*)"', html)
    assert values, "suggestions"
    expected = "Pseudoephedrine" if typed == "伪麻" else "Ephedrine"
    assert expected in values, values
    # Every name that starts with the text comes before any that only contains it.
    key = normalize_name(typed)
    starts = [
        any(
            name.startswith(key)
            for name in Synonym.objects.filter(substance__name_en=value).values_list(
                "normalized", flat=True
            )
        )
        for value in values
    ]
    assert starts == sorted(starts, reverse=True), list(zip(values, starts, strict=True))


def test_the_page_fields_ask_the_generic_addresses(scenario):
    client = signed_in(scenario["a_officer"])
    page = client.get("/incidents/new/").content.decode()
    assert 'hx-get="/substances/suggest/"' in page and 'hx-get="/parties/suggest/"' in page
    old = client.get("/incidents/suggest/substances/?substance-0=Ephe").content.decode()
    assert 'value="Ephedrine"' in old, "the first addresses still answer"


@pytest.mark.parametrize("typed", ["天河", "Guangzhou Tian", "Guangz", "广州天河"])
def test_a_party_from_its_first_letters_in_any_script(scenario, typed):
    party = _party(scenario["b_focal"], "Guangzhou Tianhe Chemical")
    client = signed_in(scenario["b_focal"])
    options = client.get("/parties/suggest/", {"q": typed}).content.decode()
    assert f'value="Guangzhou Tianhe Chemical" data-id="{party.pk}"' in options
    assert "[#" not in options


def test_a_party_the_reader_may_not_see_is_never_suggested(scenario):
    report(scenario["a_officer"], consignee="Shenzhen Quiet Trading", distribution="organisation")
    mine = signed_in(scenario["a_officer"]).get("/parties/suggest/?q=Shenzhen Qui")
    assert "Shenzhen Quiet Trading" in mine.content.decode()
    for other in ("b_focal", "c_focal"):
        for typed in ("Shenzhen Qui", "Shenzhen Quiet Trading", "深圳"):
            options = signed_in(scenario[other]).get("/parties/suggest/", {"q": typed})
            assert "Shenzhen Quiet" not in options.content.decode(), (other, typed)


def test_suggestions_are_bounded(scenario):
    for number in range(15):
        _party(scenario["b_focal"], f"Tianhe Trading {number}")
    options = signed_in(scenario["b_focal"]).get("/parties/suggest/?q=Tianhe").content.decode()
    assert 0 < options.count("<option") <= 10
    assert signed_in(scenario["b_focal"]).get("/parties/suggest/?q=T").content == b"\n"


def _post(client, **parties):
    return client.post(
        "/incidents/new/",
        {
            "kind": "suspicious_order",
            "occurred_on": datetime.date.today().isoformat(),
            "distribution": "country",
            "party-role-0": "consignee",
            **parties,
        },
    )


def test_the_name_as_reported_is_shown_as_typed_beside_the_party(scenario):
    party = _party(scenario["b_focal"], "上海华康化工有限公司")
    client = signed_in(scenario["b_focal"])
    _post(client, **{"party-0": "Shanghai Huakang Chemical Co., Ltd.", "party-id-0": party.pk})
    incident = Incident.objects.get()
    row = incident.parties.get()
    assert row.party_id == party.pk
    assert row.reported_name == "Shanghai Huakang Chemical Co., Ltd."
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "<td>Shanghai Huakang Chemical Co., Ltd.</td>" in page
    assert f'<a href="/parties/{party.pk}/">上海华康化工有限公司</a>' in page
    assert "[#" not in page


def test_an_id_suffix_is_never_kept_in_the_name(scenario):
    party = scenario["b_party"]
    client = signed_in(scenario["b_focal"])
    _post(client, **{"party-0": f"Tianhe Huagong [#{party.pk}]"})
    row = Incident.objects.get().parties.get()
    assert row.party_id == party.pk and row.reported_name == "Tianhe Huagong"
