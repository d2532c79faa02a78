"""Availability of controlled medicines: each country's estimates of its annual needs of
narcotic drugs (1961 Convention, article 19) and assessments of psychotropic substances
(ECOSOC resolutions 1981/7 and 1991/44), with supplementary estimates through the year;
import and export authorizations checked against what remains of them; and the annual
consumption and population from which availability is measured."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class System(models.TextChoices):
    ESTIMATES = "1961", _("Estimate (narcotic drug, 1961 Convention)")
    ASSESSMENTS = "1971", _("Assessment (psychotropic substance, 1971 Convention)")


class EstimateStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")


class Estimate(models.Model):
    """A country's estimate (or assessment) of one substance for one year, in kilograms of
    anhydrous base. What governs imports is its total once confirmed by the secretariat,
    raised by the confirmed supplementary estimates."""

    country = models.ForeignKey(
        "core.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    substance = models.ForeignKey(
        "substances.Substance",
        verbose_name=_("substance"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    system = models.CharField(_("system"), max_length=4, choices=System.choices)
    consumption_kg = models.DecimalField(_("consumption (kg)"), max_digits=15, decimal_places=3)
    manufacture_kg = models.DecimalField(
        _("manufacture of other drugs and preparations (kg)"),
        max_digits=15,
        decimal_places=3,
        default=0,
    )
    stock_kg = models.DecimalField(
        _("to be added to stocks (kg)"), max_digits=15, decimal_places=3, default=0
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EstimateStatus.choices,
        default=EstimateStatus.SUBMITTED,
    )
    version = models.PositiveIntegerField(default=1)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "country_id", "substance__name_en"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "year", "substance"], name="medicines_estimate_once"
            )
        ]
        indexes = [models.Index(fields=["substance", "year", "status"])]

    def __str__(self) -> str:
        return f"{self.country_id} {self.year} {self.substance_id}"

    @property
    def initial_kg(self):
        return self.consumption_kg + self.manufacture_kg + self.stock_kg


class SupplementaryEstimate(models.Model):
    """A quantity added to a year's estimate after it was confirmed, with its reason."""

    estimate = models.ForeignKey(Estimate, on_delete=models.CASCADE, related_name="supplements")
    added_kg = models.DecimalField(_("quantity added (kg)"), max_digits=15, decimal_places=3)
    reason = models.TextField(_("reason"), max_length=2000)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EstimateStatus.choices,
        default=EstimateStatus.SUBMITTED,
    )
    version = models.PositiveIntegerField(default=1)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["estimate", "submitted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.estimate} +{self.added_kg}"


class PharmaceuticalForm(models.TextChoices):
    SUBSTANCE = "substance", _("Bulk substance")
    TABLET = "tablet", _("Tablets or capsules")
    INJECTION = "injection", _("Injection")
    ORAL_LIQUID = "oral_liquid", _("Oral solution or syrup")
    PATCH = "patch", _("Transdermal patch")
    SUPPOSITORY = "suppository", _("Suppository")
    OTHER = "other", _("Other")


class Unit(models.TextChoices):
    MG = "mg", _("milligrams")
    G = "g", _("grams")
    KG = "kg", _("kilograms")


class AuthorizationStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    USED = "used", _("Used by an export authorization")
    ENDORSED = "endorsed", _("Shipment received and endorsed")
    CANCELLED = "cancelled", _("Cancelled")


class ImportAuthorization(models.Model):
    """Issued by the importing country's competent authority: the importer may bring in up
    to this quantity, from this exporter, until this day."""

    number = models.CharField(_("number"), max_length=40)
    importing_country = models.ForeignKey(
        "core.Country",
        verbose_name=_("importing country"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    exporting_country = models.ForeignKey(
        "core.Country",
        verbose_name=_("exporting country"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    substance = models.ForeignKey(
        "substances.Substance",
        verbose_name=_("substance"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    preparation = models.CharField(_("salt or preparation"), max_length=100, blank=True)
    pharmaceutical_form = models.CharField(
        _("pharmaceutical form"), max_length=12, choices=PharmaceuticalForm.choices
    )
    quantity = models.DecimalField(_("quantity"), max_digits=15, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=2, choices=Unit.choices)
    base_kg = models.DecimalField(_("anhydrous base (kg)"), max_digits=18, decimal_places=6)
    importer = models.ForeignKey(
        "entities.Party", verbose_name=_("importer"), on_delete=models.PROTECT, related_name="+"
    )
    exporter = models.ForeignKey(
        "entities.Party", verbose_name=_("exporter"), on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(_("issued on"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AuthorizationStatus.choices,
        default=AuthorizationStatus.ISSUED,
    )
    emergency = models.BooleanField(_("emergency delivery (humanitarian)"), default=False)
    version = models.PositiveIntegerField(default=1)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("import authorization")
        verbose_name_plural = _("import authorizations")
        constraints = [
            models.UniqueConstraint(
                fields=["importing_country", "number"], name="medicines_import_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.importing_country_id} {self.number}"


class ExportAuthorization(models.Model):
    """Issued by the exporting country's competent authority against an import
    authorization, once the importing country's balance allows it (or as an emergency
    delivery); endorsed by the importing authority with the quantity received."""

    number = models.CharField(_("number"), max_length=40)
    import_authorization = models.OneToOneField(
        ImportAuthorization,
        verbose_name=_("import authorization"),
        on_delete=models.PROTECT,
        related_name="export_authorization",
    )
    exporting_country = models.ForeignKey(
        "core.Country",
        verbose_name=_("exporting country"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    importing_country = models.ForeignKey(
        "core.Country",
        verbose_name=_("importing country"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    substance = models.ForeignKey(
        "substances.Substance",
        verbose_name=_("substance"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year charged"))
    base_kg = models.DecimalField(_("anhydrous base (kg)"), max_digits=18, decimal_places=6)
    issued_on = models.DateField(_("issued on"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"))
    emergency = models.BooleanField(_("emergency delivery (humanitarian)"), default=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AuthorizationStatus.choices,
        default=AuthorizationStatus.ISSUED,
    )
    received_kg = models.DecimalField(
        _("received (kg of base)"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    endorsed_on = models.DateField(_("endorsed on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("export authorization")
        verbose_name_plural = _("export authorizations")
        constraints = [
            models.UniqueConstraint(
                fields=["exporting_country", "number"], name="medicines_export_number_once"
            )
        ]
        # The balance check's sum: what was authorized to a country, of a drug, in a year.
        indexes = [models.Index(fields=["importing_country", "substance", "year"])]

    def __str__(self) -> str:
        return f"{self.exporting_country_id} {self.number}"

    @property
    def charged_kg(self):
        """What the export takes from the importing country's balance: the quantity
        received once endorsed, the quantity authorized until then."""
        return self.received_kg if self.received_kg is not None else self.base_kg


class Consumption(models.Model):
    """A country's consumption of one drug in one year, in kilograms of anhydrous base, as
    reported in its annual statistics. Reported by the country (read by it and the
    secretariat), published once the secretariat confirms it (then read by everyone); the
    secretariat's own figures are published as they are recorded."""

    country = models.ForeignKey(
        "core.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    substance = models.ForeignKey(
        "substances.Substance",
        verbose_name=_("substance"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # To the milligram: a small country's fentanyl is a few grams a year.
    quantity_kg = models.DecimalField(_("consumption (kg)"), max_digits=18, decimal_places=6)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EstimateStatus.choices,
        default=EstimateStatus.SUBMITTED,
    )
    version = models.PositiveIntegerField(default=1)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country_id", "year", "substance__name_en"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "year", "substance"], name="medicines_consumption_once"
            )
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        return f"{self.country_id} {self.year} {self.substance_id}: {self.quantity_kg} kg"


class PopulationFigure(models.Model):
    """A country's population in a year, with its deaths from cancer and from HIV/AIDS (the
    inputs of the need-based adequacy measure), kept by the secretariat from published
    sources; reference data every signed-in user reads."""

    country = models.ForeignKey(
        "core.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.PositiveBigIntegerField(_("population"))
    cancer_deaths = models.PositiveIntegerField(_("deaths from cancer"), null=True, blank=True)
    hiv_deaths = models.PositiveIntegerField(_("deaths from HIV/AIDS"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["country", "year"], name="medicines_population_once")
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.year}: {self.population}"
