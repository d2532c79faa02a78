"""Every read of the emergence signals and the early-warning dashboard.

Who reads a signal (docs/nps.md, "Who sees signals"): the secretariat every signal; every
other reader of signals (`nps.signal_read`: every signed-in user but industry) the kinds
whose evidence is the register's shared aggregate (new substance, spread), and readers of
identification reports the other kinds (a family's rise, a controlled substance in a new
form) when their country is concerned. What the evidence shows is narrowed to the reader
(nps/signals/messages.py). The dashboard shows only the register's shared aggregates."""

from collections import defaultdict

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet

from drugcontrol.core.permissions import can
from drugcontrol.core.visibility import get_visible_or_404, visibility_rule, visible
from drugcontrol.nps.models import (
    IdentificationReport,
    RegisterEntry,
    Signal,
    SignalCountry,
    SignalSettings,
)
from drugcontrol.nps.permissions import REPORT_READ, SIGNAL_READ
from drugcontrol.nps.signal_choices import SHARED_KINDS
from drugcontrol.nps.signal_filters import SignalFilter
from drugcontrol.nps.signals import messages
from drugcontrol.substances import selectors as substance_selectors
from drugcontrol.substances.models import Substance


@visibility_rule(Signal)
def signals_visible_to(queryset: QuerySet, user) -> QuerySet:
    if not can(user, SIGNAL_READ.name):
        return queryset.none()
    if user.is_international:
        return queryset
    shared = Q(kind__in=SHARED_KINDS)
    if not (can(user, REPORT_READ.name) and user.country_id):
        return queryset.filter(shared)
    concerns = SignalCountry.objects.filter(signal=OuterRef("pk"), country_id=user.country_id)
    return queryset.filter(shared | Q(Exists(concerns)))


@visibility_rule(SignalSettings)
def signal_settings_visible_to(queryset: QuerySet, user) -> QuerySet:
    """The thresholds are public to the readers of signals."""
    return queryset if can(user, SIGNAL_READ.name) else queryset.none()


def signal_list(*, user, filters: SignalFilter | None = None) -> QuerySet:
    queryset = visible(Signal, user)
    if filters is not None:
        queryset = filters.filter(queryset)
        code = (filters.country or "").strip().upper()
        if code and not user.is_international and code != user.country_id:
            # Another country is named only in the shared kinds' evidence.
            queryset = queryset.filter(kind__in=SHARED_KINDS)
    return queryset.select_related("substance").order_by("-created_at", "-pk")


def signal_get(*, user, signal_id: int) -> Signal:
    return get_visible_or_404(Signal.objects.select_related("substance"), user, pk=signal_id)


def with_evidence(*, user, signals) -> list[Signal]:
    """Signals with what their reader is shown: `shown_key` and `shown_params` (the evidence
    narrowed to the reader), `title`, `body` (rendered in the active language) and
    `shown_countries` (the countries concerned; of the kinds not shared, only the reader's
    own country, for a reader who is not the secretariat)."""
    signals = list(signals)
    countries: dict[int, list[str]] = defaultdict(list)
    for signal_id, code in (
        SignalCountry.objects.filter(signal_id__in=[s.pk for s in signals])
        .order_by("country_id")
        .values_list("signal_id", "country_id")
    ):
        countries[signal_id].append(code)
    lookups = messages.Lookups()
    for signal in signals:
        params = (signal.evidence or {}).get("params") or {}
        codes = countries[signal.pk]
        if user.is_international or signal.kind in SHARED_KINDS:
            key, shown = messages.message_key(signal.kind), dict(params)
        else:
            key, shown = messages.narrowed(signal.kind, params, user.country_id)
            codes = [code for code in codes if code == user.country_id]
        signal.shown_key, signal.shown_params, signal.shown_countries = key, shown, codes
        signal.title, signal.body = messages.render(key, shown, lookups)
    return signals


def signal_reports(*, user, signal: Signal, limit: int = 20) -> list[IdentificationReport]:
    """The reports behind a signal that the reader may open (by the reports' own rule)."""
    reports = visible(IdentificationReport, user).filter(
        sampled_on__gte=signal.window_start, sampled_on__lte=signal.window_end
    )
    if signal.substance_id:
        reports = reports.filter(substance_id=signal.substance_id)
    elif signal.family:
        reports = reports.filter(family=signal.family)
    else:
        return []
    return list(reports.select_related("country").order_by("-sampled_on", "-pk")[:limit])


def in_register(substance_id: int | None) -> bool:
    return bool(substance_id) and RegisterEntry.objects.filter(substance_id=substance_id).exists()


def settings_read() -> SignalSettings:
    """The spread rule's thresholds (the defaults until the secretariat sets them)."""
    return SignalSettings.objects.order_by("pk").first() or SignalSettings()


# --- the dashboard --------------------------------------------------------------------------


def dashboard(*, user, feed: int = 10) -> dict:
    """The early-warning dashboard's figures, all of them the register's shared aggregate
    (docs/nps.md): each register substance's first report (month, family), new substances
    per year and family, and per country the number of register substances it reported;
    with the reader's latest signals. Three queries over the reports, whatever their number."""
    controlled = substance_selectors.internationally_controlled()
    reports = IdentificationReport.objects.filter(
        substance_id__in=RegisterEntry.objects.values("substance_id")
    ).exclude(substance_id__in=controlled)
    firsts = dict(reports.order_by().values_list("substance_id").annotate(first=Min("sampled_on")))
    names = {
        pk: (name_en, name_zh, (families or [""])[0])
        for pk, name_en, name_zh, families in Substance.objects.filter(
            pk__in=list(firsts)
        ).values_list("pk", "name_en", "name_zh", "families")
    }
    per_year: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    timeline = []
    for substance_id, first in firsts.items():
        name_en, name_zh, family = names.get(substance_id, ("", "", ""))
        per_year[first.year][family] += 1
        timeline.append(
            {
                "substance_id": substance_id,
                "name_en": name_en,
                "name_zh": name_zh,
                "family": family,
                "month": first.strftime("%Y-%m"),
            }
        )
    timeline.sort(key=lambda item: (item["month"], item["name_en"], item["substance_id"]))
    countries = dict(
        reports.order_by()
        .values_list("country_id")
        .annotate(n=Count("substance_id", distinct=True))
    )
    signals = with_evidence(user=user, signals=signal_list(user=user)[:feed])
    return {
        "per_year": {year: dict(families) for year, families in sorted(per_year.items())},
        "timeline": timeline,
        "countries": dict(sorted(countries.items())),
        "signals": signals,
    }
