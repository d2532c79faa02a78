"""Demo data, invented: consumption of opioids, population and deaths from cancer and
HIV/AIDS for 42 countries over the ten past years (high-, middle- and low-availability
countries, some with years missing, as real reporting has), published by the secretariat
except Mexico's latest year, reported and awaiting publication; this year's estimates of
five opioids for a dozen countries (some generous, some scarce, as availability is),
confirmed by the secretariat; and authorizations between the demo's authorities at each
stage: China's morphine from Germany shipped and endorsed, Mexico's fentanyl from Germany
and Germany's codeine from China awaiting the exporter's decision. No figure is any
country's real one. Idempotent."""

import datetime
import zlib

from django.utils import timezone

from drugcontrol.core.demo import demo_account
from drugcontrol.core.models import OrganisationKind, Role, User
from drugcontrol.medicines import services, statistics
from drugcontrol.medicines.models import Estimate, ImportAuthorization, PopulationFigure

# Consumption (kg of base a year) per million inhabitants-ish: invented orders of magnitude.
DRUGS = {"Morphine": 40, "Codeine": 300, "Fentanyl": 0.5, "Oxycodone": 20, "Methadone": 15}
COUNTRIES = {  # ISO3: (availability factor, population in millions; invented)
    "CHN": (0.05, 1400), "DEU": (3.0, 84), "MEX": (0.2, 128), "IND": (0.03, 1420),
    "USA": (4.0, 335), "GBR": (2.5, 67), "AUS": (3.5, 26), "BRA": (0.3, 215),
    "NGA": (0.01, 220), "KEN": (0.02, 55), "THA": (0.15, 70), "FRA": (2.8, 68),
    "NLD": (2.6, 18),
}  # fmt: skip
SHIPMENTS = [  # number, importer's user or country, exporter, drug, kg, stage
    ("CN-DEMO-001", "CHN", "DEU", "Morphine", "12", "endorsed"),
    ("MX-DEMO-001", "MEX", "DEU", "Fentanyl", "0.8", "issued"),
    ("DE-DEMO-001", "DEU", "CHN", "Codeine", "150", "issued"),
]
DEMO_USERS = {"CHN": "chn_officer", "DEU": "deu_officer", "MEX": "mex_officer"}
DEMO_SOURCE = "demo figures (invented)"
YEARS = 10
# ISO3: (opioid analgesics in S-DDD per million inhabitants per day, population in millions,
# deaths from cancer and from HIV/AIDS per 100,000): invented orders of magnitude.
AVAILABILITY = {
    "USA": (30000, 335, 180, 2), "CAN": (25000, 39, 220, 1), "DEU": (20000, 84, 280, 1),
    "AUT": (22000, 9, 230, 1), "CHE": (18000, 9, 200, 1), "GBR": (12000, 67, 250, 1),
    "FRA": (11000, 68, 260, 1), "NLD": (14000, 18, 260, 1), "BEL": (15000, 12, 250, 1),
    "DNK": (13000, 6, 270, 1), "AUS": (14000, 26, 190, 1), "NZL": (9000, 5, 200, 1),
    "ESP": (9000, 48, 240, 1), "ITA": (7000, 59, 300, 1), "JPN": (1500, 124, 300, 0),
    "KOR": (1200, 52, 160, 0), "CHN": (150, 1410, 170, 3), "IND": (30, 1420, 60, 4),
    "RUS": (200, 144, 200, 20), "BRA": (350, 215, 110, 6), "MEX": (180, 128, 70, 4),
    "ARG": (900, 46, 150, 3), "CHL": (800, 19, 150, 3), "COL": (350, 52, 100, 5),
    "PER": (150, 34, 100, 5), "ZAF": (250, 60, 90, 300), "EGY": (60, 110, 70, 0),
    "MAR": (50, 37, 80, 1), "NGA": (3, 220, 40, 25), "KEN": (15, 55, 70, 50),
    "ETH": (2, 125, 50, 20), "UGA": (20, 48, 50, 40), "TZA": (8, 65, 50, 45),
    "PAK": (10, 235, 50, 2), "BGD": (5, 170, 60, 0), "IDN": (10, 277, 80, 10),
    "VNM": (30, 100, 120, 5), "THA": (150, 70, 180, 15), "PHL": (20, 115, 60, 2),
    "IRN": (500, 88, 90, 2), "TUR": (400, 85, 140, 0), "UKR": (60, 38, 200, 20),
}  # fmt: skip
# Each drug's share of the opioid analgesics' S-DDD, and its S-DDD in mg (methadone apart,
# as a share of the same total).
SHARES = {
    "Morphine": (0.30, 100), "Fentanyl": (0.35, 0.6), "Oxycodone": (0.15, 75),
    "Codeine": (0.10, 100), "Hydromorphone": (0.05, 20), "Pethidine": (0.05, 400),
    "Methadone": (0.20, 25),
}  # fmt: skip


