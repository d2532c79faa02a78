"""Demo early-warning data, invented: identification reports of about thirty countries' forensic
laboratories over several years across the structural families (some substances spreading
from country to country), toxicology cases, and the watch list (tramadol and ketamine, with
a few seizures naming them). Each record's notes say it is invented. The structures are real
NPS; whether each is under international control is what the loaded lists say on the day
the demo is loaded (the identification engine classifies them, as it does any report).

Deterministic and idempotent: nothing is added once the demo reports are there."""

import datetime
import random

from django.utils import timezone

from drugcontrol.core.demo import demo_account
from drugcontrol.core.models import OrganisationKind, Role, User
from drugcontrol.core.visibility import visible

DEMO_NOTE = "Demo data (invented)."
CASES = 30

COUNTRIES = [
    "CHN", "DEU", "NLD", "USA", "CAN", "AUS", "GBR", "FRA", "BEL", "ESP",
    "ITA", "POL", "SWE", "FIN", "HUN", "CZE", "AUT", "CHE", "JPN", "KOR",
    "SGP", "THA", "MYS", "NZL", "BRA", "ZAF", "TUR", "IND", "MEX", "COL",
]  # fmt: skip

# The countries of the demo accounts (core/demo.py), which read what their country holds.
FOCUS = ["CHN", "DEU", "MEX", "IND", "NLD"]
# (name as reported, SMILES, effect group, first year, countries reached by the end)
SUBSTANCES = [
    ("Cyclopentylfentanyl", "O=C(C1CCCC1)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1", "opioid", 2020, 8),
    ("ortho-Methylfentanyl", "CCC(=O)N(c1ccccc1C)C1CCN(CCc2ccccc2)CC1", "opioid", 2022, 5),
    ("para-Chlorofentanyl", "CCC(=O)N(c1ccc(Cl)cc1)C1CCN(CCc2ccccc2)CC1", "opioid", 2024, 4),
    (
        "Ethyleneoxynitazene",
        "CCN(CC)CCn1c(Cc2ccc3c(c2)OCCO3)nc2cc([N+](=O)[O-])ccc21",
        "opioid",
        2023,
        8,
    ),
    (
        "N-Desethyl etonitazene",
        "CCNCCn1c(Cc2ccc(OCC)cc2)nc2cc([N+](=O)[O-])ccc21",
        "opioid",
        2024,
        6,
    ),
    (
        "4F-ABUTINACA",
        "O=C(NC12CC3CC(CC(C3)C1)C2)c1nn(CCCCF)c2ccccc12",
        "synthetic_cannabinoid",
        2021,
        10,
    ),
    ("CH-PIACA", "O=C(NC1CCCCC1)c1cn(CCCCC)c2ccccc12", "synthetic_cannabinoid", 2023, 7),
    ("N-Ethylheptedrone", "CCCCCC(NCC)C(=O)c1ccccc1", "stimulant", 2021, 6),
    ("4-Methylpentedrone", "CCCC(NC)C(=O)c1ccc(C)cc1", "stimulant", 2019, 8),
    ("Flubromazepam", "O=C1CN=C(c2ccccc2F)c2cc(Br)ccc2N1", "sedative_hypnotic", 2019, 8),
    ("Desalkylgidazepam", "O=C1CN=C(c2ccccc2)c2cc(Br)ccc2N1", "sedative_hypnotic", 2022, 7),
    ("4-AcO-DMT", "CN(C)CCc1c[nH]c2cccc(OC(C)=O)c12", "classic_hallucinogen", 2020, 6),
    ("25E-NBOH", "CCc1cc(OC)c(CCNCc2ccccc2O)cc1OC", "classic_hallucinogen", 2022, 4),
    ("Deschloroketamine", "CNC1(c2ccccc2)CCCCC1=O", "dissociative", 2019, 6),
    ("3-MeO-PCE", "CCNC1(c2cccc(OC)c2)CCCCC1", "dissociative", 2021, 5),
    ("mCPP", "Clc1cccc(N2CCNCC2)c1", "stimulant", 2019, 3),
    # Controlled ones still turn up in laboratories.
    ("Mephedrone", "CNC(C)C(=O)c1ccc(C)cc1", "", 2019, 4),
    ("Isotonitazene", "CCN(CC)CCn1c(Cc2ccc(OC(C)C)cc2)nc2cc([N+](=O)[O-])ccc21", "", 2020, 3),
]
FORMS = {
    "opioid": ["powder", "tablet", "powder"],
    "synthetic_cannabinoid": ["herbal_material", "e_liquid", "blotter"],
    "stimulant": ["powder", "tablet"],
    "sedative_hypnotic": ["tablet", "powder"],
    "classic_hallucinogen": ["blotter", "powder"],
    "dissociative": ["powder"],
    "": ["powder", "tablet"],
}
TECHNIQUES = [["gc_ms"], ["gc_ms", "nmr"], ["lc_hrms", "nmr"], ["gc_ms", "ftir"], ["lc_ms_ms"]]
WATCH = [
    (
        "Tramadol",
        "CN(C)CC1CCCCC1(O)c1cccc(OC)c1",
        "Non-medical use and trafficking of high-dose tablets, notably in West and North "
        "Africa and the Middle East.",
    ),
    (
        "Ketamine",
        "CNC1(CCCCC1=O)c1ccccc1Cl",
        "Recreational use and trafficking; an essential medicine in anaesthesia.",
    ),
]
# (substance, reporting country, years ago, quantity, unit): seizures naming them.
WATCH_SEIZURES = [
    ("Tramadol", "IND", 3, "1200", "kg"),
    ("Tramadol", "NGA", 2, "3500000", "tablets"),
    ("Tramadol", "EGY", 1, "800", "kg"),
    ("Tramadol", "IND", 0, "450", "kg"),
    ("Ketamine", "CHN", 3, "95", "kg"),
    ("Ketamine", "THA", 2, "210", "kg"),
    ("Ketamine", "MYS", 1, "130", "kg"),
    ("Ketamine", "NLD", 0, "40", "kg"),
]


