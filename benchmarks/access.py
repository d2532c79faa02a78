"""Benchmark: what the access rules cost at scale (parties, correlations, derived findings).

The visibility rules decide, on every read, which parties, correlations and findings a
reader may see: a party link by its record kind's read action and distribution, a party by
its owner organisation or a visible link, a correlation only when both parties are visible,
and findings that rest on other records re-counted for each reader. This script builds a
realistic world in bulk (with the rows the services would have written: party links with
their countries, incident audiences widened by correlations, findings computed as on
submission), then measures, side by side in one run (the variants alternate, many rounds,
p50 and p99), for four readers (a national law-enforcement officer, a competent-authority
officer and an industry operator of the busiest country, and a viewer of the international
secretariat):

1. the party list's first page (`entities.selectors.party_list(user=...)[:50]`, its count,
   and `GET /api/v1/entities/parties?page_size=50` through Django's test client) against the
   same page with no visibility rule;
2. the correlation list's first page (`correlation_list`, its count and the API) against
   unscoped;
3. a party page's correlations (`party_correlations`) and an incident's `related_records`
   against the same code with no visibility rule;
4. the notification page's findings for the reader (`precursors.selectors.findings`)
   against rendering the stored facts (`risk.describe` on each finding), and the inbox
   page with `with_reader_severity` against without;
5. `EXPLAIN ANALYZE` (SQLite: `EXPLAIN QUERY PLAN`) of the slowest query of each measure.

"No visibility rule" runs the same selector with `visible()` replaced by the model's plain
manager in the selector modules (for the party list that is
`Party.objects.filter(merged_into__isnull=True).select_related("country").order_by("name",
"pk")`), and for the API the same endpoint with the selector so replaced.

Targets (PostgreSQL, at the default size): every scoped first page (measures 1 to 3,
selector and API) p99 < 100 ms; findings per reader p99 < 50 ms; the inbox with the
reader's severity within 2x of the inbox without (p50). SQLite is measured with the same
world and reported beside, without verdicts. Exit status 0 only when every target is met.

Each database run happens in a child process of its own. For PostgreSQL the script needs a
server that accepts `postgresql://postgres@127.0.0.1:5432/postgres`; it drops and creates the
database `drugcontrol_bench_access` and drops it again at the end (`--keep` keeps it).

    .venv/bin/python benchmarks/access.py [--databases postgresql,sqlite] [--parties 200000]
        [--incidents 100000] [--correlations 50000] [--notifications 20000] [--rounds 30]
"""

import argparse
import contextlib
import datetime
import decimal
import gc
import importlib.metadata
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = "drugcontrol_bench_access"
PAGE = 50
# Measures of a single record's page (a party's correlations, an incident's related
# records, a notification's findings) take milliseconds: they run this many times more
# rounds, so that their p99 is not just the slowest of a few samples.
CHEAP = 5

TARGET_PAGE_P99_MS = 100.0  # every scoped first page (measures 1-3), PostgreSQL
TARGET_FINDINGS_P99_MS = 50.0  # findings per reader, PostgreSQL
TARGET_INBOX_RATIO = 2.0  # inbox with reader severity / without (p50), PostgreSQL

# Forty countries; the first trades, reports and is named most (weights fall as a power of
# the rank). The readers measured belong to the first.
COUNTRIES = (
    "NLD", "DEU", "CHN", "IND", "USA", "MEX", "BRA", "FRA", "GBR", "BEL",
    "ESP", "ITA", "CAN", "COL", "PER", "ARG", "NGA", "GHA", "ZAF", "KEN",
    "EGY", "TUR", "RUS", "POL", "CZE", "CHE", "AUT", "SWE", "ARE", "PAK",
    "THA", "VNM", "MYS", "SGP", "IDN", "PHL", "KOR", "JPN", "AUS", "NZL",
)  # fmt: skip
SUBSTANCES = ("Ephedrine", "Pseudoephedrine", "Acetic anhydride", "Potassium permanganate",
              "Anthranilic acid", "Piperidine", "Toluene", "Acetone", "Sulphuric acid",
              "1-Phenyl-2-propanone")  # fmt: skip
POOL_PER_COUNTRY = 150  # licensed trading companies each competent authority holds on file
OPERATORS_PER_COUNTRY = 3
CUSTOMERS_PER_OPERATOR = 15  # parties an operator registered through suspicious orders
CORRELATION_NEIGHBOURS = 4  # a new party is proposed with at most this many earlier ones
DISTRIBUTIONS = (("organisation", 15), ("country", 25), ("countries_involved", 45), ("all", 15))
INCIDENT_KINDS = ("seizure", "stopped_shipment", "diversion_attempt", "suspicious_order",
                  "illicit_laboratory", "suspended_shipment")  # fmt: skip
COMPANY_ROLES = ("consignee", "exporter", "broker", "forwarder", "carrier")
COUNTRY_ROLES = ("origin", "departure", "transit", "destination")
READERS = (
    ("le", "law-enforcement officer"),
    ("ca", "competent-authority officer"),
    ("op", "operator"),
    ("intl", "international viewer"),
)


# --- the machine ----------------------------------------------------------------------------


def machine(admin_url: str, databases: list[str]) -> list[tuple[str, str]]:
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()
    memory = free[1].split()[1] if len(free) > 1 else "?"
    commit = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=PROJECT_DIR,
        ).stdout.strip()
        or "unknown (not a git checkout)"
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
    ).stdout.strip()
    rows = [
        ("CPUs (nproc)", str(os.cpu_count())),
        ("CPU model", model),
        ("memory (free -h)", memory),
        ("kernel", f"{platform.system()} {platform.release()}"),
        ("Python", platform.python_version()),
        ("Django", importlib.metadata.version("Django")),
        ("django-ninja", importlib.metadata.version("django-ninja")),
        ("SQLite", sqlite3.sqlite_version),
        ("commit", commit + (" (with uncommitted changes)" if dirty else "")),
    ]
    if "postgresql" in databases:
        import psycopg

        with psycopg.connect(admin_url) as connection:
            version = connection.execute("SELECT version()").fetchone()[0]
        rows.append(("PostgreSQL server", version.split(" on ")[0] + ", same machine"))
        rows.append(("psycopg", importlib.metadata.version("psycopg")))
    return rows


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- generated names ------------------------------------------------------------------------

ONSETS = (
    "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s",
    "t", "v", "z", "br", "tr", "st", "gr", "pl", "kr", "dr", "fl", "sk", "ch",
)  # fmt: skip
VOWELS = (
    "a", "e", "i", "o", "u", "a", "e", "o",
)  # fmt: skip
CODAS = (
    "n", "r", "l", "s", "x", "m", "t",
)  # fmt: skip
BUSINESS = ("Chemical", "Chemicals", "Pharma", "Trading", "Logistics", "Industries",
            "Laboratories", "Materials", "Supplies", "Import Export", "Biotech", "Agro",
            "Healthcare", "Solutions", "Distribution")  # fmt: skip
LEGAL = ("Ltd", "GmbH", "B.V.", "S.A.", "LLC", "Inc.", "Pvt. Ltd.", "S.A. de C.V.", "Co., Ltd.",
         "Pte. Ltd.", "SARL", "S.r.l.", "Sp. z o.o.", "A/S", "FZE")  # fmt: skip
GIVEN = (
    "Anna", "Maria", "John", "James", "Michael", "David", "Peter", "Thomas", "Paul", "Laura",
    "Sarah", "Elena", "Sofia", "Lucas", "Hugo", "Jean", "Pierre", "Hans", "Klaus", "Stefan",
    "Ingrid", "Lars", "Olga", "Ivan", "Sergei", "Ahmed", "Omar", "Fatima", "Ali", "Mehmet",
    "Raj", "Amit", "Priya", "Kwame", "Chinedu", "Carlos", "Jose", "Miguel", "Ana", "Marco",
    "Piotr", "Kenji", "Wei", "Li", "Min", "Daniel", "Samuel",
)  # fmt: skip


