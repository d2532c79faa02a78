"""Demo monitoring data, invented: ten years of national figures on drug use and supply for
about forty countries (each skipping some years, as countries do), the crop figures of the
countries where the demo grows opium poppy, coca bush and cannabis, and the approval at
every stage: older years published, last year's in every status, and China's last year a
draft that trips a year-on-year warning. Every data set the demo publishes carries the
secretariat's comment that its figures are invented, in both languages.

The figures are drawn from a seeded generator, around plausible orders of magnitude: none
is any country's real figure. Deterministic and idempotent: a data set already there is
left alone."""

import decimal
import random
import zlib

from django.utils import timezone

from drugcontrol.core.demo import demo_account
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.models import OrganisationKind, Role, User
from drugcontrol.monitoring import selectors, services
from drugcontrol.monitoring.expressions import parse_key
from drugcontrol.monitoring.models import (
    CategoryOption,
    DataSet,
    DevelopmentProgramme,
    Submission,
)

INVENTED = (
    "Invented demo figures, not this country's statistics. 虚构的演示数据，并非该国的统计数字。"
)
YEARS = 10
STAGES = ("draft", "submitted", "accepted", "published")  # of last year's data sets
EXPLAINED = (
    "The figure is confirmed by the national survey (demo). 该数字已由全国调查证实（演示）。"
)
COUNTRIES = [
    "CHN", "DEU", "MEX", "IND", "NLD", "USA", "CAN", "BRA", "ARG", "CHL",
    "COL", "PER", "BOL", "GBR", "FRA", "ESP", "ITA", "POL", "SWE", "RUS",
    "UKR", "TUR", "IRN", "AFG", "PAK", "THA", "MMR", "LAO", "VNM", "PHL",
    "IDN", "MYS", "AUS", "NZL", "JPN", "KOR", "ZAF", "NGA", "KEN", "MAR", "EGY",
]  # fmt: skip
SUPPLY_EVERY = 2  # every other country of the list also reports supply
CROPS = {
    "AFG": "opium_poppy",
    "MMR": "opium_poppy",
    "LAO": "opium_poppy",
    "MEX": "opium_poppy",
    "COL": "coca_bush",
    "PER": "coca_bush",
    "BOL": "coca_bush",
    "MAR": "cannabis_plant",
}
# Past-year prevalence (%) ranges by drug, and the ratios lifetime and past month keep to it.
PREVALENCE = {
    "cannabis": (1.0, 12.0),
    "cocaine": (0.1, 2.5),
    "amphetamines": (0.1, 1.5),
    "ecstasy": (0.1, 1.0),
    "opiates": (0.05, 1.0),
    "pharmaceutical_opioids": (0.2, 3.0),
    "sedatives": (0.5, 5.0),
}
PRICES = {  # retail US$ a gram, wholesale US$ a kilogram (ranges)
    "cannabis": ((4, 20), (800, 4000)),
    "cocaine": ((40, 150), (20000, 60000)),
    "amphetamines": ((10, 60), (5000, 30000)),
    "opiates": ((30, 200), (15000, 60000)),
}
SEIZED = {
    "cannabis": (500, 400000),
    "cocaine": (5, 60000),
    "amphetamines": (5, 20000),
    "opiates": (5, 20000),
}


def _q(value: float, places: int = 2) -> str:
    return str(round(decimal.Decimal(str(value)), places))


def _account(country: str) -> User:
    """The country's monitoring focal point (its authority's statistics office)."""
    if country == "DEU":  # the README's focal point of Germany's authority
        found = User.objects.select_related("organisation").filter(username="deu_officer").first()
        if found is not None:
            return found
    return demo_account(
        username=f"demo_{country.lower()}_statistics",
        kind=OrganisationKind.COMPETENT_AUTHORITY,
        country=country,
        organisation_name=f"{country} National Drug Observatory (demo)",
        role=Role.FOCAL_POINT,
    )


def _use_values(rng: random.Random, profile: dict, year_index: int) -> list:
    trend = 1 + profile["trend"] * year_index
    items = [
        services.ValueInput(
            "POP_15_64", {}, str(int(profile["population"] * (1 + 0.006 * year_index)))
        )
    ]
    for drug, past_year in profile["prevalence"].items():
        value = past_year * trend * rng.uniform(0.93, 1.07)
        items += [
            services.ValueInput("PREV", {"drug": drug, "period": "past_year"}, _q(value)),
            services.ValueInput(
                "PREV", {"drug": drug, "period": "lifetime"}, _q(value * profile["lifetime"])
            ),
            services.ValueInput(
                "PREV", {"drug": drug, "period": "past_month"}, _q(value * profile["month"])
            ),
        ]
    population = profile["population"]
    problem = int(population * profile["problem"] * trend)
    pwid = int(population * profile["pwid"])
    hiv = profile["hiv"] * (1 + profile["hiv_trend"]) ** year_index
    treated = int(problem * min(0.6, profile["coverage"] * (1 + 0.04 * year_index)))
    shares = {"opiates": 0.45, "cannabis": 0.25, "amphetamines": 0.15, "cocaine": 0.1}
    items += [
        services.ValueInput("PROBLEM_USERS", {}, str(problem)),
        services.ValueInput("PWID", {}, str(pwid)),
        services.ValueInput("PWID_HIV", {}, _q(min(hiv, 80))),
        services.ValueInput("PWID_HCV", {}, _q(profile["hcv"] * rng.uniform(0.95, 1.05))),
        services.ValueInput("PWID_HBV", {}, _q(profile["hbv"] * rng.uniform(0.9, 1.1))),
        services.ValueInput("TREAT_TOTAL", {}, str(treated)),
        *[
            services.ValueInput("TREAT", {"drug": drug}, str(int(treated * share)))
            for drug, share in shares.items()
        ],
        services.ValueInput(
            "DEATHS", {"sex": "men"}, str(int(problem * 0.004 * rng.uniform(0.8, 1.2)))
        ),
        services.ValueInput(
            "DEATHS", {"sex": "women"}, str(int(problem * 0.0012 * rng.uniform(0.8, 1.2)))
        ),
    ]
    return items


