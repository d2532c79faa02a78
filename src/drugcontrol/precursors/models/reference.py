"""The importing countries' reply terms and invocations (article 12(10)(a)) and their
annual legitimate requirements."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InvocationScope(models.TextChoices):
    ALL = "all", _("All substances in Tables I and II")
    TABLE_I = "table_i", _("Substances in Table I")
    TABLE_II = "table_ii", _("Substances in Table II")
    SUBSTANCE = "substance", _("One substance")


class ImportingCountryPolicy(models.Model):
    """What an importing country asks of exporters: the reply deadline and whether it must
    clear every shipment explicitly (silence is then not consent)."""

    country = models.OneToOneField(
        "core.Country", on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    reply_days = models.PositiveSmallIntegerField(_("reply deadline (days)"), default=15)
    explicit_clearance = models.BooleanField(_("explicit clearance required"), default=False)
    # The country's law requires an import permit or authorization: its number and date are
    # then part of what a notification to it must give.
    import_permit_required = models.BooleanField(_("import permit required"), default=False)
    # As an exporting country: its law allows shipment once the importing country's deadline
    # has passed without an answer. Without it silence is never consent.
    silence_allows_shipment = models.BooleanField(
        _("law allows shipment after the deadline without an answer"), default=False
    )
    # Whether the country's law-enforcement users read the notifications involving it.
    law_enforcement_reads = models.BooleanField(
        _("law enforcement reads notifications"), default=False
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("reply terms")
        verbose_name_plural = _("reply terms")

    def __str__(self) -> str:
        return self.country_id

    @property
    def flags(self) -> tuple[bool, ...]:
        """The yes/no settings, in the order the reference page shows them."""
        return (
            self.explicit_clearance,
            self.import_permit_required,
            self.silence_allows_shipment,
            self.law_enforcement_reads,
        )


class Invocation(models.Model):
    """An importing country's request, under article 12(10)(a), to be notified before
    exports of the substances in scope."""

    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(_("scope"), max_length=16, choices=InvocationScope.choices)
    substance = models.ForeignKey(
        "substances.Substance", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    since = models.DateField(_("in force since"))
    requested_on = models.DateField(_("date of the request"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("invocation of article 12(10)")
        verbose_name_plural = _("invocations of article 12(10)")
        ordering = ["country_id", "scope", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "scope", "substance"], name="invocation_unique"
            ),
            models.CheckConstraint(
                name="invocation_substance_only_for_substance_scope",
                condition=(models.Q(scope="substance") & models.Q(substance__isnull=False))
                | (~models.Q(scope="substance") & models.Q(substance__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country_id}: {self.scope}"


class RequirementForm(models.TextChoices):
    SUBSTANCE = "substance", _("Substance")
    PREPARATIONS = "preparations", _("Preparations")


class RequirementSource(models.TextChoices):
    """Where a requirement's figure came from: stored as the code, shown in the reader's
    language (a value outside these, as an older version wrote it, is shown as stored)."""

    FILE_IMPORT = "file import", _("imported from a file")
    DEMO = "demo", _("demonstration data")


class LegitimateRequirement(models.Model):
    """A country's annual legitimate requirement for a substance (or its preparations), in
    kilograms of the pure substance."""

    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+")
    substance = models.ForeignKey(
        "substances.Substance", on_delete=models.PROTECT, related_name="+"
    )
    form = models.CharField(
        _("form"), max_length=16, choices=RequirementForm.choices, default=RequirementForm.SUBSTANCE
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quantity_kg = models.DecimalField(_("quantity (kg)"), max_digits=14, decimal_places=3)
    updated_on = models.DateField(_("last updated"))
    source = models.CharField(
        _("source"), max_length=200, blank=True, choices=RequirementSource.choices
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("legitimate requirement")
        verbose_name_plural = _("legitimate requirements")
        ordering = ["country_id", "substance__name_en", "form", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "substance", "form", "year"], name="requirement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.substance_id} {self.year}"


class LegitimateRequirementRevision(models.Model):
    """Every figure a requirement has had, newest last."""

    requirement = models.ForeignKey(
        LegitimateRequirement, on_delete=models.CASCADE, related_name="revisions"
    )
    quantity_kg = models.DecimalField(max_digits=14, decimal_places=3)
    updated_on = models.DateField()
    recorded_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("revision of a legitimate requirement")
        verbose_name_plural = _("revisions of legitimate requirements")
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.requirement_id}: {self.quantity_kg} kg"
