"""Parties (companies, persons, addresses, phones ...) shared by every module, and the
matching index that correlates them across records, countries, languages and scripts."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PartyKind(models.TextChoices):
    COMPANY = "company", _("Company")
    PERSON = "person", _("Person")
    ADDRESS = "address", _("Address")
    PHONE = "phone", _("Phone number")
    EMAIL = "email", _("E-mail address")
    VESSEL = "vessel", _("Vessel")
    AIRCRAFT = "aircraft", _("Aircraft")
    BANK_ACCOUNT = "bank_account", _("Bank account")
    WEBSITE = "website", _("Website")


class IdentifierKind(models.TextChoices):
    PHONE = "phone", _("Phone number")
    EMAIL = "email", _("E-mail address")
    WEBSITE = "website", _("Website")
    BANK_ACCOUNT = "bank_account", _("Bank account (IBAN)")
    REGISTRATION = "registration", _("Registration number")
    IMO = "imo", _("IMO number")
    OTHER = "other", _("Other identifier")


class Party(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=PartyKind.choices)
    name = models.CharField(_("name"), max_length=300)
    country = models.ForeignKey(
        "core.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.TextField(_("address"), max_length=2000, blank=True)
    # Who registered the party: their country sees it even before it is linked to a record.
    owner_organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_country = models.ForeignKey(
        "core.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_parties"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        indexes = [
            models.Index(fields=["owner_country", "kind"]),
            # The party list in its order: its first page is read by walking this index and
            # checking each party against the reader's visibility rule until the page is full.
            models.Index(fields=["name", "id"], name="party_name_order"),
        ]

    def __str__(self) -> str:
        return self.name


class PartyName(models.Model):
    """Every name a party was reported with, kept, with its normalised forms."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=300)
    syllables = models.CharField(max_length=600)
    compact = models.CharField(max_length=600)
    words = models.CharField(max_length=600, blank=True, default="")
    script = models.CharField(max_length=8)
    # The words before their spelling skeleton, when they differ (NormalizedName.plain).
    plain = models.CharField(max_length=600, blank=True, default="")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class PartyIdentifier(models.Model):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=16, choices=IdentifierKind.choices)
    value = models.CharField(max_length=300)
    normalized = models.CharField(max_length=300, db_index=True)

    class Meta:
        ordering = ["kind", "normalized"]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "kind", "normalized"], name="party_identifier_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class BlockingKey(models.Model):
    """Candidate generation: a party is found through the keys its names and identifiers
    produce (64-bit hashes, one indexed table, the same on every server process)."""

    key = models.BigIntegerField(db_index=True)
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "party"], name="blocking_unique")]

    def __str__(self) -> str:
        return f"{self.key}:{self.party_id}"


class KeyCount(models.Model):
    """How many parties share a key: keys shared by too many are skipped when matching.
    Also, without BlockingKey rows, how many parties use each name token (matching.token_keys)
    and how many parties have a name (matching.total_key), for the rarity of words."""

    key = models.BigIntegerField(primary_key=True)
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class Audience(models.TextChoices):
    ORGANISATION = "organisation", _("Own organisation")
    COUNTRY = "country", _("Own country")
    COUNTRIES_INVOLVED = "countries_involved", _("Countries involved")
    ALL = "all", _("All participants")


class PartyLink(models.Model):
    """A party's appearance in a record of another module, with who may see that record."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="links")
    record_type = models.CharField(max_length=100)
    record_id = models.CharField(max_length=64)
    role = models.CharField(max_length=50, blank=True)
    reported_name = models.CharField(max_length=300, blank=True)
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    country = models.ForeignKey(
        "core.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    audience = models.CharField(max_length=24, choices=Audience.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"{self.party_id} in {self.record_type} {self.record_id}"


class PartyLinkCountry(models.Model):
    """The countries involved in the linked record (for the `countries_involved` audience)."""

    link = models.ForeignKey(PartyLink, on_delete=models.CASCADE, related_name="countries")
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "country"], name="party_link_country_unique")
        ]

    def __str__(self) -> str:
        return f"{self.link_id}: {self.country_id}"


class CorrelationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn (rests on a warning-list value)")


class Correlation(models.Model):
    """Two parties that look like the same one, with the score and the reasons."""

    party_a = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    party_b = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()
    reasons = models.JSONField(default=list)
    status = models.CharField(
        max_length=12, choices=CorrelationStatus.choices, default=CorrelationStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The warning-list value that withdrew this proposal; removing the value restores it.
    withdrawn_by = models.ForeignKey(
        "WarningValue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="withdrawn_correlations",
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-score", "-pk"]
        verbose_name = _("correlation")
        verbose_name_plural = _("correlations")
        constraints = [
            models.UniqueConstraint(fields=["party_a", "party_b"], name="correlation_unique"),
            models.CheckConstraint(
                condition=models.Q(party_a__lt=models.F("party_b")), name="correlation_ordered"
            ),
        ]
        indexes = [
            models.Index(fields=["party_b", "status"]),
            models.Index(fields=["party_a", "status"]),
            # The correlation list in its order (newest first), walked the same way.
            models.Index(fields=["created_at", "id"], name="correlation_created_order"),
        ]

    def __str__(self) -> str:
        return f"{self.party_a_id}~{self.party_b_id} ({self.score})"


class PartyMerge(models.Model):
    """A confirmed correlation turned into one party; kept so that it can be undone."""

    survivor = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    moved_links = models.JSONField(default=list)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("party merge")
        verbose_name_plural = _("party merges")

    def __str__(self) -> str:
        return f"{self.merged_id} -> {self.survivor_id}"


class WarningValue(models.Model):
    """A value too common to mean anything (a port's address, a big forwarder, a placeholder
    phone number): correlations that rest on it are not proposed."""

    kind = models.CharField(max_length=16)  # a PartyKind for names, an IdentifierKind otherwise
    value = models.CharField(max_length=300)
    normalized = models.CharField(max_length=600)
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "value"]
        verbose_name = _("warning-list value")
        verbose_name_plural = _("warning-list values")
        constraints = [
            models.UniqueConstraint(fields=["kind", "normalized"], name="warning_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"

    @property
    def kind_label(self) -> str:
        """The kind in the reader's language (a party kind for names, else an identifier's)."""
        for choices in (PartyKind, IdentifierKind):
            if self.kind in choices.values:
                return str(choices(self.kind).label)
        return self.kind
