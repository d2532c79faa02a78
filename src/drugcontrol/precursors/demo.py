"""Demo pre-export notifications: two years of exports among about forty countries. Most are
cleared within days, some importers answer late or never, a few object, some exports exceed
the importer's legitimate requirement, and a few operators are companies from the demo
incidents. Suspicious orders the demo operators of Germany, China and Mexico reported to
their authorities (one turned into an incident, some closed, the others waiting). Form D
reports of China, Germany and Mexico, drafted from those records, in every state.
Deterministic and idempotent (each demo notification carries its key; a
country's report for a year is made once)."""

import datetime
import random

from django.utils import timezone

from drugcontrol.core.countries import country_by_code
from drugcontrol.core.demo import demo_account
from drugcontrol.core.models import OrganisationKind, Role, User
from drugcontrol.core.visibility import visible
from drugcontrol.entities.models import Party
from drugcontrol.incidents.demo import COMPANIES
from drugcontrol.precursors import selectors, services
from drugcontrol.precursors.models import (
    AnnualReport,
    Invocation,
    LegitimateRequirement,
    Notification,
    RequirementSource,
)

COUNT = 400
# Existing demo accounts stand for their countries; others get one officer each.
DEMO_OFFICERS = {"CHN": "chn_officer", "DEU": "deu_officer", "MEX": "mex_officer"}
EXPORTERS = ["CHN", "IND", "DEU", "NLD", "BEL", "USA", "GBR", "FRA", "CHE", "JPN", "KOR", "SGP"]
IMPORTERS = [
    "MEX", "COL", "BRA", "ARG", "PER", "CHL", "ECU", "GTM", "NGA", "GHA", "KEN", "ZAF",
    "EGY", "TUR", "ARE", "SAU", "IRN", "PAK", "BGD", "THA", "VNM", "MYS", "IDN", "PHL",
    "AUS", "NZL", "CAN", "RUS", "KAZ", "UKR", "POL", "ITA", "ESP", "MMR", "LKA", "ETH",
]  # fmt: skip
# How each importing country answers: (share answered, typical days, share objected).
SLOW = {"NGA": (0.7, 12, 0.05), "GTM": (0.6, 18, 0.02), "MMR": (0.4, 20, 0.0)}
SILENT = {"IRN": (0.2, 25, 0.1)}
EXPLICIT = {"AUS": 21, "CAN": 15, "TUR": 10}
SUBSTANCES = [
    ("Ephedrine", "kg", 5, 800),
    ("Pseudoephedrine", "kg", 5, 1500),
    ("Acetic anhydride", "l", 500, 40000),
    ("Potassium permanganate", "kg", 200, 20000),
    ("Anthranilic acid", "kg", 25, 2000),
    ("Piperidine", "l", 20, 1000),
    ("Toluene", "l", 1000, 60000),
    ("Acetone", "l", 1000, 80000),
    ("Sulphuric acid", "l", 500, 30000),
]
EXPORTER_COMPANIES = {
    "CHN": ["Jiangsu Hengrui Fine Chemical Co., Ltd.", "浙江新和成药业有限公司"],
    "IND": ["Vapi Organics Pvt Ltd", "Hyderabad Bulk Drugs Ltd"],
    "DEU": ["Rheinland Feinchemie GmbH", "Mannheim Pharma Rohstoffe GmbH"],
    "NLD": ["Delfzijl Chemie B.V.", "Zeeland Solvents B.V."],
    "BEL": ["Antwerp Specialty Chemicals NV", "Gent Reagents BV"],
    "USA": ["Ohio Valley Chemical Corp.", "Gulf Coast Solvents Inc."],
    "GBR": ["Teesside Fine Chemicals Ltd", "Mersey Pharma Materials plc"],
    "FRA": ["Lyon Chimie Fine SAS", "Normandie Solvants SA"],
    "CHE": ["Basel Wirkstoffe AG", "Valais Chimie SA"],
    "JPN": ["Osaka Yakuhin Kogyo K.K.", "Kanto Reagent Co., Ltd."],
    "KOR": ["Ulsan Petrochemical Co., Ltd.", "Incheon Pharm Chem Co."],
    "SGP": ["Jurong Chemical Trading Pte. Ltd.", "Tuas Solvents Pte Ltd"],
}  # invented names
TRADE = ["Pharma", "Chemicals", "Laboratories", "Industrial Supply", "Healthcare", "Trading"]
FORMS = ["Ltd", "S.A.", "LLC", "Pvt Ltd", "S.A. de C.V.", "Sdn Bhd", "Pty Ltd", "GmbH"]


