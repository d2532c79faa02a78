"""Every write of the annual statistics behind availability: consumption per country, year
and drug (reported by the country's competent authority, published by the secretariat;
the secretariat's own figures published as recorded) and population with deaths from
cancer and HIV/AIDS per country and year (kept by the secretariat from published sources).

Files come many figures at a time: `consumption_record_many` and `population_record_many`
check every figure first, name each problem by its item, and save all of them or none,
with one audit event for the lot."""

from django.db import transaction
from django.utils import timezone

from drugcontrol.core.audit import record_event
from drugcontrol.core.bounds import read_decimal, read_int, read_text
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.core.permissions import can, require
from drugcontrol.medicines import services
from drugcontrol.medicines.models import Consumption, EstimateStatus, PopulationFigure

LARGEST_POPULATION = 2_000_000_000
LARGEST_DEATHS = 20_000_000


def _year(value, problems: dict) -> int | None:
    """A past or current year: statistics are of what happened."""
    return read_int(
        value, "year", problems, minimum=services.FIRST_YEAR, maximum=timezone.localdate().year
    )


class _Substances:
    """Substance look-ups of one file, each name checked once."""

    def __init__(self):
        self.found: dict[str, tuple] = {}

    def __call__(self, value, problems: dict):
        key = str(value).strip().lower() if isinstance(value, str) else value
        if key not in self.found:
            found_problems: dict = {}
            self.found[key] = (services._substance(value, found_problems), found_problems)
        substance, found_problems = self.found[key]
        problems.update(found_problems)
        return substance


def _consumption_figure(actor, item: dict, substances: _Substances) -> tuple[dict, dict]:
    problems: dict = {}
    country = services._country(item.get("country"), problems, "country")
    if country is not None and not can(
        actor, "medicines.consumption_report", Consumption(country=country)
    ):
        problems["country"] = [_("You report only your own country's consumption.")]
    year = _year(item.get("year"), problems)
    if item.get("year") in (None, "") and "year" not in problems:
        problems["year"] = [_("This field is required.")]
    substance = substances(item.get("substance"), problems)
    quantity = read_decimal(
        item.get("quantity_kg"),
        "quantity_kg",
        problems,
        field=Consumption._meta.get_field("quantity_kg"),
    )
    if quantity is None and "quantity_kg" not in problems:
        problems["quantity_kg"] = [_("This field is required.")]
    expected = item.get("version")
    return {
        "country": country,
        "year": year,
        "substance": substance,
        "quantity_kg": quantity,
        "version": expected,
    }, problems


def consumption_record_many(*, actor, figures: list[dict], name: str = "") -> dict:
    """Consumption figures (`country`, `year`, `substance`, `quantity_kg`, optionally the
    `version` read), new or changed; all or none. A competent authority's figures await
    publication (a published figure it changes goes back to awaiting it); the
    secretariat's are published as recorded. Raises ValidationFailed with each item's
    problems under its index."""
    require(actor, "medicines.consumption_report")
    substances = _Substances()
    checked, report = [], {}
    for index, item in enumerate(figures):
        figure, problems = _consumption_figure(actor, item, substances)
        if problems:
            report[index] = problems
        checked.append(figure)
    if report:
        raise ValidationFailed(report, message=_("The figures have errors; nothing was saved."))
    status = EstimateStatus.CONFIRMED if actor.is_international else EstimateStatus.SUBMITTED
    keys = {(f["country"].pk, f["year"], f["substance"].pk) for f in checked}
    if len(keys) < len(checked):
        raise ValidationFailed(
            {"file": [_("The same country, year and drug are given twice.")]},
            message=_("The figures have errors; nothing was saved."),
        )
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    with transaction.atomic():
        existing = {
            (row.country_id, row.year, row.substance_id): row
            for row in Consumption.objects.select_for_update().filter(
                country_id__in={k[0] for k in keys},
                year__in={k[1] for k in keys},
                substance_id__in={k[2] for k in keys},
            )
        }
        new, changed = [], []
        stale = {}
        for index, figure in enumerate(checked):
            key = (figure["country"].pk, figure["year"], figure["substance"].pk)
            row = existing.get(key)
            if row is None:
                new.append(
                    Consumption(
                        country=figure["country"],
                        year=figure["year"],
                        substance=figure["substance"],
                        quantity_kg=figure["quantity_kg"],
                        status=status,
                        reported_by=actor,
                    )
                )
                continue
            if figure["version"] not in (None, "") and str(figure["version"]) != str(row.version):
                stale[index] = {
                    "version": [_("Changed by someone else since you read it; reload it.")]
                }
                continue
            if row.quantity_kg == figure["quantity_kg"] and row.status == status:
                counts["unchanged"] += 1
                continue
            row.quantity_kg = figure["quantity_kg"]
            row.status = status
            row.reported_by = actor
            row.version += 1
            row.updated_at = timezone.now()
            changed.append(row)
        if stale:
            transaction.set_rollback(True)
            raise ValidationFailed(stale, message=_("The figures have errors; nothing was saved."))
        Consumption.objects.bulk_create(new, batch_size=1000)
        Consumption.objects.bulk_update(
            changed,
            ["quantity_kg", "status", "reported_by", "version", "updated_at"],
            batch_size=1000,
        )
        counts["new"], counts["changed"] = len(new), len(changed)
        record_event(
            actor=actor,
            action="medicines.consumption_reported",
            obj=None,
            after={
                **counts,
                "file": name[:200],
                "countries": sorted({k[0] for k in keys})[:50],
                "published": status == EstimateStatus.CONFIRMED,
            },
        )
    return counts


