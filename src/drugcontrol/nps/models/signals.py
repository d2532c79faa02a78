"""Emergence signals, computed by the rules (nps/signals/rules.py) on each new report and
nightly, and the secretariat's settings of the spread rule."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drugcontrol.nps.signal_choices import (
    DEFAULT_SPREAD_COUNTRIES,
    DEFAULT_SPREAD_MONTHS,
    SignalKind,
)


class Signal(models.Model):
    """One signal: its kind, its subject (a substance, or a structural family), the window
    it covers, its evidence as a message key with parameters (rendered in the reader's
    language, narrowed to what the reader may know) and the countries concerned."""

    kind = models.CharField(_("kind of signal"), max_length=20, choices=SignalKind.choices)
    substance = models.ForeignKey(
        "substances.Substance",
        verbose_name=_("substance"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    family = models.CharField(_("family"), max_length=40, blank=True, db_index=True)
    window_start = models.DateField(_("from"))
    window_end = models.DateField(_("until"))
    # kind, subject and window: the same signal is never raised twice.
    key = models.CharField(max_length=120, unique=True)
    evidence = models.JSONField(default=dict, blank=True)  # {"key": ..., "params": {...}}
    countries = models.ManyToManyField(
        "core.Country", through="SignalCountry", related_name="+", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("emergence signal")
        verbose_name_plural = _("emergence signals")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "substance", "-window_end"])]

    def __str__(self) -> str:
        return self.key


class SignalCountry(models.Model):
    """A country concerned by a signal (its reports are part of the evidence)."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="+")
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["signal", "country"], name="nps_signal_country_once")
        ]
        indexes = [models.Index(fields=["country", "signal"])]

    def __str__(self) -> str:
        return f"{self.signal_id}: {self.country_id}"


class SignalSettings(models.Model):
    """The secretariat's thresholds of the spread rule: a substance reported by
    `spread_countries` countries or more within `spread_months` months. One row."""

    spread_countries = models.PositiveIntegerField(_("countries"), default=DEFAULT_SPREAD_COUNTRIES)
    spread_months = models.PositiveIntegerField(_("months"), default=DEFAULT_SPREAD_MONTHS)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("signal settings")
        verbose_name_plural = _("signal settings")

    def __str__(self) -> str:
        return f"{self.spread_countries}/{self.spread_months}"
