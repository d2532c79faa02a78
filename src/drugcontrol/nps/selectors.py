"""Every read of the nps app, through one visibility rule per record kind."""

from collections import Counter

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear

from drugcontrol.core.permissions import can
from drugcontrol.core.visibility import get_visible_or_404, visibility_rule, visible
from drugcontrol.incidents import selectors as incident_selectors
from drugcontrol.nps.models import (
    IdentificationReport,
    RegisterEntry,
    ToxicologyCase,
    ToxicologyFinding,
    WatchEntry,
)
from drugcontrol.nps.permissions import CASE_READ, REGISTER_READ, REPORT_READ
from drugcontrol.nps.report_filters import CaseFilter, RegisterFilter, ReportFilter
from drugcontrol.substances import selectors as substance_selectors
from drugcontrol.substances.models import Substance

# --- the rules ---------------------------------------------------------------------------------


def _national_record_rule(queryset: QuerySet, user, read_action: str) -> QuerySet:
    """Reports and cases: the reporting organisation; readers of the kind (authorities, law
    enforcement, laboratories) of the country concerned or of the reporting organisation's
    country; the secretariat all. Other countries, financial intelligence units and industry
    nothing beyond what their own organisation filed (which is nothing: they file none)."""
    own = Q(reporting_organisation_id=user.organisation_id)
    if not can(user, read_action):
        return queryset.filter(own)
    if user.is_international:
        return queryset
    country = user.country_id
    return queryset.filter(own | Q(country_id=country) | Q(reporting_country_id=country))


@visibility_rule(IdentificationReport)
def reports_visible_to(queryset: QuerySet, user) -> QuerySet:
    return _national_record_rule(queryset, user, REPORT_READ.name)


@visibility_rule(ToxicologyCase)
def cases_visible_to(queryset: QuerySet, user) -> QuerySet:
    return _national_record_rule(queryset, user, CASE_READ.name)


@visibility_rule(ToxicologyFinding)
def findings_visible_to(queryset: QuerySet, user) -> QuerySet:
    """A finding follows its case."""
    return queryset.filter(case__in=visible(ToxicologyCase, user))