def _jitter(*parts) -> float:
    return 0.85 + (zlib.crc32("".join(map(str, parts)).encode()) % 30) / 100


def _statistics(secretariat: User, result) -> None:
    """Ten years of population, deaths and consumption (kg of base), invented."""
    if PopulationFigure.objects.filter(source=DEMO_SOURCE).exists():
        return
    last = timezone.localdate().year - 1
    people, used, reported = [], [], []
    for country, (sddd, millions, cancer, hiv) in AVAILABILITY.items():
        for offset in range(YEARS):
            year = last - YEARS + 1 + offset
            population = int(millions * 1_000_000 * (1 + 0.01 * (offset - YEARS)))
            people.append(
                {
                    "country": country,
                    "year": year,
                    "population": population,
                    "cancer_deaths": int(population * cancer / 100_000),
                    "hiv_deaths": int(population * hiv / 100_000),
                    "source": DEMO_SOURCE,
                }
            )
            # Low-availability countries miss some years' reports; availability grows.
            if sddd < 100 and zlib.crc32(f"{country}{year}".encode()) % 5 == 0:
                continue
            level = sddd * (1 + 0.04 * (offset - YEARS + 1)) * _jitter(country, year)
            for drug, (share, mg) in SHARES.items():
                kg = share * level * 365 * mg / 1_000_000 * population / 1_000_000
                figure = {
                    "country": country,
                    "year": year,
                    "substance": drug,
                    "quantity_kg": f"{max(kg, 0.001):.3f}",
                }
                (reported if country == "MEX" and year == last else used).append(figure)
    statistics.population_record_many(actor=secretariat, figures=people, name="demo")
    statistics.consumption_record_many(actor=secretariat, figures=used, name="demo")
    statistics.consumption_record_many(actor=_authority("MEX"), figures=reported, name="demo")
    result.created += len(people) + len(used) + len(reported)


def _authority(country: str) -> User:
    username = DEMO_USERS.get(country)
    found = User.objects.filter(username=username, is_active=True).first() if username else None
    return found or demo_account(
        username=f"demo_{country.lower()}_medicines",
        kind=OrganisationKind.COMPETENT_AUTHORITY,
        country=country,
        organisation_name=f"{country} Controlled Medicines Office (demo)",
        role=Role.OFFICER,
    )


def load(result) -> None:
    secretariat = User.objects.filter(username="intl_admin", is_active=True).first()
    if secretariat is None:
        return
    _statistics(secretariat, result)
    year = timezone.localdate().year
    for country, (factor, millions) in COUNTRIES.items():
        for drug, per_million in DRUGS.items():
            if Estimate.objects.filter(
                country_id=country, year=year, substance__name_en=drug
            ).exists():
                continue
            jitter = 0.8 + (zlib.crc32(f"{country}{drug}".encode()) % 40) / 100
            kg = max(0.001, per_million * factor * millions / 100 * jitter)
            estimate = services.estimate_submit(
                actor=_authority(country),
                country=country,
                year=year,
                substance=drug,
                consumption_kg=f"{kg:.3f}",
                stock_kg=f"{kg * 0.2:.3f}",
            )
            services.estimate_confirm(actor=secretariat, estimate=estimate)
            result.created += 1
    for number, importing, exporting, drug, kg, stage in SHIPMENTS:
        if ImportAuthorization.objects.filter(number=number).exists():
            continue
        authorization = services.import_authorization_issue(
            actor=_authority(importing),
            number=number,
            importing_country=importing,
            exporting_country=exporting,
            substance=drug,
            quantity=kg,
            unit="kg",
            importer=f"{importing} Central Medical Stores (demo)",
            exporter=f"{exporting} Alkaloid Works (demo)",
            valid_until=timezone.localdate() + datetime.timedelta(days=120),
        )
        result.created += 1
        if stage == "endorsed":
            export = services.export_authorization_issue(
                actor=_authority(exporting),
                number=number.replace("DEMO", "EXPORT"),
                import_authorization=authorization,
            )
            services.shipment_endorse(
                actor=_authority(importing), export_authorization=export, received_kg=kg
            )
