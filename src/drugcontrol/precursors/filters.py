"""The notification list's filter, declared once: the API takes it as its query
(`GET /api/v1/precursors/notifications?status=...`), the list page generates its filter form
from it (`core.filters.filter_form`), and the selector applies it, so the same values give
the same rows on the page and in the API."""

import datetime
from typing import Annotated, Literal

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import FilterSchema, Schema
from pydantic import Field, PrivateAttr

from drugcontrol.core.bounds import RecordId, choice
from drugcontrol.precursors.models import (
    AWAITING_ANSWER,
    FIRST_REPORT_YEAR,
    AnnualReportStatus,
    NotificationKind,
    NotificationLine,
    NotificationParty,
    NotificationTransit,
    Status,
    overdue_q,
    past_deadline_q,
    silence_q,
)

Direction = Literal["outgoing", "incoming", "transit"]
DIRECTION_CHOICES = [
    ("outgoing", _("Exports")),
    ("incoming", _("Imports")),
    ("transit", _("Transit")),
]


class NotificationFilter(FilterSchema):
    """Which notifications of those the reader may see: every field narrows the list."""

    direction: Direction | None = Field(
        None,
        title=_("Direction"),
        description=_("outgoing: exported by the reader's country; incoming; transit"),
    )
    status: choice(Status) | None = Field(
        None,
        title=_("Status"),
        description=_(
            "overdue: awaiting an answer past the reply deadline; no_objection: the same "
            "where the exporting country's law allows shipment then"
        ),
    )
    country: Annotated[str | None, Field(max_length=3)] = Field(
        None,
        title=_("Country"),
        description=_("ISO alpha-3: the exporting or the importing country."),
    )
    substance_id: RecordId | None = Field(None, title=_("Substance"))
    since: datetime.date | None = Field(None, title=_("From"))
    until: datetime.date | None = Field(None, title=_("Until"))
    q: Annotated[str | None, Field(max_length=200)] = Field(
        None, title=_("Reference, invoice or party")
    )

    _reader_country: str | None = PrivateAttr(None)

    def for_reader(self, user) -> "NotificationFilter":
        """This filter as `user` reads it (`direction` is relative to the reader's country)."""
        self._reader_country = user.country_id
        return self

    def filter_direction(self, value) -> Q:
        code = self._reader_country
        if value == "outgoing":
            return Q(exporting_country_id=code)
        if value == "incoming":
            return Q(importing_country_id=code)
        if value == "transit":
            transits = NotificationTransit.objects.filter(
                notification=OuterRef("pk"), country_id=code
            )
            return Q(Exists(transits))
        return Q()

    def filter_status(self, value) -> Q:
        if not value:
            return Q()
        today = timezone.localdate()
        if value == Status.OVERDUE:
            return overdue_q(today)
        if value == Status.NO_OBJECTION:
            return past_deadline_q(today) & silence_q()
        if value in AWAITING_ANSWER:  # those past their deadline are overdue instead
            return Q(status=value) & ~Q(reply_deadline__lt=today)
        return Q(status=value)

    def filter_country(self, value) -> Q:
        code = (value or "").strip().upper()
        if not code:
            return Q()
        return Q(exporting_country_id=code) | Q(importing_country_id=code)

    def filter_substance_id(self, value) -> Q:
        if not value:
            return Q()
        lines = NotificationLine.objects.filter(notification=OuterRef("pk"), substance_id=value)
        return Q(Exists(lines))

    def filter_since(self, value) -> Q:
        return Q(created_at__date__gte=value) if value else Q()

    def filter_until(self, value) -> Q:
        return Q(created_at__date__lte=value) if value else Q()

    def filter_q(self, value) -> Q:
        text = (value or "").strip()
        if not text:
            return Q()
        named = NotificationParty.objects.filter(
            notification=OuterRef("pk"), reported_name__icontains=text
        )
        return Q(reference__icontains=text) | Q(invoice_number=text) | Q(Exists(named))


class StatisticsFilter(Schema):
    """The period and country of the response statistics, declared once: the API's query
    (`GET /api/v1/precursors/statistics`), the statistics page's form and its CSV export."""

    since: datetime.date | None = Field(None, title=_("From"))
    until: datetime.date | None = Field(None, title=_("Until"))
    country: Annotated[str | None, Field(max_length=3)] = Field(
        None, title=_("Importing country"), description=_("ISO alpha-3")
    )
    kind: Literal["scheduled", "light", "all"] | None = Field(
        None,
        title=_("Notifications"),
        description=_(
            "scheduled: the mandatory exchange (default); light: voluntary PEN Light; all"
        ),
    )

    def notification_kind(self) -> str | None:
        """The kind counted: PEN Light only when asked for (None: both)."""
        if self.kind == "all":
            return None
        return self.kind or NotificationKind.SCHEDULED

    def period(self) -> tuple[datetime.date, datetime.date]:
        """Submitted from `since` to `until`: by default the 365 days up to today."""
        until = self.until or timezone.localdate()
        return self.since or until - datetime.timedelta(days=365), until


class AnnualReportFilter(FilterSchema):
    """Which Form D reports of those the reader may see, declared once for the API's query
    (`GET /api/v1/precursors/annual-reports`) and the list page's form."""

    country: Annotated[str | None, Field(max_length=3)] = Field(
        None, title=_("Country"), description=_("ISO alpha-3")
    )
    year: Annotated[int | None, Field(ge=FIRST_REPORT_YEAR, le=9999)] = Field(None, title=_("Year"))
    status: choice(AnnualReportStatus) | None = Field(None, title=_("Status"))

    def filter_country(self, value) -> Q:
        code = (value or "").strip().upper()
        return Q(country_id=code) if code else Q()