class Names:
    """Company and person names, each new one unique (variants are made on purpose)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def stem(self) -> str:
        rng = self.rng
        word = ""
        for index in range(rng.choice((2, 3, 3))):
            word += rng.choice(ONSETS) + rng.choice(VOWELS)
            if rng.random() < (0.3 if index < 2 else 0.45):
                word += rng.choice(CODAS)
        return word.capitalize()

    def fresh(self, kind: str) -> tuple[str, str]:
        """(base, legal form) of a name never drawn before."""
        rng = self.rng
        while True:
            if kind == "person":
                base, legal = (
                    f"{rng.choice(GIVEN)} {self.stem()}{rng.choice(('', 'son', 'ez', 'ov', 'er'))}",
                    "",
                )
            else:
                base = f"{self.stem()} {rng.choice(BUSINESS)}"
                if rng.random() < 0.3:
                    base = f"{self.stem()} {base}"
                legal = rng.choice(LEGAL)
            if base not in self.used:
                self.used.add(base)
                return base, legal

    def variant(self, base: str, legal: str) -> tuple[str, str, int]:
        """Another spelling of the same name and the score matching gives the pair: the legal
        form swapped (the score ignores it) or one typing error in the first word."""
        rng = self.rng
        if legal and rng.random() < 0.5:
            return base, rng.choice([form for form in LEGAL if form != legal]), 100
        first, _, rest = base.partition(" ")
        position = rng.randrange(1, len(first))
        typo = first[:position] + rng.choice("aeioulnrst") + first[position + 1 :]
        return f"{typo} {rest}".strip(), legal, rng.randint(86, 97)


def full_name(base: str, legal: str) -> str:
    return f"{base} {legal}" if legal else base


# --- the world ------------------------------------------------------------------------------


class Table:
    """Rows of one model, every concrete column (defaults filled as the model would)."""

    def __init__(self, model):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.position = {}
        for index, field in enumerate(self.fields):
            self.position[field.name] = index
            self.position[field.attname] = index
        self.defaults = [field.get_default() for field in self.fields]
        self.rows: list[list] = []

    def add(self, **values) -> None:
        row = list(self.defaults)
        for name, value in values.items():
            row[self.position[name]] = value
        self.rows.append(row)


class World:
    """The whole world in memory, generated deterministically from the seed, then written in
    bulk. Events (incidents and notifications) are generated in time order, so that what the
    services compute from the records on file at the time (a party reused by the
    organisation that holds it under the same name, the countries a correlation adds to an
    incident's audience, the findings on submission) is computed from the same records."""

    def __init__(self, args, substances: list[dict]):
        from drugcontrol.core.models import Organisation, User
        from drugcontrol.entities.models import (
            Correlation,
            Party,
            PartyLink,
            PartyLinkCountry,
            PartyName,
            WarningValue,
        )
        from drugcontrol.incidents.models import (
            Incident,
            IncidentAudience,
            IncidentCountry,
            IncidentParty,
            IncidentSubstance,
        )
        from drugcontrol.precursors.models import (
            Finding,
            Notification,
            NotificationLine,
            NotificationParty,
            NotificationTransit,
            SuspiciousOrder,
        )

        self.args = args
        self.rng = random.Random(args.seed)
        self.names = Names(random.Random(args.seed + 1))
        self.substances = substances
        self.countries = COUNTRIES[: args.countries]
        self.weights = [1 / (rank + 1) ** 0.8 for rank in range(len(self.countries))]
        self.now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        models = (Organisation, User, WarningValue, Party, PartyName, Incident, IncidentCountry,
                  IncidentSubstance, IncidentAudience, IncidentParty, PartyLink,
                  PartyLinkCountry, Correlation, Notification, NotificationLine,
                  NotificationParty, NotificationTransit, Finding, SuspiciousOrder)  # fmt: skip
        self.tables = {model: Table(model) for model in models}
        self.t = {model.__name__: self.tables[model] for model in models}
        # parties, as parallel lists (index = pk - 1)
        self.p_family: list[int] = []
        self.p_name: list[str] = []
        self.p_owner_country: list[str] = []
        self.p_seq: list[int] = []
        self.held: dict[tuple, int] = {}  # (organisation, name, country) -> party
        self.family_members: list[list[int]] = []
        self.family_names: list[tuple[str, str, str, str]] = []  # kind, base, legal, country
        self.links_of: dict[int, list[tuple[int, str]]] = {}  # party -> [(seq, country)]
        self.link_id = 0
        self.timings: dict[str, float] = {}

    # -- organisations and users --

    def organisations(self) -> None:
        organisation, user = self.t["Organisation"], self.t["User"]
        self.ca, self.le, self.operators, self.officer = {}, {}, {}, {}
        created = self.now - datetime.timedelta(days=4 * 365)
        pk = 0

        def add(name, kind, country, role="officer", username=None):
            nonlocal pk
            pk += 1
            organisation.add(id=pk, name=name, kind=kind, country=country, created_at=created)
            user.add(
                id=pk,
                username=username or f"bench_{pk}",
                password="!unusable",  # the measurement signs in with force_login
                organisation=pk,
                role=role,
                is_active=True,
                date_joined=created,
                email=f"user{pk}@bench.example",
            )
            self.officer[pk] = pk
            return pk

        for code in self.countries:
            self.ca[code] = add(
                f"{code} competent authority",
                "competent_authority",
                code,
                username=f"bench_{code.lower()}_ca",
            )
            self.le[code] = add(
                f"{code} police and customs",
                "law_enforcement",
                code,
                username=f"bench_{code.lower()}_le",
            )
            self.operators[code] = [
                add(
                    f"{code} operator {n}", "operator", code, username=f"bench_{code.lower()}_op{n}"
                )
                for n in range(1, OPERATORS_PER_COUNTRY + 1)
            ]
        self.intl = add(
            "International secretariat",
            "international",
            None,
            role="viewer",
            username="bench_intl_viewer",
        )
        self.intl_officer = pk + 1
        user.add(
            id=pk + 1,
            username="bench_intl_officer",
            password="!unusable",
            organisation=self.intl,
            role="officer",
            is_active=True,
            date_joined=created,
            email="intl.officer@bench.example",
        )
        self.readers = reader_usernames(self.countries[0])
        self.org_country = {org: code for code, org in self.ca.items()}
        self.org_country |= {org: code for code, org in self.le.items()}
        for code, orgs in self.operators.items():
            self.org_country |= {org: code for org in orgs}
        self.t["WarningValue"].add(
            id=1,
            kind="address",
            value="Port of Rotterdam, Maasvlakte",
            normalized="port of rotterdam maasvlakte",
            reason="a port's address",
            created_by=self.intl_officer,
            created_at=created,
        )

    # -- parties --

    def family(self, kind: str, base: str, legal: str, country: str) -> int:
        self.family_members.append([])
        self.family_names.append((kind, base, legal, country))
        return len(self.family_members) - 1

    def register(self, org: int, fam: int, name: str, country: str, seq: int, at) -> int:
        """`party_register`: the party this organisation holds under the very same name and
        country, or a new one on its file."""
        key = (org, name, country)
        pk = self.held.get(key)
        if pk is not None:
            return pk
        pk = len(self.p_family) + 1
        kind = self.family_names[fam][0]
        self.t["Party"].add(
            id=pk,
            kind=kind,
            name=name,
            country=country,
            owner_organisation=org,
            owner_country=self.org_country[org],
            created_at=at,
        )
        self.p_family.append(fam)
        self.p_name.append(name)
        self.p_owner_country.append(self.org_country[org])
        self.p_seq.append(seq)
        self.family_members[fam].append(pk)
        self.held[key] = pk
        return pk

    def link(self, party, record_type, record_id, role, name, org, audience, at, seq) -> int:
        self.link_id += 1
        country = self.org_country.get(org)
        self.t["PartyLink"].add(
            id=self.link_id,
            party=party,
            record_type=record_type,
            record_id=str(record_id),
            role=role,
            reported_name=name,
            organisation=org,
            country=country,
            audience=audience,
            created_at=at,
        )
        self.links_of.setdefault(party, []).append((seq, country))
        return self.link_id

    def pool(self) -> None:
        """Each competent authority holds its country's licensed trading companies on file."""
        at = self.now - datetime.timedelta(days=4 * 365)
        self.pools: dict[str, list[int]] = {}
        for code in self.countries:
            self.pools[code] = []
            for _ in range(POOL_PER_COUNTRY):
                base, legal = self.names.fresh("company")
                fam = self.family("company", base, legal, code)
                self.register(self.ca[code], fam, full_name(base, legal), code, 0, at)
                self.pools[code].append(fam)

    def customers(self) -> None:
        """Operators' suspicious order reports: each registers its customer as a party."""
        rng = self.rng
        orders = self.t["SuspiciousOrder"]
        number = 0
        for code in self.countries:
            for org in self.operators[code]:
                for _ in range(CUSTOMERS_PER_OPERATOR):
                    number += 1
                    at = self.now - datetime.timedelta(days=rng.uniform(30, 1000))
                    country = rng.choices(self.countries, self.weights)[0]
                    base, legal = self.names.fresh("company")
                    fam = self.family("company", base, legal, country)
                    name = full_name(base, legal)
                    party = self.register(org, fam, name, country, 0, at)
                    substance = rng.choice(self.substances)
                    orders.add(
                        id=number,
                        reference=f"SOR-{code}-{at.year}-{number:06d}",
                        reporting_organisation=org,
                        country=code,
                        received_on=at.date(),
                        substance=substance["id"],
                        chemical_description=substance["name_en"],
                        quantity=decimal.Decimal(rng.randint(50, 5000)),
                        unit="kg",
                        customer_name=name,
                        customer_country=country,
                        customer_party=party,
                        reasons="Asked for cash payment and no end-use statement.",
                        status="new",
                        created_by=self.officer[org],
                        created_at=at,
                    )

    # -- the stream of events --

    def events(self) -> None:
        rng = self.rng
        span = 3 * 365
        stream = []
        for _ in range(self.args.incidents):
            occurred = self.now - datetime.timedelta(days=rng.uniform(3, span))
            created = occurred + datetime.timedelta(days=rng.uniform(0.5, 10))
            stream.append((min(created, self.now), 0, occurred.date()))
        for _ in range(self.args.notifications):
            # recent weeks weigh more: the inbox has work in it
            age = rng.uniform(0, 365) if rng.random() < 0.9 else rng.uniform(0, 20)
            stream.append((self.now - datetime.timedelta(days=age, hours=1), 1, None))
        stream.sort(key=lambda event: event[0])
        self.incident_rows: list[dict] = []
        self.notification_rows: list[dict] = []
        self.incident_families: list[int] = []
        self.org_names: dict[int, list[tuple[int, str, str]]] = {}
        self.references: dict[str, int] = {}
        for seq, (at, kind, occurred) in enumerate(stream, start=1):
            if kind == 0:
                self.incident(seq, at, occurred)
            else:
                self.notification(seq, at)

    def reference(self, prefix: str) -> str:
        self.references[prefix] = self.references.get(prefix, 0) + 1
        return f"{prefix}{self.references[prefix]:06d}"

    def incident(self, seq: int, at, occurred) -> None:
        rng = self.rng
        reporter_country = rng.choices(self.countries, self.weights)[0]
        org = self.le[reporter_country] if rng.random() < 0.65 else self.ca[reporter_country]
        distribution = rng.choices([d for d, _w in DISTRIBUTIONS], [w for _d, w in DISTRIBUTIONS])[
            0
        ]
        pk = len(self.incident_rows) + 1
        others = [c for c in self.countries if c != reporter_country]
        named = []
        for country in dict.fromkeys(
            rng.choices(others, self.weights[1:], k=rng.choice((1, 1, 2, 2, 3)))
        ):
            named.append((country, rng.choice(COUNTRY_ROLES)))
        if rng.random() < 0.4:
            named.append((reporter_country, "seizure"))
        self.t["Incident"].add(
            id=pk,
            reference=self.reference(f"{reporter_country}-{occurred.year}-"),
            kind=rng.choice(INCIDENT_KINDS),
            occurred_on=occurred,
            reporting_organisation=org,
            reporting_country=reporter_country,
            distribution=distribution,
            description="Generated for the access benchmark.",
            created_by=self.officer[org],
            created_at=at,
            updated_at=at,
        )
        for index, (country, role) in enumerate(named):
            self.t["IncidentCountry"].add(incident=pk, country=country, role=role, sequence=index)
        substances = rng.sample(self.substances, rng.choice((1, 1, 2)))
        for substance in substances:
            self.t["IncidentSubstance"].add(
                incident=pk,
                substance=substance["id"],
                quantity=decimal.Decimal(rng.randint(1, 2000)),
                unit="kg",
            )
        parties = []
        countries_here = [reporter_country, *(c for c, _r in named)]
        for _ in range(rng.choices((1, 2, 3), (50, 35, 15))[0]):
            draw = rng.random()
            used = self.org_names.get(org)
            if draw < 0.08 and used:
                fam, name, country = rng.choice(used)  # a party this organisation named before
            elif draw < 0.14:
                fam = rng.choice(self.pools[rng.choice(countries_here)])  # a licensed company
                _k, base, legal, country = self.family_names[fam]
                name = full_name(base, legal)
                if rng.random() < 0.3:
                    base, legal, _score = self.names.variant(base, legal)
                    name = full_name(base, legal)
            elif draw < 0.24 and self.incident_families:
                fam = rng.choice(self.incident_families)  # named by another country before
                _k, base, legal, country = self.family_names[fam]
                name = full_name(base, legal)
                if rng.random() < 0.4:
                    base, legal, _score = self.names.variant(base, legal)
                    name = full_name(base, legal)
            else:
                kind = "person" if rng.random() < 0.3 else "company"
                base, legal = self.names.fresh(kind)
                country = rng.choice(countries_here)
                fam = self.family(kind, base, legal, country)
                name = full_name(base, legal)
                self.incident_families.append(fam)
            party = self.register(org, fam, name, country, seq, at)
            if party in (p for p, _r, _n in parties):
                continue
            kind = self.family_names[fam][0]
            role = "person_involved" if kind == "person" else rng.choice(COMPANY_ROLES)
            parties.append((party, role, name))
            self.org_names.setdefault(org, []).append((fam, name, country))
        links = []
        for party, role, name in parties:
            self.t["IncidentParty"].add(incident=pk, party=party, role=role, reported_name=name)
            links.append(
                self.link(party, "incidents.incident", pk, role, name, org, distribution, at, seq)
            )
        self.incident_rows.append(
            {
                "pk": pk,
                "seq": seq,
                "reporter": reporter_country,
                "distribution": distribution,
                "named": named,
                "parties": [p for p, _r, _n in parties],
                "links": links,
                "occurred": occurred,
                "substances": [s["id"] for s in substances],
            }
        )

    def notification(self, seq: int, submitted) -> None:
        rng = self.rng
        exporting = rng.choices(self.countries[:30], self.weights[:30])[0]
        importing = rng.choices(self.countries, self.weights)[0]
        while importing == exporting:
            importing = rng.choices(self.countries, self.weights)[0]
        transits = []
        if rng.random() < 0.3:
            transit = rng.choice(self.countries)
            if transit not in (exporting, importing):
                transits.append(transit)
        authority = self.ca[exporting]
        pk = len(self.notification_rows) + 1
        drafted = submitted - datetime.timedelta(hours=rng.uniform(1, 48))
        age = (self.now - submitted).days
        if age < 15:
            status = rng.choices(
                ("submitted", "acknowledged", "cleared", "objected"), (55, 30, 12, 3)
            )[0]
        else:
            status = rng.choices(
                ("shipped", "cleared", "objected", "withdrawn", "cancelled", "submitted",
                 "acknowledged"),
                (76, 8, 4, 3, 1, 5, 3),
            )[0]  # fmt: skip
        deadline = submitted.date() + datetime.timedelta(days=15)
        answered = hours = late = acknowledged = closed = outcome_at = None
        outcome = ground = ""
        if status in ("cleared", "objected", "shipped", "cancelled"):
            answered = min(submitted + datetime.timedelta(hours=rng.expovariate(1 / 90)), self.now)
            hours = int((answered - submitted).total_seconds() // 3600)
            late = answered.date() > deadline
        if status in ("acknowledged",) or (answered and rng.random() < 0.7):
            acknowledged = submitted + datetime.timedelta(hours=rng.uniform(1, 40))
        if status == "objected":
            ground = "no_licence"
        if status in ("shipped", "cancelled", "withdrawn"):
            closed = min(submitted + datetime.timedelta(days=rng.uniform(5, 40)), self.now)
        if status == "shipped":
            outcome = rng.choices(("arrived", "seized", "stopped"), (95, 2, 3))[0]
            outcome_at = closed
        substance = rng.choice(self.substances)
        quantity = decimal.Decimal(str(round(rng.lognormvariate(4, 1.2), 3)))
        dispatch = submitted.date() + datetime.timedelta(days=30)
        self.t["Notification"].add(
            id=pk,
            reference=self.reference(f"PEN-{exporting}-{drafted.year}-"),
            kind="scheduled",
            status=status,
            exporting_country=exporting,
            exporting_authority=authority,
            importing_country=importing,
            importing_authority=self.ca[importing],
            point_of_entry="main seaport",
            expected_dispatch=dispatch,
            submitted_at=submitted,
            reply_deadline=deadline,
            acknowledged_at=acknowledged,
            answered_at=answered,
            response_hours=hours,
            answered_late=late,
            objection_ground=ground,
            closed_at=closed,
            outcome=outcome,
            outcome_at=outcome_at,
            created_by=self.officer[authority],
            created_at=drafted,
            updated_at=closed or answered or submitted,
        )
        self.t["NotificationLine"].add(
            notification=pk,
            substance=substance["id"],
            quantity=quantity,
            unit="kg",
            quantity_kg=quantity,
            importing_country=importing,
            year=dispatch.year,
        )
        for index, transit in enumerate(transits):
            self.t["NotificationTransit"].add(notification=pk, country=transit, sequence=index)
        parties = []
        for role, country in (("exporter", exporting), ("importer", importing)):
            fam = rng.choice(self.pools[country][: POOL_PER_COUNTRY // 2])
            _k, base, legal, _c = self.family_names[fam]
            name = full_name(base, legal)
            party = self.register(authority, fam, name, country, seq, drafted)
            parties.append((party, role, name))
            self.t["NotificationParty"].add(
                notification=pk,
                party=party,
                role=role,
                reported_name=name,
                address="on file",
                outcome=outcome,
            )
        links = [
            self.link(
                party,
                "precursors.notification",
                pk,
                role,
                name,
                authority,
                "countries_involved",
                submitted,
                seq,
            )
            for party, role, name in parties
        ]
        self.notification_rows.append(
            {
                "pk": pk,
                "seq": seq,
                "submitted": submitted,
                "outcome": outcome,
                "outcome_at": outcome_at,
                "parties": parties,
                "links": links,
                "countries": sorted({exporting, importing, *transits}),
                "transits": transits,
                "importing": importing,
                "substance": substance,
                "quantity": quantity,
                "year": dispatch.year,
            }
        )

    def fill(self) -> None:
        """Parties registered on their own (imports of national files): owned by an
        authority, named in no record, up to the number of parties asked for."""
        rng = self.rng
        seq = 10**9
        while len(self.p_family) < self.args.parties:
            country = rng.choices(self.countries, self.weights)[0]
            org = self.ca[country] if rng.random() < 0.6 else self.le[country]
            at = self.now - datetime.timedelta(days=rng.uniform(1, 60))
            if rng.random() < 0.12:
                fam = rng.randrange(len(self.family_members))
                _k, base, legal, party_country = self.family_names[fam]
                base, legal, _score = self.names.variant(base, legal)
            else:
                kind = "person" if rng.random() < 0.3 else "company"
                base, legal = self.names.fresh(kind)
                party_country = country
                fam = self.family(kind, base, legal, party_country)
            self.register(org, fam, full_name(base, legal), party_country, seq, at)

    # -- derived rows --

    def correlations(self) -> None:
        """`correlate_party`: each new party is proposed with the earlier parties of the same
        name (other organisations' files, other spellings); at most CORRELATION_NEIGHBOURS
        each, and a sample of all those pairs down to the number asked for."""
        rng = random.Random(self.args.seed + 2)
        candidates = []
        for members in self.family_members:
            for j in range(1, len(members)):
                for i in range(max(0, j - CORRELATION_NEIGHBOURS), j):
                    candidates.append((members[i], members[j]))
        self.candidate_pairs = len(candidates)
        if len(candidates) > self.args.correlations:
            candidates = rng.sample(candidates, self.args.correlations)
        candidates.sort(key=lambda pair: (pair[1], pair[0]))
        table = self.t["Correlation"]
        self.corr_of: dict[int, list[tuple[int, int, int, str]]] = {}
        party_rows = self.t["Party"].rows
        created_at = self.t["Party"].position["created_at"]
        for pk, (a, b) in enumerate(candidates, start=1):
            first, second = sorted((a, b))
            score = (
                100
                if self.p_name[a - 1].lower() == self.p_name[b - 1].lower()
                else rng.randint(86, 99)
            )
            status = rng.choices(
                ("proposed", "confirmed", "rejected", "withdrawn"), (78, 12, 7, 3)
            )[0]
            created = party_rows[b - 1][created_at]
            decided = status in ("confirmed", "rejected")
            table.add(
                id=pk,
                party_a=first,
                party_b=second,
                score=score,
                reasons=["name_similar"] if score < 100 else ["name_same"],
                status=status,
                decided_by=self.intl_officer if decided else None,
                decided_at=created + datetime.timedelta(days=3) if decided else None,
                withdrawn_by=1 if status == "withdrawn" else None,
                created_at=created,
            )
            seq = max(self.p_seq[a - 1], self.p_seq[b - 1])
            self.corr_of.setdefault(a, []).append((seq, b, score, status))
            self.corr_of.setdefault(b, []).append((seq, a, score, status))

    def audiences(self) -> None:
        """`_set_audience` and `_sync_link_countries`: the reporter and the countries named
        in a role; for `countries_involved`, also the countries holding a party correlated
        (at the time) with one the incident names; every link of the incident carries the
        audience's countries."""
        audience_rows, link_countries = self.t["IncidentAudience"], self.t["PartyLinkCountry"]
        for row in self.incident_rows:
            audience = {row["reporter"]: "reporter"}
            for country, _role in row["named"]:
                audience.setdefault(country, "role")
            if row["distribution"] == "countries_involved":
                seq = row["seq"]
                correlated = set()
                for party in row["parties"]:
                    for corr_seq, other, _score, _status in self.corr_of.get(party, ()):
                        if corr_seq > seq:
                            continue
                        correlated.add(self.p_owner_country[other - 1])
                        for link_seq, country in self.links_of.get(other, ()):
                            if link_seq > seq:
                                break
                            correlated.add(country)
                correlated.discard(None)
                correlated.discard(row["reporter"])
                for country in sorted(correlated):
                    audience.setdefault(country, "correlation")
            for country, reason in audience.items():
                audience_rows.add(incident=row["pk"], country=country, reason=reason)
            for link in row["links"]:
                for country in audience:
                    link_countries.add(link=link, country=country)
        for row in self.notification_rows:
            for link in row["links"]:
                for country in row["countries"]:
                    link_countries.add(link=link, country=country)

    def findings(self) -> None:
        """`risk.evaluate` on submission, from the records on file at the time: a party
        named (itself or a correlated party) in incidents or stopped shipments, transit
        through a country with shared incidents about the substance in the past year, no
        legitimate requirement on file for a substance that needs one, the first
        notification for an importer. (The quantity and unanswered-last-time rules, which
        read only the notification history, are not generated.)"""
        from drugcontrol.precursors import risk

        shared = {"countries_involved", "all"}
        named_in: dict[int, list[tuple[int, int]]] = {}  # party -> [(seq, incident)]
        by_country: dict[tuple[str, int], list[tuple[int, datetime.date, int]]] = {}
        for row in self.incident_rows:
            for party in row["parties"]:
                named_in.setdefault(party, []).append((row["seq"], row["pk"]))
            if row["distribution"] in shared:
                countries = {c for c, _r in row["named"]}
                for country in countries:
                    for substance in row["substances"]:
                        by_country.setdefault((country, substance), []).append(
                            (row["seq"], row["occurred"], row["pk"])
                        )
        stopped_of: dict[int, list[tuple[datetime.datetime, int]]] = {}
        importer_seqs: dict[int, list[int]] = {}
        for row in self.notification_rows:
            if row["outcome"] in ("seized", "stopped"):
                for party, _role, _name in row["parties"]:
                    stopped_of.setdefault(party, []).append((row["outcome_at"], row["pk"]))
            importer = next(p for p, role, _n in row["parties"] if role == "importer")
            importer_seqs.setdefault(importer, []).append(row["seq"])
        table = self.t["Finding"]
        severities = self.t["Notification"].position["highest_severity"]
        counts = {"party_flagged": 0, "transit_incidents": 0}
        for row in self.notification_rows:
            seq, submitted, found = row["seq"], row["submitted"], []
            substance = row["substance"]
            if substance["cas"] in risk.REQUIREMENT_CAS:
                found.append(
                    (
                        "requirement_missing",
                        3,
                        {
                            "substance": substance["id"],
                            "substance_name": substance["name_en"],
                            "substance_name_zh": substance["name_zh"],
                            "form": "substance",
                            "year": row["year"],
                            "country": row["importing"],
                            "this_kg": str(row["quantity"].quantize(decimal.Decimal("0.001"))),
                        },
                    )
                )
            alike_of = {}
            for party, role, name in row["parties"]:
                alike = {party: 100}
                for corr_seq, other, score, status in self.corr_of.get(party, ()):
                    if corr_seq < seq and status not in ("rejected", "withdrawn"):
                        alike[other] = max(alike.get(other, 0), score)
                alike_of[party] = alike
                incidents, stopped = {}, {}
                for other, score in alike.items():
                    for incident_seq, incident in named_in.get(other, ()):
                        if incident_seq >= seq:
                            break
                        incidents[incident] = max(incidents.get(incident, 0), score)
                    for when, notification in stopped_of.get(other, ()):
                        if when < submitted and notification != row["pk"]:
                            stopped[notification] = max(stopped.get(notification, 0), score)
                if incidents or stopped:
                    counts["party_flagged"] += 1
                    found.append(
                        (
                            "party_flagged",
                            4,
                            {
                                "role": role,
                                "name": name,
                                "party": party,
                                "incidents": sorted(incidents)[-risk.LISTED :],
                                "notifications": sorted(stopped)[-risk.LISTED :],
                                "incident_count": len(incidents),
                                "notification_count": len(stopped),
                                "score": max([*incidents.values(), *stopped.values()]),
                            },
                        )
                    )
            since = submitted.date() - datetime.timedelta(days=risk.INCIDENT_WINDOW_DAYS)
            for transit in row["transits"]:
                count = sum(
                    1
                    for incident_seq, occurred, _pk in by_country.get(
                        (transit, substance["id"]), ()
                    )
                    if incident_seq < seq and occurred >= since
                )
                if count:
                    counts["transit_incidents"] += 1
                    found.append(("transit_incidents", 3, {"country": transit, "count": count}))
            importer, _role, importer_name = next(p for p in row["parties"] if p[1] == "importer")
            same = [q for q, score in alike_of[importer].items() if score >= risk.SAME_PARTY_SCORE]
            if not any(s < seq for q in same for s in importer_seqs.get(q, ()) if s != seq):
                found.append(("first_for_importer", 2, {"importer": importer_name}))
            for rule, severity, facts in found:
                table.add(
                    notification=row["pk"],
                    rule=rule,
                    severity=severity,
                    facts=facts,
                    created_at=submitted,
                )
            self.t["Notification"].rows[row["pk"] - 1][severities] = max(
                (s for rule, s, _f in found if rule not in risk.READER_DEPENDENT), default=0
            )
        self.finding_counts = counts

    def names_rows(self) -> None:
        """`PartyName` with the normalised forms `_add_names_and_identifiers` stores (the
        matching index itself, `BlockingKey` and `KeyCount`, is not built: no read measured
        here touches it)."""
        from drugcontrol.entities.normalize import normalize_name

        table = self.t["PartyName"]
        party_rows = self.t["Party"].rows
        kind_at = self.t["Party"].position["kind"]
        cache: dict[tuple[str, str], tuple] = {}
        for pk, name in enumerate(self.p_name, start=1):
            kind = party_rows[pk - 1][kind_at]
            forms = cache.get((kind, name))
            if forms is None:
                normalized = normalize_name(name, kind=kind)
                forms = (
                    normalized.syllable_text[:600],
                    normalized.compact[:600],
                    " ".join(normalized.words)[:600],
                    normalized.script,
                )
                cache[(kind, name)] = forms
            table.add(
                id=pk,
                party=pk,
                name=name,
                syllables=forms[0],
                compact=forms[1],
                words=forms[2],
                script=forms[3],
            )

    def build(self) -> None:
        for label, step in (
            ("organisations and users", self.organisations),
            ("licensed companies on file", self.pool),
            ("operators' customers", self.customers),
            ("incidents and notifications (in time order)", self.events),
            ("parties on file only", self.fill),
            ("correlations", self.correlations),
            ("audiences and link countries", self.audiences),
            ("findings", self.findings),
            ("party names (normalised)", self.names_rows),
        ):
            started = time.perf_counter()
            step()
            self.timings[f"generate {label}"] = time.perf_counter() - started
            print(f"  generated {label}: {self.timings[f'generate {label}']:.1f} s", flush=True)


# --- writing in bulk ------------------------------------------------------------------------


def write(world: World) -> dict[str, int]:
    """Every table with COPY (PostgreSQL) or executemany in one transaction (SQLite)."""
    from django.core.management.color import no_style
    from django.db import connection
    from django.db.models import DateField, DateTimeField, DecimalField, JSONField

    vendor = connection.vendor
    with connection.cursor():
        pass  # opens the connection
    raw = connection.connection
    sizes = {}
    if vendor == "sqlite":
        raw.execute("PRAGMA synchronous = OFF")
    for model, table in world.tables.items():
        if not table.rows:
            sizes[model.__name__] = 0
            continue
        converters = []
        for field in table.fields:
            if isinstance(field, JSONField | DecimalField) or (
                vendor == "sqlite" and isinstance(field, DateTimeField | DateField)
            ):
                converters.append(
                    lambda value, field=field: (
                        None if value is None else field.get_db_prep_save(value, connection)
                    )
                )
            else:
                converters.append(None)
        # Rows without an id (auto fields left to the database) are numbered here.
        id_at = table.position.get("id")
        for number, row in enumerate(table.rows, start=1):
            if id_at is not None and row[id_at] is None:
                row[id_at] = number
        convert = [(i, c) for i, c in enumerate(converters) if c is not None]
        columns = [field.column for field in table.fields]
        name = model._meta.db_table
        if vendor == "postgresql":
            statement = f"COPY {name} ({', '.join(columns)}) FROM STDIN"
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in table.rows:
                    for i, convert_value in convert:
                        row[i] = convert_value(row[i])
                    copy.write_row(row)
        else:
            placeholders = ", ".join("?" for _ in columns)
            for row in table.rows:
                for i, convert_value in convert:
                    row[i] = convert_value(row[i])
            raw.executemany(
                f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({placeholders})",
                table.rows,
            )
        sizes[model.__name__] = len(table.rows)
        table.rows = []  # free the memory as we go
    raw.commit()
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(world.tables)):
            cursor.execute(statement)
    return sizes


def analyse() -> None:
    """As autovacuum (PostgreSQL) or `PRAGMA optimize` would soon after a bulk load."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def check(world: World) -> list[str]:
    """The invariants the services keep, checked on the written database."""
    from django.db.models import Exists, F, OuterRef

    from drugcontrol.entities.models import Correlation, PartyLink, PartyLinkCountry
    from drugcontrol.incidents.models import IncidentAudience, IncidentParty
    from drugcontrol.precursors.models import NotificationParty

    problems = []
    if Correlation.objects.filter(party_a__gte=F("party_b")).exists():
        problems.append("a correlation with party_a >= party_b")
    incident_links = PartyLink.objects.filter(record_type="incidents.incident")
    if incident_links.count() != IncidentParty.objects.count():
        problems.append("incident party links and incident parties differ")
    if PartyLink.objects.filter(record_type="precursors.notification").count() != (
        NotificationParty.objects.count()
    ):
        problems.append("notification party links and notification parties differ")
    rng = random.Random(world.args.seed + 5)
    sample = rng.sample(range(1, len(world.incident_rows) + 1), min(300, len(world.incident_rows)))
    audiences: dict[int, set] = {}
    for incident, country in IncidentAudience.objects.filter(incident_id__in=sample).values_list(
        "incident_id", "country_id"
    ):
        audiences.setdefault(incident, set()).add(country)
    links = PartyLink.objects.filter(
        record_type="incidents.incident", record_id__in=[str(i) for i in sample]
    ).values_list("pk", "record_id")
    countries: dict[int, set] = {}
    for link, country in PartyLinkCountry.objects.filter(
        link_id__in=[pk for pk, _r in links]
    ).values_list("link_id", "country_id"):
        countries.setdefault(link, set()).add(country)
    for link, record in links:
        if countries.get(link, set()) != audiences.get(int(record), set()):
            problems.append(f"link {link}: its countries are not incident {record}'s audience")
            break
    if PartyLink.objects.filter(
        ~Exists(PartyLinkCountry.objects.filter(link=OuterRef("pk")))
    ).exists():
        problems.append("a party link without countries")
    return problems


# --- the readers and what they see ----------------------------------------------------------


def reader_usernames(home: str) -> dict[str, str]:
    home = home.lower()
    return {
        "le": f"bench_{home}_le",
        "ca": f"bench_{home}_ca",
        "op": f"bench_{home}_op1",
        "intl": "bench_intl_viewer",
    }


def table_sizes() -> dict[str, int]:
    from drugcontrol.core.models import Organisation, User
    from drugcontrol.entities.models import Correlation, Party, PartyLink, PartyLinkCountry
    from drugcontrol.incidents.models import Incident, IncidentAudience, IncidentParty
    from drugcontrol.precursors.models import Finding, Notification, NotificationParty

    models = (Organisation, User, Party, Incident, IncidentAudience, IncidentParty, PartyLink,
              PartyLinkCountry, Correlation, Notification, NotificationParty, Finding)  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def world_facts(candidate_pairs: int | None) -> dict[str, int]:
    from drugcontrol.precursors.models import Finding

    facts = {} if candidate_pairs is None else {"candidate correlation pairs": candidate_pairs}
    for rule in ("party_flagged", "transit_incidents"):
        facts[f"{rule} findings"] = Finding.objects.filter(rule=rule).count()
    return facts


def readers(usernames: dict[str, str]) -> dict:
    from drugcontrol.core.models import User

    return {
        key: User.objects.select_related("organisation").get(username=username)
        for key, username in usernames.items()
    }


def census(users: dict) -> dict:
    """What each reader sees (counts, outside any timing)."""
    from drugcontrol.core.visibility import visible
    from drugcontrol.entities.models import Correlation, Party
    from drugcontrol.incidents.models import Incident
    from drugcontrol.precursors.models import Notification

    result = {}
    for key, user in users.items():
        result[key] = {
            "parties": visible(Party, user).filter(merged_into__isnull=True).count(),
            "correlations": visible(Correlation, user).count(),
            "incidents": visible(Incident, user).count(),
            "notifications": visible(Notification, user).count(),
        }
    return result


# --- measuring ------------------------------------------------------------------------------

RULED_MODULES = (
    "drugcontrol.entities.selectors",
    "drugcontrol.incidents.selectors",
    "drugcontrol.precursors.selectors",
)


def _plain(source, user):
    return source._default_manager.all() if isinstance(source, type) else source


@contextlib.contextmanager
def no_rules():
    """The selectors with `visible()` replaced by the plain manager: the same code and
    queries, without the visibility rule."""
    modules = [sys.modules[name] for name in RULED_MODULES]
    saved = [module.visible for module in modules]
    for module in modules:
        module.visible = _plain
    try:
        yield
    finally:
        for module, original in zip(modules, saved, strict=True):
            module.visible = original


class Measure:
    def __init__(self, section: str, label: str, reader: str, target: str | None = None):
        self.section, self.label, self.reader, self.target = section, label, reader, target
        self.times: dict[str, list[float]] = {}


SCOPED = contextlib.nullcontext


@contextlib.contextmanager
def jit_off():
    """PostgreSQL's JIT compilation off for the connection (the server's default is on)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")


def run_side_by_side(measure: Measure, variants, targets, rounds: int) -> Measure:
    """Alternate the variants (A B C, then C B A, ...) on the same target each round.
    A variant is (name, function of the target, context it runs in)."""
    targets = targets or [None]
    for target in targets[:2]:  # warm-up
        for _name, function, context in variants:
            with context():
                function(target)
    for name, _f, _c in variants:
        measure.times[name] = []
    for round_number in range(rounds):
        target = targets[round_number % len(targets)]
        order = variants if round_number % 2 == 0 else variants[::-1]
        for name, function, context in order:
            with context():
                started = time.perf_counter()
                function(target)
                measure.times[name].append((time.perf_counter() - started) * 1000)
    return measure


def slowest_query(function, target, repeats: int = 3) -> tuple[float, str]:
    """The query that took longest (median of `repeats` runs of the whole call)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    runs = []
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as captured:
            function(target)
        runs.append([(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries])
    count = min(len(run) for run in runs)
    if not count:
        return 0.0, ""
    medians = [(statistics.median(run[i][0] for run in runs), runs[0][i][1]) for i in range(count)]
    return max(medians, key=lambda item: item[0])


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return "\n".join(row[0] for row in rows)
    return "\n".join(" ".join(str(c) for c in row) for row in rows)


def measure_all(users: dict, rounds: int, findings_targets: int) -> tuple[list, list]:
    from django.conf import settings
    from django.db import connection
    from django.db.models import Q
    from django.test import Client

    from drugcontrol.core.visibility import visible
    from drugcontrol.entities import selectors as entity_selectors
    from drugcontrol.entities.models import Correlation, Party
    from drugcontrol.incidents import selectors as incident_selectors
    from drugcontrol.incidents.models import Incident, IncidentParty
    from drugcontrol.precursors import risk
    from drugcontrol.precursors import selectors as precursor_selectors
    from drugcontrol.precursors.models import Finding, Notification

    measures, plans = [], []
    vendor = connection.vendor
    clients = {}
    for key, user in users.items():
        client = Client(HTTP_HOST="localhost")
        client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[0])
        clients[key] = client

    def record_plan(section: str, candidates: list) -> None:
        """The slowest query of the scoped variants of a measure, with its plan."""
        best = (-1.0, "", "")
        for reader, function, target in candidates:
            elapsed, sql = slowest_query(function, target)
            if sql and elapsed > best[0]:
                best = (elapsed, sql, reader)
        if best[1]:
            plans.append(
                {
                    "section": section,
                    "reader": best[2],
                    "ms": best[0],
                    "sql": best[1],
                    "plan": explain(best[1]),
                }
            )

    def variants(function) -> list:
        """Scoped and unscoped; on PostgreSQL also scoped with JIT compilation off."""
        chosen = [("scoped", function, SCOPED), ("unscoped", function, no_rules)]
        if vendor == "postgresql":
            chosen.append(("scoped, JIT off", function, jit_off))
        return chosen

    def lists(section: str, name: str, selector, path: str) -> None:
        """First page and count of a list selector, scoped and not, and its API page."""
        pages, counts = [], []
        for key, user in users.items():

            def page(_target, user=user):
                return list(selector(user=user)[:PAGE])

            def count(_target, user=user):
                return selector(user=user).count()

            def call(_target, key=key):
                response = clients[key].get(path)
                assert response.status_code == 200, response.content[:300]

            for label, function in (
                ("first page (selector)", page),
                ("count (selector)", count),
                ("API page with count", call),
            ):
                measures.append(
                    run_side_by_side(
                        Measure(section, f"{name}, {label}", key), variants(function), None, rounds
                    )
                )
            pages.append((key, page, None))
            counts.append((key, count, None))
        record_plan(f"{section}. {name}, first page", pages)
        record_plan(f"{section}. {name}, count", counts)

    print("  1. party list ...", flush=True)
    lists("1", "party list", entity_selectors.party_list,
          f"/api/v1/entities/parties?page_size={PAGE}")  # fmt: skip
    print("  2. correlation list ...", flush=True)
    lists("2", "correlation list", entity_selectors.correlation_list,
          f"/api/v1/entities/correlations?page_size={PAGE}")  # fmt: skip

    print("  3. party correlations and related records ...", flush=True)
    candidates_party, candidates_related = [], []
    correlations_of: dict[int, int] = {}
    for a, b in Correlation.objects.values_list("party_a", "party_b"):
        correlations_of[a] = correlations_of.get(a, 0) + 1
        correlations_of[b] = correlations_of.get(b, 0) + 1
    ranked = sorted(correlations_of, key=lambda pk: (-correlations_of[pk], pk))
    correlated = Q(pk__in=Correlation.objects.values("party_a")) | Q(
        pk__in=Correlation.objects.values("party_b")
    )
    for key, user in users.items():
        # Ten of the parties the reader sees with the most correlations (the heaviest
        # pages) and ten drawn at random among the others it sees with any.
        seen = set(visible(Party, user).filter(correlated).values_list("pk", flat=True))
        heavy = [pk for pk in ranked if pk in seen][:10]
        others = sorted(seen - set(heavy))
        ids = heavy + random.Random(7).sample(others, min(10, len(others)))
        parties = [entity_selectors.party_get(user=user, party_id=pk) for pk in ids]

        def party_page(party, user=user):
            return entity_selectors.party_correlations(user=user, party=party)

        if parties:
            measures.append(
                run_side_by_side(
                    Measure("3", "party page's correlations", key, f"{len(parties)} parties"),
                    [("scoped", party_page, SCOPED), ("unscoped", party_page, no_rules)],
                    parties,
                    rounds * CHEAP,
                )
            )
            candidates_party += [(key, party_page, party) for party in parties[:3]]
        # The reader's most recent incidents whose parties have correlations.
        incident_ids = list(
            visible(Incident, user)
            .filter(
                pk__in=IncidentParty.objects.filter(
                    party_id__in=Party.objects.filter(correlated).values("pk")
                ).values("incident_id")
            )
            .order_by("-occurred_on", "-pk")
            .values_list("pk", flat=True)[:20]
        )
        incidents = [
            incident_selectors.incident_get(user=user, incident_id=pk) for pk in incident_ids
        ]

        def related(incident, user=user):
            return incident_selectors.related_records(user=user, incident=incident)

        if incidents:
            measures.append(
                run_side_by_side(
                    Measure("3", "incident's related records", key, f"{len(incidents)} incidents"),
                    [("scoped", related, SCOPED), ("unscoped", related, no_rules)],
                    incidents,
                    rounds * CHEAP,
                )
            )
            candidates_related += [(key, related, incident) for incident in incidents[:3]]
    record_plan("3. party page's correlations", candidates_party)
    record_plan("3. incident's related records", candidates_related)

    print("  4. findings and reader severity ...", flush=True)
    candidates_findings, candidates_inbox = [], []
    for key, user in users.items():
        # The reader's most recent notifications with findings that rest on other records.
        ids = list(
            visible(Notification, user)
            .filter(
                pk__in=Finding.objects.filter(rule__in=risk.READER_DEPENDENT).values(
                    "notification_id"
                )
            )
            .order_by("-submitted_at", "-pk")
            .values_list("pk", flat=True)[:findings_targets]
        )
        notifications = [
            precursor_selectors.notification_get(user=user, notification_id=pk) for pk in ids
        ]

        def per_reader(notification, user=user):
            return precursor_selectors.findings(user=user, notification=notification)

        if notifications:
            measures.append(
                run_side_by_side(
                    Measure(
                        "4",
                        "notification page's findings",
                        key,
                        f"{len(notifications)} notifications",
                    ),
                    [("per reader", per_reader, SCOPED), ("stored facts", stored_facts, SCOPED)],
                    notifications,
                    rounds * CHEAP,
                )
            )
            candidates_findings += [(key, per_reader, n) for n in notifications[:3]]
        for label, selector in (
            ("inbox page", precursor_selectors.inbox),
            ("notification list page", precursor_selectors.notification_list),
        ):
            if not selector(user=user).exists():
                continue

            def without(_target, user=user, selector=selector):
                return list(selector(user=user)[:PAGE])

            def with_severity(_target, user=user, selector=selector):
                return precursor_selectors.with_reader_severity(
                    user=user, notifications=selector(user=user)[:PAGE]
                )

            chosen = [("with reader severity", with_severity, SCOPED), ("without", without, SCOPED)]
            if vendor == "postgresql":
                chosen.append(("with reader severity, JIT off", with_severity, jit_off))
            measures.append(run_side_by_side(Measure("4", label, key), chosen, None, rounds))
            candidates_inbox.append((key, with_severity, None))
    record_plan("4. findings per reader", candidates_findings)
    record_plan("4. inbox and list with reader severity", candidates_inbox)
    return measures, plans


def stored_facts(notification) -> list[dict]:
    """The findings as stored, rendered (what the page showed before findings were
    re-counted per reader)."""
    from drugcontrol.precursors import risk

    return [
        {
            "rule": finding.rule,
            "severity": finding.severity,
            "severity_label": finding.get_severity_display(),
            "text": risk.describe(finding.rule, finding.facts),
        }
        for finding in notification.findings.all()
    ]


# --- one database, in a child process --------------------------------------------------------


def child(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drugcontrol.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-" + "x" * 40)
    os.environ["DEBUG"] = "0"
    # One connection for the whole run (production keeps them 60 s), so that a setting made
    # for a variant (JIT off) stays on the connection the variant uses.
    os.environ["DATABASE_CONN_MAX_AGE"] = "86400"
    workdir = Path(tempfile.mkdtemp(prefix="access-bench-"))
    os.environ["DRUGCONTROL_VAR_DIR"] = str(workdir)
    (workdir / "static").mkdir()  # served by the middleware; empty here
    if args.child == "postgresql":
        import psycopg

        if not args.reuse:
            with psycopg.connect(args.postgres_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
                connection.execute(f'CREATE DATABASE "{DATABASE}"')
        os.environ["DATABASE_URL"] = args.postgres_url.rsplit("/", 1)[0] + f"/{DATABASE}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'access.sqlite3'}"
    sys.path.insert(0, str(PROJECT_DIR / "src"))
    import django

    django.setup()
    import drugcontrol.urls  # noqa: F401  (imports every app's selectors: the visibility rules)

    try:
        return _child(args, workdir)
    finally:
        from django.db import connections

        connections.close_all()
        if args.child == "postgresql" and not (args.keep or args.reuse or args.seed_only):
            import psycopg

            with psycopg.connect(args.postgres_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)


def _child(args, workdir: Path) -> int:
    from django.core.management import call_command
    from django.db import connection

    from drugcontrol.core.reference import load_countries
    from drugcontrol.substances.selectors import find_by_name
    from drugcontrol.substances.services import reference_lists_load

    timings = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if args.reuse:
        # A database an earlier run built (and kept): new migrations applied, analysed again.
        timings["migrate"] = time.perf_counter() - started
        analyse()
        sizes, problems, candidate_pairs = None, [], None
        world_readers = reader_usernames(COUNTRIES[0])
    else:
        load_countries()
        reference_lists_load()
        substances = []
        for name in SUBSTANCES:
            substance = find_by_name(name)
            substances.append(
                {
                    "id": substance.pk,
                    "name_en": substance.name_en,
                    "name_zh": substance.name_zh,
                    "cas": substance.cas,
                }
            )
        timings["migrate and reference data"] = time.perf_counter() - started
        print(f"  migrate and reference data: {timings['migrate and reference data']:.1f} s",
              flush=True)  # fmt: skip
        world = World(args, substances)
        world.build()
        timings |= world.timings
        started = time.perf_counter()
        sizes = write(world)
        timings["write in bulk"] = time.perf_counter() - started
        print(f"  written: {timings['write in bulk']:.1f} s", flush=True)
        started = time.perf_counter()
        analyse()
        timings["analyse"] = time.perf_counter() - started
        problems = check(world)
        candidate_pairs = world.candidate_pairs
        world_readers = world.readers
        del world
        gc.collect()
        if args.seed_only:
            print(
                f"  kept the database {DATABASE}" + (f"; problems: {problems}" if problems else "")
            )
            return 0 if not problems else 1
    sizes = sizes or table_sizes()
    facts = world_facts(candidate_pairs)

    users = readers(world_readers)
    seen = census(users)
    from drugcontrol.core.process import warm_and_freeze

    warm_and_freeze()
    print("  measuring ...", flush=True)
    started = time.perf_counter()
    measures, plans = measure_all(users, args.rounds, args.findings_targets)
    timings["measure"] = time.perf_counter() - started
    size = ""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            size = cursor.fetchone()[0]
    else:
        size = f"{(workdir / 'access.sqlite3').stat().st_size / 2**20:.0f} MiB"
    result = {
        "database": args.child,
        "size": size,
        "sizes": sizes,
        "facts": facts,
        "problems": problems,
        "timings": timings,
        "census": seen,
        "measures": [
            {
                "section": m.section,
                "label": m.label,
                "reader": m.reader,
                "target": m.target,
                "times": m.times,
            }
            for m in measures
        ],
        "plans": plans,
    }
    Path(args.result).write_text(json.dumps(result))
    return 0


# --- the report -----------------------------------------------------------------------------


def summarise(result: dict) -> list[dict]:
    """Per measure: p50, p99 and count of each variant; the first against the second."""
    rows = []
    for measure in result["measures"]:
        names = list(measure["times"])
        figures = {
            name: (
                statistics.median(times),
                percentile(times, 0.99),
                len(times),
            )
            for name, times in measure["times"].items()
        }
        first, second = names[0], names[1]
        rows.append(
            {
                **{k: measure[k] for k in ("section", "label", "reader", "target")},
                "names": names,
                "first": first,
                "figures": figures,
                "ratio_p50": figures[first][0] / figures[second][0],
                "ratio_p99": figures[first][1] / figures[second][1],
            }
        )
    return rows


def verdicts(database: str, rows: list[dict]) -> list[tuple[str, bool, str]]:
    """(what, met, figure) for the targets, on PostgreSQL."""
    if database != "postgresql":
        return []
    out = []
    for row in rows:
        _p50, p99, _n = row["figures"][row["first"]]
        what = f"{row['label']} ({row['reader']})"
        if row["section"] in ("1", "2", "3"):
            out.append(
                (
                    f"{what} p99 < {TARGET_PAGE_P99_MS:.0f} ms",
                    p99 < TARGET_PAGE_P99_MS,
                    f"{p99:.1f} ms",
                )
            )
        elif row["label"] == "notification page's findings":
            out.append(
                (
                    f"{what} p99 < {TARGET_FINDINGS_P99_MS:.0f} ms",
                    p99 < TARGET_FINDINGS_P99_MS,
                    f"{p99:.1f} ms",
                )
            )
        elif row["label"] == "inbox page":
            out.append(
                (
                    f"{what} with/without p50 <= {TARGET_INBOX_RATIO:.0f}x",
                    row["ratio_p50"] <= TARGET_INBOX_RATIO,
                    f"{row['ratio_p50']:.2f}x",
                )
            )
    return out


def report(args, info, results: list[dict]) -> tuple[str, bool]:
    lines = ["== access rules at scale ==", ""]
    lines += [f"  {key}: {value}" for key, value in info]
    lines.append(
        f"  command: {' '.join([Path(sys.executable).name, *sys.argv])}; rounds {args.rounds}"
    )
    lines.append(
        f"targets (PostgreSQL, server defaults): every scoped first page p99 < "
        f"{TARGET_PAGE_P99_MS:.0f} ms (measures 1-3, selector and API); findings per reader "
        f"p99 < {TARGET_FINDINGS_P99_MS:.0f} ms; inbox with the reader's severity within "
        f"{TARGET_INBOX_RATIO:.0f}x of without (p50)"
    )
    lines.append("")
    met = True
    names = {key: label for key, label in READERS}
    for result in results:
        database = result["database"]
        lines.append(f"--- {database} (database {result['size']}) ---")
        lines.append("rows: " + ", ".join(f"{k} {v:,}" for k, v in result["sizes"].items() if v))
        lines.append("world: " + ", ".join(f"{k} {v:,}" for k, v in result["facts"].items()))
        lines.append(
            "seeding: " + ", ".join(f"{k} {v:.1f} s" for k, v in result["timings"].items())
        )
        lines.append(
            "invariants: "
            + (
                "as the services keep them"
                if not result["problems"]
                else "; ".join(result["problems"])
            )
        )
        met &= not result["problems"]
        lines.append("what each reader sees (first country's readers, the secretariat's viewer):")
        for key, seen in result["census"].items():
            lines.append(f"  {names[key]:28} " + ", ".join(f"{k} {v:,}" for k, v in seen.items()))
        lines.append("")
        lines.append(
            "p50 / p99 in ms of each variant, alternated in one run; x: the first variant "
            "against the second (p50, p99)"
        )
        rows = summarise(result)
        for row in rows:
            cells = []
            for index, name in enumerate(row["names"]):
                p50, p99, _n = row["figures"][name]
                cells.append(f"{name} {p50:.2f} / {p99:.2f}")
                if index == 1:
                    cells.append(f"x {row['ratio_p50']:.2f} / {row['ratio_p99']:.2f}")
            count = row["figures"][row["first"]][2]
            lines.append(
                f"{row['section']}. {row['label']} [{row['reader']}]"
                + (f" ({row['target']}, {count} rounds)" if row["target"] else f" ({count} rounds)")
                + ": "
                + "; ".join(cells)
            )
        checks = verdicts(database, rows)
        if checks:
            lines.append("")
            lines.append("targets:")
            for what, ok, figure in checks:
                lines.append(f"  {'met   ' if ok else 'MISSED'} {what}: {figure}")
                met &= ok
        lines.append("")
        lines.append("slowest query of each measure (scoped), with its plan:")
        for plan in result["plans"]:
            lines.append(
                f"## {plan['section']} ({names[plan['reader']]}, {plan['ms']:.1f} ms when captured)"
            )
            lines.append(plan["sql"])
            lines.append(plan["plan"])
            lines.append("")
    lines.append("all targets met" if met else "targets MISSED")
    return "\n".join(lines), met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--parties", type=int, default=200_000)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--correlations", type=int, default=50_000)
    parser.add_argument("--notifications", type=int, default=20_000)
    parser.add_argument("--countries", type=int, default=40, choices=range(3, len(COUNTRIES) + 1))
    parser.add_argument(
        "--rounds",
        type=int,
        default=30,
        help="rounds of each side-by-side (a single record's page: 5 times as many)",
    )
    parser.add_argument(
        "--findings-targets",
        type=int,
        default=30,
        help="notifications whose findings are read, per reader",
    )
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--postgres-url", default=ADMIN_URL)
    parser.add_argument("--output", help="also write the report to this file")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument(
        "--seed-only", action="store_true", help="build the PostgreSQL database, keep it, stop"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure on the PostgreSQL database a run with --keep or --seed-only built "
        "(migrating it first, so that a new index is measured on the same data)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    if (args.reuse or args.seed_only) and databases != ["postgresql"]:
        parser.error("--reuse and --seed-only are for --databases postgresql")
    info = machine(args.postgres_url, databases)
    results, failed = [], []
    for database in databases:
        print(f"{database}: building the world and measuring ...", flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            result_path = handle.name
        command = [sys.executable, __file__, "--child", database, "--result", result_path]
        for option in ("parties", "incidents", "correlations", "notifications", "countries",
                       "rounds", "findings_targets", "seed", "postgres_url"):  # fmt: skip
            command += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
        for flag in ("keep", "seed_only", "reuse"):
            if getattr(args, flag):
                command.append(f"--{flag.replace('_', '-')}")
        started = time.perf_counter()
        status = subprocess.run(command, cwd=PROJECT_DIR).returncode
        print(f"{database}: {time.perf_counter() - started:.0f} s", flush=True)
        if status != 0:
            print(f"{database}: the run failed (status {status})")
            failed.append(database)
            continue
        if args.seed_only:
            return 0
        results.append(json.loads(Path(result_path).read_text()))
        os.unlink(result_path)
    text, met = report(args, info, results)
    if failed:
        text += f"\nFAILED: {', '.join(failed)} (see the output above)"
    print()
    print(text)
    if args.output:
        Path(args.output).write_text(text + "\n")
    return 0 if met and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
