"""The incident list's filter, declared once: the API's query (`GET /api/v1/incidents`),
the list page's form (`core.filters.filter_form`) and the selector read this schema, so
the same values give the same rows on the page and in the API. A substance is filtered by
its registry id on both."""

import datetime
from typing import Annotated, ClassVar

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from ninja import Field, FilterLookup, FilterSchema

from drugcontrol.core.bounds import RecordId, choice
from drugcontrol.incidents.models import (
    CountryRole,
    IncidentCountry,
    IncidentKind,
    IncidentParty,
    IncidentSubstance,
    PaymentMethod,
)


class IncidentFilter(FilterSchema):
    kind: Annotated[choice(IncidentKind) | None, FilterLookup("kind")] = Field(
        None, title=_("Kind")
    )
    substance_id: RecordId | None = Field(None, title=_("Substance"))
    country: str | None = Field(
        None,
        title=_("Country"),
        max_length=3,
        description=_("ISO alpha-3: the reporting country or a country named in a role."),
    )
    role: choice(CountryRole) | None = Field(
        None, title=_("Role"), description=_("The country's role (with a country).")
    )
    since: Annotated[datetime.date | None, FilterLookup("occurred_on__gte")] = Field(
        None, title=_("From")
    )
    until: Annotated[datetime.date | None, FilterLookup("occurred_on__lte")] = Field(
        None, title=_("Until")
    )
    party: str | None = Field(
        None, title=_("Party"), max_length=300, description=_("Part of a name as reported.")
    )
    place: str | None = Field(
        None,
        title=_("Place of seizure"),
        max_length=200,
        description=_("Part of the place or port of seizure, or its UN/LOCODE."),
    )
    payment_method: Annotated[choice(PaymentMethod) | None, FilterLookup("payment_method")] = Field(
        None, title=_("Payment method")
    )

    def filter_substance_id(self, value) -> Q:
        if not value:
            return Q()
        lines = IncidentSubstance.objects.filter(incident=OuterRef("pk"), substance_id=value)
        return Q(Exists(lines))

    def filter_country(self, value) -> Q:
        code = (value or "").strip().upper()
        if not code:
            return Q()
        involved = IncidentCountry.objects.filter(incident=OuterRef("pk"), country_id=code)
        if self.role:
            involved = involved.filter(role=self.role)
        return Q(Exists(involved)) | Q(reporting_country_id=code)

    def filter_role(self, value) -> Q:
        return Q()  # a role narrows the country filter (above), and means nothing alone

    def filter_party(self, value) -> Q:
        if not value:
            return Q()
        named = IncidentParty.objects.filter(
            incident=OuterRef("pk"), reported_name__icontains=value
        )
        return Q(Exists(named))

    def filter_place(self, value) -> Q:
        text = (value or "").strip()
        if not text:
            return Q()
        return Q(place_of_seizure__icontains=text) | Q(seizure_locode=text.replace(" ", "").upper())


class RouteMapFilter(FilterSchema):
    """The route map's filter: the period, substance, kind and country of the incidents
    whose routes are drawn. Its fields and their rules are the incident list's own (the
    same values select the same incidents on the list and on the map)."""

    since: Annotated[datetime.date | None, FilterLookup("occurred_on__gte")] = Field(
        None, title=_("From")
    )
    until: Annotated[datetime.date | None, FilterLookup("occurred_on__lte")] = Field(
        None, title=_("Until")
    )
    substance_id: RecordId | None = Field(None, title=_("Substance"))
    kind: Annotated[choice(IncidentKind) | None, FilterLookup("kind")] = Field(
        None, title=_("Kind")
    )
    country: str | None = Field(
        None,
        title=_("Country"),
        max_length=3,
        description=_("ISO alpha-3: the reporting country or a country named in a role."),
    )
    role: ClassVar[None] = None  # the country filter of the list, without its role

    filter_substance_id = IncidentFilter.filter_substance_id
    filter_country = IncidentFilter.filter_country
