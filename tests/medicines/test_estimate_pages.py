"""Estimates on their pages: the competent authority submits one on its form, the
secretariat confirms it, the authority asks for a supplementary estimate, the secretariat
confirms that, and the total and balance grow; bad quantities stay on the form."""

import re

import pytest

from drugcontrol.medicines.models import Estimate, EstimateStatus, SupplementaryEstimate
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_an_estimate_from_its_form_to_its_supplement(make_user):
    kenya = signed_in(make_user(country="KEN", kind="competent_authority", role="officer"))
    secretariat = signed_in(make_user(kind="international", role="officer"))
    assert kenya.get("/medicines/estimates/new/").status_code == 200
    bad = kenya.post(
        "/medicines/estimates/new/",
        {"year": "2027", "substance": "Morphine", "consumption_kg": "-10"},
    )
    assert bad.status_code == 400 and not Estimate.objects.exists()
    answer = kenya.post(
        "/medicines/estimates/new/",
        {"year": "2027", "substance": "Morphine", "consumption_kg": "10", "stock_kg": "2"},
    )
    assert answer.status_code == 302
    page = answer["Location"]
    estimate = Estimate.objects.get()
    assert (estimate.country_id, estimate.initial_kg) == ("KEN", 12)
    assert 'data-testid="confirm-form"' not in kenya.get(page).content.decode()
    assert 'data-testid="confirm-form"' in secretariat.get(page).content.decode()
    assert secretariat.post(page, {"step": "confirm", "version": "1"}).status_code == 302
    estimate.refresh_from_db()
    assert estimate.status == EstimateStatus.CONFIRMED
    # A stale confirmation (the version read before) changes nothing.
    stale = secretariat.post(page, {"step": "confirm", "version": "1"})
    assert stale.status_code == 400 and Estimate.objects.get().version == 2
    html = kenya.get(page).content.decode()
    assert 'data-testid="supplement-form"' in html
    refused = kenya.post(page, {"step": "supplement", "added_kg": "0", "reason": "more"})
    assert refused.status_code == 400 and not SupplementaryEstimate.objects.exists()
    assert (
        kenya.post(page, {"step": "supplement", "added_kg": "5", "reason": "Epidemic"}).status_code
        == 302
    )
    html = secretariat.get(page).content.decode()
    supplement = re.search(r'name="supplement" value="(\d+)"', html).group(1)
    confirmed = secretariat.post(
        page, {"step": "confirm_supplement", "supplement": supplement, "version": "1"}
    )
    assert confirmed.status_code == 302
    html = kenya.get(page).content.decode()
    assert 'data-testid="supplement-row" data-status="confirmed"' in html
    assert "With its confirmed supplements the estimate is 17 kg" in html
    # Kenya may not confirm, and another country's estimate is no page at all.
    assert kenya.post(page, {"step": "confirm", "version": "3"}).status_code == 403
    india = signed_in(make_user(country="IND", kind="competent_authority", role="officer"))
    india.post(
        "/medicines/estimates/new/",
        {"year": "2027", "substance": "Codeine", "consumption_kg": "1"},
    )
    other = Estimate.objects.get(country_id="IND")
    assert kenya.get(f"/medicines/estimates/{other.pk}/").status_code == 404