def _officer(country: str) -> User:
    if country in DEMO_OFFICERS:
        return User.objects.select_related("organisation").get(username=DEMO_OFFICERS[country])
    return demo_account(
        username=f"demo_{country.lower()}_pen",
        kind=OrganisationKind.COMPETENT_AUTHORITY,
        country=country,
        organisation_name=f"{country} Precursor Control Authority (demo)",
        role=Role.FOCAL_POINT,
    )


def _secretariat() -> User:
    return User.objects.select_related("organisation").get(username="intl_admin")


def _moment(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(rng.randint(7, 17), rng.randint(0, 59)))
    )


def _reference_data(rng: random.Random, substances: dict) -> None:
    """Invocations, reply terms and legitimate requirements of the importing countries."""
    if Invocation.objects.exists() or LegitimateRequirement.objects.exists():
        return
    today = timezone.localdate()
    secretariat = _secretariat()  # records invocations at the countries' request
    for code in IMPORTERS:
        officer = _officer(code)
        country = officer.organisation.country
        if rng.random() < 0.7:
            services.invocation_add(
                actor=secretariat,
                country=country,
                scope="all",
                since=datetime.date(2000, 1, 1),
                requested_on=datetime.date(1999, 11, 15),
            )
        elif rng.random() < 0.5:
            services.invocation_add(
                actor=secretariat,
                country=country,
                scope="table_i",
                since=datetime.date(2010, 6, 1),
                requested_on=datetime.date(2010, 4, 20),
            )
        if code in EXPLICIT:
            services.policy_set(
                actor=officer, country=country, reply_days=EXPLICIT[code], explicit_clearance=True
            )
        for name in ("Ephedrine", "Pseudoephedrine"):
            if rng.random() < 0.15:
                continue  # no requirement on file: a finding of its own
            base = rng.choice([50, 120, 300, 800, 2500])
            for year in (today.year - 2, today.year - 1, today.year, today.year + 1):
                services.requirement_set(
                    actor=officer,
                    country=country,
                    substance=substances[name],
                    year=year,
                    quantity_kg=str(round(base * rng.uniform(0.8, 1.2))),
                    updated_on=datetime.date(year - 1, 11, rng.randint(1, 28)),
                    source=RequirementSource.DEMO,
                )


def load(result) -> None:
    from drugcontrol.substances.selectors import find_by_name

    rng = random.Random(1988)
    substances = {name: find_by_name(name) for name, *_rest in SUBSTANCES}
    if any(s is None for s in substances.values()):
        return  # the substance lists are not loaded
    _reference_data(rng, substances)
    known = set(
        Notification.objects.filter(remarks__startswith="demo-").values_list("remarks", flat=True)
    )
    today = timezone.localdate()
    importers_by_country = {
        code: [
            f"{country_by_code(code).name_en.split(' (')[0]} {rng.choice(TRADE)} "
            f"{rng.choice(FORMS)}",
            f"{rng.choice(['New', 'United', 'Royal', 'National', 'First'])} "
            f"{country_by_code(code).name_en.split(' (')[0]} {rng.choice(TRADE)} "
            f"{rng.choice(FORMS)}",
        ]
        for code in IMPORTERS
    }
    for number in range(COUNT):
        key = f"demo-pen-{number:04d}"
        exporter = rng.choice(EXPORTERS)
        importer = rng.choice(IMPORTERS)
        name, unit, low, high = rng.choice(SUBSTANCES)
        submitted_on = today - datetime.timedelta(days=rng.randint(2, 730))
        quantity = round(rng.uniform(low, high) * (8 if rng.random() < 0.03 else 1))
        shared = rng.random() < 0.06  # an operator also named in demo incidents
        importer_name = (
            rng.choice(rng.choice(COMPANIES))
            if shared
            else rng.choice(importers_by_country[importer])
        )
        raw = {
            "importing_country": importer,
            "transit_countries": rng.sample(
                [c for c in ("SGP", "NLD", "ARE", "PAN", "BEL") if c not in (exporter, importer)],
                rng.choice([0, 0, 1]),
            ),
            "invoice_number": f"INV-{submitted_on.year}-{rng.randint(1000, 99999)}",
            "transport_mode": rng.choice(["sea", "sea", "air", "road"]),
            "point_of_exit": rng.choice(["main seaport", "international airport", "land border"]),
            "point_of_entry": rng.choice(["main seaport", "international airport", "free zone"]),
            "expected_dispatch": (submitted_on + datetime.timedelta(days=rng.randint(20, 60))),
            "remarks": key,
            "lines": [
                {"substance_id": substances[name].pk, "quantity": str(quantity), "unit": unit}
            ],
            "parties": [
                {
                    "role": "exporter",
                    "name": rng.choice(EXPORTER_COMPANIES[exporter]),
                    "country": exporter,
                    "address": "Industrial park, building 4",
                },
                {
                    "role": "importer",
                    "name": importer_name,
                    "country": importer,
                    "address": "Commercial district, warehouse 12",
                },
            ],
        }
        if key in known:
            continue
        actor = _officer(exporter)
        at = _moment(submitted_on, rng)
        data = services.validate_notification(
            raw, exporting_country_id=exporter, visible_parties=visible(Party, actor)
        )
        notification = services.notification_create(actor=actor, data=data, submit=True, at=at)
        result.created += 1
        _answer(rng, notification, importer, at, today)
    _awaiting_answer(result, substances, known, today)
    _notification_items(result, substances, known, today)
    _suspicious_orders(result, today)
    _annual_reports(result, today)