def _laboratory(country: str) -> User:
    if country == "CHN":  # the README's laboratory account
        found = User.objects.select_related("organisation").filter(username="chn_lab").first()
        if found is not None:
            return found
    return demo_account(
        username=f"demo_{country.lower()}_lab",
        kind=OrganisationKind.FORENSIC_LAB,
        country=country,
        organisation_name=f"{country} Forensic Science Laboratory (demo)",
        role=Role.OFFICER,
    )


def _secretariat() -> User | None:
    return (
        User.objects.select_related("organisation")
        .filter(username="intl_admin", is_active=True)
        .first()
    )


def load(result) -> None:
    from drugcontrol.nps.demo_pipeline import load_demo_pipeline
    from drugcontrol.nps.demo_spectra import load_demo_spectra
    from drugcontrol.nps.models import IdentificationReport

    secretariat = _secretariat()
    if secretariat is None:
        return
    result.created += load_demo_spectra()
    result.created += load_demo_pipeline()
    _watch_list(result, secretariat)
    today = timezone.localdate()
    if not IdentificationReport.objects.filter(notes=DEMO_NOTE).exists():
        rng = random.Random(14)
        names = _reports(result, rng, today)
        _effect_groups(secretariat, names)
        _cases(result, rng, today, names)
        _watch_seizures(result, today)
    _recent_wave(result, today)
    from drugcontrol.nps.services import signals_detect

    result.created += len(signals_detect(today=today))


RECENT_NOTE = f"{DEMO_NOTE} A recent wave."
# (name as reported, structure, form, [(country, days ago)]): reports of the last months, so
# that the emergence signals fire when the demo is loaded: two substances reported by three
# countries or more within a year, the nitazene family rising above its trend, and a
# controlled substance (mephedrone) in a form it was not reported in before.
RECENT = [
    (
        "N-Desethyl etonitazene",
        "CCNCCn1c(Cc2ccc(OCC)cc2)nc2cc([N+](=O)[O-])ccc21",
        "powder",
        [("CHN", 150), ("DEU", 95), ("MEX", 60), ("NLD", 30), ("IND", 12), ("CAN", 8)],
    ),
    (
        "Ethyleneoxynitazene",
        "CCN(CC)CCn1c(Cc2ccc3c(c2)OCCO3)nc2cc([N+](=O)[O-])ccc21",
        "tablet",
        [("USA", 120), ("GBR", 80), ("DEU", 41), ("AUS", 20), ("MEX", 6), ("CHN", 4)],
    ),
    (
        "para-Chlorofentanyl",
        "CCC(=O)N(c1ccc(Cl)cc1)C1CCN(CCc2ccccc2)CC1",
        "powder",
        [("MEX", 70), ("USA", 45), ("CAN", 15)],
    ),
    ("Mephedrone", "CNC(C)C(=O)c1ccc(C)cc1", "e_liquid", [("NLD", 10)]),
]


def _recent_wave(result, today) -> None:
    """The recent reports that make the signals fire (once: they carry RECENT_NOTE)."""
    from drugcontrol.nps import services
    from drugcontrol.nps.models import IdentificationReport

    if IdentificationReport.objects.filter(notes=RECENT_NOTE).exists():
        return
    for name, smiles, form, reports in RECENT:
        for country, days in reports:
            services.report_submit(
                actor=_laboratory(country),
                raw={
                    "sample_kind": "seized_material",
                    "form": form,
                    "sampled_on": today - datetime.timedelta(days=days),
                    "country": country,
                    "structure": smiles,
                    "reported_name": name,
                    "techniques": ["gc_ms", "nmr"],
                    "notes": RECENT_NOTE,
                },
            )
            result.created += 1


