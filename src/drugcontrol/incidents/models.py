"""Incident communication: seizures, stopped shipments, diversion attempts and the like."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from drugcontrol.core.quantities import TransportMode, Unit
from drugcontrol.entities.models import Audience

# How audit events, party links and alerts name an incident.
RECORD_TYPE = "incidents.incident"


class IncidentKind(models.TextChoices):
    SEIZURE = "seizure", _("Seizure")
    STOPPED_SHIPMENT = "stopped_shipment", _("Stopped shipment")
    SUSPENDED_SHIPMENT = "suspended_shipment", _("Suspended shipment")
    DIVERSION_ATTEMPT = "diversion_attempt", _("Diversion attempt")
    ILLICIT_LABORATORY = "illicit_laboratory", _("Illicit laboratory")
    SUSPICIOUS_ORDER = "suspicious_order", _("Suspicious order")
    NPS_SHIPMENT = "nps_shipment", _("NPS shipment")
    OTHER = "other", _("Other")


class CountryRole(models.TextChoices):
    ORIGIN = "origin", _("Origin")
    DEPARTURE = "departure", _("Departure")
    TRANSIT = "transit", _("Transit")
    DESTINATION = "destination", _("Destination")
    SEIZURE = "seizure", _("Place of seizure")


class PartyRole(models.TextChoices):
    EXPORTER = "exporter", _("Exporter or consignor")
    CONSIGNEE = "consignee", _("Consignee or importer")
    BROKER = "broker", _("Broker")
    FORWARDER = "forwarder", _("Freight forwarder")
    CARRIER = "carrier", _("Carrier")
    PERSON = "person_involved", _("Person involved")
    OTHER = "other", _("Other")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CARD = "card", _("Payment card")
    CRYPTOCURRENCY = "cryptocurrency", _("Cryptocurrency")
    MVTS = "money_value_transfer", _("Money or value transfer service")
    CASH_ON_DELIVERY = "cash_on_delivery", _("Cash on delivery")
    OTHER = "other", _("Other")


# A UN/LOCODE as commonly written: two letters of the country and three letters or digits
# for the place (CNSHA, DEHAM, NLRTM); a space between them is accepted and dropped.
LOCODE_PATTERN = r"^[A-Z]{2}[A-Z0-9]{3}$"


class Incident(models.Model):
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=IncidentKind.choices)
    occurred_on = models.DateField(_("date"))
    reporting_organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    reporting_country = models.ForeignKey(
        "core.Country", on_delete=models.PROTECT, related_name="+"
    )
    distribution = models.CharField(
        _("distribution"),
        max_length=24,
        choices=Audience.choices,
        default=Audience.COUNTRIES_INVOLVED,
    )
    form = models.CharField(_("form"), max_length=100, blank=True)
    concealment = models.CharField(_("concealment method"), max_length=200, blank=True)
    modus_operandi = models.TextField(_("modus operandi"), max_length=10000, blank=True)
    transport_mode = models.CharField(
        _("transport mode"),
        max_length=16,
        choices=TransportMode.choices,
        default=TransportMode.UNKNOWN,
    )
    description = models.TextField(_("description"), max_length=10000, blank=True)
    place_of_seizure = models.CharField(_("place or port of seizure"), max_length=200, blank=True)
    seizure_locode = models.CharField(
        _("UN/LOCODE of the place"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(LOCODE_PATTERN)],
    )
    payment_method = models.CharField(
        _("payment method"), max_length=24, choices=PaymentMethod.choices, blank=True
    )
    notification_reference = models.CharField(
        _("pre-export notification"), max_length=64, blank=True
    )
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [
            models.Index(fields=["reporting_country", "-occurred_on"]),
            models.Index(fields=["distribution", "-occurred_on"]),
            models.Index(fields=["kind", "-occurred_on"]),
        ]

    def __str__(self) -> str:
        return self.reference


class IncidentAudience(models.Model):
    """Countries that see an incident distributed to the countries involved: the reporter,
    every country named in a role, and countries holding a correlated party."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="audience")
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=16)  # reporter, role, correlation

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "country"], name="incident_audience_unique")
        ]
        indexes = [models.Index(fields=["country", "incident"])]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.country_id}"


class IncidentCountry(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="countries")
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=CountryRole.choices)
    sequence = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sequence", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "country", "role"], name="incident_country_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country_id} ({self.role})"


class IncidentSubstance(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="substances")
    substance = models.ForeignKey(
        "substances.Substance", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("description as reported"), max_length=300, blank=True)
    # A chemical no convention schedules that the description names (by name or CAS
    # number) on the special surveillance list: linked when the incident is reported.
    surveillance_chemical = models.ForeignKey(
        "substances.SurveillanceChemical",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on the special surveillance list as"),
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, blank=True)
    purity = models.DecimalField(
        _("purity (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description or str(self.substance_id)


class IncidentParty(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="parties")
    party = models.ForeignKey("entities.Party", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=24, choices=PartyRole.choices)
    reported_name = models.CharField(max_length=300)
    # A person's nationality as reported (a company's country is its party's country).
    nationality = models.ForeignKey(
        "core.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nationality"),
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.reported_name} ({self.role})"


class IncidentAttachment(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="incidents/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class MessageKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    QUESTION = "question", _("Follow-up question")
    JOINT_INVESTIGATION = "joint_investigation_request", _("Request for a joint investigation")
    CONTROLLED_DELIVERY = "controlled_delivery_request", _("Request for a controlled delivery")


REQUEST_KINDS = (MessageKind.JOINT_INVESTIGATION, MessageKind.CONTROLLED_DELIVERY)


class RequestStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("request status", "Open")
    ACCEPTED = "accepted", pgettext_lazy("request status", "Accepted")
    DECLINED = "declined", pgettext_lazy("request status", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("request status", "Withdrawn")
    CLOSED = "closed", pgettext_lazy("request status", "Closed")


class IncidentMessage(models.Model):
    """The thread of an incident among the authorities that may see it: messages, follow-up
    questions, and requests (a joint investigation, a controlled delivery) addressed to one
    country, which accepts or declines them."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # The author's country when written (none for the secretariat): the requesting country.
    country = models.ForeignKey(
        "core.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(
        _("kind"), max_length=32, choices=MessageKind.choices, default=MessageKind.MESSAGE
    )
    body = models.TextField(_("message"), max_length=5000)
    addressed_country = models.ForeignKey(
        "core.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("addressed to"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, blank=True
    )  # requests only
    decided_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("message on an incident")
        verbose_name_plural = _("messages on incidents")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["incident", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["message", "question"], status="")
                | models.Q(
                    kind__in=["joint_investigation_request", "controlled_delivery_request"],
                    addressed_country__isnull=False,
                )
                & ~models.Q(status=""),
                name="incident_message_request_shape",
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.kind} {self.pk}"

    @property
    def is_request(self) -> bool:
        return self.kind in REQUEST_KINDS
