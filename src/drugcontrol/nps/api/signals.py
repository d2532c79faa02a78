"""The API of the emergence signals (`/api/v1/nps/signals`) and of the spread rule's
thresholds (`/api/v1/nps/signal-settings`): parse, call one service or selector, shape."""

import datetime
from typing import Any

from ninja import Field, Query, Schema
from ninja.pagination import paginate
from pydantic import AliasPath

from drugcontrol.core.api_common import ERRORS, OutSchema, PagePagination, ShapedPage
from drugcontrol.core.bounds import RecordId, Version, choice
from drugcontrol.core.permissions import require
from drugcontrol.nps import selectors_signals as selectors
from drugcontrol.nps import services
from drugcontrol.nps.api.base import router
from drugcontrol.nps.signal_choices import SignalKind
from drugcontrol.nps.signal_filters import SignalFilter


class NpsSignalEvidenceOut(OutSchema):
    key: str = Field(description="The message key (the text is rendered in `title`/`body`).")
    params: dict[str, Any] = Field(
        description="Its parameters: substance ids, family codes, ISO3 codes, months "
        "(YYYY-MM), counts; narrowed to what the caller may know (docs/nps.md)."
    )


class NpsSignalOut(OutSchema):
    id: RecordId
    kind: choice(SignalKind)
    substance_id: RecordId | None
    substance: str | None = Field(None, validation_alias=AliasPath("substance", "name_en"))
    family: str
    window_start: datetime.date
    window_end: datetime.date
    countries: list[str] = Field(
        validation_alias="shown_countries",
        description="ISO3 codes of the countries concerned (of a family's rise or a new form, "
        "only the caller's own, unless the caller is the secretariat).",
    )
    title: str = Field(description="In the caller's language.")
    body: str = Field(description="The evidence, in the caller's language.")
    evidence: NpsSignalEvidenceOut
    created_at: datetime.datetime


class NpsSignalSettingsOut(OutSchema):
    spread_countries: int = Field(description="N: countries reporting a substance ...")
    spread_months: int = Field(description="... within M calendar months.")
    version: int


class NpsSignalSettingsIn(Schema):
    spread_countries: int = Field(ge=2, le=100)
    spread_months: int = Field(ge=1, le=60)
    version: Version | None = None


class _SignalPage(ShapedPage):
    """A page of signals with their evidence as the caller may know it."""

    def __init__(self, queryset, user):
        super().__init__(queryset, shape=None)
        self.user = user

    def __getitem__(self, item):
        return [
            _out(signal)
            for signal in selectors.with_evidence(user=self.user, signals=self.queryset[item])
        ]


def _out(signal) -> dict:
    return {
        "id": signal.pk,
        "kind": signal.kind,
        "substance_id": signal.substance_id,
        "substance": signal.substance.name_en if signal.substance_id else None,
        "family": signal.family,
        "window_start": signal.window_start,
        "window_end": signal.window_end,
        "shown_countries": signal.shown_countries,
        "title": signal.title,
        "body": signal.body,
        "evidence": {"key": signal.shown_key, "params": signal.shown_params},
        "created_at": signal.created_at,
    }


@router.get("/nps/signals", response={200: list[NpsSignalOut], **ERRORS})
@paginate(PagePagination)
def list_signals(request, filters: Query[SignalFilter]):
    return _SignalPage(selectors.signal_list(user=request.auth, filters=filters), request.auth)


@router.get("/nps/signals/{signal_id}", response={200: NpsSignalOut, **ERRORS})
def get_signal(request, signal_id: RecordId):
    signal = selectors.signal_get(user=request.auth, signal_id=signal_id)
    return _out(selectors.with_evidence(user=request.auth, signals=[signal])[0])


@router.get("/nps/signal-settings", response={200: NpsSignalSettingsOut, **ERRORS})
def get_signal_settings(request):
    require(request.auth, "nps.signal_read")
    return selectors.settings_read()


@router.put("/nps/signal-settings", response={200: NpsSignalSettingsOut, **ERRORS})
def set_signal_settings(request, payload: NpsSignalSettingsIn):
    return services.signal_settings_set(
        actor=request.auth,
        spread_countries=payload.spread_countries,
        spread_months=payload.spread_months,
        expected_version=payload.version,
    )
