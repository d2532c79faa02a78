"""Demo incidents: a year of seizures and stopped shipments across about forty countries,
with the same companies and people written in different scripts and spellings, so that the
correlation shows. Deterministic and idempotent (each demo incident carries its key)."""

import datetime
import random

from django.utils import timezone

from drugcontrol.core.demo import demo_account
from drugcontrol.core.models import OrganisationKind, Role, User
from drugcontrol.core.visibility import visible
from drugcontrol.entities.models import Party
from drugcontrol.incidents import services
from drugcontrol.incidents.models import Incident

REPORTERS = [
    "CHN",
    "IND",
    "NLD",
    "DEU",
    "MEX",
    "USA",
    "CAN",
    "AUS",
    "GBR",
    "FRA",
    "BEL",
    "ESP",
    "BRA",
    "COL",
    "NGA",
    "ZAF",
    "THA",
    "MYS",
    "PHL",
    "ARE",
    "TUR",
    "KAZ",
]
ROUTE_COUNTRIES = [
    *REPORTERS,
    "PAK",
    "AFG",
    "IRN",
    "MMR",
    "LAO",
    "VNM",
    "IDN",
    "SGP",
    "KOR",
    "JPN",
    "ARG",
    "PER",
    "BOL",
    "ECU",
    "GTM",
    "PAN",
    "GHA",
    "ETH",
    "KEN",
    "EGY",
    "SAU",
    "RUS",
    "POL",
    "ITA",
]
# The same company as different countries wrote it down.
COMPANIES = [
    [
        "广州天河化工有限公司",
        "Guangzhou Tianhe Huagong Youxian Gongsi",
        "Guangzhou Tianhe Chemical Co., Ltd.",
        "GUANGZOU TIANHE CHEMICAL",
    ],
    [
        "上海恒泰医药科技有限公司",
        "Shanghai Hengtai Yiyao Keji",
        "Shanghai Hengtai Pharmaceutical Technology Co Ltd",
        "上海恆泰醫藥科技有限公司",
    ],
    ["Mumbai Fine Chem Pvt Ltd", "Mumbai Fine Chemicals Private Limited", "Mumbay Fine Chem"],
    [
        "Rotterdam Global Forwarding B.V.",
        "Global Forwarding Rotterdam BV",
        "Rotterdam Globel Forwarding",
    ],
    [
        "Química Industrial del Pacífico S.A. de C.V.",
        "Quimica Industrial del Pacifico SA de CV",
        "Quimica Industrial Pacifico",
    ],
    ["Lagos Pharma Trading Ltd", "Lagos Pharmaceutical Trading Limited", "Lagos Pharma Tradin"],
    ["深圳宝安物流有限公司", "Shenzhen Baoan Wuliu", "Shenzhen Baoan Logistics Co., Ltd."],
    [
        "Bangkok Siam Chemical Co., Ltd.",
        "Siam Chemical Bangkok Company Limited",
        "Bangkok Siam Chemicals",
    ],
    [
        "Dubai Horizon General Trading LLC",
        "Horizon General Trading Dubai L.L.C.",
        "Dubai Horison General Trading",
    ],
    ["Anadolu Kimya Sanayi A.Ş.", "Anadolu Kimya Sanayi AS", "Anadolu Kimya"],
    ["Vancouver Pacific Imports Inc.", "Pacific Imports Vancouver Incorporated"],
    ["Almaty Steppe Reagents LLP", "Steppe Reagents Almaty", "Almaty Step Reagents"],
]
PERSONS = [
    ["王伟", "Wang Wei", "Wei Wang"],
    ["李娜", "Li Na", "Na Li"],
    ["Maria Gonzalez Lopez", "Gonzalez Lopez Maria", "Maria Gonzales Lopez"],
    ["Chinedu Okafor", "Okafor Chinedu", "Chinedu Okafoor"],
    ["Rahul Sharma", "Sharma Rahul"],
]
SUBSTANCES = [
    ("Ephedrine", "kg"),
    ("Pseudoephedrine", "kg"),
    ("1-Phenyl-2-propanone", "l"),
    ("3,4-MDP-2-P methyl glycidate", "kg"),
    ("4-AP", "kg"),
    ("4-Anilino-N-phenethylpiperidine", "kg"),
    ("Acetic anhydride", "l"),
    ("Potassium permanganate", "kg"),
    ("Fentanyl", "g"),
    ("Carfentanil", "g"),
    ("Isotonitazene", "g"),
    ("MDMB-4en-PINACA", "g"),
    ("Mephedrone", "kg"),
    ("Methamphetamine", "kg"),
    ("Heroin", "kg"),
    ("Cocaine", "kg"),
    ("Ketamine", "kg"),
]
KINDS = (
    ["seizure"] * 6
    + ["stopped_shipment"] * 3
    + [
        "suspended_shipment",
        "diversion_attempt",
        "illicit_laboratory",
        "nps_shipment",
    ]
)
COUNT = 240
# Where a sea shipment of a reporting country was seized (the port and its UN/LOCODE).
PORTS = {
    "CHN": ("Port of Shanghai, Yangshan", "CNSHA"),
    "NLD": ("Port of Rotterdam, Maasvlakte", "NLRTM"),
    "DEU": ("Port of Hamburg", "DEHAM"),
    "BEL": ("Port of Antwerp", "BEANR"),
    "ESP": ("Port of Algeciras", "ESALG"),
    "MEX": ("Port of Manzanillo", "MXZLO"),
    "COL": ("Port of Cartagena", "COCTG"),
    "AUS": ("Port of Melbourne", "AUMEL"),
}
PAYMENTS = ["", "bank_transfer", "cryptocurrency", "cash", "", "money_value_transfer"]