ITEM_PARTIES = [
    {
        "role": "exporter",
        "name": "Zhejiang Jiuzhou Fine Chemicals Co., Ltd.",
        "country": "CHN",
        "address": "18 Binhai Road, Taizhou",
    },
    {
        "role": "importer",
        "name": "Melbourne Fine Chemicals Pty Ltd",
        "country": "AUS",
        "address": "40 Dock Road, Melbourne",
    },
]


def _notification_items(result, substances, known, today) -> None:
    """Germany's law allows shipment after the deadline without an answer; a notification
    to Australia with its import permit and its invoice attached; a voluntary PEN Light
    notification of a chemical described by CAS number and HS code (invented names)."""
    deu = _officer("DEU")
    terms = selectors.country_terms("DEU")
    if not terms.silence_allows_shipment:
        services.policy_set(
            actor=deu,
            country=deu.organisation.country,
            reply_days=terms.reply_days,
            explicit_clearance=terms.explicit_clearance,
            silence_allows_shipment=True,
            expected_version=terms.version if terms.pk else None,
        )
    chn = _officer("CHN")
    dispatch = today + datetime.timedelta(days=25)
    items = {
        "demo-items-permit": {
            "importing_country": "AUS",
            "invoice_number": f"INV-{today.year}-P001",
            "import_permit_number": f"AU-IP-{today.year}-0042",
            "import_permit_date": today - datetime.timedelta(days=20),
            "reply_deadline": today + datetime.timedelta(days=10),
            "transport_mode": "sea",
            "point_of_exit": "Ningbo",
            "point_of_entry": "Port of Melbourne",
            "expected_dispatch": dispatch,
            "lines": [{"substance_id": substances["Ephedrine"].pk, "quantity": "40", "unit": "kg"}],
        },
        "demo-items-light": {
            "kind": "light",
            "importing_country": "AUS",
            "expected_dispatch": dispatch,
            "lines": [
                {
                    "substance": "Benzyl cyanide",
                    "cas": "140-29-4",
                    "hs_code": "2926.90",
                    "quantity": "800",
                    "unit": "kg",
                }
            ],
        },
    }
    for key, raw in items.items():
        if key in known:
            continue
        raw = {**raw, "remarks": key, "parties": ITEM_PARTIES}
        data = services.validate_notification(
            raw, exporting_country_id="CHN", visible_parties=visible(Party, chn)
        )
        notification = services.notification_create(actor=chn, data=data)
        if key == "demo-items-permit":
            services.notification_attach(
                actor=chn,
                notification=notification,
                kind="invoice",
                name="invoice.txt",
                content=f"Commercial invoice {raw['invoice_number']}: ephedrine, 40 kg\n".encode(),
            )
        services.notification_submit(actor=chn, notification=notification)
        result.created += 1


# Recent notifications to the demo accounts' own countries, still awaiting their answer, so
# that their inbox has work in it from the first sign-in.
AWAITING = [
    ("IND", "CHN", "Ephedrine", 350, "kg"),
    ("DEU", "CHN", "Acetic anhydride", 12000, "l"),
    ("NLD", "CHN", "Piperidine", 400, "l"),
    ("CHN", "DEU", "Pseudoephedrine", 600, "kg"),
    ("IND", "DEU", "Anthranilic acid", 900, "kg"),
    ("CHN", "MEX", "Potassium permanganate", 5000, "kg"),
]