def consumption_confirm(*, actor, country, year) -> int:
    """The secretariat publishes what a country reported for a year; the number published."""
    require(actor, "medicines.consumption_confirm")
    problems: dict = {}
    found = services._country(country, problems, "country")
    found_year = _year(year, problems)
    if problems:
        raise ValidationFailed(problems)
    with transaction.atomic():
        pending = list(
            Consumption.objects.select_for_update()
            .filter(country=found, year=found_year, status=EstimateStatus.SUBMITTED)
            .values_list("pk", flat=True)
        )
        if not pending:
            raise ValidationFailed(
                {"year": [_("Nothing reported for this country and year awaits publication.")]}
            )
        count = Consumption.objects.filter(pk__in=pending).update(
            status=EstimateStatus.CONFIRMED, updated_at=timezone.now()
        )
        record_event(
            actor=actor,
            action="medicines.consumption_published",
            obj=None,
            after={"country": found.pk, "year": found_year, "figures": count},
        )
    return count


def _population_figure(item: dict) -> tuple[dict, dict]:
    problems: dict = {}
    country = services._country(item.get("country"), problems, "country")
    year = _year(item.get("year"), problems)
    if item.get("year") in (None, "") and "year" not in problems:
        problems["year"] = [_("This field is required.")]
    population = read_int(
        item.get("population"), "population", problems, minimum=1, maximum=LARGEST_POPULATION
    )
    if population is None and "population" not in problems:
        problems["population"] = [_("This field is required.")]
    deaths = {
        name: read_int(item.get(name), name, problems, minimum=0, maximum=LARGEST_DEATHS)
        for name in ("cancer_deaths", "hiv_deaths")
    }
    if population is not None:
        for name, value in deaths.items():
            if value is not None and value > population and name not in problems:
                problems[name] = [_("More deaths than inhabitants.")]
    source = read_text(item, "source", problems, max_length=200)
    return {
        "country": country,
        "year": year,
        "population": population,
        **deaths,
        "source": source,
    }, problems


def population_record_many(*, actor, figures: list[dict], name: str = "") -> dict:
    """Population and deaths (`country`, `year`, `population`, `cancer_deaths`,
    `hiv_deaths`, `source`), new or replacing what is on file; all or none."""
    require(actor, "medicines.population_keep")
    checked, report = [], {}
    for index, item in enumerate(figures):
        figure, problems = _population_figure(item)
        if problems:
            report[index] = problems
        checked.append(figure)
    if report:
        raise ValidationFailed(report, message=_("The figures have errors; nothing was saved."))
    keys = {(f["country"].pk, f["year"]) for f in checked}
    if len(keys) < len(checked):
        raise ValidationFailed(
            {"file": [_("The same country and year are given twice.")]},
            message=_("The figures have errors; nothing was saved."),
        )
    fields = ("population", "cancer_deaths", "hiv_deaths", "source")
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    with transaction.atomic():
        existing = {
            (row.country_id, row.year): row
            for row in PopulationFigure.objects.select_for_update().filter(
                country_id__in={k[0] for k in keys}, year__in={k[1] for k in keys}
            )
        }
        new, changed = [], []
        for figure in checked:
            row = existing.get((figure["country"].pk, figure["year"]))
            if row is None:
                new.append(PopulationFigure(**figure))
            elif all(getattr(row, field) == figure[field] for field in fields):
                counts["unchanged"] += 1
            else:
                for field in fields:
                    setattr(row, field, figure[field])
                row.version += 1
                row.updated_at = timezone.now()
                changed.append(row)
        PopulationFigure.objects.bulk_create(new, batch_size=1000)
        PopulationFigure.objects.bulk_update(
            changed, [*fields, "version", "updated_at"], batch_size=1000
        )
        counts["new"], counts["changed"] = len(new), len(changed)
        record_event(
            actor=actor,
            action="medicines.population_recorded",
            obj=None,
            after={**counts, "file": name[:200]},
        )
    return counts
