"""Every read of the spectral library: the list, one spectrum, and the search with its
matrix cached per process (rebuilt when the library's stamp changes)."""

import threading
from dataclasses import dataclass

import numpy as np
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from drugcontrol.core.permissions import can, require
from drugcontrol.core.visibility import get_visible_or_404, visibility_rule, visible
from drugcontrol.nps.models.spectra import LibrarySpectrum, SpectralLibraryState
from drugcontrol.nps.permissions import SPECTRUM_READ
from drugcontrol.nps.spectra.search import SpectralMatrix
from drugcontrol.substances.models import INTERNATIONAL_INSTRUMENTS, Listing, Substance, Synonym
from drugcontrol.substances.names import normalize_name

MAX_SEARCH_TEXT = 100


@visibility_rule(LibrarySpectrum)
def library_spectra_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Shared reference data: readers of the library see all of it, others nothing."""
    return queryset if can(user, SPECTRUM_READ.name) else queryset.none()


def _in_force_listings():
    """Current international listings (in force today, not removed)."""
    today = timezone.localdate().isoformat()
    return Listing.objects.filter(instrument__in=INTERNATIONAL_INSTRUMENTS, removed="").filter(
        Q(in_force="") | Q(in_force__lte=today)
    )


def with_status(queryset: QuerySet) -> QuerySet:
    """Each spectrum with `control_status`: "controlled" when its substance has a current
    international listing, "not_controlled" when it has none, None when the spectrum is
    linked to no substance; and `substance_name`, the substance's English name."""
    listed = Exists(_in_force_listings().filter(substance_id=OuterRef("substance_id")))
    return queryset.annotate(
        substance_name=F("substance__name_en"),
        control_status=Case(
            When(substance__isnull=True, then=Value(None)),
            When(listed, then=Value("controlled")),
            default=Value("not_controlled"),
            output_field=CharField(),
        ),
    )


def spectrum_list(*, user, search: str | None = None) -> QuerySet:
    """The library, by name; `search` matches a name, a CAS number or the linked
    substance's name."""
    queryset = with_status(visible(LibrarySpectrum, user).select_related("substance"))
    text = (search or "").strip()[:MAX_SEARCH_TEXT]
    if text:
        queryset = queryset.filter(
            Q(name__icontains=text)
            | Q(cas=text)
            | Q(substance__name_en__icontains=text)
            | Q(substance__name_zh__icontains=text)
        )
    return queryset.order_by("name", "pk")


def spectrum_get(*, user, spectrum_id: int) -> LibrarySpectrum:
    return get_visible_or_404(
        with_status(LibrarySpectrum.objects.select_related("substance", "source")),
        user,
        pk=spectrum_id,
    )


# --- linking to the registry ---------------------------------------------------------------


def registry_matches(*, cas_numbers, names) -> tuple[dict[str, int], dict[str, int]]:
    """Registry substances by CAS number and by normalised name or synonym (either
    language), each in one query; a name two substances share links to neither."""
    by_cas: dict[str, int] = {}
    for cas, pk in (
        Substance.objects.filter(cas__in=set(cas_numbers) - {""})
        .order_by("pk")
        .values_list("cas", "pk")
    ):
        by_cas.setdefault(cas, pk)
    keys = {normalize_name(name) for name in names} - {""}
    found: dict[str, set[int]] = {}
    for key, pk in Synonym.objects.filter(normalized__in=keys).values_list(
        "normalized", "substance_id"
    ):
        found.setdefault(key, set()).add(pk)
    by_name = {key: next(iter(pks)) for key, pks in found.items() if len(pks) == 1}
    return by_cas, by_name


# --- search ---------------------------------------------------------------------------------

_matrix_lock = threading.Lock()
_matrix_cache: dict[str, SpectralMatrix] = {}


def library_version() -> str:
    return SpectralLibraryState.objects.filter(pk=1).values_list("stamp", flat=True).first() or ""


def library_matrix() -> SpectralMatrix:
    """The search matrix of the whole library, rebuilt when the library changed."""
    version = library_version()
    cached = _matrix_cache.get("matrix")
    if cached is not None and cached.version == version:
        return cached
    with _matrix_lock:
        cached = _matrix_cache.get("matrix")
        if cached is not None and cached.version == version:
            return cached
        matrix = build_matrix(version)
        _matrix_cache["matrix"] = matrix
        return matrix


def build_matrix(version: str) -> SpectralMatrix:
    keys, counts, chunks = [], [], []
    rows = LibrarySpectrum.objects.order_by("pk").values_list("pk", "peak_count", "peak_data")
    for pk, count, data in rows.iterator(chunk_size=2000):
        keys.append(pk)
        counts.append(count)
        chunks.append(np.frombuffer(bytes(data), dtype="<f8"))
    flat = np.concatenate(chunks).reshape(-1, 2) if chunks else np.zeros((0, 2))
    return SpectralMatrix.from_arrays(keys, counts, flat[:, 0], flat[:, 1], version=version)


@dataclass(frozen=True)
class SpectrumHit:
    spectrum_id: int
    name: str
    substance_id: int | None
    substance: str | None  # the registry's English name
    substance_zh: str
    score: float
    status: str | None  # controlled, not_controlled, or None when not linked
    matched_peaks: int

    def public(self) -> dict:
        """The command line's and the API's shape of a hit."""
        return {
            "id": self.spectrum_id,
            "name": self.name,
            "substance": self.substance,
            "substance_id": self.substance_id,
            "score": round(self.score, 4),
            "status": self.status,
            "matched_peaks": self.matched_peaks,
        }


def search_library(
    *, user, peaks, limit: int = 10, min_matched_peaks: int = 0
) -> list[SpectrumHit]:
    """The library spectra most like `peaks`, best first. `user=None` is the command line;
    a user who may not read the library is refused (its readers see the whole library, so a
    hit never names a spectrum its reader may not see)."""
    if user is not None:
        require(user, SPECTRUM_READ.name)
    found = library_matrix().search(peaks, limit=limit, min_matched_peaks=min_matched_peaks)
    if not found:
        return []
    # One query: each hit's name, substance and status (values, not model instances).
    rows = {
        row[0]: row
        for row in with_status(LibrarySpectrum.objects.filter(pk__in=[hit.key for hit in found]))
        .order_by()
        .values_list(
            "pk", "name", "substance_id", "substance_name", "substance__name_zh", "control_status"
        )
    }
    hits = []
    for hit in found:
        row = rows.get(hit.key)
        if row is None:  # removed since the matrix was built
            continue
        _pk, name, substance_id, substance, substance_zh, status = row
        hits.append(
            SpectrumHit(
                spectrum_id=hit.key,
                name=name,
                substance_id=substance_id,
                substance=substance,
                substance_zh=substance_zh or "",
                score=hit.score,
                status=status,
                matched_peaks=hit.matched_peaks,
            )
        )
    return hits
