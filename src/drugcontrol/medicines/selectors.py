"""Every read of controlled medicines, through one visibility rule per record kind, and the
balance of a country's estimate.

A confirmed estimate is public (the secretariat publishes them so that every exporting
country can respect them); a submitted one is read by its country and the secretariat. An
authorization is read by the authorities of the two countries it concerns and the
secretariat. A balance (estimate, authorized, remaining) is read by every competent
authority and the secretariat: an exporting authority must see it before deciding, and it
sums quantities without naming a single authorization."""

import decimal
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from drugcontrol.core.permissions import can
from drugcontrol.core.visibility import get_visible_or_404, is_signed_in, visibility_rule, visible
from drugcontrol.medicines.models import (
    AuthorizationStatus,
    Consumption,
    Estimate,
    EstimateStatus,
    ExportAuthorization,
    ImportAuthorization,
    PopulationFigure,
    SupplementaryEstimate,
)
from drugcontrol.medicines.permissions import AUTHORIZATIONS_READ, ESTIMATES_READ

ZERO = decimal.Decimal(0)
MILLIGRAM = decimal.Decimal("0.000001")  # in kilograms


def _estimate_rule(user, prefix: str = "") -> Q | None:
    if not is_signed_in(user) or not can(user, ESTIMATES_READ.name):
        return None
    if user.is_international:
        return Q()
    rule = Q(**{f"{prefix}status": EstimateStatus.CONFIRMED})
    if user.country_id:
        rule |= Q(**{f"{prefix}country_id": user.country_id})
    return rule


@visibility_rule(Estimate)
def estimates_visible_to(queryset: QuerySet, user) -> QuerySet:
    rule = _estimate_rule(user)
    return queryset.none() if rule is None else queryset.filter(rule)


@visibility_rule(SupplementaryEstimate)
def supplements_visible_to(queryset: QuerySet, user) -> QuerySet:
    """A confirmed supplement of an estimate the reader sees; a submitted one, as submitted
    estimates, by the estimate's country and the secretariat."""
    rule = _estimate_rule(user, "estimate__")
    if rule is None:
        return queryset.none()
    if user.is_international:
        return queryset
    own = Q(status=EstimateStatus.CONFIRMED)
    if user.country_id:
        own |= Q(estimate__country_id=user.country_id)
    return queryset.filter(rule).filter(own)


@visibility_rule(Consumption)
def consumption_visible_to(queryset: QuerySet, user) -> QuerySet:
    """As estimates: published (confirmed) consumption is read by everyone; a figure the
    country reported, by the country and the secretariat until it is published."""
    rule = _estimate_rule(user)
    return queryset.none() if rule is None else queryset.filter(rule)


