"""Countries, organisations, users, API tokens and the audit log."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Country(models.Model):
    """An ISO 3166-1 country or territory with its UN M49 region."""

    iso3 = models.CharField(_("ISO alpha-3"), max_length=3, primary_key=True)
    iso2 = models.CharField(_("ISO alpha-2"), max_length=2, unique=True)
    numeric = models.CharField(_("ISO numeric"), max_length=3, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)
    region_code = models.CharField(_("M49 region code"), max_length=3, blank=True)
    region_name = models.CharField(_("M49 region"), max_length=100, blank=True)
    subregion_code = models.CharField(_("M49 sub-region code"), max_length=3, blank=True)
    subregion_name = models.CharField(_("M49 sub-region"), max_length=100, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country or territory")
        verbose_name_plural = _("countries and territories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, falling back to English."""
        language = (get_language() or "en").lower()
        if language.startswith("zh"):
            return self.name_zh or self.name_en
        for code in ("fr", "es", "ru", "ar"):
            if language.startswith(code):
                return getattr(self, f"name_{code}") or self.name_en
        return self.name_en


class OrganisationKind(models.TextChoices):
    COMPETENT_AUTHORITY = "competent_authority", _("Competent national authority")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement (customs, police)")
    FORENSIC_LAB = "forensic_lab", _("Forensic laboratory")
    FIU = "fiu", _("Financial intelligence unit")
    OPERATOR = "operator", _("Industry operator")
    INTERNATIONAL = "international", _("International secretariat")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    require_second_factor = models.BooleanField(_("second factor required"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["country_id", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                name="organisation_country_matches_kind",
                condition=(Q(kind="international") & Q(country__isnull=True))
                | (~Q(kind="international") & Q(country__isnull=False)),
            ),
            models.UniqueConstraint(fields=["country", "name"], name="organisation_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_international(self) -> bool:
        return self.kind == OrganisationKind.INTERNATIONAL


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    OFFICER = "officer", _("Officer")
    FOCAL_POINT = "focal_point", _("Focal point")
    ADMIN = "admin", _("Administrator")


class User(AbstractUser):
    """A person signing in; belongs to exactly one organisation with one role."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,  # only for the database superuser created by `createsuperuser`
        blank=True,
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    preferred_language = models.CharField(_("preferred language"), max_length=8, blank=True)
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    totp_last_counter = models.BigIntegerField(null=True, blank=True)
    failed_sign_ins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def country(self) -> Country | None:
        return self.organisation.country if self.organisation_id else None

    @property
    def country_id(self) -> str | None:
        return self.organisation.country_id if self.organisation_id else None

    @property
    def is_international(self) -> bool:
        return bool(self.organisation_id) and self.organisation.is_international

    @property
    def is_org_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def has_second_factor(self) -> bool:
        return self.totp_confirmed_at is not None

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 digest of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class SignInFailure(models.Model):
    """One failed sign-in (password or second-factor code), kept while it counts towards a
    lock (`SIGN_IN_LOCKOUT_MINUTES`). `username` is the name as typed, lower-cased, known or
    not; `address` the client address (an IPv6 address: its /64 network). `checked` is false
    for attempts refused by a lock without looking at the password: they count against the
    address only, so hammering a locked pair cannot lock the account everywhere."""

    at = models.DateTimeField()
    address = models.CharField(max_length=64)
    username = models.CharField(max_length=150)
    checked = models.BooleanField(default=True)

    class Meta:
        indexes = [
            models.Index(fields=["address", "at"], name="signin_failure_address"),
            models.Index(fields=["username", "at"], name="signin_failure_username"),
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.address} at {self.at:%Y-%m-%d %H:%M:%S}"


class SignInLock(models.Model):
    """A temporary lock on one client address (`username` empty: every account, answered
    429) or on one account from one address. A whole account's lock is `User.locked_until`."""

    address = models.CharField(max_length=64)
    username = models.CharField(max_length=150, blank=True)
    until = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["address", "username"], name="signin_lock_unique")
        ]
        verbose_name = _("sign-in lock")

    def __str__(self) -> str:
        return f"{self.username or '*'} from {self.address} until {self.until:%Y-%m-%d %H:%M}"


class AuditEvent(models.Model):
    """One append-only, hash-chained record of a write.

    The database refuses UPDATE and DELETE on this table (triggers in migration 0002);
    `hash` is an HMAC-SHA256 under settings.AUDIT_KEY; `drugcontrol audit verify` recomputes
    the chain, and compares it with signed checkpoints, to find rows changed or removed anyway.
    """

    sequence = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    country = models.ForeignKey(
        Country, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["organisation", "-sequence"]),
            models.Index(fields=["owner_organisation", "-sequence"]),
            models.Index(fields=["country", "-sequence"]),
            models.Index(fields=["object_type", "object_id"]),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The last link of the audit chain, updated with every event, so a deleted tail shows.

    Triggers (migration 0006) refuse its deletion and let it move forward only by one event;
    a writer that finds it missing re-creates it and records that in the chain.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit chain head at #{self.sequence}"


class Alert(models.Model):
    """One message in a user's inbox, pointing at the record that raised it. It is stored as
    a message key with raw parameters and rendered when read, in the reader's language
    (`title` and `body`, see core.alerts)."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=24)  # the event of the route that sent it
    message_key = models.CharField(max_length=100)
    params = models.JSONField(default=dict, blank=True)
    record_type = models.CharField(max_length=100, blank=True)
    record_id = models.CharField(max_length=64, blank=True)
    url = models.CharField(max_length=300, blank=True)
    sender_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        from drugcontrol.core.alerts import alert_text

        return alert_text(self)[0]

    @property
    def body(self) -> str:
        from drugcontrol.core.alerts import alert_text

        return alert_text(self)[1]


class ImportState(models.TextChoices):
    QUEUED = "queued", _("Waiting for the background worker")
    CHECKING = "checking", _("Checking the rows")
    SAVING = "saving", _("Saving")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Nothing was imported")


class ImportJob(models.Model):
    """A file being imported in the background: its progress for the page that watches
    it, then the result or the row-by-row report. The file is dropped once finished."""

    kind = models.CharField(max_length=50)
    file_name = models.CharField(max_length=200)
    content = models.BinaryField()
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # The language the uploader was reading in: the worker runs the import in it.
    language = models.CharField(max_length=10, blank=True)
    state = models.CharField(max_length=12, choices=ImportState.choices, default="queued")
    total = models.PositiveIntegerField(default=0)
    checked = models.PositiveIntegerField(default=0)
    # A failed import's problems, each a row (or the file) and a column with its message,
    # stored as catalogue entries and parameters (core.imports.stored_report) and shown in
    # the reader's language (core.imports.import_problems).
    report = models.JSONField(default=list)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.kind}: {self.file_name}"

    @property
    def percent(self) -> int:
        return round(100 * self.checked / self.total) if self.total else 0
