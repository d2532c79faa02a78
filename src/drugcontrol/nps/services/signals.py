"""Emergence signals: the rules' candidates stored once each, with one audit event and the
alerts (the secretariat, and the focal points of the countries concerned), and the
secretariat's settings of the spread rule."""

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from drugcontrol.core.alerts import alerts_raise
from drugcontrol.core.audit import record_event
from drugcontrol.core.bounds import read_int
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.permissions import require
from drugcontrol.core.versioning import versioned_change
from drugcontrol.nps.models import IdentificationReport, Signal, SignalCountry, SignalSettings
from drugcontrol.nps.signal_choices import (
    SHARED_KINDS,
    SIGNAL_RECORD_TYPE,
    SPREAD_COUNTRIES_RANGE,
    SPREAD_MONTHS_RANGE,
)
from drugcontrol.nps.signals import messages, rules


def signal_settings() -> SignalSettings:
    """The settings' one row (made with the defaults the first time)."""
    found = SignalSettings.objects.order_by("pk").first()
    if found is None:
        found, _created = SignalSettings.objects.get_or_create(pk=1)
    return found


def signal_settings_set(*, actor, spread_countries, spread_months, expected_version=None):
    """The secretariat sets N and M of the spread rule (versioned: a stale version is 409)."""
    require(actor, "nps.signal_keep")
    errors: dict[str, list] = {}
    countries = read_int(
        spread_countries,
        "spread_countries",
        errors,
        minimum=SPREAD_COUNTRIES_RANGE[0],
        maximum=SPREAD_COUNTRIES_RANGE[1],
    )
    months = read_int(
        spread_months,
        "spread_months",
        errors,
        minimum=SPREAD_MONTHS_RANGE[0],
        maximum=SPREAD_MONTHS_RANGE[1],
    )
    for name, value in (("spread_countries", countries), ("spread_months", months)):
        if value is None and name not in errors:
            errors[name] = [_("This field is required.")]
    if errors:
        raise ValidationFailed(errors)
    with versioned_change(
        signal_settings(),
        expected_version=expected_version,
        actor=actor,
        action="nps.signal_settings_set",
        fields=("spread_countries", "spread_months"),
    ) as change:
        change.record.spread_countries = countries
        change.record.spread_months = months
    return change.record


def signals_detect(
    *, today=None, substance_ids=None, families=None, report_ids=None
) -> list[Signal]:
    """Run the rules (on everything, or on the substances, families and reports given) and
    store each new signal: one transaction, one audit event and its alerts a signal. Running
    it again stores nothing new (the rules' keys and quiet periods)."""
    today = today or timezone.localdate()
    settings = signal_settings()
    candidates = [
        *rules.new_substances(today, substance_ids),
        *rules.spreading(
            today,
            countries=settings.spread_countries,
            months=settings.spread_months,
            substance_ids=substance_ids,
        ),
        *rules.rising_families(today, families),
        *rules.new_forms(today, report_ids),
    ]
    stored = []
    for candidate in candidates:
        signal = _store(candidate)
        if signal is not None:
            stored.append(signal)
    return stored


def signals_for_report(report_id: int) -> list[Signal]:
    """The rules for one new report: its substance, its family, and the report itself."""
    report = IdentificationReport.objects.filter(pk=report_id).first()
    if report is None:
        return []
    return signals_detect(
        substance_ids=[report.substance_id] if report.substance_id else [],
        families=[report.family] if report.family else [],
        report_ids=[report.pk],
    )


def _store(candidate: rules.Candidate) -> Signal | None:
    try:
        with transaction.atomic():
            signal = Signal.objects.create(
                kind=candidate.kind,
                key=candidate.key,
                substance_id=candidate.substance_id,
                family=candidate.family,
                window_start=candidate.window_start,
                window_end=candidate.window_end,
                evidence={"key": messages.message_key(candidate.kind), "params": candidate.params},
            )
            SignalCountry.objects.bulk_create(
                [SignalCountry(signal=signal, country_id=code) for code in candidate.countries]
            )
            record_event(
                actor=None,
                action="nps.signal_raised",
                obj=signal,
                after={
                    "kind": signal.kind,
                    "key": signal.key,
                    "substance": signal.substance_id,
                    "family": signal.family,
                    "window": [signal.window_start.isoformat(), signal.window_end.isoformat()],
                    "countries": candidate.countries,
                },
            )
            _alert(signal, candidate)
    except IntegrityError:  # another run stored the same signal a moment ago
        return None
    return signal


def _alert(signal: Signal, candidate: rules.Candidate) -> None:
    """The secretariat hears of every signal with its whole evidence; the focal points of the
    countries concerned with what their country may know of it."""
    # Absolute: the alert is also e-mailed.
    url = django_settings.SITE_URL.rstrip("/") + reverse("nps:signal", args=[signal.pk])
    common = {"record_kind": SIGNAL_RECORD_TYPE, "record_id": signal.pk, "url": url}
    key = messages.message_key(signal.kind)
    alerts_raise(
        event=messages.RAISED,
        country_codes=candidate.countries or ["-"],
        message_key=key,
        params=candidate.params,
        **common,
    )
    if signal.kind in SHARED_KINDS:
        alerts_raise(
            event=messages.CONCERNS_COUNTRY,
            country_codes=candidate.countries,
            message_key=key,
            params=candidate.params,
            **common,
        )
        return
    for country in candidate.countries:
        narrowed_key, params = messages.narrowed(signal.kind, candidate.params, country)
        alerts_raise(
            event=messages.CONCERNS_COUNTRY,
            country_codes=[country],
            message_key=narrowed_key,
            params=params,
            **common,
        )
