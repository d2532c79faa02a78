"""The party list: searched across scripts through the matching engine's normalisation, with
the country and likely duplicates shown together."""

import pytest

from drugcontrol.entities import selectors

from ..conftest import signed_in

pytestmark = pytest.mark.django_db


def _names(user, search):
    return {party.name for party in selectors.party_list(user=user, search=search)}


def test_search_finds_names_across_scripts(make_party, chn_officer):
    make_party("Guangzhou Tianhe Trading Co", actor=chn_officer)
    make_party("Hans Mueller", kind="person", country="DEU", actor=chn_officer)
    make_party("北京某某有限公司", actor=chn_officer)
    assert _names(chn_officer, "天河") == {"Guangzhou Tianhe Trading Co"}
    assert _names(chn_officer, "Müller") == {"Hans Mueller"}
    assert _names(chn_officer, "tianhe") == {"Guangzhou Tianhe Trading Co"}
    assert _names(chn_officer, "某某") == {"北京某某有限公司"}


def test_search_keeps_to_parties_the_reader_may_see(make_party, chn_officer, deu_officer):
    make_party("Guangzhou Tianhe Trading Co", actor=chn_officer)
    assert _names(deu_officer, "天河") == set()


def test_duplicates_are_shown_together_with_the_country(make_party, chn_officer):
    first = make_party("广州天河化工有限公司", actor=chn_officer)
    make_party("Zeta Logistics", actor=chn_officer)
    second = make_party("Guangzhou Tianhe Chemical Co Ltd", actor=chn_officer)
    page = signed_in(chn_officer).get("/parties/").content.decode()
    assert 'data-testid="party-duplicates"' in page
    # The correlated pair is shown one under the other, before the unrelated party.
    head, under = sorted([first, second], key=lambda p: (p.name, p.pk))
    assert f'data-duplicate-of="{head.pk}"' in page
    assert page.index(f"/parties/{under.pk}/") < page.index("Zeta Logistics")
    assert "China (CHN)" in page


def test_duplicates_of_a_party_the_reader_may_not_see_are_not_shown(
    make_party, chn_officer, deu_officer
):
    make_party("广州天河化工有限公司", actor=chn_officer)
    make_party("Guangzhou Tianhe Chemical Co Ltd", actor=deu_officer)
    page = signed_in(chn_officer).get("/parties/").content.decode()
    assert 'data-testid="party-duplicates"' not in page
    assert "Guangzhou Tianhe Chemical" not in page
