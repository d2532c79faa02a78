"""Spectral search: a weighted cosine score between a query and every library spectrum, over
a matrix built once per process.

Electron-ionisation spectra are nominal mass, so each peak goes to its unit m/z bin
(m/z rounded half up; peaks in the same bin are added). Each bin is weighted
`m/z ** MZ_POWER * intensity ** INTENSITY_POWER` and each spectrum scaled to unit length,
so the score of two spectra is the dot product of their vectors: 1.0 for the same
spectrum, 0.0 for spectra sharing no bin. This is matchms' `CosineGreedy` with
`mz_power=1.0, intensity_power=0.5` on unit-mass spectra (each bin holds one peak per
spectrum, so its greedy pairing pairs equal bins): the square root damps the base peak so
the smaller peaks count, and the m/z factor gives the heavier, more specific ions more
weight than the ubiquitous low fragments (m/z 41, 43, 57 ...), after Stein and Scott's
study of library search weightings (1994).

The library is held by bin (for each bin, the spectra that have it and their weights), so a
query touches only the entries of its own bins: the scores are one `numpy.bincount` over
them. A second, row-wise copy of the bins counts the peaks a hit shares with the query."""

from dataclasses import dataclass, field

import numpy as np

MZ_POWER = 1.0
INTENSITY_POWER = 0.5
MAX_BIN = 2_000  # msp.MAX_MZ, rounded
CANDIDATES = 2_000  # best-scored spectra examined when hits need a minimum of shared peaks


def binned(peaks) -> tuple[np.ndarray, np.ndarray]:
    """(bins, weights): the spectrum's unit-m/z bins, ascending, and their weights scaled to
    unit length; empty arrays for a spectrum with no intensity."""
    if len(peaks) == 0:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float64)
    array = np.asarray(peaks, dtype=np.float64).reshape(-1, 2)
    bins = np.floor(array[:, 0] + 0.5).astype(np.int32)
    keep = (array[:, 1] > 0) & (bins >= 1) & (bins <= MAX_BIN)
    bins, intensities = bins[keep], array[keep, 1]
    if bins.size == 0:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float64)
    # Relative to the base peak, so that tiny absolute intensities do not underflow to zero.
    intensities = intensities / intensities.max()
    unique, inverse = np.unique(bins, return_inverse=True)
    summed = np.bincount(inverse, weights=intensities)
    weights = unique.astype(np.float64) ** MZ_POWER * summed**INTENSITY_POWER
    norm = float(np.sqrt(np.dot(weights, weights)))
    if norm == 0.0:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float64)
    return unique.astype(np.int32), weights / norm


@dataclass
class Hit:
    row: int  # the spectrum's row in the matrix
    key: int  # its id in the library
    score: float
    matched_peaks: int


