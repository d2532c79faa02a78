"""Demo data, invented: this year's estimates of five opioids for a dozen countries (some
generous, some scarce, as availability is), confirmed by the secretariat, and
authorizations between the demo's authorities at each stage: China's morphine from Germany
shipped and endorsed, Mexico's fentanyl from Germany and Germany's codeine from China
awaiting the exporter's decision. No figure is any country's real estimate. Idempotent."""

import datetime
import zlib

from django.utils import timezone

from drugcontrol.core.demo import demo_account
from drugcontrol.core.models import OrganisationKind, Role, User
from drugcontrol.medicines import services
from drugcontrol.medicines.models import Estimate, ImportAuthorization

# Consumption (kg of base a year) per million inhabitants-ish: invented orders of magnitude.
DRUGS = {"Morphine": 40, "Codeine": 300, "Fentanyl": 0.5, "Oxycodone": 20, "Methadone": 15}
COUNTRIES = {  # ISO3: (availability factor, population in millions; invented)
    "CHN": (0.05, 1400), "DEU": (3.0, 84), "MEX": (0.2, 128), "IND": (0.03, 1420),
    "USA": (4.0, 335), "GBR": (2.5, 67), "AUS": (3.5, 26), "BRA": (0.3, 215),
    "NGA": (0.01, 220), "KEN": (0.02, 55), "THA": (0.15, 70), "FRA": (2.8, 68),
}  # fmt: skip
SHIPMENTS = [  # number, importer's user or country, exporter, drug, kg, stage
    ("CN-DEMO-001", "CHN", "DEU", "Morphine", "12", "endorsed"),
    ("MX-DEMO-001", "MEX", "DEU", "Fentanyl", "0.8", "issued"),
    ("DE-DEMO-001", "DEU", "CHN", "Codeine", "150", "issued"),
]
DEMO_USERS = {"CHN": "chn_officer", "DEU": "deu_officer", "MEX": "mex_officer"}


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