def _supply_values(rng: random.Random, profile: dict, year_index: int) -> list:
    items = []
    for drug in SEIZED:
        base = profile["seized"][drug]
        kilograms = base * rng.uniform(0.6, 1.6)
        items += [
            services.ValueInput("SEIZ_KG", {"drug": drug}, _q(kilograms, 1)),
            services.ValueInput(
                "SEIZ_CASES", {"drug": drug}, str(max(1, int(kilograms / rng.uniform(2, 40))))
            ),
        ]
    for drug in PRICES:
        retail = profile["price"][drug] * (1 + 0.02 * year_index)
        items += [
            services.ValueInput("PRICE_RETAIL", {"drug": drug}, _q(retail)),
            services.ValueInput(
                "PRICE_WHOLESALE", {"drug": drug}, _q(retail * rng.uniform(250, 600), 0)
            ),
            services.ValueInput("PURITY_RETAIL", {"drug": drug}, _q(rng.uniform(15, 70), 1)),
        ]
    items.append(services.ValueInput("LABS", {"drug": "amphetamines"}, str(rng.randint(0, 40))))
    return items


# Programmes start this many years into the demo's span, and cultivation in their regions
# falls by this share a year against the rest of the country.
PROGRAMME_START = 3
PROGRAMME_EFFECT = 0.12
GROWING_REGIONS = 6


def growing_regions(country: str) -> list[str]:
    """The demo's growing regions of a crop country (a fixed pick of its regions), the
    first two of them covered by its alternative development programme."""
    codes = sorted(
        CategoryOption.objects.filter(category__code="region", country_id=country).values_list(
            "code", flat=True
        ),
        key=lambda code: zlib.crc32(code.encode()),
    )
    return codes[:GROWING_REGIONS]


def _regional_values(country: str, crop: str, area: float, year_index: int) -> list:
    """The national area spread over the growing regions (nine tenths of it: the rest is
    not attributed), falling faster in the programme's regions once it runs. A generator of
    its own, so the other countries' figures stay as they were."""
    rng = random.Random(zlib.crc32(f"{country}{year_index}".encode()))
    regions = growing_regions(country)
    if not regions:
        return []
    since = max(0, year_index - PROGRAMME_START + 1)
    weights = [
        (1 + zlib.crc32(code.encode()) % 5) * ((1 - PROGRAMME_EFFECT) ** since if i < 2 else 1)
        for i, code in enumerate(regions)
    ]
    total = sum(weights)
    items = []
    for code, weight in zip(regions, weights, strict=True):
        part = area * 0.9 * weight / total
        options = {"region": code, "crop": crop}
        items.append(services.ValueInput("CULT_REGION_HA", options, _q(part, 0)))
        items.append(
            services.ValueInput("ERAD_REGION_HA", options, _q(part * rng.uniform(0.01, 0.1), 0))
        )
    return items


def _crop_values(rng: random.Random, crop: str, year_index: int, country: str = "") -> list:
    base = {"opium_poppy": 60000, "coca_bush": 80000, "cannabis_plant": 40000}[crop]
    area = base * rng.uniform(0.2, 1.5) * (1 + 0.05 * year_index)
    yield_kg = {"opium_poppy": 25, "coca_bush": 6000, "cannabis_plant": 900}[crop]
    return [
        *_regional_values(country, crop, area, year_index),
        services.ValueInput("CULT_HA", {"crop": crop}, _q(area, 0)),
        services.ValueInput("YIELD", {"crop": crop}, _q(yield_kg * rng.uniform(0.8, 1.2), 1)),
        services.ValueInput(
            "ERAD_HA", {"crop": crop, "method": "manual"}, _q(area * rng.uniform(0.01, 0.15), 0)
        ),
    ]


