"""The alert list's filter, declared once for the API and the alerts page."""

from typing import Annotated

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from ninja import FilterSchema
from pydantic import Field


class AlertFilter(FilterSchema):
    """Which of the reader's alerts: every field narrows the list."""

    unread: bool | None = Field(None, title=_("Unread only"))
    record_type: Annotated[str | None, Field(max_length=100)] = Field(
        None,
        title=_("Kind"),
        description=_("the kind of record the alert is about, e.g. incidents.incident"),
    )

    def filter_unread(self, value) -> Q:
        return Q(read_at__isnull=True) if value else Q()

    def filter_record_type(self, value) -> Q:
        return Q(record_type=value) if value is not None else Q()
