"""Invented electron-ionisation spectra, deterministic from a seed: for the demo library,
the benchmark and the tests. They look like EI spectra (nominal m/z, a base peak, common
low fragments, isotope shoulders, a weak molecular ion) but are NOT measured spectra of
any substance and must never be used to identify one."""

import hashlib

import numpy as np

COMMON_LOW = (39, 41, 42, 43, 44, 51, 55, 57, 65, 77, 91)


def _rng(seed: str) -> np.random.Generator:
    return np.random.default_rng(int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big"))


def invented_spectrum(seed: str, nominal_mass: int = 0) -> list[tuple[float, float]]:
    """An invented spectrum (m/z, intensity 0-999, base peak 999), the same for the same
    seed; `nominal_mass` (else drawn between 120 and 450) places the molecular ion."""
    rng = _rng(seed)
    mass = (
        int(nominal_mass)
        if nominal_mass and 40 <= nominal_mass <= 1000
        else int(rng.integers(120, 451))
    )
    peaks: dict[int, float] = {}
    for mz in rng.choice(COMMON_LOW, size=int(rng.integers(3, 8)), replace=False):
        if mz < mass:
            peaks[int(mz)] = float(rng.uniform(20, 300))
    count = int(rng.integers(12, 45))
    fragments = rng.integers(30, max(mass - 1, 31), size=count)
    # A long tail of weak fragments and a few strong ones, bounded so that one draw never
    # leaves the others below 1 in 999 (a spectrum of a handful of peaks).
    strengths = np.minimum(rng.pareto(1.2, size=count) * 60 + 5, 999.0)
    for mz, strength in zip(fragments, strengths, strict=True):
        peaks[int(mz)] = max(peaks.get(int(mz), 0.0), float(strength))
    base = int(rng.choice(fragments))
    peaks[base] = float(max(peaks.values()) * 1.5 + 100)
    peaks[mass] = float(rng.uniform(5, 150))
    for mz, intensity in list(peaks.items()):  # 13C shoulders
        if intensity > 50 and mz + 1 not in peaks:
            peaks[mz + 1] = intensity * float(rng.uniform(0.05, 0.15))
    top = max(peaks.values())
    return [
        (float(mz), round(999 * intensity / top, 1))
        for mz, intensity in sorted(peaks.items())
        if 999 * intensity / top >= 1
    ]


def noisy_copy(peaks, seed: str, *, missing: int = 2, extra: int = 3, noise: float = 0.1):
    """The spectrum as another instrument might record it: each intensity off by about
    `noise` (relative), `missing` of the small peaks lost and `extra` small peaks added."""
    rng = _rng(seed)
    kept = [(mz, max(0.5, intensity * float(1 + rng.normal(0, noise)))) for mz, intensity in peaks]
    small = sorted(range(len(kept)), key=lambda index: kept[index][1])[: max(missing * 3, 1)]
    dropped = set(rng.choice(small, size=min(missing, len(small)), replace=False).tolist())
    result = [peak for index, peak in enumerate(kept) if index not in dropped]
    present = {int(mz) for mz, _i in result}
    top = max(mz for mz, _i in peaks)
    while extra:
        mz = int(rng.integers(30, int(top) + 10))
        if mz not in present:
            present.add(mz)
            result.append((float(mz), float(rng.uniform(1, 30))))
            extra -= 1
    return sorted(result)


def msp_text(spectra) -> str:
    """MSP text of (name, fields, peaks) triples; fields in the order given."""
    blocks = []
    for name, fields, peaks in spectra:
        lines = [f"Name: {name}"]
        lines += [f"{key}: {value}" for key, value in fields]
        lines.append(f"Num Peaks: {len(peaks)}")
        for start in range(0, len(peaks), 5):
            chunk = peaks[start : start + 5]
            lines.append("; ".join(f"{mz:g} {intensity:g}" for mz, intensity in chunk) + ";")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
