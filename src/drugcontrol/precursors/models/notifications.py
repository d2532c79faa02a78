"""Pre-export notifications of precursor chemicals (article 12(10) of the 1988 Convention),
their lines, operators, messages, documents and risk findings, and suspicious order
reports from industry."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.quantities import (
    MEASURED_UNIT_CHOICES,
    TransportMode,
    transport_mode_choices,
)

# The record kinds of the audit log, alerts and party links.
RECORD_TYPE = "precursors.notification"
ORDER_RECORD_TYPE = "precursors.suspiciousorder"


class NotificationKind(models.TextChoices):
    SCHEDULED = "scheduled", _("Pre-export notification (article 12(10))")
    LIGHT = "light", _("Voluntary notification (special surveillance list)")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLEARED = "cleared", _("Cleared")
    OBJECTED = "objected", _("Objected")
    OVERDUE = "overdue", _("Overdue")  # derived: never stored
    # Derived, never stored, never consent: the deadline passed without an answer and the
    # exporting country's law allows shipment then.
    NO_OBJECTION = "no_objection", _("Deadline passed without objection")
    SHIPPED = "shipped", _("Shipped")
    CANCELLED = "cancelled", _("Cancelled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


AWAITING_ANSWER = (Status.SUBMITTED, Status.ACKNOWLEDGED)


def past_deadline_q(today) -> models.Q:
    """Awaiting an answer after the reply deadline (a query)."""
    return models.Q(status__in=AWAITING_ANSWER, reply_deadline__lt=today)


def silence_q() -> models.Q:
    """Where the exporting country's silence rule lets the shipment proceed (a query)."""
    return models.Q(silence_rule=True, explicit_clearance=False)


def overdue_q(today) -> models.Q:
    """Overdue: past the deadline, and no silence rule lets the shipment proceed."""
    return past_deadline_q(today) & ~silence_q()


# Notifications whose quantities count against the importing country's requirement.
COUNTING = (Status.SUBMITTED, Status.ACKNOWLEDGED, Status.CLEARED, Status.SHIPPED)


class Outcome(models.TextChoices):
    ARRIVED = "arrived", _("Arrived")
    SEIZED = "seized", _("Seized")
    STOPPED = "stopped", _("Stopped")


class ObjectionGround(models.TextChoices):
    NO_REQUIREMENT = "no_requirement", _("Exceeds or has no legitimate requirement")
    UNKNOWN_IMPORTER = "unknown_importer", _("Importer not authorised or unknown")
    NO_LICENCE = "no_licence", _("No import licence or permit")
    SUSPECTED_DIVERSION = "suspected_diversion", _("Suspected diversion")
    INCOMPLETE = "incomplete", _("Information incomplete or inconsistent")
    OTHER = "other", _("Other ground")


# A notification names the planned mode of transport: never "other" or "unknown".
NOTIFICATION_TRANSPORT_MODES = transport_mode_choices(
    TransportMode.AIR,
    TransportMode.SEA,
    TransportMode.ROAD,
    TransportMode.RAIL,
    TransportMode.POST,
    TransportMode.MULTIMODAL,
)


