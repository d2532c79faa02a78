"""Alternative development programmes: recorded by the country's authorities (or the
secretariat), each linked to first-level regions of its country so that cultivation inside
programme areas can be compared with the rest."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from drugcontrol.core.audit import record_event
from drugcontrol.core.bounds import read_decimal, read_int, read_text
from drugcontrol.core.countries import country_by_code
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.core.permissions import require
from drugcontrol.core.versioning import versioned_change
from drugcontrol.monitoring.choices import Livelihood
from drugcontrol.monitoring.models import CategoryOption, DevelopmentProgramme
from drugcontrol.monitoring.services.data import FIRST_YEAR

LAST_YEAR_AHEAD = 30  # a programme may be planned (begin and end) this many years ahead
FIELDS = (
    "name",
    "summary",
    "start_year",
    "end_year",
    "area_ha",
    "households",
    "livelihoods",
    "funding_usd",
    "funders",
)


@dataclass
class ProgrammeInput:
    """A programme as a form or the API gives it (every value as typed)."""

    country: object = None
    name: object = ""
    summary: object = ""
    start_year: object = None
    end_year: object = None
    area_ha: object = None
    households: object = None
    livelihoods: object = field(default_factory=list)
    funding_usd: object = None
    funders: object = ""
    regions: object = field(default_factory=list)  # ISO 3166-2 codes


def _text(value, name: str, problems: dict, *, required: bool = False) -> str:
    limit = DevelopmentProgramme._meta.get_field(name).max_length
    return read_text({name: value}, name, problems, max_length=limit, required=required)


def _codes(value, name: str, problems: dict) -> list[str]:
    """A list of codes (a string alone is one code); each at most 40 characters."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        problems[name] = [_("Give a list of codes.")]
        return []
    codes = list(dict.fromkeys(v.strip() for v in value if v.strip()))
    if len(codes) > 200 or any(len(code) > 40 for code in codes):
        problems[name] = [_("Give a list of codes.")]
        return []
    return codes


def _read(item: ProgrammeInput, country_code: str | None) -> tuple[dict, list, dict]:
    """(the programme's fields, its region options, {field: [problem]})."""
    problems: dict = {}
    this_year = timezone.localdate().year
    model = DevelopmentProgramme._meta
    fields = {
        "name": _text(item.name, "name", problems, required=True),
        "summary": _text(item.summary, "summary", problems),
        "funders": _text(item.funders, "funders", problems),
        "start_year": read_int(
            item.start_year,
            "start_year",
            problems,
            minimum=FIRST_YEAR,
            maximum=this_year + LAST_YEAR_AHEAD,
        ),
        "end_year": read_int(
            item.end_year,
            "end_year",
            problems,
            minimum=FIRST_YEAR,
            maximum=this_year + LAST_YEAR_AHEAD,
        ),
        "area_ha": read_decimal(
            item.area_ha, "area_ha", problems, field=model.get_field("area_ha")
        ),
        "households": read_int(
            item.households, "households", problems, minimum=0, maximum=100_000_000
        ),
        "funding_usd": read_decimal(
            item.funding_usd, "funding_usd", problems, field=model.get_field("funding_usd")
        ),
    }
    if fields["start_year"] is None and "start_year" not in problems:
        problems["start_year"] = [_("This field is required.")]
    if (
        fields["start_year"] is not None
        and fields["end_year"] is not None
        and fields["end_year"] < fields["start_year"]
    ):
        problems["end_year"] = [_("The last year cannot come before the first.")]
    livelihoods = _codes(item.livelihoods, "livelihoods", problems)
    unknown = [code for code in livelihoods if code not in Livelihood.values]
    if unknown:
        problems["livelihoods"] = [_("Unknown crop or product: %(code)s.") % {"code": unknown[0]}]
    fields["livelihoods"] = livelihoods
    codes = _codes(item.regions, "regions", problems)
    regions = list(
        CategoryOption.objects.filter(
            category__code="region", country_id=country_code, code__in=codes
        )
    )
    missing = sorted(set(codes) - {region.code for region in regions})
    if missing and country_code is not None:
        problems["regions"] = [
            _("%(option)s is not a region of %(country)s.")
            % {"option": missing[0], "country": country_code}
        ]
    return fields, regions, problems


def _snapshot(programme: DevelopmentProgramme) -> dict:
    values = {name: getattr(programme, name) for name in FIELDS}
    for name in ("area_ha", "funding_usd"):
        if values[name] is not None:
            values[name] = str(values[name])
    values["regions"] = sorted(programme.regions.values_list("code", flat=True))
    return values


def programme_create(*, actor, item: ProgrammeInput) -> DevelopmentProgramme:
    country = country_by_code(item.country) if isinstance(item.country, str) else None
    stub = DevelopmentProgramme(country=country)
    if country is None:
        raise ValidationFailed({"country": [_("Unknown country code.")]})
    require(actor, "monitoring.programme_keep", stub)
    fields, regions, problems = _read(item, country.iso3)
    if problems:
        raise ValidationFailed(problems)
    with transaction.atomic():
        programme = DevelopmentProgramme.objects.create(country=country, created_by=actor, **fields)
        programme.regions.set(regions)
        record_event(
            actor=actor,
            action="monitoring.programme_created",
            obj=programme,
            after={"country": country.iso3, **_snapshot(programme)},
        )
    return programme


def programme_update(
    *, actor, programme: DevelopmentProgramme, item: ProgrammeInput, expected_version=None
) -> DevelopmentProgramme:
    """Change a programme (its country stays); a stale `expected_version` is a conflict."""
    require(actor, "monitoring.programme_keep", programme)
    fields, regions, problems = _read(item, programme.country_id)
    if problems:
        raise ValidationFailed(problems)
    before = _snapshot(programme)
    with versioned_change(
        programme,
        expected_version=expected_version,
        actor=actor,
        action="monitoring.programme_changed",
    ) as change:
        change.before = before
        for name, value in fields.items():
            setattr(change.record, name, value)
        change.record.regions.set(regions)
        change.after = {**fields, "regions": sorted(region.code for region in regions)}
        for name in ("area_ha", "funding_usd"):
            if change.after[name] is not None:
                change.after[name] = str(change.after[name])
    return change.record
