"""The registry of controlled substances and their listings under the conventions."""

from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _


class SubstanceKind(models.TextChoices):
    NARCOTIC_DRUG = "narcotic_drug", _("Narcotic drug")
    PSYCHOTROPIC_SUBSTANCE = "psychotropic_substance", _("Psychotropic substance")
    PRECURSOR = "precursor", _("Precursor")
    SOLVENT_REAGENT = "solvent_reagent", _("Solvent or reagent")
    NPS = "nps", _("New psychoactive substance")
    OTHER = "other", _("Other")


class StructureKind(models.TextChoices):
    DEFINED = "defined", _("Defined structure")
    STEREO_UNSPECIFIED = "stereo_unspecified", _("Stereochemistry not specified")
    RELATIVE = "relative", _("Relative configuration (both enantiomers)")
    INORGANIC = "inorganic", _("Inorganic")
    MIXTURE_OR_PLANT = "mixture_or_plant", _("Mixture or plant material")
    NONE = "none", _("No structure")


class Instrument(models.TextChoices):
    C1961 = "1961", _("Single Convention on Narcotic Drugs, 1961")
    C1971 = "1971", _("Convention on Psychotropic Substances, 1971")
    C1988 = "1988", _("Convention against Illicit Traffic, 1988")
    NATIONAL = "national", _("National control list")


INTERNATIONAL_INSTRUMENTS = ("1961", "1971", "1988")


class ListingOrigin(models.TextChoices):
    LIST_FILE = "list_file", _("Loaded from a list file")
    DECISION = "decision", _("Recorded from a decision that entered into force")


class Substance(models.Model):
    name_en = models.CharField(_("name (English)"), max_length=300, db_index=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=300, blank=True)
    inn = models.CharField(_("INN"), max_length=200, blank=True)
    cas = models.CharField(_("CAS number"), max_length=12, blank=True, db_index=True)
    hs_code = models.CharField(_("HS code"), max_length=12, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=SubstanceKind.choices)
    structure_kind = models.CharField(
        _("structure"), max_length=32, choices=StructureKind.choices, default=StructureKind.NONE
    )
    smiles = models.TextField(_("SMILES"), blank=True)
    inchi = models.TextField(_("InChI"), blank=True)
    inchikey = models.CharField(_("InChIKey"), max_length=27, blank=True, db_index=True)
    # First block of the InChIKey of the standardised parent: same skeleton, any stereo.
    skeleton_key = models.CharField(max_length=14, blank=True, db_index=True)
    formula = models.CharField(_("molecular formula"), max_length=100, blank=True)
    families = models.JSONField(_("structural families"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("substance")
        verbose_name_plural = _("substances")
        constraints = [
            models.UniqueConstraint(fields=["name_en"], name="substance_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the page's language; on a Chinese page a substance with no Chinese
        name says so beside its English name (never English shown silently)."""
        if (get_language() or "").startswith("zh"):
            if self.name_zh:
                return self.name_zh
            return gettext("%(name)s (no Chinese name)") % {"name": self.name_en}
        return self.name_en


class Synonym(models.Model):
    substance = models.ForeignKey(Substance, on_delete=models.CASCADE, related_name="synonyms")
    name = models.CharField(max_length=300)
    # Case-folded, without spaces, hyphens and commas: what searches compare.
    normalized = models.CharField(max_length=300, db_index=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["substance", "normalized"], name="synonym_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Listing(models.Model):
    """A substance's place in a schedule or table of one instrument, with its history."""

    substance = models.ForeignKey(Substance, on_delete=models.CASCADE, related_name="listings")
    instrument = models.CharField(_("instrument"), max_length=16, choices=Instrument.choices)
    country = models.ForeignKey(
        "core.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    schedule = models.CharField(_("schedule or table"), max_length=32)
    in_force = models.CharField(_("in force since"), max_length=10, blank=True)
    decision = models.CharField(_("decision"), max_length=200, blank=True)
    removed = models.CharField(_("removed on"), max_length=10, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # A listing recorded from a decision (the scheduling pipeline's entry into force) is not
    # marked removed when a list file that predates it does not name it.
    origin = models.CharField(
        _("origin"), max_length=16, choices=ListingOrigin.choices, default=ListingOrigin.LIST_FILE
    )

    class Meta:
        ordering = ["instrument", "schedule"]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        indexes = [models.Index(fields=["instrument", "schedule"])]
        constraints = [
            models.UniqueConstraint(
                fields=["substance", "instrument", "schedule"],
                condition=models.Q(country__isnull=True),
                name="listing_unique_international",
            ),
            models.UniqueConstraint(
                fields=["substance", "country", "schedule"],
                condition=models.Q(country__isnull=False),
                name="listing_unique_national",
            ),
            models.CheckConstraint(
                name="listing_country_only_national",
                condition=(models.Q(instrument="national") & models.Q(country__isnull=False))
                | (~models.Q(instrument="national") & models.Q(country__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.schedule}"

    @property
    def is_current(self) -> bool:
        return not self.removed


class RegistryState(models.Model):
    """A stamp renewed by every change to the registry, so that each process knows when to
    rebuild its in-memory identification index (a random stamp, not a counter, so that a
    database emptied and loaded again is never mistaken for the old one)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    stamp = models.CharField(max_length=32, default="")

    def __str__(self) -> str:
        return f"registry {self.stamp}"


class SurveillanceChemical(models.Model):
    """An entry of the limited international special surveillance list of non-scheduled
    chemicals, loaded from the file the secretariat distributes (not shipped here).

    Reference data about substances, kept here so that every app that names a chemical
    (notifications, Form D, incidents) can point at it. The table keeps the name it had
    when the model lived in the precursors app."""

    name = models.CharField(_("name"), max_length=300)
    cas = models.CharField(_("CAS number"), max_length=12, blank=True, db_index=True)
    hs_code = models.CharField(_("HS code"), max_length=12, blank=True)
    substance = models.ForeignKey(
        Substance, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    edition = models.CharField(_("list edition"), max_length=40)

    class Meta:
        db_table = "precursors_surveillancechemical"
        verbose_name = _("chemical under special surveillance")
        verbose_name_plural = _("chemicals under special surveillance")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="surveillance_name_unique")]

    def __str__(self) -> str:
        return self.name