@visibility_rule(RegisterEntry)
def register_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Shared early-warning data: every signed-in user but industry."""
    return queryset if can(user, REGISTER_READ.name) else queryset.none()


@visibility_rule(WatchEntry)
def watch_list_visible_to(queryset: QuerySet, user) -> QuerySet:
    return queryset if can(user, REGISTER_READ.name) else queryset.none()


# --- identification reports --------------------------------------------------------------------


def report_list(*, user, filters: ReportFilter | None = None) -> QuerySet:
    queryset = visible(IdentificationReport, user)
    if filters is not None:
        queryset = filters.filter(queryset)
    return queryset.select_related("country", "substance", "reporting_organisation").order_by(
        "-sampled_on", "-pk"
    )


def own_report_list(*, user, limit: int = 10) -> list[IdentificationReport]:
    """The reader's organisation's latest reports: the head of their queue."""
    return list(
        report_list(user=user).filter(reporting_organisation_id=user.organisation_id)[:limit]
    )


def report_get(*, user, report_id: int) -> IdentificationReport:
    return get_visible_or_404(
        IdentificationReport.objects.select_related(
            "country", "substance", "reporting_organisation", "created_by", "incident"
        ),
        user,
        pk=report_id,
    )


def incident_visible(*, user, incident_id: int | None) -> bool:
    """Whether the reader may open the incident a record links to (else it is not shown)."""
    if not incident_id:
        return False
    return incident_selectors.incident_list(user=user).filter(pk=incident_id).exists()


def with_shown_incidents(*, user, reports) -> list[IdentificationReport]:
    """Reports with `incident_shown`: the linked incident's id where the reader may open the
    incident, else None (a link to a record the reader may not see is not shown)."""
    reports = list(reports)
    linked = {report.incident_id for report in reports if report.incident_id}
    seen = (
        set(
            incident_selectors.incident_list(user=user)
            .prefetch_related(None)
            .filter(pk__in=linked)
            .values_list("pk", flat=True)
        )
        if linked
        else set()
    )
    for report in reports:
        report.incident_shown = report.incident_id if report.incident_id in seen else None
    return reports


def incident_for_link(*, user, incident_id: int):
    """The incident a report links to, if the writer may see it (Http404 otherwise)."""
    return incident_selectors.incident_get(user=user, incident_id=incident_id)


def registry_substance_with_key(inchikey: str) -> Substance | None:
    if not inchikey:
        return None
    return Substance.objects.filter(inchikey=inchikey).order_by("pk").first()


def registered(substance_id: int | None) -> bool:
    """Whether the substance is in the NPS register (whoever asks: for classifying)."""
    return bool(substance_id) and RegisterEntry.objects.filter(substance_id=substance_id).exists()


# --- the NPS register ----------------------------------------------------------------------------


def register_list(*, user, filters: RegisterFilter | None = None) -> QuerySet:
    """The register: substances reported and not (or no longer) under international control."""
    queryset = visible(RegisterEntry, user).exclude(
        substance_id__in=substance_selectors.internationally_controlled()
    )
    if filters is not None:
        queryset = filters.filter(queryset)
        if filters.family:
            queryset = queryset.filter(substance_id__in=_substances_of_family(filters.family))
    return queryset.select_related("substance").order_by("substance__name_en", "pk")


def _substances_of_family(code: str) -> list[int]:
    """The registry's substances of one structural family (the families are a JSON list, which
    SQLite cannot search with `contains`; a few thousand rows)."""
    return [
        pk
        for pk, families in Substance.objects.values_list("pk", "families")
        if code in (families or [])
    ]


def register_get(*, user, substance_id: int) -> RegisterEntry:
    entry = get_visible_or_404(
        RegisterEntry.objects.select_related("substance"), user, substance_id=substance_id
    )
    entry.controlled_now = bool(substance_selectors.internationally_controlled([substance_id]))
    return entry


def register_aggregates(substance_ids) -> dict[int, dict]:
    """The register's shared aggregates of each substance: the month of its first report
    world-wide and, per reporting country, the month of that country's first report.

    Deliberately shared early-warning data (docs/nps.md): they count every report of the
    substance, also those the reader may not open, and give only a country and a month,
    never a report, its organisation, place, purity or incident."""
    aggregates: dict[int, dict] = {}
    rows = (
        IdentificationReport.objects.filter(substance_id__in=list(substance_ids))
        .order_by()
        .values("substance_id", "country_id")
        .annotate(first=Min("sampled_on"))
    )
    for row in rows:
        item = aggregates.setdefault(row["substance_id"], {"first": None, "countries": {}})
        month = row["first"].strftime("%Y-%m")
        item["countries"][row["country_id"]] = month
        if item["first"] is None or month < item["first"]:
            item["first"] = month
    for item in aggregates.values():
        item["countries"] = dict(sorted(item["countries"].items(), key=lambda kv: (kv[1], kv[0])))
    return aggregates


def with_aggregates(entries) -> list[RegisterEntry]:
    """Register entries with `first_reported` and `reporting_countries` ({code: month})."""
    entries = list(entries)
    aggregates = register_aggregates(entry.substance_id for entry in entries)
    for entry in entries:
        item = aggregates.get(entry.substance_id, {"first": None, "countries": {}})
        entry.first_reported = item["first"]
        entry.reporting_countries = item["countries"]
        entry.family = (entry.substance.families or [""])[0]
    return entries


def register_case_counts(*, user, substance) -> dict:
    """Toxicology cases the reader may see naming this substance, and naming any substance of
    its (first) family: counts only of cases the reader may open."""
    cases = visible(ToxicologyCase, user)
    by_substance = cases.filter(
        Exists(ToxicologyFinding.objects.filter(case=OuterRef("pk"), substance_id=substance.pk))
    )
    family = (substance.families or [""])[0]
    by_family = None
    if family:
        members = _substances_of_family(family)
        by_family = cases.filter(
            Exists(ToxicologyFinding.objects.filter(case=OuterRef("pk"), substance_id__in=members))
        ).count()
    outcomes = dict(
        by_substance.order_by()
        .values("outcome")
        .annotate(n=Count("pk"))
        .values_list("outcome", "n")
    )
    return {
        "substance": by_substance.count(),
        "family": family,
        "family_count": by_family,
        "fatal": outcomes.get("fatal", 0),
    }


def visible_reports_of(*, user, substance_id: int, limit: int = 20) -> list[IdentificationReport]:
    """The reports of a substance the reader may open (the register page's list)."""
    return list(report_list(user=user).filter(substance_id=substance_id)[:limit])


# --- toxicology cases --------------------------------------------------------------------------


def case_list(*, user, filters: CaseFilter | None = None) -> QuerySet:
    queryset = visible(ToxicologyCase, user)
    if filters is not None:
        queryset = filters.filter(queryset)
    return (
        queryset.select_related("country", "reporting_organisation")
        .prefetch_related("findings__substance")
        .order_by("-occurred_on", "-pk")
    )


def case_get(*, user, case_id: int) -> ToxicologyCase:
    return get_visible_or_404(
        ToxicologyCase.objects.select_related(
            "country", "reporting_organisation", "created_by"
        ).prefetch_related("findings__substance"),
        user,
        pk=case_id,
    )


# --- the watch list ----------------------------------------------------------------------------


def watch_list(*, user) -> QuerySet:
    return visible(WatchEntry, user).select_related("substance").order_by("substance__name_en")


def watch_get(*, user, substance_id: int) -> WatchEntry:
    return get_visible_or_404(
        WatchEntry.objects.select_related("substance"), user, substance_id=substance_id
    )


def watch_countries(*, user, substance_id: int) -> dict[str, int]:
    """Per country: seizures (by the reporting country), identification reports and
    toxicology cases naming the substance, each counting only records the reader may see."""
    counts = Counter(
        incident_selectors.visible_incidents_per_country(user=user, substance_ids=[substance_id])
    )
    counts.update(
        dict(
            visible(IdentificationReport, user)
            .filter(substance_id=substance_id)
            .order_by()
            .values("country_id")
            .annotate(n=Count("pk"))
            .values_list("country_id", "n")
        )
    )
    counts.update(
        dict(
            visible(ToxicologyCase, user)
            .filter(
                Exists(
                    ToxicologyFinding.objects.filter(case=OuterRef("pk"), substance_id=substance_id)
                )
            )
            .order_by()
            .values("country_id")
            .annotate(n=Count("pk"))
            .values_list("country_id", "n")
        )
    )
    return dict(counts)


def watch_series(*, user, substance_id: int) -> list[dict]:
    """Per year: seizures from incidents, identification reports and toxicology cases naming
    the substance, each counting only records the reader may see."""
    seizures = incident_selectors.visible_incidents_per_year(
        user=user, substance_ids=[substance_id]
    )
    reports = dict(
        visible(IdentificationReport, user)
        .filter(substance_id=substance_id)
        .order_by()
        .annotate(year=ExtractYear("sampled_on"))
        .values("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    cases = dict(
        visible(ToxicologyCase, user)
        .filter(
            Exists(ToxicologyFinding.objects.filter(case=OuterRef("pk"), substance_id=substance_id))
        )
        .order_by()
        .annotate(year=ExtractYear("occurred_on"))
        .values("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    years = sorted({*seizures, *reports, *cases})
    if years:
        years = list(range(years[0], years[-1] + 1))
    return [
        {
            "year": year,
            "seizures": seizures.get(year, 0),
            "reports": reports.get(year, 0),
            "cases": cases.get(year, 0),
        }
        for year in years
    ]


def home_queue(*, user) -> dict | None:
    """The home panel: the reader's organisation's latest reports (None when it has none)."""
    if not can(user, REPORT_READ.name):
        return None
    reports = own_report_list(user=user, limit=5)
    return {"reports": reports} if reports else None
