"""Identification reports, the NPS register, toxicology cases and the watch list.

The substances themselves live in the `substances` registry: these tables point at them and
hold only what early warning adds (a report's sample and classification, an effect group, a
case's findings, a reason to watch)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drugcontrol.nps.report_choices import (
    CaseKind,
    Classification,
    ConcentrationUnit,
    EffectGroup,
    Matrix,
    Outcome,
    SampleForm,
    SampleKind,
)


class IdentificationReport(models.Model):
    """A laboratory's (or an authority's) identification of one substance in one sample, with
    what the identification engine answered when it was submitted."""

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    reporting_organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # The reporting organisation's country (None for the secretariat): who reads it.
    reporting_country = models.ForeignKey(
        "core.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    country = models.ForeignKey(
        "core.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    sampled_on = models.DateField(_("date of the sample"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    sample_kind = models.CharField(_("sample"), max_length=20, choices=SampleKind.choices)
    form = models.CharField(_("form"), max_length=20, choices=SampleForm.choices)
    structure_given = models.TextField(_("structure or name as given"), max_length=20000)
    reported_name = models.CharField(_("name as reported"), max_length=300, blank=True)
    purity = models.DecimalField(
        _("purity (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    techniques = models.JSONField(_("techniques"), default=list, blank=True)
    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name=_("incident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), max_length=10000, blank=True)
    # What the identification engine answered on submission.
    substance = models.ForeignKey(
        "substances.Substance",
        verbose_name=_("substance"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    classification = models.CharField(
        _("classification"), max_length=24, choices=Classification.choices
    )
    status = models.CharField(max_length=24)  # the engine's status code
    parent_smiles = models.TextField(max_length=5000, blank=True)
    inchikey = models.CharField(max_length=27, blank=True, db_index=True)
    formula = models.CharField(max_length=100, blank=True)
    family = models.CharField(_("family"), max_length=40, blank=True, db_index=True)
    families = models.JSONField(default=list, blank=True)
    matches = models.JSONField(default=list, blank=True)  # instrument, schedules, basis
    analogues = models.JSONField(default=list, blank=True)  # nearest controlled neighbours
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("identification report")
        verbose_name_plural = _("identification reports")
        ordering = ["-sampled_on", "-pk"]
        indexes = [
            models.Index(fields=["country", "-sampled_on"]),
            models.Index(fields=["reporting_country", "-sampled_on"]),
            models.Index(fields=["substance", "sampled_on"]),
        ]

    def __str__(self) -> str:
        return self.reference


class RegisterEntry(models.Model):
    """A substance of the NPS register: reported, and not under international control when
    it was. First reports and reporting countries are read from the reports."""

    substance = models.OneToOneField(
        "substances.Substance", on_delete=models.PROTECT, related_name="+"
    )
    effect_group = models.CharField(
        _("effect group"), max_length=24, choices=EffectGroup.choices, blank=True
    )
    added_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("NPS register entry")
        verbose_name_plural = _("NPS register entries")
        ordering = ["-added_at", "-pk"]

    def __str__(self) -> str:
        return str(self.substance_id)


class ToxicologyCase(models.Model):
    """A post-mortem, driving or clinical case and the substances found in it."""

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    reporting_organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    reporting_country = models.ForeignKey(
        "core.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    country = models.ForeignKey(
        "core.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind of case"), max_length=16, choices=CaseKind.choices)
    occurred_on = models.DateField(_("date"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    notes = models.TextField(_("notes"), max_length=10000, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("toxicology case")
        verbose_name_plural = _("toxicology cases")
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["country", "-occurred_on"]),
            models.Index(fields=["reporting_country", "-occurred_on"]),
        ]

    def __str__(self) -> str:
        return self.reference


class ToxicologyFinding(models.Model):
    """One substance detected in a case, with its concentration in one matrix."""

    case = models.ForeignKey(ToxicologyCase, on_delete=models.CASCADE, related_name="findings")
    substance = models.ForeignKey(
        "substances.Substance",
        verbose_name=_("substance"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    concentration = models.DecimalField(
        _("concentration"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=8, choices=ConcentrationUnit.choices, blank=True)
    matrix = models.CharField(_("matrix"), max_length=16, choices=Matrix.choices)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["substance", "case"])]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.substance_id}"


class WatchEntry(models.Model):
    """A substance of concern not under international control (tramadol, ketamine ...),
    watched over time; the secretariat keeps the list."""

    substance = models.OneToOneField(
        "substances.Substance",
        verbose_name=_("substance"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"), max_length=2000)
    added_on = models.DateField(_("on the list since"), default=timezone.localdate)
    created_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("watch list entry")
        verbose_name_plural = _("watch list entries")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.substance_id)