def _awaiting_answer(result, substances, known, today) -> None:
    for number, (exporter, importer, name, quantity, unit) in enumerate(AWAITING):
        key = f"demo-pen-awaiting-{number}"
        if key in known:
            continue
        submitted_on = today - datetime.timedelta(days=1 + number % 4)
        raw = {
            "importing_country": importer,
            "invoice_number": f"INV-{submitted_on.year}-A{number:03d}",
            "transport_mode": "sea",
            "point_of_exit": "main seaport",
            "point_of_entry": "main seaport",
            "expected_dispatch": submitted_on + datetime.timedelta(days=30),
            "remarks": key,
            "lines": [
                {"substance_id": substances[name].pk, "quantity": str(quantity), "unit": unit}
            ],
            "parties": [
                {
                    "role": "exporter",
                    "name": EXPORTER_COMPANIES[exporter][number % 2],
                    "country": exporter,
                    "address": "Industrial park, building 4",
                },
                {
                    "role": "importer",
                    "name": EXPORTER_COMPANIES.get(importer, ["Importadora Química del Norte"])[
                        (number + 1) % len(EXPORTER_COMPANIES.get(importer, [0]))
                    ],
                    "country": importer,
                    "address": "Commercial district, warehouse 12",
                },
            ],
        }
        actor = _officer(exporter)
        at = timezone.make_aware(datetime.datetime.combine(submitted_on, datetime.time(9, 30)))
        data = services.validate_notification(
            raw, exporting_country_id=exporter, visible_parties=visible(Party, actor)
        )
        services.notification_create(actor=actor, data=data, submit=True, at=at)
        result.created += 1


def _answer(rng, notification, importer: str, submitted_at, today) -> None:
    answered_share, typical_days, objected_share = SLOW.get(
        importer, SILENT.get(importer, (0.96, 3, 0.03))
    )
    if rng.random() > answered_share:
        return  # never answered: overdue
    delay = datetime.timedelta(days=rng.expovariate(1 / typical_days), hours=rng.randint(1, 8))
    answered_at = submitted_at + delay
    if answered_at.date() >= today:
        return  # still pending
    officer = _officer(importer)
    if rng.random() < 0.5:
        notification = services.notification_acknowledge(
            actor=officer, notification=notification, at=submitted_at + delay / 3
        )
    high_risk = max((f.severity for f in notification.findings.all()), default=0) >= 4
    if rng.random() < objected_share or (high_risk and rng.random() < 0.25):
        services.notification_answer(
            actor=officer,
            notification=notification,
            decision="object",
            ground=rng.choice(["no_requirement", "unknown_importer", "no_licence"]),
            at=answered_at,
        )
        return
    # The officer has read the findings of high severity it clears the shipment over.
    seen = selectors.findings(user=officer, notification=notification)
    notification = services.notification_answer(
        actor=officer,
        notification=notification,
        decision="clear",
        considered_findings=[row["id"] for row in selectors.high_findings(seen)],
        at=answered_at,
    )
    shipped_at = answered_at + datetime.timedelta(days=rng.randint(3, 20))
    if shipped_at.date() < today:
        exporter = _officer(notification.exporting_country_id)
        notification = services.notification_ship(
            actor=exporter, notification=notification, at=shipped_at
        )
        arrived_at = shipped_at + datetime.timedelta(days=rng.randint(5, 30))
        if arrived_at.date() < today:
            services.notification_record_outcome(
                actor=officer,
                notification=notification,
                outcome="arrived" if rng.random() < 0.97 else rng.choice(["seized", "stopped"]),
                at=arrived_at,
            )


