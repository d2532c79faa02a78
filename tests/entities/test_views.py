import pytest

from drugcontrol.entities.models import Correlation, Party

from ..conftest import signed_in

pytestmark = pytest.mark.django_db


def test_match_form_on_the_parties_page(make_party, chn_officer):
    make_party("广州天河化工有限公司", actor=chn_officer)
    page = signed_in(chn_officer).post(
        "/parties/", {"kind": "company", "name": "Guangzhou Tianhe Huagong", "country": ""}
    )
    html = page.content.decode()
    assert 'data-testid="match-row"' in html and "广州天河化工有限公司" in html
    assert "Chinese characters compared through their pinyin" in html


def test_party_page_decides_and_merges(make_party, chn_officer):
    first = make_party("广州天河化工有限公司", actor=chn_officer)
    second = make_party("Guangzhou Tianhe Chemical Co Ltd", actor=chn_officer)
    correlation = Correlation.objects.get()
    client = signed_in(chn_officer)
    page = client.get(f"/parties/{first.pk}/").content.decode()
    assert 'data-testid="correlation-row"' in page and "Guangzhou Tianhe Chemical" in page
    url = f"/parties/correlations/{correlation.pk}/"
    client.post(url, {"action": "confirm", "version": 1, "next": f"/parties/{first.pk}/"})
    assert Correlation.objects.get().status == "confirmed"
    response = client.post(url, {"action": "reject", "version": 1, "next": "https://evil.example/"})
    assert response["Location"] == "/parties/correlations/"
    assert Correlation.objects.get().status == "confirmed", "stale decision refused"
    client.post(url, {"action": "merge"})
    assert Party.objects.get(pk=second.pk).merged_into_id == first.pk
    page = client.get(f"/parties/{first.pk}/").content.decode()
    assert "Undo the merge" in page


def test_a_correlation_with_a_party_the_reader_may_not_see_is_not_shown(
    make_party, chn_officer, deu_officer
):
    """China's party is on no shared record: Germany learns neither what it is nor that it
    exists."""
    mine = make_party("Guangzhou Tianhe Chemical", actor=deu_officer, country="CHN")
    make_party("广州天河化工有限公司", actor=chn_officer)
    assert Correlation.objects.count() == 1
    page = signed_in(deu_officer).get(f"/parties/{mine.pk}/").content.decode()
    assert 'data-testid="correlation-row"' not in page
    assert "广州天河化工有限公司" not in page and "CHN" not in page.split("Related parties")[1]


def test_correlation_queue_and_warning_list_pages(make_party, chn_officer, intl_admin):
    make_party("广州天河化工有限公司", actor=chn_officer)
    make_party("Guangzhou Tianhe Chemical Co Ltd", actor=chn_officer)
    assert (
        'data-testid="queue-row"'
        in signed_in(chn_officer).get("/parties/correlations/").content.decode()
    )
    # An unknown status in the address is named, and the proposed ones are shown.
    response = signed_in(chn_officer).get("/parties/correlations/?status=bogus")
    page = response.content.decode()
    assert response.status_code == 200 and 'data-field="status"' in page
    assert 'data-testid="queue-row"' in page
    page = signed_in(chn_officer).get("/parties/correlations/?status=rejected").content.decode()
    assert 'data-testid="queue-row"' not in page and 'data-field="status"' not in page
    client = signed_in(intl_admin)
    client.post(
        "/parties/warning-list/",
        {"kind": "phone", "value": "+86 20 0000 0000", "reason": "placeholder"},
    )
    page = client.get("/parties/warning-list/").content.decode()
    assert 'data-testid="warning-row"' in page
    chn_page = signed_in(chn_officer).get("/parties/warning-list/").content.decode()
    assert "Add a value" not in chn_page