@visibility_rule(PopulationFigure)
def population_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Population and deaths come from published sources: every signed-in reader."""
    if not is_signed_in(user) or not can(user, ESTIMATES_READ.name):
        return queryset.none()
    return queryset


def _authorization_rule(user) -> Q | None:
    if not is_signed_in(user) or not can(user, AUTHORIZATIONS_READ.name):
        return None
    if user.is_international:
        return Q()
    if not user.country_id:
        return None
    return Q(importing_country_id=user.country_id) | Q(exporting_country_id=user.country_id)


@visibility_rule(ImportAuthorization)
@visibility_rule(ExportAuthorization)
def authorizations_visible_to(queryset: QuerySet, user) -> QuerySet:
    rule = _authorization_rule(user)
    return queryset.none() if rule is None else queryset.filter(rule)


def estimate_list(user, *, country=None, year=None, substance=None, system=None) -> QuerySet:
    queryset = visible(Estimate, user).select_related("country", "substance")
    if country:
        queryset = queryset.filter(country_id=country.upper())
    if year:
        queryset = queryset.filter(year=year)
    if substance:
        queryset = queryset.filter(substance__name_en__iexact=substance)
    if system:
        queryset = queryset.filter(system=system)
    return queryset.prefetch_related("supplements")


def estimate_get(user, estimate_id: int) -> Estimate:
    return get_visible_or_404(
        Estimate.objects.select_related("country", "substance"), user, pk=estimate_id
    )


def supplements_of(user, estimate: Estimate) -> QuerySet:
    return visible(SupplementaryEstimate, user).filter(estimate=estimate)


def supplement_get(user, supplement_id: int) -> SupplementaryEstimate:
    return get_visible_or_404(
        SupplementaryEstimate.objects.select_related("estimate"), user, pk=supplement_id
    )


def import_authorization_list(user, *, country=None, status=None) -> QuerySet:
    queryset = visible(ImportAuthorization, user).select_related(
        "importing_country", "exporting_country", "substance", "importer", "exporter"
    )
    if country:
        code = country.upper()
        queryset = queryset.filter(Q(importing_country_id=code) | Q(exporting_country_id=code))
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def import_authorization_get(user, authorization_id: int) -> ImportAuthorization:
    return get_visible_or_404(import_authorization_list(user), user, pk=authorization_id)


def export_authorization_list(user, *, country=None, status=None) -> QuerySet:
    queryset = visible(ExportAuthorization, user).select_related(
        "importing_country", "exporting_country", "substance", "import_authorization"
    )
    if country:
        code = country.upper()
        queryset = queryset.filter(Q(importing_country_id=code) | Q(exporting_country_id=code))
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def export_authorization_get(user, authorization_id: int) -> ExportAuthorization:
    return get_visible_or_404(export_authorization_list(user), user, pk=authorization_id)


def export_of(user, authorization: ImportAuthorization) -> ExportAuthorization | None:
    """The export authorization issued against an import authorization, if any."""
    return visible(ExportAuthorization, user).filter(import_authorization=authorization).first()


def consumption_list(user, *, country=None, year=None, substance=None, status=None) -> QuerySet:
    queryset = visible(Consumption, user).select_related("country", "substance")
    if country:
        queryset = queryset.filter(country_id=country.upper())
    if year:
        queryset = queryset.filter(year=year)
    if substance:
        queryset = queryset.filter(substance__name_en__iexact=substance)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def consumption_get(user, consumption_id: int) -> Consumption:
    return get_visible_or_404(consumption_list(user), user, pk=consumption_id)


def population_list(user, *, country=None, year=None) -> QuerySet:
    queryset = visible(PopulationFigure, user).select_related("country")
    if country:
        queryset = queryset.filter(country_id=country.upper())
    if year:
        queryset = queryset.filter(year=year)
    return queryset


def controlled_medicines() -> QuerySet:
    """The substances an estimate or authorization may name: listed under the 1961 or 1971
    Convention (registry data, read by every signed-in user)."""
    from drugcontrol.substances.models import Substance

    return (
        Substance.objects.filter(
            listings__instrument__in=["1961", "1971"], listings__country__isnull=True
        )
        .distinct()
        .order_by("name_en")
    )


def home_queue(user) -> dict | None:
    """The reader's work: import authorizations awaiting their country's export decision,
    shipments to their country to endorse, and (the secretariat) estimates to confirm."""
    from drugcontrol.core.permissions import may_sometimes

    queue = {"to_export": [], "to_endorse": [], "to_confirm": [], "to_publish": []}
    if user.country_id and may_sometimes(user, "medicines.export_authorize"):
        queue["to_export"] = list(
            import_authorization_list(user).filter(
                exporting_country_id=user.country_id, status=AuthorizationStatus.ISSUED
            )[:10]
        )
    if user.country_id and may_sometimes(user, "medicines.import_authorize"):
        queue["to_endorse"] = list(
            import_authorization_list(user).filter(
                importing_country_id=user.country_id,
                export_authorization__status=AuthorizationStatus.ISSUED,
            )[:10]
        )
    if may_sometimes(user, "medicines.estimate_confirm"):
        queue["to_confirm"] = list(estimate_list(user).filter(status=EstimateStatus.SUBMITTED)[:10])
    if may_sometimes(user, "medicines.consumption_confirm"):
        from django.db.models import Count

        from drugcontrol.core.models import Country

        pending = list(
            consumption_list(user, status=EstimateStatus.SUBMITTED)
            .values("country_id", "year")
            .annotate(figures=Count("pk"))
            .order_by("country_id", "year")[:20]
        )
        countries = Country.objects.in_bulk({row["country_id"] for row in pending})
        queue["to_publish"] = [{**row, "country": countries[row["country_id"]]} for row in pending]
    return queue if any(queue.values()) else None


# --- balances ---------------------------------------------------------------------------------


@dataclass
class Balance:
    country: str
    substance_id: int
    substance: str
    year: int
    system: str
    estimate_kg: decimal.Decimal  # confirmed estimate with its confirmed supplements
    authorized_kg: decimal.Decimal  # exports authorized to the country (received if endorsed)
    estimate_confirmed: bool

    def __post_init__(self):
        # Sums come back with the database's own scale (SQLite and PostgreSQL differ): one
        # scale, a milligram, whatever the database.
        self.estimate_kg = self.estimate_kg.quantize(MILLIGRAM)
        self.authorized_kg = decimal.Decimal(self.authorized_kg).quantize(MILLIGRAM)

    @property
    def remaining_kg(self) -> decimal.Decimal:
        return self.estimate_kg - self.authorized_kg


def charge_year() -> int:
    """The year an export authorization issued today is charged to."""
    from django.utils import timezone

    return timezone.localdate().year


def may_read_balances(user) -> bool:
    return is_signed_in(user) and can(user, AUTHORIZATIONS_READ.name)


def estimate_in_force(
    country: str, substance_id: int, year: int
) -> tuple[Estimate | None, decimal.Decimal]:
    """The confirmed estimate and its total with the confirmed supplements (0 without)."""
    estimate = (
        Estimate.objects.filter(
            country_id=country,
            substance_id=substance_id,
            year=year,
            status=EstimateStatus.CONFIRMED,
        )
        .select_related("substance")
        .annotate(
            added=Sum(
                "supplements__added_kg",
                filter=Q(supplements__status=EstimateStatus.CONFIRMED),
            )
        )
        .first()
    )
    if estimate is None:
        return None, ZERO
    return estimate, estimate.initial_kg + (estimate.added or ZERO)


def authorized_kg(country: str, substance_id: int, year: int) -> decimal.Decimal:
    """What exports authorized to the country take from its balance for the year: one
    indexed sum (the quantity received where endorsed)."""
    total = (
        ExportAuthorization.objects.filter(
            importing_country_id=country, substance_id=substance_id, year=year
        )
        .exclude(status=AuthorizationStatus.CANCELLED)
        .aggregate(total=Sum(Coalesce("received_kg", "base_kg")))["total"]
    )
    return total or ZERO


def balance_of(country: str, substance_id: int, year: int) -> Balance:
    estimate, total = estimate_in_force(country, substance_id, year)
    substance_name = estimate.substance.name_en if estimate else ""
    return Balance(
        country=country,
        substance_id=substance_id,
        substance=substance_name,
        year=year,
        system=estimate.system if estimate else "",
        estimate_kg=total,
        authorized_kg=authorized_kg(country, substance_id, year),
        estimate_confirmed=estimate is not None,
    )


def balance_list(user, *, country=None, year=None, substance=None) -> list[Balance]:
    """The balances of the confirmed estimates (as filtered); none for a reader who may not
    read them."""
    if not may_read_balances(user):
        return []
    estimates = Estimate.objects.filter(status=EstimateStatus.CONFIRMED).select_related("substance")
    if country:
        estimates = estimates.filter(country_id=country.upper())
    if year:
        estimates = estimates.filter(year=year)
    if substance:
        estimates = estimates.filter(substance__name_en__iexact=substance)
    estimates = list(estimates.order_by("country_id", "-year", "substance__name_en"))
    if not estimates:
        return []
    added = dict(
        SupplementaryEstimate.objects.filter(
            estimate__in=estimates, status=EstimateStatus.CONFIRMED
        )
        .values("estimate")
        .annotate(total=Sum("added_kg"))
        .values_list("estimate", "total")
    )
    keys = {(e.country_id, e.substance_id, e.year) for e in estimates}
    charged = {
        (row["importing_country"], row["substance"], row["year"]): row["total"]
        for row in ExportAuthorization.objects.filter(
            importing_country_id__in={k[0] for k in keys},
            substance_id__in={k[1] for k in keys},
            year__in={k[2] for k in keys},
        )
        .exclude(status=AuthorizationStatus.CANCELLED)
        .values("importing_country", "substance", "year")
        .annotate(total=Sum(Coalesce("received_kg", "base_kg")))
    }
    return [
        Balance(
            country=e.country_id,
            substance_id=e.substance_id,
            substance=e.substance.name_en,
            year=e.year,
            system=e.system,
            estimate_kg=e.initial_kg + (added.get(e.pk) or ZERO),
            authorized_kg=charged.get((e.country_id, e.substance_id, e.year)) or ZERO,
            estimate_confirmed=True,
        )
        for e in estimates
    ]
