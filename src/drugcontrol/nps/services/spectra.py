"""Writes of the spectral library: importing an MSP file, all spectra or none, with one
audit event; each spectrum linked to the registry substance its CAS number, name or a
synonym names."""

import hashlib
import uuid

import numpy as np
from django.db import transaction

from drugcontrol.core.audit import record_event
from drugcontrol.core.bounds import check_instances
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.core.messages import ngettext
from drugcontrol.core.permissions import require
from drugcontrol.core.tabular import FILE, decode_text
from drugcontrol.nps.models.spectra import (
    LibrarySpectrum,
    SpectralImport,
    SpectralLibraryState,
    SpectrumLink,
)
from drugcontrol.nps.permissions import SPECTRUM_IMPORT
from drugcontrol.nps.spectra import selectors
from drugcontrol.nps.spectra.msp import ParsedSpectrum, parse_msp
from drugcontrol.substances.names import normalize_name

IMPORT_KIND = "nps.spectra"
SUFFIXES = (".msp", ".txt")
BATCH = 1000  # rows per bulk insert


def peak_bytes(peaks) -> bytes:
    return np.asarray(peaks, dtype="<f8").reshape(-1, 2).tobytes()


def spectrum_digest(name: str, peaks) -> str:
    """What makes two imported spectra the same: the name and the peaks as given."""
    return hashlib.sha256(name.encode() + b"\x00" + peak_bytes(peaks)).hexdigest()


def _links(spectra: list[ParsedSpectrum]) -> list[tuple[int | None, str]]:
    """(substance id, how) for each spectrum: its CAS number first, then its name, then
    its synonyms in the file's order."""
    by_cas, by_name = selectors.registry_matches(
        cas_numbers=[spectrum.cas for spectrum in spectra],
        names=[name for spectrum in spectra for name in (spectrum.name, *spectrum.synonyms)],
    )
    links = []
    for spectrum in spectra:
        if spectrum.cas in by_cas:
            links.append((by_cas[spectrum.cas], SpectrumLink.CAS))
            continue
        found = next(
            (
                by_name[key]
                for key in map(normalize_name, (spectrum.name, *spectrum.synonyms))
                if key in by_name
            ),
            None,
        )
        links.append((found, SpectrumLink.NAME if found else SpectrumLink.NONE))
    return links


def spectra_import(*, actor, name: str, content: bytes, progress=None) -> dict:
    """Import an MSP file: every spectrum is read and checked first (a problem anywhere,
    named by its line, stores nothing), then all are saved in one transaction with one
    audit event. A spectrum already in the library (same name and peaks) is not stored
    again. `actor=None` is the command line."""
    require(actor, SPECTRUM_IMPORT.name)
    progress = progress or (lambda checked, total, state="checking": None)
    if len(name) > 200:
        raise ValidationFailed({FILE: [_("The file name is longer than 200 characters.")]})
    spectra = parse_msp(decode_text(content))
    progress(len(spectra) // 2, len(spectra))
    links = _links(spectra)
    digests = [spectrum_digest(spectrum.name, spectrum.peaks) for spectrum in spectra]
    existing = set(
        LibrarySpectrum.objects.filter(digest__in=digests).values_list("digest", flat=True)
    )
    progress(len(spectra), len(spectra), "saving")
    with transaction.atomic():
        source = SpectralImport.objects.create(
            file_name=name,
            imported_by=actor,
            organisation=getattr(actor, "organisation", None),
        )
        rows, seen = [], set(existing)
        for spectrum, (substance_id, how), digest in zip(spectra, links, digests, strict=True):
            if digest in seen:
                continue
            seen.add(digest)
            base = max(spectrum.peaks, key=lambda peak: peak[1])[0]
            rows.append(
                LibrarySpectrum(
                    name=spectrum.name,
                    synonyms=spectrum.synonyms,
                    formula=spectrum.formula,
                    molecular_weight=spectrum.molecular_weight,
                    cas=spectrum.cas,
                    comments=spectrum.comments,
                    fields=spectrum.fields,
                    peak_data=peak_bytes(spectrum.peaks),
                    peak_count=len(spectrum.peaks),
                    base_peak=base,
                    digest=digest,
                    substance_id=substance_id,
                    linked_by=how,
                    source=source,
                    source_line=spectrum.line,
                )
            )
        check_instances(rows, "spectra")
        LibrarySpectrum.objects.bulk_create(rows, batch_size=BATCH)
        source.spectra = len(rows)
        source.save(update_fields=["spectra"])
        linked = sum(1 for row in rows if row.substance_id is not None)
        summary = {
            "file": name,
            "imported": len(rows),
            "linked": linked,
            "already_present": len(spectra) - len(rows),
        }
        if rows:
            renew_library_stamp()
        record_event(actor=actor, action="nps.spectra_imported", obj=source, after=summary)
    return {**summary, "import_id": source.pk}


def renew_library_stamp() -> None:
    """Every process rebuilds its search matrix at its next search."""
    SpectralLibraryState.objects.update_or_create(pk=1, defaults={"stamp": uuid.uuid4().hex})


def spectra_import_summary(result: dict) -> str:
    count = result.get("imported", 0)
    text = ngettext(
        "%(count)s spectrum imported (%(linked)s linked to the registry).",
        "%(count)s spectra imported (%(linked)s linked to the registry).",
        count,
    ) % {"count": count, "linked": result.get("linked", 0)}
    present = result.get("already_present", 0)
    if present:
        text += " " + ngettext(
            "%(count)s was already in the library.",
            "%(count)s were already in the library.",
            present,
        ) % {"count": present}
    return text