@dataclass
class SpectralMatrix:
    """The library as scaled vectors, by bin (for scoring) and by spectrum (for counting
    shared peaks); `keys[row]` is the library id of each row."""

    keys: np.ndarray
    column_start: np.ndarray  # bin b's entries are [column_start[b], column_start[b + 1])
    column_rows: np.ndarray
    column_weights: np.ndarray
    row_start: np.ndarray
    row_bins: np.ndarray
    version: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def size(self) -> int:
        return int(self.keys.size)

    @classmethod
    def build(cls, spectra, *, version: str = "") -> "SpectralMatrix":
        """From (key, peaks) pairs, peaks as (m/z, intensity) pairs; a spectrum without
        intensity gets an empty row (it scores 0 against everything)."""
        keys, counts, flat = [], [], []
        for key, peaks in spectra:
            keys.append(key)
            counts.append(len(peaks))
            flat.extend(peaks)
        peaks = np.asarray(flat, dtype=np.float64).reshape(-1, 2)
        return cls.from_arrays(keys, counts, peaks[:, 0], peaks[:, 1], version=version)

    @classmethod
    def from_arrays(cls, keys, counts, mz, intensity, *, version: str = "") -> "SpectralMatrix":
        """The same from flat arrays: `counts[row]` peaks of each row, in row order."""
        size = len(keys)
        rows = np.repeat(np.arange(size, dtype=np.int64), np.asarray(counts, dtype=np.int64))
        bins = np.floor(np.asarray(mz, dtype=np.float64) + 0.5).astype(np.int64)
        intensity = np.asarray(intensity, dtype=np.float64)
        keep = (intensity > 0) & (bins >= 1) & (bins <= MAX_BIN)
        cells = rows[keep] * (MAX_BIN + 1) + bins[keep]
        order = np.argsort(cells)
        cells, intensity = cells[order], intensity[keep][order]  # by row, then bin
        first = np.flatnonzero(np.diff(cells, prepend=-1))  # peaks in one bin are added
        cells = cells[first]
        summed = np.add.reduceat(intensity, first) if first.size else intensity[:0]
        rows, bins = cells // (MAX_BIN + 1), cells % (MAX_BIN + 1)
        weights = bins.astype(np.float64) ** MZ_POWER * summed**INTENSITY_POWER
        norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=size))
        weights = weights / norms[rows]
        row_start = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=size), out=row_start[1:])
        order = np.argsort(bins, kind="stable")
        column_start = np.zeros(MAX_BIN + 2, dtype=np.int64)
        np.cumsum(np.bincount(bins, minlength=MAX_BIN + 1), out=column_start[1:])
        return cls(
            keys=np.asarray(keys, dtype=np.int64).reshape(-1),
            column_start=column_start,
            column_rows=rows[order].astype(np.int32),
            column_weights=weights[order].astype(np.float32),
            row_start=row_start,
            row_bins=bins.astype(np.int16),
            version=version,
        )

    def scores(self, bins: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """The weighted cosine of a binned query (see `binned`) with every row."""
        starts, ends = self.column_start[bins], self.column_start[bins + 1]
        lengths = ends - starts
        if not lengths.sum():
            return np.zeros(self.size)
        rows = np.concatenate([self.column_rows[s:e] for s, e in zip(starts, ends, strict=True)])
        column = np.concatenate(
            [self.column_weights[s:e] for s, e in zip(starts, ends, strict=True)]
        )
        factors = np.repeat(weights, lengths)
        return np.bincount(rows, weights=column * factors, minlength=self.size)

    def shared_peaks(self, row: int, bins: np.ndarray) -> int:
        own = self.row_bins[self.row_start[row] : self.row_start[row + 1]]
        return int(np.intersect1d(own, bins, assume_unique=True).size)

    def search(self, peaks, *, limit: int = 10, min_matched_peaks: int = 0) -> list[Hit]:
        """The best `limit` rows for the query's peaks, best first (ties by key); rows
        sharing no bin, or fewer than `min_matched_peaks`, are no hits."""
        bins, weights = binned(peaks)
        if bins.size == 0 or self.size == 0 or limit < 1:
            return []
        scores = self.scores(bins, weights)
        wanted = limit if min_matched_peaks <= 1 else max(limit, CANDIDATES)
        wanted = min(wanted, self.size)
        candidates = np.argpartition(-scores, wanted - 1)[:wanted]
        candidates = candidates[scores[candidates] > 0]
        order = np.lexsort((self.keys[candidates], -scores[candidates]))
        hits = []
        for row in candidates[order]:
            matched = self.shared_peaks(int(row), bins)
            if matched < min_matched_peaks:
                continue
            score = min(1.0, max(0.0, float(scores[row])))
            hits.append(
                Hit(row=int(row), key=int(self.keys[row]), score=score, matched_peaks=matched)
            )
            if len(hits) == limit:
                break
        return hits


def cosine(first, second) -> float:
    """The same weighted cosine between two spectra (for tests and single comparisons)."""
    bins_a, weights_a = binned(first)
    bins_b, weights_b = binned(second)
    common, index_a, index_b = np.intersect1d(bins_a, bins_b, return_indices=True)
    if common.size == 0:
        return 0.0
    return min(1.0, float(np.dot(weights_a[index_a], weights_b[index_b])))
