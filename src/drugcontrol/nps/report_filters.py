"""The filters of the NPS lists, declared once: the API's query, the list pages' forms
(`core.filters.filter_form`) and the selectors read these schemas, so the same values give
the same rows on a page and in the API."""

import datetime
from typing import Annotated

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from ninja import Field, FilterLookup, FilterSchema

from drugcontrol.core.bounds import RecordId, choice
from drugcontrol.nps.report_choices import (
    CaseKind,
    Classification,
    EffectGroup,
    Outcome,
    SampleForm,
)


class ReportFilter(FilterSchema):
    classification: Annotated[choice(Classification) | None, FilterLookup("classification")] = (
        Field(None, title=_("Classification"))
    )
    country: str | None = Field(
        None,
        title=_("Country"),
        max_length=3,
        description=_("ISO alpha-3: the country of the sample or of the reporting organisation."),
    )
    substance_id: Annotated[RecordId | None, FilterLookup("substance_id")] = Field(
        None, title=_("Substance")
    )
    family: Annotated[str | None, FilterLookup("family")] = Field(
        None, title=_("Family"), max_length=40
    )
    form: Annotated[choice(SampleForm) | None, FilterLookup("form")] = Field(None, title=_("Form"))
    since: Annotated[datetime.date | None, FilterLookup("sampled_on__gte")] = Field(
        None, title=_("From")
    )
    until: Annotated[datetime.date | None, FilterLookup("sampled_on__lte")] = Field(
        None, title=_("Until")
    )

    def filter_country(self, value) -> Q:
        code = (value or "").strip().upper()
        if not code:
            return Q()
        return Q(country_id=code) | Q(reporting_country_id=code)


class RegisterFilter(FilterSchema):
    search: str | None = Field(
        None, title=_("Name"), max_length=100, description=_("Part of the substance's name.")
    )
    effect_group: Annotated[choice(EffectGroup) | None, FilterLookup("effect_group")] = Field(
        None, title=_("Effect group")
    )
    family: str | None = Field(None, title=_("Family"), max_length=40)

    def filter_search(self, value) -> Q:
        text = (value or "").strip()
        if not text:
            return Q()
        return Q(substance__name_en__icontains=text) | Q(substance__name_zh__icontains=text)

    def filter_family(self, value) -> Q:
        return Q()  # applied by the selector (the families are a list on the substance)


class CaseFilter(FilterSchema):
    kind: Annotated[choice(CaseKind) | None, FilterLookup("kind")] = Field(
        None, title=_("Kind of case")
    )
    outcome: Annotated[choice(Outcome) | None, FilterLookup("outcome")] = Field(
        None, title=_("Outcome")
    )
    country: str | None = Field(
        None,
        title=_("Country"),
        max_length=3,
        description=_("ISO alpha-3: the country of the case or of the reporting organisation."),
    )
    substance_id: RecordId | None = Field(None, title=_("Substance"))
    since: Annotated[datetime.date | None, FilterLookup("occurred_on__gte")] = Field(
        None, title=_("From")
    )
    until: Annotated[datetime.date | None, FilterLookup("occurred_on__lte")] = Field(
        None, title=_("Until")
    )

    def filter_country(self, value) -> Q:
        code = (value or "").strip().upper()
        if not code:
            return Q()
        return Q(country_id=code) | Q(reporting_country_id=code)

    def filter_substance_id(self, value) -> Q:
        if not value:
            return Q()
        from drugcontrol.nps.models import ToxicologyFinding

        found = ToxicologyFinding.objects.filter(case=OuterRef("pk"), substance_id=value)
        return Q(Exists(found))