def _reports(result, rng, today) -> dict[str, int]:
    """Each substance appears in one country in its first year and reaches more countries
    year by year; a few reports a country. Returns {name as reported: substance id}."""
    from drugcontrol.nps import services

    labs = {}
    names = {}
    for number, (name, smiles, group, first_year, reach) in enumerate(SUBSTANCES):
        countries = rng.sample(COUNTRIES, reach)
        focus = FOCUS[number % len(FOCUS)]
        if focus not in countries:  # the demo accounts' countries have reports to read
            countries[-1] = focus
        years = max(1, today.year - first_year + 1)
        for position, country in enumerate(countries):
            year = min(today.year, first_year + position * years // reach)
            for _ in range(rng.choice([1, 1, 1, 2])):
                last_day = today if year == today.year else datetime.date(year, 12, 31)
                day = datetime.date(year, 1, 1) + datetime.timedelta(
                    days=rng.randint(0, (last_day - datetime.date(year, 1, 1)).days)
                )
                lab = labs.get(country) or labs.setdefault(country, _laboratory(country))
                report = services.report_submit(
                    actor=lab,
                    raw={
                        "sample_kind": "seized_material",
                        "form": rng.choice(FORMS[group]),
                        "sampled_on": day,
                        "country": country,
                        "structure": smiles,
                        "reported_name": name,
                        "purity": str(rng.choice([None, 12, 35.5, 60, 88, 97.2]) or ""),
                        "techniques": rng.choice(TECHNIQUES),
                        "notes": DEMO_NOTE,
                    },
                )
                names[name] = report.substance_id
                result.created += 1
    return names


def _effect_groups(secretariat, names: dict[str, int]) -> None:
    from drugcontrol.nps import selectors, services

    for name, _smiles, group, _year, _reach in SUBSTANCES:
        if not group or name not in names:
            continue
        entry = selectors.register_list(user=secretariat).filter(substance_id=names[name]).first()
        if entry is not None and not entry.effect_group:
            services.register_effect_group_set(actor=secretariat, entry=entry, effect_group=group)


def _cases(result, rng, today, names: dict[str, int]) -> None:
    from drugcontrol.nps import services

    detected = [name for name, *_rest in SUBSTANCES if name in names] + ["Tramadol", "Ketamine"]
    for number in range(CASES):
        country = FOCUS[number] if number < len(FOCUS) else rng.choice(COUNTRIES)
        kind = rng.choice(["post_mortem", "driving", "clinical", "clinical"])
        outcome = {
            "post_mortem": "fatal",
            "driving": rng.choice(["recovered", "unknown"]),
            "clinical": rng.choice(["hospitalised", "recovered", "fatal"]),
        }[kind]
        found = rng.sample(detected, rng.choice([1, 1, 2]))
        services.case_report(
            actor=_laboratory(country),
            raw={
                "kind": kind,
                "occurred_on": today - datetime.timedelta(days=rng.randint(1, 5 * 365)),
                "outcome": outcome,
                "country": country,
                "notes": DEMO_NOTE,
                "findings": [
                    {
                        "substance": name,
                        "concentration": str(round(rng.uniform(0.5, 80), 1)),
                        "unit": "ng_ml",
                        "matrix": "blood" if kind != "driving" else "oral_fluid",
                    }
                    for name in found
                ],
            },
        )
        result.created += 1


def _watch_list(result, secretariat) -> None:
    from drugcontrol.nps import selectors, services

    listed = {entry.substance.name_en for entry in selectors.watch_list(user=secretariat)}
    for name, smiles, reason in WATCH:
        if name not in listed:
            services.watch_add(
                actor=secretariat, raw={"substance": name, "smiles": smiles, "reason": reason}
            )
            result.created += 1


def _watch_seizures(result, today) -> None:
    """Seizures of the watched substances, shared with all, reported by the demo police."""
    from drugcontrol.entities.models import Party
    from drugcontrol.incidents import services as incident_services
    from drugcontrol.substances.selectors import find_by_name

    for number, (name, country, years_ago, quantity, unit) in enumerate(WATCH_SEIZURES):
        substance = find_by_name(name)
        actor = demo_account(
            username=f"demo_{country.lower()}_police",
            kind=OrganisationKind.LAW_ENFORCEMENT,
            country=country,
            organisation_name=f"{country} Drug Law Enforcement (demo)",
            role=Role.FOCAL_POINT,
        )
        day = today - datetime.timedelta(days=365 * years_ago + 20 + number)
        raw = {
            "kind": "seizure",
            "occurred_on": day,
            "distribution": "all",
            "transport_mode": "sea",
            "description": f"demo-watch-{number} ({DEMO_NOTE})",
            "countries": [{"country": country, "role": "seizure"}],
            "substances": [{"substance_id": substance.pk, "quantity": quantity, "unit": unit}],
        }
        data = incident_services.validate_incident(raw, visible_parties=visible(Party, actor))
        incident_services.incident_create(actor=actor, data=data)
        result.created += 1
