"""The spectral library: electron-ionisation mass spectra imported from MSP files, linked to
registry substances where their CAS number or a name says which. Shared reference data."""

import numpy as np
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["LibrarySpectrum", "SpectralImport", "SpectralLibraryState", "SpectrumLink"]


class SpectrumLink(models.TextChoices):
    CAS = "cas", _("CAS number")
    NAME = "name", _("name or synonym")
    NONE = "none", _("not linked")


class SpectralImport(models.Model):
    """One imported file: where the library's spectra came from."""

    file_name = models.CharField(_("file"), max_length=200)
    spectra = models.PositiveIntegerField(_("spectra"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name


class LibrarySpectrum(models.Model):
    name = models.CharField(_("name"), max_length=300, db_index=True)
    synonyms = models.JSONField(_("synonyms"), default=list, blank=True)
    formula = models.CharField(_("molecular formula"), max_length=100, blank=True)
    molecular_weight = models.FloatField(_("molecular weight"), null=True, blank=True)
    cas = models.CharField(_("CAS number"), max_length=12, blank=True, db_index=True)
    comments = models.TextField(_("comments"), max_length=2000, blank=True)
    # The file's other fields (DB#, NIST#, instrument ...), as it names them.
    fields = models.JSONField(default=dict, blank=True)
    # The peaks as little-endian float64 (m/z, intensity) pairs, in the file's order: the
    # search matrix is built from them without parsing text.
    peak_data = models.BinaryField()
    peak_count = models.PositiveIntegerField(_("peaks"))
    base_peak = models.FloatField(_("base peak (m/z)"))
    # The name and peaks' digest: the same spectrum imported again is not stored twice.
    digest = models.CharField(max_length=64, unique=True)
    substance = models.ForeignKey(
        "substances.Substance",
        verbose_name=_("substance"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    linked_by = models.CharField(
        _("linked by"), max_length=8, choices=SpectrumLink.choices, default=SpectrumLink.NONE
    )
    source = models.ForeignKey(SpectralImport, on_delete=models.PROTECT, related_name="+")
    source_line = models.PositiveIntegerField(_("line"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("library spectrum")
        verbose_name_plural = _("library spectra")

    def __str__(self) -> str:
        return self.name

    @property
    def peaks(self) -> list[tuple[float, float]]:
        pairs = np.frombuffer(bytes(self.peak_data), dtype="<f8").reshape(-1, 2)
        return [(float(mz), float(intensity)) for mz, intensity in pairs]


class SpectralLibraryState(models.Model):
    """A stamp renewed by every change to the library, so that each process knows when to
    rebuild its search matrix (random, as `substances.RegistryState`)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    stamp = models.CharField(max_length=32, default="")

    def __str__(self) -> str:
        return f"spectral library {self.stamp}"
