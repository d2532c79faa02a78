"""The filter of the signals' list, declared once for the API's query and the page's form."""

from typing import Annotated

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from ninja import Field, FilterLookup, FilterSchema

from drugcontrol.core.bounds import RecordId, choice
from drugcontrol.nps.signal_choices import SignalKind


class SignalFilter(FilterSchema):
    kind: Annotated[choice(SignalKind) | None, FilterLookup("kind")] = Field(
        None, title=_("Kind of signal")
    )
    substance_id: Annotated[RecordId | None, FilterLookup("substance_id")] = Field(
        None, title=_("Substance")
    )
    family: Annotated[str | None, FilterLookup("family")] = Field(
        None, title=_("Family"), max_length=40
    )
    country: str | None = Field(
        None,
        title=_("Country"),
        max_length=3,
        description=_("ISO alpha-3: a country concerned by the signal."),
    )

    def filter_country(self, value) -> Q:
        code = (value or "").strip().upper()
        if not code:
            return Q()
        from drugcontrol.nps.models import SignalCountry

        return Q(Exists(SignalCountry.objects.filter(signal=OuterRef("pk"), country_id=code)))