def _reporter(country: str) -> User:
    return demo_account(
        username=f"demo_{country.lower()}_police",
        kind=OrganisationKind.LAW_ENFORCEMENT,
        country=country,
        organisation_name=f"{country} Drug Law Enforcement (demo)",
        role=Role.FOCAL_POINT,
    )


def load(result) -> None:
    from drugcontrol.substances.selectors import find_by_name

    rng = random.Random(2014)
    today = timezone.localdate()
    known = set(
        Incident.objects.filter(description__startswith="demo-").values_list(
            "description", flat=True
        )
    )
    substances = [(find_by_name(name), name, unit) for name, unit in SUBSTANCES]
    for number in range(COUNT):
        key = f"demo-{number:04d}"
        reporter_country = rng.choice(REPORTERS)
        day = today - datetime.timedelta(days=rng.randint(1, 365))
        kind = rng.choice(KINDS)
        route = rng.sample([c for c in ROUTE_COUNTRIES if c != reporter_country], 3)
        substance, name, unit = rng.choice(substances)
        parties = []
        for role in rng.sample(["exporter", "consignee", "forwarder"], rng.choice([1, 2, 2])):
            variants = rng.choice(COMPANIES)
            parties.append({"role": role, "kind": "company", "name": rng.choice(variants)})
        if rng.random() < 0.3:
            parties.append(
                {
                    "role": "person_involved",
                    "kind": "person",
                    "name": rng.choice(rng.choice(PERSONS)),
                }
            )
        quantity = round(rng.uniform(0.5, 900), 1) if unit != "g" else round(rng.uniform(5, 2000))
        raw = {
            "kind": kind,
            "occurred_on": day,
            "distribution": rng.choice(["countries_involved"] * 4 + ["all", "country"]),
            "transport_mode": rng.choice(["sea", "air", "road", "post", "rail"]),
            "concealment": rng.choice(
                ["", "mislabelled drums", "machinery", "food products", "personal luggage"]
            ),
            "description": key,
            "countries": [
                {"country": route[0], "role": "origin"},
                {"country": route[1], "role": "transit"},
                {"country": route[2], "role": "destination"},
                {"country": reporter_country, "role": "seizure"},
            ],
            "substances": [
                {
                    "substance_id": substance.pk if substance else None,
                    "description": "" if substance else name,
                    "quantity": str(quantity),
                    "unit": unit,
                }
            ],
            "parties": parties,
        }
        if raw["transport_mode"] == "sea" and reporter_country in PORTS:
            raw["place_of_seizure"], raw["seizure_locode"] = PORTS[reporter_country]
        raw["payment_method"] = PAYMENTS[number % len(PAYMENTS)]
        if key in known:
            continue
        actor = _reporter(reporter_country)
        data = services.validate_incident(raw, visible_parties=visible(Party, actor))
        services.incident_create(actor=actor, data=data)
        result.created += 1
    _surveillance_incidents(result, known, today)
    _thread()