def _profile(rng: random.Random) -> dict:
    return {
        "population": rng.randint(2, 900) * 1_000_000,
        "trend": rng.uniform(-0.03, 0.04),
        "prevalence": {drug: rng.uniform(*bounds) for drug, bounds in PREVALENCE.items()},
        "lifetime": rng.uniform(2.5, 4.0),
        "month": rng.uniform(0.4, 0.7),
        "problem": rng.uniform(0.003, 0.01),
        "pwid": rng.uniform(0.001, 0.005),
        "hiv": rng.uniform(1, 30),
        "hiv_trend": rng.uniform(-0.12, 0.03),
        "hcv": rng.uniform(20, 70),
        "hbv": rng.uniform(2, 10),
        "coverage": rng.uniform(0.05, 0.3),
        "seized": {drug: rng.uniform(*bounds) for drug, bounds in SEIZED.items()},
        "price": {drug: rng.uniform(*prices[0]) for drug, prices in PRICES.items()},
    }


def _secretariat() -> User | None:
    return (
        User.objects.select_related("organisation")
        .filter(username="intl_admin", is_active=True)
        .first()
    )


def load(result) -> None:
    secretariat = _secretariat()
    if secretariat is None:
        return
    if not DataSet.objects.exists():  # the shipped definitions, as load_reference loads them
        services.definitions_load()
    last_year = timezone.localdate().year - 1
    first_year = last_year - YEARS + 1
    datasets = {d.code: d for d in DataSet.objects.all()}
    done = set(Submission.objects.values_list("country_id", "dataset__code", "year"))
    rng = random.Random(30)
    for number, country in enumerate(COUNTRIES):
        profile = _profile(rng)
        skipped = set(rng.sample(range(first_year, last_year), rng.randint(0, 3)))
        account = None
        for year in range(first_year, last_year + 1):
            if year in skipped:
                continue
            index = year - first_year
            wanted = [("ARQ_USE", _use_values(rng, profile, index))]
            if number % SUPPLY_EVERY == 0:
                wanted.append(("ARQ_SUPPLY", _supply_values(rng, profile, index)))
            if country in CROPS:
                wanted.append(("CROPS", _crop_values(rng, CROPS[country], index, country)))
            for code, items in wanted:
                if (country, code, year) in done:
                    continue
                account = account or _account(country)
                _one(result, account, secretariat, country, datasets[code], year, items, last_year)
    for country in CROPS:
        _programme(result, country, first_year + PROGRAMME_START)


def _programme(result, country: str, start_year: int) -> None:
    """One alternative development programme in the first two growing regions."""
    regions = growing_regions(country)[:2]
    if not regions or DevelopmentProgramme.objects.filter(country_id=country).exists():
        return
    names = dict(CategoryOption.objects.filter(code__in=regions).values_list("code", "name_en"))
    services.programme_create(
        actor=_account(country),
        item=services.ProgrammeInput(
            country=country,
            name=f"Alternative livelihoods in {' and '.join(names[c] for c in regions)} (demo)",
            summary=INVENTED,
            start_year=start_year,
            area_ha=str(1500 + zlib.crc32(country.encode()) % 4000),
            households=2000 + zlib.crc32(country.encode()) % 9000,
            livelihoods=["coffee", "cocoa", "fruit", "honey"]
            if CROPS[country] == "coca_bush"
            else ["saffron", "fruit", "livestock", "wheat"],
            funding_usd=str(5_000_000 + zlib.crc32(country.encode()) % 20_000_000),
            funders="Invented donors (demo)",
            regions=regions,
        ),
    )
    result.created += 1


def _one(result, account, secretariat, country, dataset, year, items, last_year) -> None:
    submission = services.submission_open(
        actor=account, country=country, dataset=dataset, year=year
    )
    if country == "CHN" and year == last_year and dataset.code == "ARQ_USE":
        # A draft tripping a warning: HIV among people who inject drugs tripled.
        items = [
            services.ValueInput(i.element, i.options, _q(float(i.value) * 3))
            if i.element == "PWID_HIV"
            else i
            for i in items
        ]
    services.values_set(actor=account, submission=submission, items=items, source="demo")
    result.created += 1
    if year == last_year:
        stage = STAGES[zlib.crc32(f"{country}{dataset.code}".encode()) % len(STAGES)]
        if country == "CHN":
            stage = "draft"
    else:
        stage = "published"
    if stage == "draft":
        return
    try:
        submission = services.submission_act(actor=account, submission=submission, action="submit")
    except ValidationFailed:
        if not _explain(account, submission):
            return
        submission = services.submission_act(actor=account, submission=submission, action="submit")
    if stage in ("accepted", "published"):
        submission = services.submission_act(
            actor=secretariat, submission=submission, action="accept"
        )
    if stage == "published":
        services.submission_act(
            actor=secretariat, submission=submission, action="publish", comment=INVENTED
        )


def _explain(account, submission) -> bool:
    """A warning the generator tripped is explained on its first value; an error leaves the
    data set a draft (False)."""
    report = selectors.validation_report(submission)
    if any(v.is_error for v in report):
        return False
    values = selectors.values_of(submission)
    for violation in report:
        element, key = violation.cells[0]
        item = services.ValueInput(element, parse_key(key), values[(element, key)], EXPLAINED)
        services.value_set(actor=account, submission=submission, item=item, source="demo")
    return True