class Notification(models.Model):
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=NotificationKind.choices,
        default=NotificationKind.SCHEDULED,
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    exporting_country = models.ForeignKey(
        "core.Country", on_delete=models.PROTECT, related_name="+"
    )
    exporting_authority = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    importing_country = models.ForeignKey(
        "core.Country", on_delete=models.PROTECT, related_name="+"
    )
    importing_authority = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invoice_number = models.CharField(_("invoice number"), max_length=64, blank=True)
    import_permit_number = models.CharField(
        _("import permit or authorization number"), max_length=64, blank=True
    )
    import_permit_date = models.DateField(_("date of the import permit"), null=True, blank=True)
    transport_mode = models.CharField(
        _("transport mode"), max_length=12, choices=NOTIFICATION_TRANSPORT_MODES, blank=True
    )
    point_of_exit = models.CharField(_("point of exit"), max_length=120, blank=True)
    point_of_entry = models.CharField(_("expected point of entry"), max_length=120, blank=True)
    expected_dispatch = models.DateField(_("expected dispatch date"), null=True, blank=True)
    remarks = models.TextField(_("remarks"), max_length=10000, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reply_deadline = models.DateField(_("reply deadline"), null=True, blank=True)
    explicit_clearance = models.BooleanField(default=False)
    # The exporting country's silence rule as it stood at submission (never for PEN Light).
    silence_rule = models.BooleanField(default=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Hours from submission to answer: kept so that statistics need no date arithmetic.
    response_hours = models.PositiveIntegerField(null=True, blank=True)
    answered_late = models.BooleanField(null=True)
    objection_ground = models.CharField(
        _("ground for objection"), max_length=24, choices=ObjectionGround.choices, blank=True
    )
    objection_detail = models.TextField(_("details of the objection"), max_length=10000, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # shipped, cancelled, withdrawn
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    highest_severity = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pre-export notification")
        verbose_name_plural = _("pre-export notifications")
        indexes = [
            models.Index(fields=["importing_country", "status", "reply_deadline"]),
            models.Index(fields=["exporting_country", "-created_at"]),
            models.Index(fields=["importing_country", "submitted_at"]),
            models.Index(fields=["status", "reply_deadline"]),
            # The importing authority's inbox: walked in deadline order, counted from the
            # index alone.
            models.Index(
                fields=["importing_country", "reply_deadline", "id"],
                include=["exporting_country", "status"],
                condition=models.Q(status__in=["submitted", "acknowledged"]),
                name="notification_inbox",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def past_deadline(self) -> bool:
        """An answer is awaited and the reply deadline has passed (PEN Light has none)."""
        return (
            self.status in AWAITING_ANSWER
            and self.reply_deadline is not None
            and self.reply_deadline < timezone.localdate()
        )

    @property
    def silence_may_proceed(self) -> bool:
        """Past the deadline without an answer, where the exporting country's law allows
        shipment then (and the importing country does not require explicit clearance)."""
        return self.past_deadline and self.silence_rule and not self.explicit_clearance

    @property
    def effective_status(self) -> str:
        """`overdue` when an answer is awaited past the deadline (`no_objection` where the
        exporting country's silence rule applies); otherwise the status."""
        if self.past_deadline:
            return Status.NO_OBJECTION if self.silence_may_proceed else Status.OVERDUE
        return self.status

    @property
    def days_left(self) -> int | None:
        """Days until the reply deadline while an answer is awaited (negative once past)."""
        if self.status not in AWAITING_ANSWER or self.reply_deadline is None:
            return None
        return (self.reply_deadline - timezone.localdate()).days

    def get_effective_status_display(self) -> str:
        return Status(self.effective_status).label


class NotificationTransit(models.Model):
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="transits"
    )
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("transit country")
        verbose_name_plural = _("transit countries")
        ordering = ["sequence", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "country"], name="transit_unique")
        ]
        indexes = [models.Index(fields=["country", "notification"])]

    def __str__(self) -> str:
        return f"{self.notification_id} via {self.country_id}"


# Lines and suspicious orders are weighed or measured: no counts (tablets, units).


class NotificationLine(models.Model):
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="lines")
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
    is_preparation = models.BooleanField(_("preparation or mixture"), default=False)
    concentration = models.DecimalField(
        _("concentration (%)"), max_digits=6, decimal_places=3, default=100
    )
    quantity = models.DecimalField(_("quantity"), max_digits=16, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=4, choices=MEASURED_UNIT_CHOICES)
    density = models.DecimalField(
        _("density (kg/l)"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    quantity_kg = models.DecimalField(_("pure substance (kg)"), max_digits=16, decimal_places=3)
    hs_code = models.CharField(_("HS code"), max_length=12, blank=True)
    cas = models.CharField(_("CAS number"), max_length=12, blank=True)
    description = models.CharField(_("trade name or description"), max_length=300, blank=True)
    # Copied from the notification, fixed once submitted, so that a country's yearly total
    # is one indexed range.
    importing_country = models.ForeignKey(
        "core.Country", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("notification line")
        verbose_name_plural = _("notification lines")
        ordering = ["pk"]
        indexes = [models.Index(fields=["importing_country", "substance", "year"])]

    def __str__(self) -> str:
        return f"{self.notification_id}: {self.quantity} {self.unit}"


class PartyRole(models.TextChoices):
    EXPORTER = "exporter", _("Exporter")
    IMPORTER = "importer", _("Importer")
    CONSIGNEE = "consignee", _("Consignee")
    BROKER = "broker", _("Broker")
    FORWARDER = "forwarder", _("Freight forwarder")
    OTHER = "other", _("Other operator")


class NotificationParty(models.Model):
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="parties")
    party = models.ForeignKey("entities.Party", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=12, choices=PartyRole.choices)
    reported_name = models.CharField(max_length=300)
    address = models.TextField(max_length=2000, blank=True)
    # The shipment's outcome, copied here so that "was this party in a stopped or seized
    # shipment" is one small index.
    outcome = models.CharField(max_length=12, blank=True)

    class Meta:
        verbose_name = _("operator on a notification")
        verbose_name_plural = _("operators on notifications")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["party", "role"]),
            models.Index(
                fields=["party"],
                condition=models.Q(outcome__in=["seized", "stopped"]),
                name="notification_party_stopped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reported_name} ({self.role})"


class MessageKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    QUESTION = "question", _("Question from the secretariat")
    REMINDER = "reminder", _("Reminder from the secretariat")


class NotificationMessage(models.Model):
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(max_length=10, choices=MessageKind.choices, default=MessageKind.MESSAGE)
    author = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message on a notification")
        verbose_name_plural = _("messages on notifications")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.notification_id}: {self.author_id}"


class AttachmentKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    IMPORT_PERMIT = "import_permit", _("Import permit")
    EXPORT_AUTHORIZATION = "export_authorization", _("Export authorization")
    OTHER = "other", _("Other document")


class NotificationAttachment(models.Model):
    """A document on a notification (an invoice, a permit); seen by whoever sees the
    notification."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind of document"), max_length=24, choices=AttachmentKind.choices)
    file = models.FileField(upload_to="precursors/%Y/%m/", max_length=200)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("document on a notification")
        verbose_name_plural = _("documents on notifications")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Severity(models.IntegerChoices):
    INFO = 1, _("Information")
    LOW = 2, _("Low")
    MEDIUM = 3, _("Medium")
    HIGH = 4, _("High")


class Finding(models.Model):
    """The result of one risk rule on submission; the sentence is rendered from `rule` and
    `facts` in the reader's language."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="findings"
    )
    rule = models.CharField(max_length=40)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    facts = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("risk finding")
        verbose_name_plural = _("risk findings")
        ordering = ["-severity", "pk"]

    def __str__(self) -> str:
        return f"{self.notification_id}: {self.rule}"


class SuspiciousOrderStatus(models.TextChoices):
    NEW = "new", _("New")
    REVIEWED = "reviewed", _("Reviewed, no action")
    INCIDENT = "incident", _("Turned into an incident")


class SuspiciousOrder(models.Model):
    """A suspicious order or inquiry an operator reports to its national authority."""

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    reporting_organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField(_("date received"))
    substance = models.ForeignKey(
        "substances.Substance", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    chemical_description = models.CharField(_("chemical as asked for"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"), max_digits=16, decimal_places=3, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=4, choices=MEASURED_UNIT_CHOICES, blank=True)
    customer_name = models.CharField(_("customer"), max_length=300)
    customer_country = models.ForeignKey(
        "core.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    customer_party = models.ForeignKey(
        "entities.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reasons = models.TextField(_("why it is suspicious"), max_length=10000)
    status = models.CharField(
        max_length=12, choices=SuspiciousOrderStatus.choices, default=SuspiciousOrderStatus.NEW
    )
    incident_id = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("suspicious order report")
        verbose_name_plural = _("suspicious order reports")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["country", "-received_on"])]

    def __str__(self) -> str:
        return self.reference
