"""The generated demo library: quick to load, idempotent, labelled, and searchable."""

import time

import pytest

from drugcontrol.nps.demo_spectra import SUFFIX, load_demo_spectra
from drugcontrol.nps.models import LibrarySpectrum
from drugcontrol.nps.spectra import selectors
from drugcontrol.nps.spectra.generated import noisy_copy

pytestmark = pytest.mark.django_db


def test_demo_library_loads_fast_once_and_finds_its_spectra(registry):
    started = time.perf_counter()
    loaded = load_demo_spectra()
    assert time.perf_counter() - started < 5
    assert loaded >= 300 and LibrarySpectrum.objects.count() == loaded
    assert not LibrarySpectrum.objects.exclude(name__endswith=SUFFIX).exists()
    assert all(
        "Generated" in comments
        for comments in LibrarySpectrum.objects.values_list("comments", flat=True)
    )
    assert LibrarySpectrum.objects.filter(substance__isnull=False).count() >= 250
    assert load_demo_spectra() == 0
    heroin = LibrarySpectrum.objects.get(name=f"Heroin {SUFFIX}")
    assert heroin.substance.name_en == "Heroin" and heroin.linked_by == "cas"
    hits = selectors.search_library(user=None, peaks=noisy_copy(heroin.peaks, "demo"), limit=3)
    assert hits[0].spectrum_id == heroin.pk and hits[0].status == "controlled"