# What the demo operators reported to their authorities: (operator's country, days ago,
# chemical as asked for, quantity, unit, customer, customer's country, why, the authority's
# decision or None while it waits). Invented customers.
SUSPICIOUS_ORDERS = [
    (
        "DEU",
        40,
        "Benzyl cyanide",
        "500",
        "kg",
        "Comercializadora Lerma S.A. de C.V.",
        "MEX",
        "A new customer paid in advance in cash, gave no end-use statement and asked for "
        "delivery to a residential address.",
        "incident",
    ),
    (
        "DEU",
        25,
        "Ephedrine",
        "25",
        "kg",
        "Lagos Pharma Trading Ltd",
        "NGA",
        "Pharmaceutical grade asked for without a manufacturing licence; the buyer declined "
        "to name the finished product.",
        "dismiss",
    ),
    (
        "DEU",
        9,
        "Nitroethane",
        "200",
        "l",
        "Dubai Horizon General Trading LLC",
        "ARE",
        "Ten times the quantity of earlier orders, shipped through a free zone to a "
        "forwarder the customer would not name.",
        None,
    ),
    (
        "DEU",
        3,
        "Red phosphorus",
        "50",
        "kg",
        "Almaty Steppe Reagents LLP",
        "KAZ",
        "The customer asked for unlabelled packaging and a declaration as 'matches ingredients'.",
        None,
    ),
    (
        "CHN",
        12,
        "Benzyl chloride",
        "2000",
        "kg",
        "Pacific Imports Vancouver Incorporated",
        "CAN",
        "Paid from a third country's account; the consignee's address is a freight "
        "forwarder's warehouse.",
        None,
    ),
    (
        "CHN",
        30,
        "Potassium permanganate",
        "1000",
        "kg",
        "Quimica Industrial del Pacifico SA de CV",
        "MEX",
        "The customer changed the declared end use twice and asked for air freight.",
        "dismiss",
    ),
    (
        "MEX",
        6,
        "Methylamine",
        "400",
        "l",
        "Distribuidora Química Norteña",
        "MEX",
        "A buyer with no registered activity asked for monthly deliveries in unmarked drums.",
        None,
    ),
]
# Each country's demo operator (the README's account for Germany).
OPERATORS = {
    "DEU": ("deu_company", ""),
    "CHN": ("demo_chn_company", "Jiangsu Demo Fine Reagents Co., Ltd. (demo)"),
    "MEX": ("demo_mex_company", "Química Demo del Bajío S.A. de C.V. (demo)"),
}


def _operator(country: str) -> User:
    username, organisation = OPERATORS[country]
    if not organisation:
        return User.objects.select_related("organisation").filter(username=username).first()
    return demo_account(
        username=username,
        kind=OrganisationKind.OPERATOR,
        country=country,
        organisation_name=organisation,
        role=Role.OFFICER,
    )


def _suspicious_orders(result, today) -> None:
    """Reports of the demo operators to their authorities (Germany, China, Mexico): some
    waiting for review, one closed, one turned into an incident (each operator's reports
    are made once)."""
    from drugcontrol.precursors.models import SuspiciousOrder

    done: dict[str, bool] = {}
    for (
        country,
        days,
        chemical,
        quantity,
        unit,
        customer,
        customer_country,
        reasons,
        decision,
    ) in SUSPICIOUS_ORDERS:
        operator = _operator(country)
        if operator is None:
            continue
        if country not in done:
            done[country] = SuspiciousOrder.objects.filter(created_by=operator).exists()
        if done[country]:
            continue
        order = services.suspicious_order_report(
            actor=operator,
            raw={
                "received_on": today - datetime.timedelta(days=days),
                "chemical": chemical,
                "quantity": quantity,
                "unit": unit,
                "customer_name": customer,
                "customer_country": customer_country,
                "reasons": reasons,
            },
        )
        result.created += 1
        if decision:
            services.suspicious_order_review(
                actor=_officer(country),
                order=order,
                decision=decision,
                expected_version=order.version,
            )


# Form D: (country, years ago, how far it went), so the list has reports in every state.
ANNUAL_REPORTS = [
    ("CHN", 2, "accepted"),
    ("CHN", 1, "draft"),
    ("DEU", 1, "submitted"),
    ("MEX", 1, "returned"),
]


def _annual_reports(result, today) -> None:
    secretariat = User.objects.filter(username="intl_admin").first()
    for code, years_ago, state in ANNUAL_REPORTS:
        year = today.year - years_ago
        if AnnualReport.objects.filter(country_id=code, year=year).exists():
            continue
        officer = _officer(code)
        report = services.annual_report_generate(actor=officer, year=year)
        result.created += 1
        if state == "draft" or secretariat is None:
            continue
        report = services.annual_report_submit(
            actor=officer, report=report, expected_version=report.version
        )
        if state == "submitted":
            continue
        services.annual_report_decide(
            actor=secretariat,
            report=report,
            decision="accept" if state == "accepted" else "return",
            comment="" if state == "accepted" else "Section 5: give the imports as well.",
            expected_version=report.version,
        )