# Seizures of chemicals no convention table lists, typed as the officers wrote them (a name
# or a CAS number): when the special surveillance list is on file (the substances demo
# loads a generated one first), each is linked to its entry, and Form D's second section
# counts them. (country, months ago in the previous year, chemical as typed, quantity, unit)
SURVEILLANCE_SEIZURES = [
    ("CHN", 3, "Benzyl cyanide", "1200", "kg"),
    ("CHN", 7, "79-24-3", "400", "l"),
    ("MEX", 5, "Red phosphorus", "85", "kg"),
    ("MEX", 9, "Methylamine", "650", "l"),
    ("DEU", 4, "Benzaldehyde", "300", "l"),
    ("IND", 6, "Propionyl chloride", "120", "l"),
]
# The README's law-enforcement accounts report their countries' seizures themselves.
DEMO_REPORTERS = {"CHN": "chn_customs", "IND": "ind_police"}


def _surveillance_incidents(result, known, today) -> None:
    """In the previous calendar year, so the demo's Form D drafts of that year list them."""
    for number, (country, month, chemical, quantity, unit) in enumerate(SURVEILLANCE_SEIZURES):
        key = f"demo-surveillance-{number}"
        if key in known:
            continue
        raw = {
            "kind": "seizure",
            "occurred_on": datetime.date(today.year - 1, month, 10 + number),
            "distribution": "countries_involved",
            "transport_mode": "sea",
            "concealment": "mislabelled drums",
            "description": key,
            "countries": [
                {"country": "KOR" if country in ("CHN", "IND") else "IND", "role": "origin"},
                {"country": country, "role": "seizure"},
            ],
            "substances": [{"description": chemical, "quantity": quantity, "unit": unit}],
        }
        actor = (
            User.objects.select_related("organisation")
            .filter(username=DEMO_REPORTERS.get(country, ""))
            .first()
        ) or _reporter(country)
        data = services.validate_incident(raw, visible_parties=visible(Party, actor))
        services.incident_create(actor=actor, data=data)
        result.created += 1


def _thread() -> None:
    """A thread on the first demo incident shared with the countries involved: a question,
    an answer and an open request for a controlled delivery (once)."""
    incident = (
        Incident.objects.filter(description__startswith="demo-", distribution="countries_involved")
        .order_by("description")
        .first()
    )
    if incident is None or incident.messages.exists():
        return
    destination = incident.countries.filter(role="destination").first()
    if destination is None:
        return
    reporter, other = _reporter(incident.reporting_country_id), _reporter(destination.country_id)
    code = destination.country_id
    for actor, kind, body, addressed in (
        (
            other,
            "question",
            "Was the consignee's address verified? We hold an earlier shipment to the same name.",
            None,
        ),
        (reporter, "message", "Address checked: a rented office, vacated in March.", None),
        (
            reporter,
            "controlled_delivery_request",
            "The second container is due at your port in nine days. We propose a controlled "
            "delivery; our contact point is the duty officer of the drug squad.",
            code,
        ),
    ):
        services.message_post(
            actor=actor, incident=incident, kind=kind, body=body, addressed_country=addressed
        )
