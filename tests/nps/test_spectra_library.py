"""The library as the search sees it: the per-process matrix follows imports, a hit's
status follows the registry's listings on the day, and the file bounds hold."""

import datetime

import pytest
from django.utils import timezone

from drugcontrol.core.errors import ValidationFailed
from drugcontrol.nps.models import LibrarySpectrum
from drugcontrol.nps.services.spectra import spectra_import
from drugcontrol.nps.spectra import selectors
from drugcontrol.nps.spectra.generated import invented_spectrum, msp_text
from drugcontrol.nps.spectra.msp import MAX_SPECTRA
from drugcontrol.substances.models import Listing, Substance, Synonym
from drugcontrol.substances.names import normalize_name

pytestmark = pytest.mark.django_db


def test_the_search_matrix_follows_each_import(registry):
    first = invented_spectrum("first")
    spectra_import(actor=None, name="a.msp", content=msp_text([("First", [], first)]).encode())
    before = selectors.library_matrix()
    assert before.size == 1
    assert selectors.library_matrix() is before  # cached while the library is unchanged
    second = invented_spectrum("second")
    spectra_import(actor=None, name="b.msp", content=msp_text([("Second", [], second)]).encode())
    assert selectors.library_matrix().size == 2
    hits = selectors.search_library(user=None, peaks=second)
    assert hits[0].name == "Second" and hits[0].score == pytest.approx(1.0)


def test_a_hit_s_status_follows_the_listing_in_force_today(registry):
    substance = Substance.objects.create(name_en="Invented test analogue", kind="other")
    # The registry keeps every name as a synonym (substances.services), which linking reads.
    Synonym.objects.create(
        substance=substance, name=substance.name_en, normalized=normalize_name(substance.name_en)
    )
    peaks = invented_spectrum("analogue")
    text = msp_text([("Analogue spectrum", [("Synon", "Invented test analogue")], peaks)])
    spectra_import(actor=None, name="a.msp", content=text.encode())
    assert LibrarySpectrum.objects.get().substance == substance

    def status():
        return selectors.search_library(user=None, peaks=peaks)[0].status

    assert status() == "not_controlled"
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    listing = Listing.objects.create(
        substance=substance, instrument="1971", schedule="II", in_force=tomorrow
    )
    assert status() == "not_controlled"  # voted, not yet in force
    listing.in_force = timezone.localdate().isoformat()
    listing.save()
    assert status() == "controlled"
    listing.removed = timezone.localdate().isoformat()
    listing.save()
    assert status() == "not_controlled"


def test_a_file_of_more_spectra_than_the_bound_is_refused(registry):
    one = "Name: S\nNum Peaks: 1\n41 1\n\n"
    with pytest.raises(ValidationFailed) as raised:
        spectra_import(actor=None, name="big.msp", content=(one * (MAX_SPECTRA + 1)).encode())
    where = {str(key) for key in raised.value.details}
    assert f"line {MAX_SPECTRA * 4 + 1}" in where
    assert not LibrarySpectrum.objects.exists()
