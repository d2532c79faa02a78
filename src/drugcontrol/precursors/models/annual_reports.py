"""Form D: the annual report under article 12(12) of the 1988 Convention, its entries and
its submitted versions."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drugcontrol.precursors.models.notifications import ObjectionGround

ANNUAL_REPORT_RECORD_TYPE = "precursors.annualreport"
# The first year a report can be for (the 1988 Convention entered into force in 1990).
FIRST_REPORT_YEAR = 1990


class AnnualReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    ACCEPTED = "accepted", _("Accepted")


class FormDSection(models.TextChoices):
    """The sections of Form D, in the order the form has them."""

    SCHEDULED_SEIZURES = "seizures_scheduled", _("Seizures of substances in Table I and Table II")
    OTHER_SEIZURES = "seizures_other", _("Seizures of substances not in Table I or Table II")
    METHODS = "methods", _("Methods of diversion and illicit manufacture")
    STOPPED = "stopped", _("Stopped shipments")
    TRADE = "trade", _("Licit trade in substances in Table I and Table II")
    REQUIREMENTS = "requirements", _("Licit uses and requirements")


class RowOrigin(models.TextChoices):
    GENERATED = "generated", _("From the records on file")
    MANUAL = "manual", _("Entered or corrected by hand")


class FormDUnit(models.TextChoices):
    KG = "kg", _("kg")
    L = "l", _("l")


class TradeDirection(models.TextChoices):
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")


class StopReason(models.TextChoices):
    """Why a shipment was stopped: the importing country's ground for objecting, or the
    shipment's outcome."""

    NO_REQUIREMENT = ObjectionGround.NO_REQUIREMENT.value, ObjectionGround.NO_REQUIREMENT.label
    UNKNOWN_IMPORTER = (
        ObjectionGround.UNKNOWN_IMPORTER.value,
        ObjectionGround.UNKNOWN_IMPORTER.label,
    )
    NO_LICENCE = ObjectionGround.NO_LICENCE.value, ObjectionGround.NO_LICENCE.label
    SUSPECTED_DIVERSION = (
        ObjectionGround.SUSPECTED_DIVERSION.value,
        ObjectionGround.SUSPECTED_DIVERSION.label,
    )
    INCOMPLETE = ObjectionGround.INCOMPLETE.value, ObjectionGround.INCOMPLETE.label
    SEIZED = "seized", _("Seized")
    STOPPED = "stopped", _("Stopped or suspended")
    OTHER = "other", _("Other ground")


class AnnualReport(models.Model):
    """A country's Form D for one calendar year: drafted from what is on file, completed by
    its competent authority, submitted to the secretariat, accepted or returned."""

    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AnnualReportStatus.choices,
        default=AnnualReportStatus.DRAFT,
    )
    generated_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_comment = models.TextField(_("why it was returned"), max_length=5000, blank=True)
    # The keys of generated entries removed by hand: generating again leaves them out
    # (unless asked to restore them), so a removal is not undone behind the officer's back.
    removed_keys = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("Form D annual report")
        verbose_name_plural = _("Form D annual reports")
        ordering = ["-year", "country_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["country", "year"], name="annual_report_unique"),
        ]
        indexes = [models.Index(fields=["status", "-year"])]

    def __str__(self) -> str:
        return f"Form D {self.country_id} {self.year}"


class AnnualReportRow(models.Model):
    """One entry of one section. Which columns a section uses is in `form_d.SECTION_FIELDS`;
    `country` is the origin (seizures), the exporting country (stopped shipments) or the
    partner country (licit trade); `other_country` the importing country of a stopped
    shipment. A generated row carries the key it was generated under, so that regenerating
    the draft replaces it unless someone edited it (it is then `manual`, and keeps its key)."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="rows")
    section = models.CharField(max_length=20, choices=FormDSection.choices)
    position = models.PositiveIntegerField(default=0)
    origin = models.CharField(max_length=10, choices=RowOrigin.choices, default=RowOrigin.MANUAL)
    key = models.CharField(max_length=200, blank=True)
    substance = models.ForeignKey(
        "substances.Substance", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    surveillance_chemical = models.ForeignKey(
        "substances.SurveillanceChemical",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    chemical_name = models.CharField(_("chemical name"), max_length=300, blank=True)
    is_preparation = models.BooleanField(_("preparations"), default=False)
    quantity = models.DecimalField(
        _("quantity"), max_digits=16, decimal_places=3, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=2, choices=FormDUnit.choices, blank=True)
    count = models.PositiveIntegerField(_("number of cases"), null=True, blank=True)
    country = models.ForeignKey(
        "core.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    other_country = models.ForeignKey(
        "core.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    direction = models.CharField(
        _("direction"), max_length=8, choices=TradeDirection.choices, blank=True
    )
    reason = models.CharField(_("reason"), max_length=24, choices=StopReason.choices, blank=True)
    reference = models.CharField(_("references"), max_length=300, blank=True)
    text = models.TextField(_("method"), max_length=5000, blank=True)
    remarks = models.CharField(_("remarks"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("Form D entry")
        verbose_name_plural = _("Form D entries")
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["report", "section", "position"])]

    def __str__(self) -> str:
        return f"{self.report_id} {self.section} {self.position}"


class AnnualReportSubmission(models.Model):
    """What was submitted, kept as it was (the rows as JSON, in `form_d.row_values` form),
    with the secretariat's decision on it."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveIntegerField()
    rows = models.JSONField(default=list)
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(
        max_length=12, choices=AnnualReportStatus.choices, blank=True
    )  # accepted or returned, once decided
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(max_length=5000, blank=True)

    class Meta:
        verbose_name = _("submitted version of a Form D")
        verbose_name_plural = _("submitted versions of Form D")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="annual_report_submission_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id} #{self.number}"
