"""The spectral search's scores: equal to a plain pairwise implementation of the weighted
cosine (matchms' CosineGreedy algorithm, written out), and library spectra with noise added
found as themselves first."""

import math

import pytest

from drugcontrol.nps.spectra.generated import invented_spectrum, noisy_copy
from drugcontrol.nps.spectra.search import (
    INTENSITY_POWER,
    MZ_POWER,
    SpectralMatrix,
    binned,
    cosine,
)


def greedy_cosine(first, second, tolerance=0.1) -> float:
    """CosineGreedy as matchms describes it: every pair of peaks within the tolerance is a
    candidate, scored by the product of their weights (m/z^p x intensity^q); pairs are
    taken best first, each peak at most once; the sum is divided by both spectra's norms."""

    def weight(mz, intensity):
        return mz**MZ_POWER * intensity**INTENSITY_POWER

    candidates = sorted(
        (
            (weight(*a) * weight(*b), i, j)
            for i, a in enumerate(first)
            for j, b in enumerate(second)
            if abs(a[0] - b[0]) <= tolerance
        ),
        reverse=True,
    )
    used_first, used_second, total = set(), set(), 0.0
    for product, i, j in candidates:
        if i not in used_first and j not in used_second:
            used_first.add(i)
            used_second.add(j)
            total += product
    norm_first = math.sqrt(sum(weight(*peak) ** 2 for peak in first))
    norm_second = math.sqrt(sum(weight(*peak) ** 2 for peak in second))
    return total / (norm_first * norm_second)


LIBRARY = [(index, invented_spectrum(f"library-{index}")) for index in range(200)]


def test_matrix_scores_equal_the_pairwise_cosine_on_unit_mass_spectra():
    matrix = SpectralMatrix.build(LIBRARY)
    for query_index in range(0, 200, 20):
        query = noisy_copy(LIBRARY[query_index][1], f"query-{query_index}")
        scores = matrix.scores(*binned(query))
        for row, (_key, peaks) in enumerate(LIBRARY):
            assert scores[row] == pytest.approx(greedy_cosine(query, peaks), abs=1e-6)
            assert cosine(query, peaks) == pytest.approx(scores[row], abs=1e-6)


def test_noisy_library_spectra_are_found_as_themselves_first():
    matrix = SpectralMatrix.build(LIBRARY)
    for key, peaks in LIBRARY:
        query = noisy_copy(peaks, f"noise-{key}", missing=2, extra=3, noise=0.15)
        hits = matrix.search(query, limit=3)
        assert hits[0].key == key, (key, hits)
        assert hits[0].score > 0.9 and hits[0].score > hits[1].score + 0.2


def test_hits_are_best_first_and_bounded():
    matrix = SpectralMatrix.build(LIBRARY)
    hits = matrix.search(LIBRARY[5][1], limit=10)
    assert len(hits) == 10
    assert hits[0].key == 5 and hits[0].score == pytest.approx(1.0)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert all(0.0 <= hit.score <= 1.0 for hit in hits)
    assert hits[0].matched_peaks == len(binned(LIBRARY[5][1])[0])


def test_minimum_of_shared_peaks_and_no_shared_peak():
    matrix = SpectralMatrix.build([(1, [(41, 100), (43, 50)]), (2, [(41, 100), (90, 5)])])
    hits = matrix.search([(41, 100), (43, 40), (200, 10)], limit=5)
    assert [hit.key for hit in hits] == [1, 2]
    assert [hit.matched_peaks for hit in matrix.search([(41, 100), (43, 40)], limit=5)] == [2, 1]
    assert [hit.key for hit in matrix.search([(41, 1), (43, 1)], min_matched_peaks=2)] == [1]
    assert matrix.search([(300, 10)]) == []  # no shared bin: no hit, not a zero score


def test_peaks_in_one_unit_bin_are_added_and_empty_library():
    bins, weights = binned([(41.2, 30), (40.9, 70), (43, 0)])
    assert bins.tolist() == [41] and weights.tolist() == [1.0]
    assert SpectralMatrix.build([]).search([(41, 1)]) == []
