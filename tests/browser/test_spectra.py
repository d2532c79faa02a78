"""A forensic chemist pastes the peaks of a seized sample's spectrum, finds the library
spectrum it matches with its control status, and opens it (a stick plot)."""

import os

import pytest

from drugcontrol.nps.demo_spectra import SUFFIX, load_demo_spectra
from drugcontrol.nps.models import LibrarySpectrum
from drugcontrol.nps.spectra.generated import noisy_copy

from .test_account_flows import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_a_pasted_spectrum_and_open_the_hit(page, make_user, registry):
    load_demo_spectra()
    chemist = make_user(kind="forensic_lab", role="officer")
    heroin = LibrarySpectrum.objects.get(name=f"Heroin {SUFFIX}")
    sample = noisy_copy(heroin.peaks, "seized sample")
    sign_in(page, chemist)
    page.get_by_role("link", name="Spectral library").first.click()
    page.get_by_role("link", name="Search a spectrum").click()
    page.get_by_label("Or paste the peaks").fill(
        "\n".join(f"{mz:g} {intensity:.1f}" for mz, intensity in sample)
    )
    page.get_by_role("button", name="Search", exact=True).click()
    first = page.get_by_test_id("spectrum-hit").first
    assert f"Heroin {SUFFIX}" in first.inner_text()
    assert first.locator("[data-status]").get_attribute("data-status") == "controlled"
    assert page.locator("svg.stick-plot").count() == 1  # the query's own plot
    if os.environ.get("SPECTRA_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["SPECTRA_SCREENSHOTS"], "search.png"))
    first.get_by_role("link", name=f"Heroin {SUFFIX}").click()
    page.wait_for_load_state()
    assert page.locator("svg.stick-plot line.stick").count() == len(heroin.peaks)
    assert page.get_by_role("link", name="Heroin", exact=True).count() == 1
    if os.environ.get("SPECTRA_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["SPECTRA_SCREENSHOTS"], "detail.png"))
    assert page.console_errors == []
