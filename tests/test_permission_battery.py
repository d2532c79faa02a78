"""The permission and scope battery: every page and every API operation, tried by every user
of one world (tests/battery_world.py), against the permission matrix of
docs/architecture.md.

How it works
------------
- `DOC_MATRIX` is the Markdown table between the permission-matrix markers of
  docs/architecture.md, parsed into {action: {organisation kind: lowest role or None}}. One
  test keeps the table equal to `permissions.matrix_markdown()`, so the document cannot go
  stale; the expectations below read the document, never `can()`.
- `API` maps every operation of the OpenAPI document (`"METHOD /api/v1/path/{param}"`) and
  `PAGES` every named URL pattern to a list of cases: `get()` for a read, `write()` (API)
  or `page_write()` (a page's form) for a change. A case gives the concrete URL (record
  names in braces are filled from the world), who sees the record it names (`sees`, from
  `SEES`: the others must get a 404), and for a write the matrix action it takes, the
  action's condition on that record written out as a predicate over the world's people,
  the payload and how many audit events an allowed attempt writes. Two tests fail when an
  endpoint is missing from the tables or a table entry names one that no longer exists.
- Reads: anonymous -> 401 in the API's error shape, or a redirect to the sign-in page
  (`PUBLIC` pages aside); each user -> `status(person)` where given, otherwise 200 when
  they see the record and 404 when not; a read writes no row. Lists (`listed`) name the
  world's records exactly to those who see them, pages show references and offer buttons
  (`marker`) exactly to whom they should, and link to no record of the world, nor to any
  page of the tables, that their reader may not open.
- Writes: each user tries inside a transaction that is rolled back afterwards. Allowed (the
  documented matrix grants the user's kind and role, and the condition holds) -> a 2xx (a
  page: 2xx or a redirect) and exactly `events` new audit events; refused -> 403, or 404
  when the user may not see the record, no audit event and no row of any table inserted,
  updated or deleted. No write alerts anyone about a record they may not see.
- Every operation and every page must succeed for at least one user, so the world keeps
  every endpoint reachable.

Adding an endpoint: add its operation to `API` (or its URL name to `PAGES`) with a `get()`
for each record worth reading and a `write()` / `page_write()` for each payload, naming the
action of the documented matrix and writing its condition with the predicates below. A new
kind of record goes into tests/battery_world.py and `SEES` (and `RECORD_PAGES` if it has a
page, `ALERT_RECORDS` if alerts name it).
"""

import copy
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from drugcontrol.core.models import Alert, AuditEvent, User
from drugcontrol.core.permissions import matrix_markdown
from drugcontrol.core.visibility import visible
from drugcontrol.incidents.models import Incident
from drugcontrol.medicines.models import ImportAuthorization
from drugcontrol.monitoring.models import Submission
from drugcontrol.nps.models import Signal
from drugcontrol.precursors.models import AnnualReport, Notification, SuspiciousOrder
from tests.battery_world import INTL, Person, World, build_world
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# --- the documented matrix ---------------------------------------------------------------

DOC = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"
START, END = "<!-- permission-matrix:start -->", "<!-- permission-matrix:end -->"
RANK = {"viewer": 0, "officer": 1, "focal_point": 2, "admin": 3}


def documented_table() -> str:
    text = DOC.read_text(encoding="utf-8")
    assert text.count(START) == 1 and text.count(END) == 1, f"{DOC}: the matrix markers"
    return text.split(START)[1].split(END)[0].strip()


def parse_matrix(table: str) -> dict[str, dict[str, str | None]]:
    """{action: {organisation kind: lowest role, or None where the kind may not}}."""
    lines = table.splitlines()
    header = [cell.strip() for cell in lines[0].strip()[1:-1].split("|")]
    assert header[0] == "action" and header[-1] == "condition", header
    kinds = header[1:-1]
    matrix = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip()[1:-1].split("|")]
        grants = {}
        for kind, cell in zip(kinds, cells[1:-1], strict=True):
            role = None if cell == "-" else cell.removesuffix("+")
            assert role is None or role in RANK, f"{cells[0]}: unknown role {cell!r}"
            grants[kind] = role
        matrix[cells[0].strip("`")] = grants
    return matrix


DOC_MATRIX = parse_matrix(documented_table())


def doc_allows(action: str, person: Person) -> bool:
    """Does the documented matrix let this person's kind and role take the action?"""
    lowest = DOC_MATRIX[action][person.kind]
    return lowest is not None and RANK[person.role] >= RANK[lowest]


# --- predicates over the world's people ----------------------------------------------------


def anyone(person: Person) -> bool:
    return True


def may(action: str) -> Callable[[Person], bool]:
    return lambda person: doc_allows(action, person)


def member(*orgs: str) -> Callable[[Person], bool]:
    return lambda person: person.org in orgs


def one_of(*keys: str) -> Callable[[Person], bool]:
    return lambda person: person.key in keys


def in_country(*codes: str) -> Callable[[Person], bool]:
    return lambda person: person.country in codes


def secretariat(person: Person) -> bool:
    return person.kind == INTL


def any_of(*predicates) -> Callable[[Person], bool]:
    return lambda person: any(predicate(person) for predicate in predicates)


def all_of(*predicates) -> Callable[[Person], bool]:
    return lambda person: all(predicate(person) for predicate in predicates)


CHN_POLICE = "chn.law_enforcement"
CHN_AUTHORITY = "chn.competent_authority"
CHN_OPERATOR = "chn.operator"
read_incidents = may("incidents.incident_read")
read_parties = may("entities.party_read")
# Law enforcement reads notifications only where its country's setting says so; no country
# of the world has set it.
read_notifications = all_of(
    may("precursors.notification_read"), lambda p: p.kind != "law_enforcement"
)
# The special surveillance list: national authorities (law enforcement included) and the
# secretariat.
read_surveillance = may("substances.surveillance_read")


def incident_audience(reporter: str, distribution: str, named=()) -> Callable[[Person], bool]:
    """Who sees an incident: its reporting organisation, and readers of incidents by its
    distribution - `country`: the reporting country; `countries_involved`: also the
    countries named and the secretariat; `all`: every reader."""
    country = reporter.split(".")[0].upper()

    def sees(person: Person) -> bool:
        if person.org == reporter:
            return True
        if not read_incidents(person) or distribution == "organisation":
            return False
        if distribution == "country":
            return person.country == country
        if distribution == "countries_involved":
            return person.country in (country, *named) or secretariat(person)
        return True

    return sees


def notification_audience(exporter: str, importer: str, *, transit=(), draft=False):
    """Readers of notifications of the exporting country (drafts too) and, once submitted,
    of the importing and transit countries, and the secretariat."""

    def sees(person: Person) -> bool:
        if not read_notifications(person):
            return False
        if secretariat(person):
            return not draft
        return person.country == exporter or (not draft and person.country in (importer, *transit))

    return sees


def party_audience(owner: str, *records) -> Callable[[Person], bool]:
    """The organisation that registered a party, and readers of parties who see a record
    naming it."""
    return any_of(member(owner), all_of(read_parties, any_of(*records)))


def both(first, second) -> Callable[[Person], bool]:
    """A correlation: readers of parties who see both parties."""
    return all_of(read_parties, first, second)


SEES: dict[str, Callable[[Person], bool]] = {}
SEES["I_country"] = incident_audience(CHN_POLICE, "country")
SEES["I_org"] = incident_audience(CHN_POLICE, "organisation")
SEES["I_shared"] = incident_audience(CHN_POLICE, "countries_involved", named=("DEU",))
SEES["I_deu"] = incident_audience("deu.law_enforcement", "countries_involved", named=("CHN",))
SEES["I_all"] = incident_audience(CHN_AUTHORITY, "all")
INCIDENTS = ("I_country", "I_org", "I_shared", "I_deu", "I_all")
SEES["ATT"] = SEES["I_country"]
SEES["X_req"] = SEES["I_deu"]  # a thread follows its incident
SEES["P1"] = party_audience(CHN_POLICE, SEES["I_country"])
SEES["P_org"] = party_audience(CHN_POLICE, SEES["I_org"])
SEES["P_shared"] = party_audience(CHN_POLICE, SEES["I_shared"])
SEES["P_deu"] = party_audience("deu.law_enforcement", SEES["I_deu"])
for _name in ("P3", "Q1", "Q2", "R1", "R2"):
    SEES[_name] = party_audience(CHN_AUTHORITY)  # registered on their own, named nowhere
SEES["P_fiu"] = party_audience("chn.fiu")  # an intelligence unit's own party stays inside it
SEES["N_draft"] = notification_audience("CHN", "AUS", draft=True)
SEES["N_out"] = notification_audience("CHN", "AUS", transit=("DEU",))
SEES["N_cleared"] = SEES["N_shipped"] = SEES["N_late"] = notification_audience("CHN", "AUS")
SEES["NA_draft"] = SEES["N_draft"]  # a document follows its notification exactly
SEES["NA_out"] = SEES["N_out"]
SEES["N_in"] = notification_audience("DEU", "CHN")
SEES["P_exp"] = party_audience(CHN_AUTHORITY, SEES["N_out"])
SEES["P_draft"] = party_audience(CHN_AUTHORITY, SEES["N_draft"])
# Parties whose page is tried by everyone (each a different way of being seen); lists and
# pages are checked for these and for the others.
PARTIES = ("P1", "P_org", "P_deu", "P_exp", "P_draft", "P_cust")
LISTED_PARTIES = (*PARTIES, "P_shared", "P3", "P_fiu")
SEES["C1"] = both(SEES["P1"], SEES["P3"])
SEES["C_x"] = both(SEES["P_shared"], SEES["P_deu"])
SEES["C2"] = both(SEES["Q1"], SEES["Q2"])
SEES["M"] = all_of(read_parties, SEES["R1"])  # a merge: readers who see the party kept
SEES["W"] = read_parties  # the warning list: whoever reads parties
# Suspicious orders: the reporting operator and readers of its country's reports.
SEES["O"] = any_of(member(CHN_OPERATOR), all_of(may("precursors.order_read"), in_country("CHN")))
SEES["P_cust"] = party_audience(CHN_OPERATOR, SEES["O"])  # the order's customer
SEES["V"] = SEES["LR"] = SEES["SUB"] = anyone  # published reference data
read_reports = may("precursors.annual_report_read")


def report_audience(country: str, *, submitted: bool) -> Callable[[Person], bool]:
    """Form D: its country's readers of reports; the secretariat once it was submitted."""
    return all_of(read_reports, any_of(in_country(country), lambda p: submitted and secretariat(p)))


SEES["FD_draft"] = report_audience("CHN", submitted=False)
SEES["FD_sub"] = report_audience("CHN", submitted=True)
SEES["FD_deu"] = report_audience("DEU", submitted=True)
REPORTS = ("FD_draft", "FD_sub", "FD_deu")
SEES["ORG_INTL"] = anyone
SEES["ORG_CHN_CA"] = any_of(in_country("CHN"), secretariat)
SEES["U"] = any_of(member(CHN_AUTHORITY), all_of(secretariat, may("core.user_manage")))
TOKEN_OWNER = "chn.competent_authority.officer"
SEES["T"] = one_of(TOKEN_OWNER, "chn.competent_authority.admin")
SEES["A"] = one_of("chn.competent_authority.focal_point")
SEES["J_inc"] = one_of("chn.law_enforcement.officer")
SEES["J_pre"] = one_of("chn.competent_authority.officer")
# Audit events: the secretariat, the actor, and the administrators of the actor's or the
# record's organisation; an event about an incident only for those who see the incident.
SEES["E_tok"] = any_of(secretariat, one_of(TOKEN_OWNER, "chn.competent_authority.admin"))
# The spectral library: shared reference data, the whole of it to its readers; an import
# job only to its uploader.
SEES["SPEC"] = may("nps.spectrum_read")
SEES["J_spec"] = one_of("chn.forensic_lab.officer")
SEES["E_inc_org"] = all_of(
    any_of(secretariat, one_of("chn.law_enforcement.officer", "chn.law_enforcement.admin")),
    SEES["I_org"],
)

# NPS: reports and cases - the reporting organisation, readers of the kind in the country
# concerned, the secretariat; the register and the watch list - every reader but industry.
read_nps_reports = may("nps.report_read")
SEES["NR"] = any_of(
    member("chn.forensic_lab"), all_of(read_nps_reports, any_of(in_country("CHN"), secretariat))
)
SEES["TC"] = any_of(
    member("chn.forensic_lab"),
    all_of(may("nps.case_read"), any_of(in_country("CHN"), secretariat)),
)
SEES["NPS_SUB"] = SEES["WL"] = may("nps.register_read")
# Signals: a new substance (a shared kind) every reader of signals; a controlled substance
# in a new form the secretariat and the readers of reports of the country concerned.
read_signals = may("nps.signal_read")
SEES["SIG_new"] = read_signals
SEES["SIG_chn"] = all_of(
    read_signals, any_of(secretariat, all_of(read_nps_reports, in_country("CHN")))
)
SEES["SIG_deu"] = all_of(
    read_signals, any_of(secretariat, all_of(read_nps_reports, in_country("DEU")))
)
SIGNALS = ("SIG_new", "SIG_chn", "SIG_deu")

# --- the tables ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A record's id in a payload."""

    name: str


@dataclass(frozen=True)
class Upload:
    """A file in a page form's payload (made afresh for each attempt)."""

    name: str
    content: bytes


@dataclass(frozen=True)
class Case:
    method: str
    url: str  # "{name}" placeholders are the world's record ids
    sees: Callable[[Person], bool] = anyone  # who sees the record the URL names
    action: str | None = None  # a write's row of the documented matrix (None: no row)
    condition: Callable[[Person], bool] = anyone  # the action's condition, written out
    payload: object = None
    events: int = 1  # audit events of an allowed write
    why: str = ""  # why `events` is not 1
    read: bool = False  # a POST that only reads
    status: Callable[[Person], int] | None = None  # a read's answer, where not 200/404
    listed: tuple = ()  # (record, predicate): listed exactly to whom the predicate holds
    marker: tuple = ()  # (text, predicate): a page shows the text exactly to those
    anonymous: int | None = None  # a page's answer to anonymous users, where not sign-in
    fresh_client: bool = False  # the attempt signs the client out
    refused: Callable[[Person], int] | None = None  # a refused write's answer, where not 403
    must_succeed: bool = True  # for someone in the world

    @property
    def is_write(self) -> bool:
        return self.method != "GET"

    def allowed(self, person: Person) -> bool:
        granted = self.action is None or doc_allows(self.action, person)
        return granted and self.condition(person)


def get(url, sees=anyone, **extra) -> Case:
    return Case("GET", url, sees=sees, **extra)


def write(method, url, action, payload=None, **extra) -> Case:
    return Case(method, url, action=action, payload=payload, **extra)


def post_only(url: str) -> Case:
    """A page that only answers POST: GET is 405 for everyone."""
    return get(url, status=lambda person: 405, anonymous=405, must_succeed=False)


def nobody_finds(url: str) -> Case:
    """A URL that mixes two records (another's attachment, another kind's import)."""
    return get(url, status=lambda person: 404, must_succeed=False)


def offers(action: str, condition=anyone) -> Callable[[Person], bool]:
    """Whom a page offers an action's form or button (the page asks the same rule)."""
    return lambda person: doc_allows(action, person) and condition(person)


def allowed_or_forbidden(action: str, condition=anyone) -> Callable[[Person], int]:
    """A form page: 200 for whoever may take its action, 403 for the others."""
    return lambda person: 200 if doc_allows(action, person) and condition(person) else 403


V1 = "/api/v1"
TODAY, DRAFT_VERSION = "{TODAY}", "{N_draft_version}"
own_org_or_secretariat = any_of(member(CHN_AUTHORITY), secretariat)  # for ORG_CHN_CA, U
chn_or_secretariat = any_of(in_country("CHN"), secretariat)  # "its own country's"
exporting_chn = in_country("CHN")  # CHN -> AUS notifications: the exporting authority
importing_chn = in_country("CHN")  # DEU -> CHN: the importing authority
# The token's owner, or an administrator of the owner's organisation (core.user_manage).
owner_or_admin = any_of(one_of(TOKEN_OWNER), all_of(member(CHN_AUTHORITY), may("core.user_manage")))
# Correlation decisions need the right to act on both parties: the parties' own country's
# file or a record of one's own naming them (the secretariat: any party it sees).
acts_on_chn_parties = any_of(in_country("CHN"), secretariat)
acts_across_countries = secretariat  # P_shared (CHN police) - P_deu (DEU police)
reporting_police = member(CHN_POLICE)


def asks_for_request(person: Person) -> int:
    """A request on I_shared addressed to DEU: a DEU authority may not address its own
    country (422); whoever may not make requests at all is refused (403)."""
    return 422 if may("incidents.request_make")(person) else 403


# The decisions on X_req (DEU asks CHN): China answers it, Germany withdraws it.
decides_x_req = any_of(
    all_of(may("incidents.request_answer"), in_country("CHN")),
    all_of(may("incidents.request_withdraw"), in_country("DEU")),
)
recipient = one_of("chn.competent_authority.focal_point")
NOTIFICATION_BODY = {"importing_country": "AUS", "invoice_number": "INV-BATTERY-2"}
STEP = f"{V1}/precursors/notifications"
FORM_D = f"{V1}/precursors/annual-reports"
REPORT_ROWS = [{"section": "methods", "text": "Battery: drums relabelled as solvent"}]
keeps_chn_report = in_country("CHN")  # the CHN reports: its own authority

NPS_REPORT_BODY = {
    "sample_kind": "seized_material",
    "form": "tablet",
    "sampled_on": TODAY,
    "structure": "Mephedrone",
    "purity": "20",
}
NPS_CASE_BODY = {
    "kind": "driving",
    "occurred_on": TODAY,
    "outcome": "recovered",
    "findings": [{"substance": "Mephedrone", "matrix": "oral_fluid"}],
}
NPS_WATCH_BODY = {
    "substance": "Ketamine",
    "smiles": "CNC1(CCCCC1=O)c1ccccc1Cl",
    "reason": "Diverted from veterinary use.",
}

API: dict[str, list[Case]] = {
    # core
    "GET /api/v1/me": [get(f"{V1}/me")],
    "GET /api/v1/countries": [get(f"{V1}/countries")],
    "GET /api/v1/countries/{code}": [get(f"{V1}/countries/CHN")],
    "GET /api/v1/organisations": [
        get(
            f"{V1}/organisations",
            listed=(("ORG_CHN_CA", SEES["ORG_CHN_CA"]), ("ORG_INTL", anyone)),
        )
    ],
    "POST /api/v1/organisations": [
        write(
            "POST",
            f"{V1}/organisations",
            "core.organisation_manage",
            {"name": "Battery new authority", "kind": "competent_authority", "country": "MEX"},
        )
    ],
    "GET /api/v1/organisations/{organisation_id}": [
        get(f"{V1}/organisations/{{ORG_CHN_CA}}", SEES["ORG_CHN_CA"]),
        get(f"{V1}/organisations/{{ORG_INTL}}", SEES["ORG_INTL"]),
    ],
    "PATCH /api/v1/organisations/{organisation_id}": [
        write(
            "PATCH",
            f"{V1}/organisations/{{ORG_CHN_CA}}",
            "core.organisation_security",
            {"require_second_factor": True},
            sees=SEES["ORG_CHN_CA"],
            condition=own_org_or_secretariat,
        ),
        write(
            "PATCH",
            f"{V1}/organisations/{{ORG_INTL}}",
            "core.organisation_security",
            {"require_second_factor": True},
            condition=member("intl"),
        ),
        write(
            "PATCH",
            f"{V1}/organisations/{{ORG_CHN_CA}}",
            "core.organisation_manage",
            {"name": "Battery renamed authority"},
            sees=SEES["ORG_CHN_CA"],
        ),
    ],
    "GET /api/v1/users": [get(f"{V1}/users", listed=(("U", SEES["U"]),))],
    "POST /api/v1/users": [
        write(
            "POST",
            f"{V1}/users",
            "core.user_manage",
            {
                "organisation_id": Ref("ORG_CHN_CA"),
                "username": "wu.lin",
                "role": "viewer",
                "password": "another-horse-battery-42",
            },
            sees=SEES["ORG_CHN_CA"],  # the organisation is looked up first
            condition=own_org_or_secretariat,
        )
    ],
    "GET /api/v1/users/{user_id}": [get(f"{V1}/users/{{U}}", SEES["U"])],
    "PATCH /api/v1/users/{user_id}": [
        write(
            "PATCH",
            f"{V1}/users/{{U}}",
            "core.user_manage",
            {"first_name": "Renamed"},
            sees=SEES["U"],
            condition=own_org_or_secretariat,
        )
    ],
    "GET /api/v1/tokens": [get(f"{V1}/tokens", listed=(("T", one_of(TOKEN_OWNER)),))],
    "POST /api/v1/tokens": [
        write("POST", f"{V1}/tokens", "core.token_create", {"name": "battery"})  # for oneself
    ],
    "GET /api/v1/tokens/{token_id}": [get(f"{V1}/tokens/{{T}}", SEES["T"])],
    "POST /api/v1/tokens/{token_id}/revoke": [
        write("POST", f"{V1}/tokens/{{T}}/revoke", None, sees=SEES["T"], condition=owner_or_admin)
    ],
    "GET /api/v1/audit-events": [
        get(
            f"{V1}/audit-events",
            listed=(("E_tok", SEES["E_tok"]), ("E_inc_org", SEES["E_inc_org"])),
        )
    ],
    "GET /api/v1/audit-events/{event_id}": [
        get(f"{V1}/audit-events/{{E_tok}}", SEES["E_tok"]),
        get(f"{V1}/audit-events/{{E_inc_org}}", SEES["E_inc_org"]),
    ],
    "POST /api/v1/alerts/broadcast": [
        write(
            "POST",
            f"{V1}/alerts/broadcast",
            "core.alert_broadcast",
            {"title": "Battery alert", "countries": ["CHN"]},
        )
    ],
    "GET /api/v1/alerts": [
        get(f"{V1}/alerts", listed=(("A", SEES["A"]),)),
        get(f"{V1}/alerts?record_type=incidents.incident&unread=true"),
    ],
    # Everyone may read all of their own alerts at once; nobody else's are touched.
    "POST /api/v1/alerts/read-all": [write("POST", f"{V1}/alerts/read-all", None)],
    "GET /api/v1/alerts/{alert_id}": [get(f"{V1}/alerts/{{A}}", SEES["A"])],
    "POST /api/v1/alerts/{alert_id}/read": [
        write(
            "POST",
            f"{V1}/alerts/{{A}}/read",
            None,
            {"acknowledge": True},
            sees=SEES["A"],
            condition=recipient,
        )
    ],
    "GET /api/v1/imports/{job_id}": [
        get(f"{V1}/imports/{{J_inc}}", SEES["J_inc"]),
        get(f"{V1}/imports/{{J_pre}}", SEES["J_pre"]),
    ],
    # substances
    "GET /api/v1/substances": [get(f"{V1}/substances?search=ephedrine")],
    "POST /api/v1/substances/identify": [
        write("POST", f"{V1}/substances/identify", None, {"name": "Ephedrine"}, read=True)
    ],
    "GET /api/v1/substances/{substance_id}": [get(f"{V1}/substances/{{SUB}}")],
    # nps: the spectral library
    "GET /api/v1/nps/spectra": [get(f"{V1}/nps/spectra", listed=(("SPEC", SEES["SPEC"]),))],
    "GET /api/v1/nps/spectra/{spectrum_id}": [get(f"{V1}/nps/spectra/{{SPEC}}", SEES["SPEC"])],
    "POST /api/v1/nps/spectra/search": [
        write(
            "POST",
            f"{V1}/nps/spectra/search",
            "nps.spectrum_read",
            {"peaks": [[58, 999], [77, 80], [105, 30]], "limit": 5},
            events=0,
            why="(a search writes nothing)",
        )
    ],
    # entities
    "POST /api/v1/entities/match": [
        write(
            "POST",
            f"{V1}/entities/match",
            None,
            {"kind": "company", "name": "Guangzhou Tianhe Chemical", "country": "CHN"},
            read=True,
            listed=(("P1", SEES["P1"]), ("P3", SEES["P3"])),
        )
    ],
    "GET /api/v1/entities/parties": [
        get(
            f"{V1}/entities/parties",
            listed=tuple((name, SEES[name]) for name in LISTED_PARTIES),
        )
    ],
    "POST /api/v1/entities/parties": [
        write(
            "POST",
            f"{V1}/entities/parties",
            "entities.party_create",
            {"kind": "company", "name": "Battery Registered Trading Ltd", "country": "CHN"},
        )
    ],
    "GET /api/v1/entities/parties/{party_id}": [
        get(f"{V1}/entities/parties/{{{name}}}", SEES[name]) for name in PARTIES
    ],
    "GET /api/v1/entities/correlations": [
        get(
            f"{V1}/entities/correlations?status=",
            listed=tuple((name, SEES[name]) for name in ("C1", "C_x", "C2")),
        )
    ],
    "GET /api/v1/entities/correlations/{correlation_id}": [
        get(f"{V1}/entities/correlations/{{{name}}}", SEES[name]) for name in ("C1", "C_x", "C2")
    ],
    "POST /api/v1/entities/correlations/{correlation_id}/confirm": [
        write(
            "POST",
            f"{V1}/entities/correlations/{{C1}}/confirm",
            "entities.correlation_decide",
            {},
            sees=SEES["C1"],
            condition=acts_on_chn_parties,
        ),
        write(
            "POST",
            f"{V1}/entities/correlations/{{C_x}}/confirm",
            "entities.correlation_decide",
            {},
            sees=SEES["C_x"],
            condition=acts_across_countries,
        ),
    ],
    "POST /api/v1/entities/correlations/{correlation_id}/reject": [
        write(
            "POST",
            f"{V1}/entities/correlations/{{C1}}/reject",
            "entities.correlation_decide",
            {},
            sees=SEES["C1"],
            condition=acts_on_chn_parties,
        )
    ],
    "POST /api/v1/entities/correlations/{correlation_id}/merge": [
        write(
            "POST",
            f"{V1}/entities/correlations/{{C2}}/merge",
            "entities.parties_merge",
            sees=SEES["C2"],
            condition=acts_on_chn_parties,
        )
    ],
    "POST /api/v1/entities/merges/{merge_id}/undo": [
        write(
            "POST",
            f"{V1}/entities/merges/{{M}}/undo",
            "entities.merge_undo",
            sees=SEES["M"],
            condition=acts_on_chn_parties,
        )
    ],
    "GET /api/v1/entities/warning-values": [
        get(f"{V1}/entities/warning-values", listed=(("W", SEES["W"]),))
    ],
    "POST /api/v1/entities/warning-values": [
        write(
            "POST",
            f"{V1}/entities/warning-values",
            "entities.warning_list_edit",
            {"kind": "phone", "value": "+86 21 5555 0000", "reason": "a switchboard"},
        )
    ],
    "DELETE /api/v1/entities/warning-values/{warning_id}": [
        write(
            "DELETE",
            f"{V1}/entities/warning-values/{{W}}",
            "entities.warning_list_edit",
            sees=SEES["W"],
        )
    ],
    # incidents
    "GET /api/v1/incidents": [
        get(
            f"{V1}/incidents",
            listed=tuple((name, SEES[name]) for name in INCIDENTS),
        )
    ],
    "POST /api/v1/incidents": [
        write(
            "POST",
            f"{V1}/incidents",
            "incidents.incident_report",
            {"kind": "seizure", "occurred_on": TODAY, "distribution": "organisation"},
        )
    ],
    "GET /api/v1/incidents/{incident_id}": [
        get(f"{V1}/incidents/{{{name}}}", SEES[name]) for name in INCIDENTS
    ],
    "PATCH /api/v1/incidents/{incident_id}": [
        write(
            "PATCH",
            f"{V1}/incidents/{{{name}}}",
            "incidents.incident_change",
            {"description": "Changed by the battery"},
            sees=SEES[name],
            condition=member(reporter),  # the reporting organisation
        )
        for name, reporter in (
            ("I_country", CHN_POLICE),
            ("I_org", CHN_POLICE),
            ("I_shared", CHN_POLICE),
            ("I_all", CHN_AUTHORITY),
        )
    ],
    "POST /api/v1/incidents/{incident_id}/parties": [
        write(
            "POST",
            f"{V1}/incidents/{{I_country}}/parties",
            "incidents.incident_change",
            {"role": "broker", "party_id": Ref("P1")},
            sees=SEES["I_country"],
            condition=reporting_police,
        )
    ],
    "GET /api/v1/incidents/{incident_id}/messages": [
        get(
            f"{V1}/incidents/{{{name}}}/messages",
            SEES[name],
            listed=(("X_req", SEES["X_req"]),) if name == "I_deu" else (),
        )
        for name in INCIDENTS
    ],
    "POST /api/v1/incidents/{incident_id}/messages": [
        write(
            "POST",
            f"{V1}/incidents/{{{name}}}/messages",
            "incidents.message_post",
            {"kind": "question", "body": "Battery question"},
            sees=SEES[name],
        )
        for name in ("I_shared", "I_org")
    ]
    + [
        write(
            "POST",
            f"{V1}/incidents/{{I_shared}}/messages",
            "incidents.request_make",
            {
                "kind": "joint_investigation_request",
                "body": "Battery request",
                "addressed_country": "DEU",
            },
            sees=SEES["I_shared"],
            condition=in_country("CHN"),
            refused=asks_for_request,
        )
    ],
    "POST /api/v1/incidents/{incident_id}/messages/{message_id}/decide": [
        write(
            "POST",
            f"{V1}/incidents/{{I_deu}}/messages/{{X_req}}/decide",
            "incidents.request_answer",
            {"decision": "accepted", "version": 1},
            sees=SEES["X_req"],
            condition=in_country("CHN"),
        ),
        write(
            "POST",
            f"{V1}/incidents/{{I_deu}}/messages/{{X_req}}/decide",
            "incidents.request_withdraw",
            {"decision": "withdrawn"},
            sees=SEES["X_req"],
            condition=in_country("DEU"),
        ),
        # X_req through another incident's address: a 404 for everyone.
        write(
            "POST",
            f"{V1}/incidents/{{I_all}}/messages/{{X_req}}/decide",
            "incidents.request_answer",
            {"decision": "accepted"},
            sees=lambda person: False,
            must_succeed=False,
        ),
    ],
    # precursors
    "GET /api/v1/precursors/notifications": [
        get(
            f"{STEP}",
            listed=tuple((name, SEES[name]) for name in ("N_draft", "N_out", "N_cleared", "N_in")),
        )
    ],
    "POST /api/v1/precursors/notifications": [
        write("POST", STEP, "precursors.notification_draft", NOTIFICATION_BODY)
    ],
    "GET /api/v1/precursors/inbox": [
        get(
            f"{V1}/precursors/inbox",
            listed=(("N_in", all_of(SEES["N_in"], in_country("CHN"))), ("N_out", lambda p: False)),
        )
    ],
    "GET /api/v1/precursors/notifications/{notification_id}": [
        get(f"{STEP}/{{{name}}}", SEES[name]) for name in ("N_draft", "N_out", "N_in")
    ],
    "PUT /api/v1/precursors/notifications/{notification_id}": [
        write(
            "PUT",
            f"{STEP}/{{N_draft}}?version={DRAFT_VERSION}",
            "precursors.notification_export_step",
            NOTIFICATION_BODY,
            sees=SEES["N_draft"],
            condition=exporting_chn,
        )
    ],
    "POST /api/v1/precursors/notifications/{notification_id}/submit": [
        write(
            "POST",
            f"{STEP}/{{N_draft}}/submit",
            "precursors.notification_export_step",
            {},
            sees=SEES["N_draft"],
            condition=exporting_chn,
        )
    ],
    "POST /api/v1/precursors/notifications/{notification_id}/acknowledge": [
        write(
            "POST",
            f"{STEP}/{{N_in}}/acknowledge",
            "precursors.notification_answer",
            {},
            sees=SEES["N_in"],
            condition=importing_chn,
        )
    ],
    "POST /api/v1/precursors/notifications/{notification_id}/clear": [
        write(
            "POST",
            f"{STEP}/{{N_in}}/clear",
            "precursors.notification_answer",
            {},
            sees=SEES["N_in"],
            condition=importing_chn,
        )
    ],
    "POST /api/v1/precursors/notifications/{notification_id}/object": [
        write(
            "POST",
            f"{STEP}/{{N_in}}/object",
            "precursors.notification_answer",
            {"ground": "incomplete"},
            sees=SEES["N_in"],
            condition=importing_chn,
        )
    ],
    "POST /api/v1/precursors/notifications/{notification_id}/ship": [
        write(
            "POST",
            f"{STEP}/{{N_cleared}}/ship",
            "precursors.notification_export_step",
            {},
            sees=SEES["N_cleared"],
            condition=exporting_chn,
        )
    ],
    "POST /api/v1/precursors/notifications/{notification_id}/withdraw": [
        write(
            "POST",
            f"{STEP}/{{N_out}}/withdraw",
            "precursors.notification_export_step",
            {},
            sees=SEES["N_out"],
            condition=exporting_chn,
        )
    ],
    "POST /api/v1/precursors/notifications/{notification_id}/cancel": [
        write(
            "POST",
            f"{STEP}/{{N_cleared}}/cancel",
            "precursors.notification_export_step",
            {},
            sees=SEES["N_cleared"],
            condition=exporting_chn,
        )
    ],
    "POST /api/v1/precursors/notifications/{notification_id}/outcome": [
        write(
            "POST",
            f"{STEP}/{{N_shipped}}/outcome",
            "precursors.notification_follow_up",
            {"outcome": "arrived"},
            sees=SEES["N_shipped"],
            condition=in_country("CHN", "AUS"),
        )
    ],
    "POST /api/v1/precursors/notifications/{notification_id}/messages": [
        write(
            "POST",
            f"{STEP}/{{N_out}}/messages",
            "precursors.notification_follow_up",
            {"body": "Battery message"},
            sees=SEES["N_out"],
            condition=in_country("CHN", "AUS"),
        ),
        write(
            "POST",
            f"{STEP}/{{N_in}}/messages",
            "precursors.notification_follow_up",
            {"body": "Battery message"},
            sees=SEES["N_in"],
            condition=in_country("DEU", "CHN"),
        ),
    ],
    "POST /api/v1/precursors/notifications/{notification_id}/questions": [
        write(
            "POST",
            f"{STEP}/{{N_out}}/questions",
            "precursors.notification_oversee",
            {"body": "Battery question"},
            sees=SEES["N_out"],
        )
    ],
    "POST /api/v1/precursors/notifications/{notification_id}/remind": [
        write(
            "POST",
            f"{STEP}/{{N_late}}/remind",
            "precursors.notification_oversee",
            {"body": "Battery reminder"},
            sees=SEES["N_late"],
        )
    ],
    "GET /api/v1/precursors/notifications/{notification_id}/attachments": [
        get(f"{STEP}/{{N_draft}}/attachments", SEES["N_draft"]),
        get(f"{STEP}/{{N_out}}/attachments", SEES["N_out"]),
    ],
    "POST /api/v1/precursors/notifications/{notification_id}/attachments": [
        write(
            "POST",
            f"{STEP}/{{N_draft}}/attachments",
            "precursors.notification_attach",
            {"kind": "invoice", "file": Upload("invoice.pdf", b"%PDF-1.4 battery\n")},
            sees=SEES["N_draft"],
            condition=exporting_chn,
        ),
        write(
            "POST",
            f"{STEP}/{{N_in}}/attachments",
            "precursors.notification_attach",
            {"kind": "import_permit", "file": Upload("permit.txt", b"CN permit\n")},
            sees=SEES["N_in"],
            condition=importing_chn,
        ),
    ],
    "GET /api/v1/precursors/notifications/{notification_id}/attachments/{attachment_id}": [
        get(f"{STEP}/{{N_draft}}/attachments/{{NA_draft}}", SEES["NA_draft"]),
        get(f"{STEP}/{{N_out}}/attachments/{{NA_out}}", SEES["NA_out"]),
        nobody_finds(f"{STEP}/{{N_out}}/attachments/{{NA_draft}}"),  # N_draft's document
    ],
    "GET /api/v1/precursors/invocations": [
        get(f"{V1}/precursors/invocations", listed=(("V", anyone),))
    ],
    "POST /api/v1/precursors/invocations": [
        write(
            "POST",
            f"{V1}/precursors/invocations",
            "precursors.invocation_record",
            {"country": "CHN", "scope": "table_i", "since": TODAY, "requested_on": TODAY},
        )
    ],
    "GET /api/v1/precursors/reply-terms": [get(f"{V1}/precursors/reply-terms")],
    "PUT /api/v1/precursors/reply-terms/{country}": [
        write(
            "PUT",
            f"{V1}/precursors/reply-terms/CHN",
            "precursors.reference_keep",
            {"reply_days": 20},
            condition=chn_or_secretariat,
        )
    ],
    "GET /api/v1/precursors/legitimate-requirements": [
        get(f"{V1}/precursors/legitimate-requirements", listed=(("LR", anyone),))
    ],
    "POST /api/v1/precursors/legitimate-requirements": [
        write(
            "POST",
            f"{V1}/precursors/legitimate-requirements",
            "precursors.reference_keep",
            {
                "country": "CHN",
                "substance_id": Ref("SUB"),
                "year": Ref("YEAR"),
                "quantity_kg": "1200",
            },
            condition=chn_or_secretariat,
        )
    ],
    "GET /api/v1/precursors/statistics": [
        get(
            f"{V1}/precursors/statistics",
            status=lambda p: 200 if read_notifications(p) else 403,
        )
    ],
    "GET /api/v1/precursors/annual-reports": [
        get(FORM_D, listed=tuple((name, SEES[name]) for name in REPORTS))
    ],
    "POST /api/v1/precursors/annual-reports": [
        # "its own country's": every authority reports for its own country
        write("POST", FORM_D, "precursors.annual_report_keep", {"year": Ref("FD_YEAR_NEW")})
    ],
    "GET /api/v1/precursors/annual-reports/{report_id}": [
        get(f"{FORM_D}/{{{name}}}", SEES[name]) for name in REPORTS
    ],
    "PATCH /api/v1/precursors/annual-reports/{report_id}": [
        write(
            "PATCH",
            f"{FORM_D}/{{FD_draft}}",
            "precursors.annual_report_keep",
            {"version": Ref("FD_draft_version"), "rows": REPORT_ROWS},
            sees=SEES["FD_draft"],
            condition=keeps_chn_report,
        )
    ],
    "POST /api/v1/precursors/annual-reports/{report_id}/regenerate": [
        write(
            "POST",
            f"{FORM_D}/{{FD_draft}}/regenerate",
            "precursors.annual_report_keep",
            {},
            sees=SEES["FD_draft"],
            condition=keeps_chn_report,
        )
    ],
    "POST /api/v1/precursors/annual-reports/{report_id}/submit": [
        write(
            "POST",
            f"{FORM_D}/{{FD_draft}}/submit",
            "precursors.annual_report_keep",
            {},
            sees=SEES["FD_draft"],
            condition=keeps_chn_report,
        )
    ],
    "POST /api/v1/precursors/annual-reports/{report_id}/accept": [
        write(
            "POST",
            f"{FORM_D}/{{FD_sub}}/accept",
            "precursors.annual_report_decide",
            {},
            sees=SEES["FD_sub"],
        )
    ],
    "POST /api/v1/precursors/annual-reports/{report_id}/return": [
        write(
            "POST",
            f"{FORM_D}/{{FD_sub}}/return",
            "precursors.annual_report_decide",
            {"comment": "Battery: section 5 lacks the imports."},
            sees=SEES["FD_sub"],
        )
    ],
    "GET /api/v1/precursors/annual-reports/{report_id}/versions": [
        get(f"{FORM_D}/{{{name}}}/versions", SEES[name]) for name in ("FD_draft", "FD_sub")
    ],
    "GET /api/v1/precursors/annual-reports/{report_id}/export": [
        get(f"{FORM_D}/{{FD_sub}}/export?format=xlsx", SEES["FD_sub"]),
        get(f"{FORM_D}/{{FD_draft}}/export?format=csv", SEES["FD_draft"]),
    ],
    # nps: identification reports, the register, toxicology cases, the watch list
    "GET /api/v1/nps/reports": [get(f"{V1}/nps/reports", listed=(("NR", SEES["NR"]),))],
    "POST /api/v1/nps/reports": [
        write("POST", f"{V1}/nps/reports", "nps.report_submit", NPS_REPORT_BODY)
    ],
    "GET /api/v1/nps/reports/{report_id}": [get(f"{V1}/nps/reports/{{NR}}", SEES["NR"])],
    "GET /api/v1/nps/substances": [
        get(f"{V1}/nps/substances", listed=(("NPS_SUB", SEES["NPS_SUB"]),))
    ],
    "GET /api/v1/nps/substances/{substance_id}": [
        get(f"{V1}/nps/substances/{{NPS_SUB}}", SEES["NPS_SUB"])
    ],
    "PATCH /api/v1/nps/substances/{substance_id}": [
        write(
            "PATCH",
            f"{V1}/nps/substances/{{NPS_SUB}}",
            "nps.register_keep",
            {"effect_group": "opioid"},
            sees=SEES["NPS_SUB"],
        )
    ],
    "GET /api/v1/nps/toxicology": [get(f"{V1}/nps/toxicology", listed=(("TC", SEES["TC"]),))],
    "POST /api/v1/nps/toxicology": [
        write("POST", f"{V1}/nps/toxicology", "nps.case_report", NPS_CASE_BODY)
    ],
    "GET /api/v1/nps/toxicology/{case_id}": [get(f"{V1}/nps/toxicology/{{TC}}", SEES["TC"])],
    "GET /api/v1/nps/watch-list": [get(f"{V1}/nps/watch-list", listed=(("WL", SEES["WL"]),))],
    "POST /api/v1/nps/watch-list": [
        write(
            "POST",
            f"{V1}/nps/watch-list",
            "nps.register_keep",
            NPS_WATCH_BODY,
            events=2,
            why="ketamine is new to the registry: registered, then put on the list",
        )
    ],
    "GET /api/v1/nps/watch-list/{substance_id}": [get(f"{V1}/nps/watch-list/{{WL}}", SEES["WL"])],
    # nps: emergence signals
    "GET /api/v1/nps/signals": [
        get(f"{V1}/nps/signals", listed=tuple((name, SEES[name]) for name in SIGNALS))
    ],
    "GET /api/v1/nps/signals/{signal_id}": [
        get(f"{V1}/nps/signals/{{{name}}}", SEES[name]) for name in SIGNALS
    ],
    "GET /api/v1/nps/signal-settings": [
        get(f"{V1}/nps/signal-settings", status=allowed_or_forbidden("nps.signal_read"))
    ],
    "PUT /api/v1/nps/signal-settings": [
        write(
            "PUT",
            f"{V1}/nps/signal-settings",
            "nps.signal_keep",
            {"spread_countries": 4, "spread_months": 6},
        )
    ],
}

NEW_PASSWORD = "another-horse-battery-42"
ORDER_FORM = {
    "received_on": TODAY,
    "chemical": "Ephedrine",
    "quantity": "20",
    "unit": "kg",
    "customer_name": "Lagos Pharma Supplies Ltd",  # the operator's party on file: reused
    "customer_country": "NGA",
    "reasons": "Asked twice in a week.",
}
REQUIREMENTS_FILE = b"country,substance,year,quantity_kg\nCHN,Ephedrine,2030,900\n"
STEPS = (  # the notification page's buttons: action, record, matrix action, condition, extra
    ("submit", "N_draft", "precursors.notification_export_step", exporting_chn, {}),
    ("acknowledge", "N_in", "precursors.notification_answer", importing_chn, {}),
    ("clear", "N_in", "precursors.notification_answer", importing_chn, {}),
    ("object", "N_in", "precursors.notification_answer", importing_chn, {"ground": "incomplete"}),
    ("ship", "N_cleared", "precursors.notification_export_step", exporting_chn, {}),
    ("withdraw", "N_out", "precursors.notification_export_step", exporting_chn, {}),
    ("cancel", "N_cleared", "precursors.notification_export_step", exporting_chn, {}),
    (
        "outcome",
        "N_shipped",
        "precursors.notification_follow_up",
        in_country("CHN", "AUS"),
        {"outcome": "seized"},
    ),
    ("question", "N_out", "precursors.notification_oversee", anyone, {"body": "Battery?"}),
    ("remind", "N_late", "precursors.notification_oversee", anyone, {}),
)


def page_write(url, action, payload=None, **extra) -> Case:
    return Case("POST", url, action=action, payload=payload or {}, **extra)


PAGES: dict[str, list[Case]] = {
    # core
    "core:home": [
        get(
            "/",
            # The Form D panel: an authority's own draft of last year; for the secretariat,
            # the submitted reports awaiting its decision; never another country's draft.
            marker=(
                ('data-report="{FD_draft}"', SEES["FD_draft"]),
                ('data-report="{FD_sub}"', all_of(read_reports, secretariat)),
                ('data-report="{FD_deu}"', all_of(read_reports, secretariat)),
            ),
        )
    ],
    "core:sign_out": [
        post_only("/accounts/sign-out/"),
        page_write(
            "/accounts/sign-out/",
            None,
            events=0,
            why="signing out is not audited",
            fresh_client=True,
        ),
    ],
    "core:profile": [
        get("/accounts/profile/"),
        page_write("/accounts/profile/", None, {"first_name": "Battery", "email": ""}),
    ],
    "core:password": [
        get("/accounts/password/"),
        page_write(
            "/accounts/password/",
            None,
            {
                "current_password": PASSWORD,
                "new_password": NEW_PASSWORD,
                "new_password_again": NEW_PASSWORD,
            },
        ),
    ],
    "core:second_factor": [
        get("/accounts/second-factor/"),
        page_write("/accounts/second-factor/", None, {"action": "begin"}),
    ],
    "core:tokens": [
        get("/accounts/tokens/"),
        page_write(
            "/accounts/tokens/",
            "core.token_create",
            {"name": "battery page", "expires_in_days": 30},
        ),
    ],
    "core:token_revoke": [
        post_only("/accounts/tokens/{T}/revoke/"),
        page_write("/accounts/tokens/{T}/revoke/", None, sees=SEES["T"], condition=owner_or_admin),
    ],
    "core:organisation_list": [
        get(
            "/organisations/",
            marker=(
                ('href="/organisations/{ORG_CHN_CA}/"', SEES["ORG_CHN_CA"]),
                ('href="/organisations/{ORG_INTL}/"', anyone),
            ),
        ),
        page_write(
            "/organisations/",
            "core.organisation_manage",
            {"name": "Battery page FIU", "kind": "fiu", "country": "MEX"},
        ),
    ],
    "core:organisation_detail": [
        get(
            "/organisations/{ORG_CHN_CA}/",
            SEES["ORG_CHN_CA"],
            marker=(('value="add_user"', offers("core.user_manage", own_org_or_secretariat)),),
        ),
        get(
            "/organisations/{ORG_INTL}/",
            SEES["ORG_INTL"],
            marker=(('value="add_user"', offers("core.user_manage", member("intl"))),),
        ),
        page_write(
            "/organisations/{ORG_CHN_CA}/",
            "core.user_manage",
            {
                "action": "add_user",
                "username": "zhang.wei",
                "role": "viewer",
                "password": NEW_PASSWORD,
            },
            sees=SEES["ORG_CHN_CA"],
            condition=own_org_or_secretariat,
        ),
        page_write(
            "/organisations/{ORG_CHN_CA}/",
            "core.organisation_security",
            {
                "action": "settings",
                "version": "{ORG_VERSION}",
                "name": "Battery CHN competent_authority",
                "require_second_factor": "on",
                "is_active": "on",
            },
            sees=SEES["ORG_CHN_CA"],
            condition=own_org_or_secretariat,
        ),
    ],
    "core:user_detail": [
        get(
            "/users/{U}/",
            SEES["U"],
            marker=(('name="role"', offers("core.user_manage", own_org_or_secretariat)),),
        ),
        page_write(
            "/users/{U}/",
            "core.user_manage",
            {"version": "{USER_VERSION}", "role": "officer", "is_active": "on"},
            sees=SEES["U"],
            condition=own_org_or_secretariat,
        ),
    ],
    "core:audit_list": [
        get("/audit/?action=token.created", marker=(('href="/audit/{E_tok}/"', SEES["E_tok"]),)),
        get(
            "/audit/?action=incidents.incident_created",
            marker=(('href="/audit/{E_inc_org}/"', SEES["E_inc_org"]),),
        ),
    ],
    "core:audit_detail": [
        get("/audit/{E_tok}/", SEES["E_tok"]),
        get("/audit/{E_inc_org}/", SEES["E_inc_org"]),
    ],
    # substances
    "substances:list": [get("/substances/?q=ephedrine")],
    "substances:identify": [
        get("/substances/identify/"),
        page_write("/substances/identify/", None, {"name": "Ephedrine"}, read=True),
    ],
    "substances:detail": [get("/substances/{SUB}/")],
    # nps: the spectral library
    "nps:spectra_list": [
        get(
            "/nps/spectra/?q=ephedrine",
            status=allowed_or_forbidden("nps.spectrum_read"),
            marker=(('href="/nps/spectra/{SPEC}/"', SEES["SPEC"]),),
        )
    ],
    "nps:spectra_detail": [get("/nps/spectra/{SPEC}/", SEES["SPEC"])],
    "nps:spectra_search": [
        get("/nps/spectra/search/", status=allowed_or_forbidden("nps.spectrum_read")),
        page_write(
            "/nps/spectra/search/",
            "nps.spectrum_read",
            {"peaks": "58 999\n77 80\n105 30", "limit": "5", "min_matched_peaks": "0"},
            events=0,
            why="(a search writes nothing)",
        ),
    ],
    "nps:spectra_import": [
        get("/nps/spectra/import/", status=allowed_or_forbidden("nps.spectrum_import")),
        page_write(
            "/nps/spectra/import/",
            "nps.spectrum_import",
            {"file": Upload("spectra.msp", b"Name: A\nNum Peaks: 1\n58 999\n")},
        ),
    ],
    "nps:spectra_import_job": [
        get("/nps/spectra/import/{J_spec}/", SEES["J_spec"]),
        nobody_finds("/nps/spectra/import/{J_inc}/"),  # an incident import
    ],
    # entities
    "entities:list": [
        get(
            "/parties/",
            marker=tuple((f'href="/parties/{{{name}}}/"', SEES[name]) for name in LISTED_PARTIES),
        ),
        page_write(
            "/parties/",
            None,
            {"kind": "company", "name": "Guangzhou Tianhe Chemical", "country": "CHN"},
            read=True,
            marker=(
                ('href="/parties/{P1}/"', SEES["P1"]),
                ('href="/parties/{P3}/"', SEES["P3"]),
            ),
        ),
    ],
    "entities:detail": [get(f"/parties/{{{name}}}/", SEES[name]) for name in PARTIES],
    "entities:correlations": [
        get(
            "/parties/correlations/",
            marker=(
                ('data-correlation="{C1}"', SEES["C1"]),
                ('data-correlation="{C_x}"', SEES["C_x"]),
                (
                    'action="/parties/correlations/{C1}/"',
                    all_of(SEES["C1"], offers("entities.correlation_decide", acts_on_chn_parties)),
                ),
                (
                    'action="/parties/correlations/{C_x}/"',
                    all_of(
                        SEES["C_x"], offers("entities.correlation_decide", acts_across_countries)
                    ),
                ),
            ),
        )
    ],
    "entities:decide": [
        post_only("/parties/correlations/{C1}/"),
        page_write(
            "/parties/correlations/{C1}/",
            "entities.correlation_decide",
            {"action": "confirm"},
            sees=SEES["C1"],
            condition=acts_on_chn_parties,
        ),
        page_write(
            "/parties/correlations/{C1}/",
            "entities.correlation_decide",
            {"action": "reject"},
            sees=SEES["C1"],
            condition=acts_on_chn_parties,
        ),
        page_write(
            "/parties/correlations/{C_x}/",
            "entities.correlation_decide",
            {"action": "confirm"},
            sees=SEES["C_x"],
            condition=acts_across_countries,
        ),
        page_write(
            "/parties/correlations/{C2}/",
            "entities.parties_merge",
            {"action": "merge"},
            sees=SEES["C2"],
            condition=acts_on_chn_parties,
        ),
    ],
    "entities:merge_undo": [
        post_only("/parties/merges/{M}/undo/"),
        page_write(
            "/parties/merges/{M}/undo/",
            "entities.merge_undo",
            sees=SEES["M"],
            condition=acts_on_chn_parties,
        ),
    ],
    "entities:warning_list": [
        get("/parties/warning-list/"),
        page_write(
            "/parties/warning-list/",
            "entities.warning_list_edit",
            {"kind": "phone", "value": "+86 21 5555 0000", "reason": "a switchboard"},
        ),
        page_write(
            "/parties/warning-list/",
            "entities.warning_list_edit",
            {"action": "remove", "id": Ref("W")},
            sees=SEES["W"],
        ),
    ],
    # incidents
    "incidents:list": [
        get(
            "/incidents/",
            marker=tuple((f"{{{name}_ref}}", SEES[name]) for name in INCIDENTS),
        )
    ],
    "incidents:create": [
        get("/incidents/new/", status=allowed_or_forbidden("incidents.incident_report")),
        page_write(
            "/incidents/new/",
            "incidents.incident_report",
            {"kind": "seizure", "occurred_on": TODAY, "distribution": "organisation"},
        ),
    ],
    "incidents:import": [
        get("/incidents/import/", status=allowed_or_forbidden("incidents.incident_import")),
        page_write(
            "/incidents/import/",
            "incidents.incident_import",
            {"file": Upload("incidents.csv", b"kind,occurred_on\nseizure,2024-01-01\n")},
        ),
    ],
    "incidents:import_job": [
        get("/incidents/import/{J_inc}/", SEES["J_inc"]),
        nobody_finds("/incidents/import/{J_pre}/"),  # a notification import
    ],
    "incidents:map": [
        get("/incidents/map/"),
        get("/incidents/map/?since=2000-01-01&kind=seizure&country=CHN"),
    ],
    "incidents:suggest_substances": [get("/incidents/suggest/substances/?q=Ephed")],
    "incidents:suggest_parties": [
        get(
            "/incidents/suggest/parties/?q=Guangzhou%20Tianhe%20Chemical",
            marker=(("[#{P1}]", SEES["P1"]), ("[#{P3}]", SEES["P3"])),
        )
    ],
    "substances:suggest": [
        get("/substances/suggest/?q=Ephe"),
        get("/substances/suggest/?q=299-42-3"),
    ],
    "entities:suggest": [
        get(
            "/parties/suggest/?q=Guangzhou%20Tianhe%20Chemical",
            marker=(('data-id="{P1}"', SEES["P1"]), ('data-id="{P3}"', SEES["P3"])),
        ),
        get(  # the first letters, in another script
            "/parties/suggest/?q=%E5%A4%A9%E6%B2%B3",
            marker=(('data-id="{P1}"', SEES["P1"]), ('data-id="{P3}"', SEES["P3"])),
        ),
    ],
    "incidents:detail": [
        get(
            f"/incidents/{{{name}}}/",
            SEES[name],
            marker=(
                (
                    f'action="/incidents/{{{name}}}/parties/"',
                    offers("incidents.incident_change", member(reporter)),
                ),
                (f'action="/incidents/{{{name}}}/messages/"', offers("incidents.message_post")),
                *(
                    (('action="/incidents/{I_deu}/messages/{X_req}/decide/"', decides_x_req),)
                    if name == "I_deu"
                    else ()
                ),
            ),
        )
        for name, reporter in (
            ("I_country", CHN_POLICE),
            ("I_org", CHN_POLICE),
            ("I_shared", CHN_POLICE),
            ("I_deu", "deu.law_enforcement"),
            ("I_all", CHN_AUTHORITY),
        )
    ],
    "incidents:add_party": [
        post_only("/incidents/{I_country}/parties/"),
        page_write(
            "/incidents/{I_country}/parties/",
            "incidents.incident_change",
            {"party": "The consignee [#{P1}]", "role": "broker"},
            sees=SEES["I_country"],
            condition=reporting_police,
        ),
    ],
    "incidents:attach": [
        post_only("/incidents/{I_country}/attachments/"),
        page_write(
            "/incidents/{I_country}/attachments/",
            "incidents.incident_change",
            {"file": Upload("statement.txt", b"a statement\n")},
            sees=SEES["I_country"],
            condition=reporting_police,
        ),
    ],
    "incidents:message": [
        post_only("/incidents/{I_shared}/messages/"),
        page_write(
            "/incidents/{I_shared}/messages/",
            "incidents.message_post",
            {"kind": "message", "body": "Battery message"},
            sees=SEES["I_shared"],
        ),
    ],
    "incidents:decide": [
        post_only("/incidents/{I_deu}/messages/{X_req}/decide/"),
        page_write(
            "/incidents/{I_deu}/messages/{X_req}/decide/",
            "incidents.request_answer",
            {"decision": "declined", "version": "1", "note": "Not this time"},
            sees=SEES["X_req"],
            condition=in_country("CHN"),
        ),
    ],
    "incidents:attachment": [
        get("/incidents/{I_country}/attachments/{ATT}/", SEES["ATT"]),
        nobody_finds("/incidents/{I_org}/attachments/{ATT}/"),  # I_country's file
    ],
    "incidents:alerts": [
        get("/incidents/alerts/"),
        get("/incidents/alerts/?record_type=incidents.incident&unread=true"),
        page_write("/incidents/alerts/", None, {"all-read_all": "on"}),
        page_write(
            "/incidents/alerts/",
            None,
            {"id": Ref("A"), "action": "acknowledge"},
            sees=SEES["A"],
            condition=recipient,
        ),
    ],
    "incidents:broadcast": [
        get("/incidents/alerts/broadcast/", status=allowed_or_forbidden("core.alert_broadcast")),
        page_write(
            "/incidents/alerts/broadcast/",
            "core.alert_broadcast",
            {"title": "Battery alert", "countries": "CHN"},
        ),
    ],
    # precursors
    "precursors:list": [
        get(
            "/precursors/",
            marker=tuple((f"{{{name}_ref}}", SEES[name]) for name in ("N_draft", "N_out", "N_in")),
        )
    ],
    "precursors:inbox": [
        get(
            "/precursors/inbox/",
            marker=(
                ("{N_in_ref}", all_of(SEES["N_in"], in_country("CHN"))),
                ("{N_out_ref}", lambda p: False),
            ),
        )
    ],
    "precursors:create": [
        get("/precursors/new/", status=allowed_or_forbidden("precursors.notification_draft")),
        page_write("/precursors/new/", "precursors.notification_draft", NOTIFICATION_BODY),
    ],
    "precursors:import": [
        get("/precursors/import/", status=allowed_or_forbidden("precursors.notification_draft")),
        page_write(
            "/precursors/import/",
            "precursors.notification_draft",
            {"file": Upload("notifications.csv", b"importing_country\nAUS\n")},
        ),
    ],
    "precursors:import_job": [get("/precursors/import/{J_pre}/", SEES["J_pre"])],
    "precursors:statistics": [get("/precursors/statistics/", read_notifications)],
    "precursors:invocations": [
        get("/precursors/invocations/"),
        page_write(
            "/precursors/invocations/",
            "precursors.invocation_record",
            {"country": "CHN", "scope": "table_i", "since": TODAY, "requested_on": TODAY},
        ),
        page_write(
            "/precursors/invocations/",
            "precursors.reference_keep",
            {"form": "policy", "country": "CHN", "reply_days": "20"},
            condition=chn_or_secretariat,
        ),
        page_write(
            "/precursors/invocations/",
            "precursors.invocation_record",
            {"form": "remove", "country": "CHN", "id": Ref("V")},
        ),
    ],
    "precursors:requirements": [
        get("/precursors/requirements/"),
        page_write(
            "/precursors/requirements/",
            "precursors.reference_keep",
            {"country": "CHN", "substance": "Ephedrine", "year": "{YEAR}", "quantity_kg": "1300"},
            condition=chn_or_secretariat,
        ),
        page_write(
            "/precursors/requirements/",
            "precursors.reference_keep",
            {"file": Upload("requirements.csv", REQUIREMENTS_FILE)},
            condition=chn_or_secretariat,
            why="one event per requirement in the file (one here)",
            # Who keeps requirements at all gets the file's report naming the row refused.
            refused=lambda p: 422 if doc_allows("precursors.reference_keep", p) else 403,
        ),
    ],
    "precursors:requirement": [get("/precursors/requirements/{LR}/")],
    "precursors:surveillance": [
        get("/precursors/surveillance/", read_surveillance),
        page_write(
            "/precursors/surveillance/",
            "substances.surveillance_load",
            {"edition": "2026", "file": Upload("list.csv", b"name,cas\nBattery chemical,\n")},
            sees=read_surveillance,
        ),
    ],
    "precursors:orders": [
        get("/precursors/orders/", marker=(("{O_ref}", SEES["O"]),)),
    ],
    "precursors:order_create": [
        get("/precursors/orders/new/", status=allowed_or_forbidden("precursors.order_report")),
        page_write("/precursors/orders/new/", "precursors.order_report", ORDER_FORM),
    ],
    "precursors:order": [
        get(
            "/precursors/orders/{O}/",
            SEES["O"],
            marker=(('name="decision"', offers("precursors.order_review", in_country("CHN"))),),
        ),
        page_write(
            "/precursors/orders/{O}/",
            "precursors.order_review",
            {"decision": "dismiss"},
            sees=SEES["O"],
            condition=in_country("CHN"),  # the operator's national authority
        ),
    ],
    "precursors:detail": [
        get(
            "/precursors/{N_draft}/",
            SEES["N_draft"],
            marker=(
                (
                    'href="/precursors/{N_draft}/edit/"',
                    offers("precursors.notification_export_step", exporting_chn),
                ),
            ),
        ),
        get(
            "/precursors/{N_out}/",
            SEES["N_out"],
            marker=(
                (
                    'value="withdraw"',
                    offers("precursors.notification_export_step", exporting_chn),
                ),
                (
                    'action="/precursors/{N_out}/messages/"',
                    offers("precursors.notification_follow_up", in_country("CHN", "AUS")),
                ),
            ),
        ),
        get(
            "/precursors/{N_in}/",
            SEES["N_in"],
            marker=(
                ('value="acknowledge"', offers("precursors.notification_answer", importing_chn)),
                ('value="object"', offers("precursors.notification_answer", importing_chn)),
                (
                    'action="/precursors/{N_in}/messages/"',
                    offers("precursors.notification_follow_up", in_country("DEU", "CHN")),
                ),
            ),
        ),
    ],
    "precursors:edit": [
        get(
            "/precursors/{N_draft}/edit/",
            status=lambda p: (
                404
                if not SEES["N_draft"](p)
                else allowed_or_forbidden("precursors.notification_export_step", exporting_chn)(p)
            ),
        ),
        page_write(
            "/precursors/{N_draft}/edit/",
            "precursors.notification_export_step",
            {**NOTIFICATION_BODY, "version": DRAFT_VERSION},
            sees=SEES["N_draft"],
            condition=exporting_chn,
        ),
    ],
    "precursors:attach": [
        post_only("/precursors/{N_draft}/attachments/"),
        page_write(
            "/precursors/{N_draft}/attachments/",
            "precursors.notification_attach",
            {"kind": "invoice", "file": Upload("invoice.pdf", b"%PDF-1.4 battery\n")},
            sees=SEES["N_draft"],
            condition=exporting_chn,
        ),
        page_write(
            "/precursors/{N_in}/attachments/",
            "precursors.notification_attach",
            {"kind": "import_permit", "file": Upload("permit.txt", b"CN permit\n")},
            sees=SEES["N_in"],
            condition=importing_chn,
        ),
    ],
    "precursors:attachment": [
        get("/precursors/{N_draft}/attachments/{NA_draft}/", SEES["NA_draft"]),
        get("/precursors/{N_out}/attachments/{NA_out}/", SEES["NA_out"]),
        nobody_finds("/precursors/{N_in}/attachments/{NA_out}/"),  # N_out's document
    ],
    "precursors:action": [
        post_only("/precursors/{N_out}/action/"),
        *(
            page_write(
                f"/precursors/{{{record}}}/action/",
                action,
                {"action": step, **extra},
                sees=SEES[record],
                condition=condition,
            )
            for step, record, action, condition, extra in STEPS
        ),
    ],
    "precursors:annual_reports": [
        get(
            "/precursors/annual-reports/",
            read_reports,
            marker=(
                *(
                    (f'href="/precursors/annual-reports/{{{name}}}/"', SEES[name])
                    for name in REPORTS
                ),
                ('data-testid="generate-form"', offers("precursors.annual_report_keep")),
            ),
        ),
        page_write(
            "/precursors/annual-reports/",
            "precursors.annual_report_keep",
            {"year": "{FD_YEAR_NEW}"},
            sees=read_reports,
        ),
    ],
    "precursors:annual_report": [
        get(
            "/precursors/annual-reports/{FD_draft}/",
            SEES["FD_draft"],
            marker=(
                ('value="submit"', offers("precursors.annual_report_keep", keeps_chn_report)),
                (
                    'href="/precursors/annual-reports/{FD_draft}/edit/"',
                    offers("precursors.annual_report_keep", keeps_chn_report),
                ),
            ),
        ),
        get(
            "/precursors/annual-reports/{FD_sub}/",
            SEES["FD_sub"],
            marker=(
                ('value="accept"', offers("precursors.annual_report_decide")),
                ('value="submit"', lambda p: False),
            ),
        ),
        get("/precursors/annual-reports/{FD_deu}/", SEES["FD_deu"]),
    ],
    "precursors:annual_report_edit": [
        get(
            "/precursors/annual-reports/{FD_draft}/edit/",
            status=lambda p: (
                404
                if not SEES["FD_draft"](p)
                else allowed_or_forbidden("precursors.annual_report_keep", keeps_chn_report)(p)
            ),
        ),
        page_write(
            "/precursors/annual-reports/{FD_draft}/edit/",
            "precursors.annual_report_keep",
            {"version": "{FD_draft_version}", "methods-0-text": "Battery: relabelled drums"},
            sees=SEES["FD_draft"],
            condition=keeps_chn_report,
        ),
    ],
    "precursors:annual_report_action": [
        post_only("/precursors/annual-reports/{FD_draft}/action/"),
        *(
            page_write(
                f"/precursors/annual-reports/{{{record}}}/action/",
                action,
                {"action": step, "version": f"{{{record}_version}}", **extra},
                sees=SEES[record],
                condition=condition,
            )
            for step, record, action, condition, extra in (
                ("regenerate", "FD_draft", "precursors.annual_report_keep", keeps_chn_report, {}),
                ("submit", "FD_draft", "precursors.annual_report_keep", keeps_chn_report, {}),
                ("accept", "FD_sub", "precursors.annual_report_decide", anyone, {}),
                (
                    "return",
                    "FD_sub",
                    "precursors.annual_report_decide",
                    anyone,
                    {"comment": "Battery: section 5 lacks the imports."},
                ),
            )
        ),
    ],
    "precursors:annual_report_export": [
        get("/precursors/annual-reports/{FD_sub}/export/?format=xlsx", SEES["FD_sub"]),
        get("/precursors/annual-reports/{FD_draft}/export/?format=csv", SEES["FD_draft"]),
    ],
    "precursors:annual_report_version": [
        get("/precursors/annual-reports/{FD_sub}/versions/1/", SEES["FD_sub"]),
        nobody_finds("/precursors/annual-reports/{FD_draft}/versions/1/"),  # never submitted
    ],
    "precursors:message": [
        post_only("/precursors/{N_out}/messages/"),
        page_write(
            "/precursors/{N_out}/messages/",
            "precursors.notification_follow_up",
            {"body": "Battery message"},
            sees=SEES["N_out"],
            condition=in_country("CHN", "AUS"),
        ),
        page_write(
            "/precursors/{N_in}/messages/",
            "precursors.notification_follow_up",
            {"body": "Battery message"},
            sees=SEES["N_in"],
            condition=in_country("DEU", "CHN"),
        ),
    ],
    # nps: identification reports, the register, toxicology cases, the watch list
    "nps:register": [get("/nps/", marker=(("Battery fentanyl analogue", SEES["NPS_SUB"]),))],
    "nps:substance": [
        get(
            "/nps/substances/{NPS_SUB}/",
            SEES["NPS_SUB"],
            marker=(('data-testid="effect-group-form"', offers("nps.register_keep")),),
        ),
        page_write(
            "/nps/substances/{NPS_SUB}/",
            "nps.register_keep",
            {"effect_group": "opioid"},
            sees=SEES["NPS_SUB"],
        ),
    ],
    "nps:reports": [get("/nps/reports/", marker=(("{NR_ref}", SEES["NR"]),))],
    "nps:report_create": [
        get("/nps/reports/new/", status=allowed_or_forbidden("nps.report_submit")),
        page_write("/nps/reports/new/", "nps.report_submit", NPS_REPORT_BODY),
    ],
    "nps:report": [get("/nps/reports/{NR}/", SEES["NR"])],
    "nps:cases": [get("/nps/toxicology/", marker=(("{TC_ref}", SEES["TC"]),))],
    "nps:case_create": [
        get("/nps/toxicology/new/", status=allowed_or_forbidden("nps.case_report")),
        page_write(
            "/nps/toxicology/new/",
            "nps.case_report",
            {
                "kind": "clinical",
                "occurred_on": TODAY,
                "outcome": "hospitalised",
                "finding-0-substance": "Mephedrone",
                "finding-0-matrix": "blood",
            },
        ),
    ],
    "nps:case": [get("/nps/toxicology/{TC}/", SEES["TC"])],
    "nps:watch_list": [
        get(
            "/nps/watch-list/",
            marker=(
                ('href="/nps/watch-list/{WL}/"', SEES["WL"]),
                ('data-testid="watch-form"', offers("nps.register_keep")),
            ),
        ),
        page_write(
            "/nps/watch-list/",
            "nps.register_keep",
            NPS_WATCH_BODY,
            events=2,
            why="ketamine is new to the registry: registered, then put on the list",
        ),
    ],
    "nps:watch": [
        get("/nps/watch-list/{WL}/", SEES["WL"]),
        get("/nps/watch-list/{WL}/?format=csv", SEES["WL"]),
    ],
    # nps: emergence signals and the dashboard
    "nps:dashboard": [
        get(
            "/nps/dashboard/",
            status=allowed_or_forbidden("nps.signal_read"),
            marker=tuple((f'href="/nps/signals/{{{name}}}/"', SEES[name]) for name in SIGNALS),
        ),
        get(
            "/nps/dashboard/?format=csv&chart=families",
            status=allowed_or_forbidden("nps.signal_read"),
        ),
    ],
    "nps:signals": [
        get(
            "/nps/signals/",
            status=allowed_or_forbidden("nps.signal_read"),
            marker=tuple((f'href="/nps/signals/{{{name}}}/"', SEES[name]) for name in SIGNALS),
        )
    ],
    "nps:signal": [get(f"/nps/signals/{{{name}}}/", SEES[name]) for name in SIGNALS],
    "nps:signal_settings": [
        get(
            "/nps/signals/settings/",
            status=allowed_or_forbidden("nps.signal_read"),
            marker=(('data-testid="signal-settings-form"', offers("nps.signal_keep")),),
        ),
        page_write(
            "/nps/signals/settings/",
            "nps.signal_keep",
            {"spread_countries": "4", "spread_months": "6"},
        ),
    ],
}

# Pages anyone may load, signed in or not (checked by `test_public_pages`).

# --- nps: scheduling pipeline ---------------------------------------------------------------
# Reviews at each stage (tests/battery_world.py): every reader but industry sees them; the
# secretariat's officers take the steps, each from the stage the pipeline's table allows.
read_pipeline = may("nps.pipeline_read")
PIPELINE_REVIEWS = ("PR_surv", "PR_pre", "PR_crit", "PR_rec", "PR_adopted")
for _name in PIPELINE_REVIEWS:
    SEES[_name] = read_pipeline
NPS_PIPELINE = f"{V1}/nps/pipeline"
PIPELINE_STEPS = (
    # (route, review, payload, matrix action, audit events)
    ("pre-review", "PR_surv", {"started_on": TODAY}, "nps.review_step", 1),
    ("critical-review", "PR_pre", {"started_on": TODAY}, "nps.review_step", 1),
    (
        "recommendation",
        "PR_crit",
        {
            "recommended_on": TODAY,
            "recommendation": "schedule",
            "convention": "1971",
            "schedule": "II",
        },
        "nps.review_step",
        1,
    ),
    (
        "vote",
        "PR_rec",
        {"voted_on": TODAY, "decision": "CND 99/1", "result": "adopted"},
        "nps.review_step",
        1,
    ),
    # Entry into force records the listing in the registry too (the registry's own event);
    # both rights are the secretariat officers'.
    ("entry-into-force", "PR_adopted", {"in_force_on": TODAY}, "substances.listing_add", 2),
)
API.update(
    {
        "GET /api/v1/nps/pipeline": [
            get(NPS_PIPELINE, listed=tuple((name, read_pipeline) for name in PIPELINE_REVIEWS)),
            get(f"{NPS_PIPELINE}?stage=adopted", listed=(("PR_adopted", read_pipeline),)),
        ],
        "POST /api/v1/nps/pipeline": [
            write(
                "POST",
                NPS_PIPELINE,
                "nps.review_open",
                {"substance_id": Ref("SUB"), "opened_on": TODAY},
            )
        ],
        "GET /api/v1/nps/pipeline/{review_id}": [
            get(f"{NPS_PIPELINE}/{{{name}}}", SEES[name]) for name in PIPELINE_REVIEWS
        ],
        **{
            f"POST /api/v1/nps/pipeline/{{review_id}}/{route}": [
                write(
                    "POST",
                    f"{NPS_PIPELINE}/{{{review}}}/{route}",
                    action,
                    {"version": f"{{{review}_version}}", **payload},
                    sees=SEES[review],
                    events=events,
                    why="(the step's and the registry's listing)" if events == 2 else "",
                )
            ]
            for route, review, payload, action, events in PIPELINE_STEPS
        },
    }
)
PAGES.update(
    {
        "nps:pipeline": [
            get(
                "/nps/pipeline/",
                status=allowed_or_forbidden("nps.pipeline_read"),
                marker=(
                    *((f'data-review="{{{name}}}"', read_pipeline) for name in PIPELINE_REVIEWS),
                    ('data-testid="open-review"', offers("nps.review_open")),
                ),
            ),
            get(
                "/nps/pipeline/?stage=surveillance",
                status=allowed_or_forbidden("nps.pipeline_read"),
            ),
        ],
        "nps:pipeline_open": [
            get("/nps/pipeline/open/", status=allowed_or_forbidden("nps.review_open")),
            page_write(
                "/nps/pipeline/open/",
                "nps.review_open",
                {"substance": "Ephedrine", "opened_on": TODAY},
            ),
        ],
        "nps:pipeline_review": [
            get(
                f"/nps/pipeline/{{{name}}}/",
                SEES[name],
                marker=(('data-testid="step-', offers("nps.review_step")),),
            )
            for name in PIPELINE_REVIEWS
        ],
        "nps:pipeline_step": [
            post_only("/nps/pipeline/{PR_surv}/pre-review/"),
            page_write(
                "/nps/pipeline/{PR_surv}/pre-review/",
                "nps.review_step",
                {"pre_review-version": "{PR_surv_version}", "pre_review-started_on": TODAY},
                sees=SEES["PR_surv"],
            ),
            page_write(
                "/nps/pipeline/{PR_adopted}/entry-into-force/",
                "substances.listing_add",
                {
                    "enter_into_force-version": "{PR_adopted_version}",
                    "enter_into_force-in_force_on": TODAY,
                },
                sees=SEES["PR_adopted"],
                events=2,
                why="(the step's and the registry's listing)",
            ),
        ],
    }
)

# --- monitoring -------------------------------------------------------------------------------
# A country's data sets (tests/battery_world.py): a draft, submitted or accepted data set is
# read by its country's users and the secretariat, a published one by every signed-in user.
# Its country's providers (authority and police officers) enter the values, their focal
# points submit and reopen, the secretariat's officers return, accept, publish and reopen.
for _name in ("MS_draft", "MS_sub", "MS_acc", "MV_draft"):
    SEES[_name] = chn_or_secretariat
SEES["MS_pub"] = SEES["MV_pub"] = may("monitoring.data_read")


def reads_in(country: str):
    return all_of(may("monitoring.data_read"), in_country(country))


SEES["MS_deu"] = SEES["MV_deu"] = any_of(in_country("DEU"), secretariat)
# Programmes are public knowledge: every reader of monitoring data; kept by the country's
# providers and the secretariat.
SEES["MP"] = may("monitoring.data_read")
keeps_chn_programmes = any_of(in_country("CHN"), secretariat)
PROGRAMME = {"name": "Battery programme", "start_year": 2015, "livelihoods": ["coffee"]}
keeps_definitions = "monitoring.definitions_keep"
BATTERY_RULE = {
    "code": "PWID_IN_POP",
    "name_en": "Battery: people who inject drugs within the population",
    "name_zh": "电池测试：注射吸毒者不超过人口",
    "left": "PWID",
    "operator": "<=",
    "right": "POP_15_64",
    "importance": "error",
}
DEFINITION_CHANGES = {
    "data-elements/LABS": {
        "code": "LABS",
        "name_en": "Battery: laboratories dismantled",
        "name_zh": "电池测试：捣毁的实验室",
        "section": "supply",
        "value_type": "integer",
        "unit": "laboratories",
        "categories": ["drug"],
        "minimum": "0",
    },
    "validation-rules/PWID_IN_POP": BATTERY_RULE,
    "indicators/SEIZURES": {
        "code": "SEIZURES",
        "name_en": "Battery: seizures",
        "name_zh": "电池测试：缉获量",
        "numerator": "SEIZ_KG",
        "breakdown": "drug",
        "unit_en": "kg",
        "unit_zh": "公斤",
    },
    "targets/HIV_PWID_HALF": {
        "code": "HIV_PWID_HALF",
        "name_en": "Battery: halve HIV",
        "name_zh": "电池测试：艾滋病减半",
        "indicator": "HIV_PWID",
        "baseline_year": 2010,
        "target_year": 2015,
        "change_percent": "-50",
    },
}
SEES["J_mon"] = one_of("chn.competent_authority.officer")
SUBMISSIONS = ("MS_draft", "MS_sub", "MS_acc", "MS_pub", "MS_deu")
MONITORING = f"{V1}/monitoring"
enters_chn = all_of(may("monitoring.data_enter"), in_country("CHN"))
submits_chn = all_of(may("monitoring.data_submit"), in_country("CHN"))
decides = may("monitoring.data_decide")
MONITORING_STEPS = (
    # (action, data set, payload, matrix action, condition)
    ("submit", "MS_draft", {}, "monitoring.data_submit", in_country("CHN")),
    (
        "return",
        "MS_sub",
        {"comment": "Battery: check the seizures."},
        "monitoring.data_decide",
        anyone,
    ),
    ("accept", "MS_sub", {}, "monitoring.data_decide", anyone),
    ("publish", "MS_acc", {}, "monitoring.data_decide", anyone),
    (
        "reopen",
        "MS_sub",
        {"comment": "Battery: a figure was wrong."},
        "monitoring.data_submit",
        in_country("CHN"),
    ),
    # Published data: the country's focal point, or the secretariat, reopens it.
    ("reopen", "MS_pub", {"comment": "Battery: re-weighted."}, None, any_of(submits_chn, decides)),
)
API.update(
    {
        **{
            f"GET {MONITORING}/{name}": [get(f"{MONITORING}/{name}")]
            for name in ("data-elements", "datasets", "validation-rules", "indicators", "targets")
        },
        f"GET {MONITORING}/submissions": [
            get(
                f"{MONITORING}/submissions",
                listed=tuple((name, SEES[name]) for name in SUBMISSIONS),
            ),
            get(
                f"{MONITORING}/submissions?country=CHN&status=published",
                listed=(("MS_pub", SEES["MS_pub"]), ("MS_draft", lambda person: False)),
            ),
        ],
        f"POST {MONITORING}/submissions": [
            write(
                "POST",
                f"{MONITORING}/submissions",
                "monitoring.data_enter",
                {"country": "CHN", "dataset": "ARQ_USE", "year": "{MS_YEAR_NEW}"},
                condition=in_country("CHN"),
            )
        ],
        f"GET {MONITORING}/submissions/{{submission_id}}": [
            get(f"{MONITORING}/submissions/{{{name}}}", SEES[name]) for name in SUBMISSIONS
        ],
        f"POST {MONITORING}/submissions/{{submission_id}}/values": [
            write(
                "POST",
                f"{MONITORING}/submissions/{{MS_draft}}/values",
                "monitoring.data_enter",
                {"values": [{"element": "PWID", "value": "12", "comment": "Battery"}]},
                sees=SEES["MS_draft"],
                condition=in_country("CHN"),
            )
        ],
        f"POST {MONITORING}/submissions/{{submission_id}}/{{action}}": [
            write(
                "POST",
                f"{MONITORING}/submissions/{{{record}}}/{action}",
                matrix,
                payload,
                sees=SEES[record],
                condition=condition,
                # The secretariat returns submitted data rather than reopening it.
                refused=lambda person, action=action, record=record: (
                    422 if (action, record) == ("reopen", "MS_sub") and decides(person) else 403
                ),
            )
            for action, record, payload, matrix, condition in MONITORING_STEPS
        ],
        f"GET {MONITORING}/definitions": [get(f"{MONITORING}/definitions")],
        f"POST {MONITORING}/definitions": [
            write(
                "POST",
                f"{MONITORING}/definitions",
                keeps_definitions,
                {"rules": [BATTERY_RULE]},
            )
        ],
        **{
            f"PUT {MONITORING}/{path.split('/')[0]}/{{code}}": [
                write("PUT", f"{MONITORING}/{path}", keeps_definitions, payload)
            ]
            for path, payload in DEFINITION_CHANGES.items()
        },
        f"GET {MONITORING}/crops": [
            get(f"{MONITORING}/crops"),
            get(f"{MONITORING}/crops?country=CHN&regions=true&crop=opium_poppy"),
        ],
        f"GET {MONITORING}/programmes": [
            get(f"{MONITORING}/programmes", listed=(("MP", SEES["MP"]),)),
            get(f"{MONITORING}/programmes?country=DEU", listed=(("MP", lambda person: False),)),
        ],
        f"GET {MONITORING}/programmes/{{programme_id}}": [
            get(f"{MONITORING}/programmes/{{MP}}", SEES["MP"])
        ],
        f"POST {MONITORING}/programmes": [
            write(
                "POST",
                f"{MONITORING}/programmes",
                "monitoring.programme_keep",
                {"country": "CHN", **PROGRAMME},
                condition=keeps_chn_programmes,
            )
        ],
        f"PUT {MONITORING}/programmes/{{programme_id}}": [
            write(
                "PUT",
                f"{MONITORING}/programmes/{{MP}}",
                "monitoring.programme_keep",
                {**PROGRAMME, "version": "{MP_version}"},
                sees=SEES["MP"],
                condition=keeps_chn_programmes,
            )
        ],
        f"GET {MONITORING}/values": [
            get(
                f"{MONITORING}/values",
                listed=tuple((name, SEES[name]) for name in ("MV_draft", "MV_pub", "MV_deu")),
            ),
            get(
                f"{MONITORING}/values?country=CHN&element=PWID&status=published",
                listed=(("MV_pub", SEES["MV_pub"]), ("MV_draft", lambda person: False)),
            ),
        ],
    }
)
# A file imported at once by the API: CHN's data providers; a provider of another country
# gets the file's report naming each row it may not enter (422), nothing written.
API[f"POST {MONITORING}/imports"] = [
    write(
        "POST",
        f"{MONITORING}/imports",
        "monitoring.data_enter",
        {
            "file": Upload(
                "values.csv", b"country,year,dataset,element,value\nCHN,2020,ARQ_USE,PWID,5\n"
            )
        },
        condition=in_country("CHN"),
        events=2,
        why="(the data set opened, its values set)",
        refused=lambda person: 422 if doc_allows("monitoring.data_enter", person) else 403,
    )
]
# --- medicines --------------------------------------------------------------------------------
# A confirmed estimate is read by every reader, a submitted one (or supplement) by its country
# and the secretariat; an authorization by the two countries' competent authorities and the
# secretariat. The importing authority issues import authorizations and endorses shipments,
# the exporting one issues export authorizations, the secretariat confirms estimates.
SEES["ME_conf"] = may("medicines.estimates_read")
SEES["ME_sub"] = all_of(may("medicines.estimates_read"), any_of(in_country("DEU"), secretariat))
SEES["ME_supp"] = all_of(may("medicines.estimates_read"), any_of(in_country("CHN"), secretariat))
SEES["MA"] = SEES["MA_exp"] = all_of(
    may("medicines.authorizations_read"), any_of(in_country("CHN", "DEU"), secretariat)
)
SEES["CY_pub"] = may("review.report_read")
SEES["CY_draft"] = SEES["CY_sub"] = all_of(may("review.report_read"), chn_or_secretariat)
REVIEW = f"{V1}/review"
API.update(
    {
        f"GET {REVIEW}/paragraphs": [
            get(f"{REVIEW}/paragraphs"),
            get(f"{REVIEW}/paragraphs?section=A"),
        ],
        f"GET {REVIEW}/paragraphs/{{key}}": [
            get(f"{REVIEW}/paragraphs/A.14"),
            get(f"{REVIEW}/paragraphs/B.21?country=CHN&first_year=2020&last_year=2024"),
            get(f"{REVIEW}/paragraphs/Z.99", status=lambda person: 404, must_succeed=False),
        ],
        f"GET {REVIEW}/cycles": [get(f"{REVIEW}/cycles")],
        f"GET {REVIEW}/cycles/{{code}}": [get(f"{REVIEW}/cycles/battery-open")],
        f"POST {REVIEW}/cycles": [
            write(
                "POST",
                f"{REVIEW}/cycles",
                "review.cycle_keep",
                {
                    "code": "battery-new",
                    "name_en": "Battery review (new)",
                    "name_zh": "新的测试审议",
                    "first_year": 2020,
                    "last_year": 2024,
                    "deadline": "2031-01-31",
                    "paragraphs": ["14", "A.14"],
                    "items": [
                        {
                            "paragraph": "14",
                            "question_en": "Is the estimate system used?",
                            "question_zh": "是否使用估计制度？",
                        }
                    ],
                },
            )
        ],
        f"GET {REVIEW}/reports/{{cycle}}/{{scope}}": [
            get(f"{REVIEW}/reports/battery-done/world"),
            get(f"{REVIEW}/reports/battery-open/CHN"),
            get(
                f"{REVIEW}/reports/battery-open/XYZ", status=lambda person: 404, must_succeed=False
            ),
        ],
        f"GET {REVIEW}/compare": [
            get(f"{REVIEW}/compare?first=battery-done&second=battery-open"),
            get(f"{REVIEW}/compare?first=battery-done&second=battery-sub&country=CHN"),
        ],
        f"GET {REVIEW}/responses": [
            get(
                f"{REVIEW}/responses",
                listed=(("CY_draft", SEES["CY_draft"]), ("CY_pub", SEES["CY_pub"])),
            ),
            get(f"{REVIEW}/responses?cycle=battery-done&country=CHN&status=published"),
        ],
        f"GET {REVIEW}/responses/{{response_id}}": [
            get(f"{REVIEW}/responses/{{{name}}}", SEES[name]) for name in ("CY_draft", "CY_pub")
        ],
        f"PUT {REVIEW}/responses": [
            write(
                "PUT",
                f"{REVIEW}/responses",
                "review.response_submit",
                {
                    "cycle": "battery-open",
                    "country": "CHN",
                    "answers": [{"item": "{CY_ITEM}", "rating": "yes"}],
                },
                condition=in_country("CHN"),
            )
        ],
        f"POST {REVIEW}/responses/{{response_id}}/steps": [
            write(
                "POST",
                f"{REVIEW}/responses/{{CY_draft}}/steps",
                "review.response_submit",
                {"action": "submit", "version": "{CY_draft_version}"},
                sees=SEES["CY_draft"],
                condition=in_country("CHN"),
            ),
            write(
                "POST",
                f"{REVIEW}/responses/{{CY_sub}}/steps",
                "review.response_decide",
                {"action": "accept", "version": "{CY_sub_version}"},
                sees=SEES["CY_sub"],
            ),
        ],
    }
)
PAGES.update(
    {
        "review:statement": [get("/review/"), get("/review/?country=CHN")],
        "review:paragraph": [
            get("/review/paragraphs/A.14/"),
            get("/review/paragraphs/A.11/?country=CHN&format=csv"),
            get("/review/paragraphs/Z.99/", status=lambda person: 404, must_succeed=False),
        ],
        "review:cycles": [get("/review/cycles/", marker=(('data-cycle="battery-open"', anyone),))],
        "review:cycle": [
            get(
                "/review/cycles/battery-done/",
                marker=(('data-response="CHN"', SEES["CY_pub"]),),
            ),
            get(
                "/review/cycles/battery-open/",
                marker=(('data-response="CHN"', SEES["CY_draft"]),),
            ),
        ],
        "review:compare": [
            get("/review/compare/"),
            get(
                "/review/compare/?first=battery-done&second=battery-sub&country=CHN",
                marker=(('data-paragraph="A.14" data-direction="same"', SEES["CY_sub"]),),
            ),
        ],
        "review:report": [
            get(
                "/review/cycles/battery-done/report/world/",
                marker=(('data-testid="annex"', SEES["CY_pub"]),),
            ),
            # CHN's draft answer shows in its own report to those who read the draft.
            get(
                "/review/cycles/battery-open/report/chn/",
                marker=(('data-testid="status" data-status="draft"', SEES["CY_draft"]),),
            ),
            get("/review/cycles/battery-done/report/chn/?format=pdf"),
        ],
        "review:response": [
            get(
                "/review/cycles/battery-open/chn/",
                SEES["CY_draft"],
                marker=(
                    (
                        'data-testid="answers-form"',
                        offers("review.response_submit", in_country("CHN")),
                    ),
                ),
            ),
            get("/review/cycles/battery-done/chn/", SEES["CY_pub"]),
            page_write(
                "/review/cycles/battery-open/chn/",
                "review.response_submit",
                {"step": "submit", "version": "{CY_draft_version}"},
                sees=SEES["CY_draft"],
                condition=in_country("CHN"),
            ),
        ],
    }
)
SEES["MC_pub"] = SEES["MPOP"] = may("medicines.estimates_read")
SEES["MC_sub"] = all_of(may("medicines.estimates_read"), chn_or_secretariat)
SEES["J_med"] = one_of("chn.competent_authority.officer")
MEDICINES = f"{V1}/medicines"
CONSUMPTION_FIGURE = {
    "country": "CHN",
    "year": "{MC_YEAR}",
    "substance": "Codeine",
    "quantity_kg": "3",
}
API.update(
    {
        f"GET {MEDICINES}/consumption": [
            get(
                f"{MEDICINES}/consumption",
                listed=(("MC_pub", SEES["MC_pub"]), ("MC_sub", SEES["MC_sub"])),
            ),
            get(f"{MEDICINES}/consumption?country=CHN&year={{MC_YEAR}}&status=submitted"),
        ],
        f"GET {MEDICINES}/consumption/{{consumption_id}}": [
            get(f"{MEDICINES}/consumption/{{{name}}}", SEES[name]) for name in ("MC_pub", "MC_sub")
        ],
        f"POST {MEDICINES}/consumption": [
            # Another country's authority may report, but not CHN's figures: the figure's
            # problem (422), as a file's row.
            write(
                "POST",
                f"{MEDICINES}/consumption",
                "medicines.consumption_report",
                {"figures": [CONSUMPTION_FIGURE]},
                condition=chn_or_secretariat,
                refused=lambda person: (
                    422 if doc_allows("medicines.consumption_report", person) else 403
                ),
            )
        ],
        f"POST {MEDICINES}/consumption/publish": [
            write(
                "POST",
                f"{MEDICINES}/consumption/publish",
                "medicines.consumption_confirm",
                {"country": "CHN", "year": "{MC_YEAR}"},
            )
        ],
        f"GET {MEDICINES}/population": [
            get(f"{MEDICINES}/population", listed=(("MPOP", SEES["MPOP"]),)),
            get(f"{MEDICINES}/population?country=CHN&year=2000"),
        ],
        f"POST {MEDICINES}/population": [
            write(
                "POST",
                f"{MEDICINES}/population",
                "medicines.population_keep",
                {"figures": [{"country": "CHN", "year": "{MC_YEAR}", "population": "1410000000"}]},
            )
        ],
        f"GET {MEDICINES}/availability": [
            get(f"{MEDICINES}/availability"),
            get(f"{MEDICINES}/availability?country=CHN&year={{MC_YEAR}}"),
        ],
        f"GET {MEDICINES}/estimates": [
            get(
                f"{MEDICINES}/estimates",
                listed=(("ME_conf", SEES["ME_conf"]), ("ME_sub", SEES["ME_sub"])),
            ),
            get(f"{MEDICINES}/estimates?country=CHN&year={{ME_YEAR}}&system=1961"),
        ],
        f"GET {MEDICINES}/estimates/{{estimate_id}}": [
            get(f"{MEDICINES}/estimates/{{{name}}}", SEES[name]) for name in ("ME_conf", "ME_sub")
        ],
        f"POST {MEDICINES}/estimates": [
            write(
                "POST",
                f"{MEDICINES}/estimates",
                "medicines.estimate_submit",
                {
                    "country": "CHN",
                    "year": "{ME_YEAR}",
                    "substance": "Fentanyl",
                    "consumption_kg": "1",
                },
                condition=in_country("CHN"),
            )
        ],
        f"POST {MEDICINES}/estimates/{{estimate_id}}/confirm": [
            write(
                "POST",
                f"{MEDICINES}/estimates/{{ME_sub}}/confirm",
                "medicines.estimate_confirm",
                {"version": "{ME_sub_version}"},
                sees=SEES["ME_sub"],
            )
        ],
        f"POST {MEDICINES}/estimates/{{estimate_id}}/supplements": [
            write(
                "POST",
                f"{MEDICINES}/estimates/{{ME_conf}}/supplements",
                "medicines.estimate_submit",
                {"added_kg": "2", "reason": "Battery: more patients."},
                sees=SEES["ME_conf"],
                condition=in_country("CHN"),
            )
        ],
        f"POST {MEDICINES}/supplements/{{supplement_id}}/confirm": [
            write(
                "POST",
                f"{MEDICINES}/supplements/{{ME_supp}}/confirm",
                "medicines.estimate_confirm",
                {"version": "{ME_supp_version}"},
                sees=SEES["ME_supp"],
            )
        ],
        f"GET {MEDICINES}/authorizations": [
            get(
                f"{MEDICINES}/authorizations",
                listed=(("MA", SEES["MA"]), ("MA_exp", SEES["MA_exp"])),
            ),
            get(f"{MEDICINES}/authorizations?country=DEU&status=issued"),
        ],
        f"GET {MEDICINES}/authorizations/{{authorization_id}}": [
            get(f"{MEDICINES}/authorizations/{{{name}}}", SEES[name]) for name in ("MA", "MA_exp")
        ],
        f"POST {MEDICINES}/authorizations": [
            write(
                "POST",
                f"{MEDICINES}/authorizations",
                "medicines.import_authorize",
                {
                    "number": "CN-BATTERY-NEW",
                    "importing_country": "CHN",
                    "exporting_country": "DEU",
                    "substance": "Morphine",
                    "quantity": "1",
                    "unit": "kg",
                    "importer": "Battery Hospital Pharmacy",
                    "exporter": "Battery Alkaloids GmbH",
                    "valid_until": "{SOON}",
                },
                condition=in_country("CHN"),
            )
        ],
        f"POST {MEDICINES}/authorizations/{{authorization_id}}/export": [
            write(
                "POST",
                f"{MEDICINES}/authorizations/{{MA}}/export",
                "medicines.export_authorize",
                {"number": "DE-BATTERY-NEW"},
                sees=SEES["MA"],
                condition=in_country("DEU"),
            )
        ],
        f"POST {MEDICINES}/authorizations/{{authorization_id}}/endorse": [
            write(
                "POST",
                f"{MEDICINES}/authorizations/{{MA_exp}}/endorse",
                "medicines.import_authorize",
                {"received_kg": "0.5"},
                sees=SEES["MA_exp"],
                condition=in_country("CHN"),
            )
        ],
        f"GET {MEDICINES}/balances": [
            get(f"{MEDICINES}/balances"),
            get(f"{MEDICINES}/balances?country=CHN&year={{ME_YEAR}}&substance=Morphine"),
        ],
    }
)
PAGES.update(
    {
        "medicines:home": [
            get(
                "/medicines/",
                marker=(
                    ('href="/medicines/authorizations/{MA}/"', SEES["MA"]),
                    (
                        'data-testid="authorization-new"',
                        all_of(may("medicines.import_authorize"), lambda p: bool(p.country)),
                    ),
                ),
            )
        ],
        "medicines:estimate_new": [
            get(
                "/medicines/estimates/new/",
                status=allowed_or_forbidden("medicines.estimate_submit"),
            ),
            page_write(
                "/medicines/estimates/new/",
                "medicines.estimate_submit",
                {"year": "{ME_YEAR}", "substance": "Fentanyl", "consumption_kg": "1"},
            ),
        ],
        "medicines:estimate": [
            get(
                "/medicines/estimates/{ME_conf}/",
                SEES["ME_conf"],
                marker=(
                    (
                        'data-testid="supplement-form"',
                        offers("medicines.estimate_submit", in_country("CHN")),
                    ),
                    ('data-testid="confirm-supplement"', offers("medicines.estimate_confirm")),
                ),
            ),
            get(
                "/medicines/estimates/{ME_sub}/",
                SEES["ME_sub"],
                marker=(('data-testid="confirm-form"', offers("medicines.estimate_confirm")),),
            ),
            page_write(
                "/medicines/estimates/{ME_sub}/",
                "medicines.estimate_confirm",
                {"step": "confirm", "version": "{ME_sub_version}"},
                sees=SEES["ME_sub"],
            ),
            page_write(
                "/medicines/estimates/{ME_conf}/",
                "medicines.estimate_submit",
                {"step": "supplement", "added_kg": "2", "reason": "Battery: more patients."},
                sees=SEES["ME_conf"],
                condition=in_country("CHN"),
            ),
            # The supplement is read by CHN and the secretariat: the others find no page.
            page_write(
                "/medicines/estimates/{ME_conf}/",
                "medicines.estimate_confirm",
                {
                    "step": "confirm_supplement",
                    "supplement": "{ME_supp}",
                    "version": "{ME_supp_version}",
                },
                sees=SEES["ME_supp"],
            ),
        ],
        "medicines:availability": [
            get("/medicines/availability/"),
            get("/medicines/availability/?year=1999"),
        ],
        "medicines:country": [
            get(
                "/medicines/countries/chn/",
                marker=(('data-year="{MC_YEAR}"', SEES["MC_sub"]),),
            ),
            get("/medicines/countries/chn/?format=csv"),
            get("/medicines/countries/xyz/", status=lambda person: 404, must_succeed=False),
        ],
        "medicines:consumption_publish": [
            page_write(
                "/medicines/consumption/publish/chn/{MC_YEAR}/",
                "medicines.consumption_confirm",
                {},
            ),
        ],
        "medicines:import_estimates": [
            get(
                "/medicines/import/estimates/",
                status=allowed_or_forbidden("medicines.estimate_submit"),
            ),
            page_write(
                "/medicines/import/estimates/",
                "medicines.estimate_submit",
                {"file": Upload("estimates.csv", b"country,year,substance,consumption_kg\n")},
            ),
        ],
        "medicines:import_consumption": [
            get(
                "/medicines/import/consumption/",
                status=allowed_or_forbidden("medicines.consumption_report"),
            ),
            page_write(
                "/medicines/import/consumption/",
                "medicines.consumption_report",
                {"file": Upload("consumption.csv", b"country,year,substance,quantity_kg\n")},
            ),
        ],
        "medicines:import_population": [
            get(
                "/medicines/import/population/",
                status=allowed_or_forbidden("medicines.population_keep"),
            ),
            page_write(
                "/medicines/import/population/",
                "medicines.population_keep",
                {"file": Upload("population.csv", b"country,year,population\n")},
            ),
        ],
        "medicines:import_consumption_job": [
            get("/medicines/import/consumption/{J_med}/", SEES["J_med"]),
            nobody_finds("/medicines/import/consumption/{J_inc}/"),
        ],
        "medicines:import_estimates_job": [
            nobody_finds("/medicines/import/estimates/{J_med}/"),  # a consumption import
        ],
        "medicines:import_population_job": [
            nobody_finds("/medicines/import/population/{J_med}/"),
        ],
        "medicines:authorization_new": [
            get(
                "/medicines/authorizations/new/",
                status=allowed_or_forbidden("medicines.import_authorize"),
            ),
            # The parties are those CHN's authority already holds (no new party events); a
            # DEU authority may not import from its own country (the form's error, 400).
            page_write(
                "/medicines/authorizations/new/",
                "medicines.import_authorize",
                {
                    "number": "PAGE-1",
                    "exporting_country": "DEU",
                    "substance": "Morphine",
                    "pharmaceutical_form": "tablet",
                    "quantity": "2",
                    "unit": "kg",
                    "importer": "Battery Hospital Pharmacy",
                    "exporter": "Battery Alkaloids GmbH",
                    "valid_until": "{SOON}",
                },
                condition=in_country("CHN"),
                refused=lambda person: (
                    400
                    if person.country == "DEU" and doc_allows("medicines.import_authorize", person)
                    else 403
                ),
            ),
        ],
        "medicines:authorization": [
            get(
                "/medicines/authorizations/{MA}/",
                SEES["MA"],
                marker=(
                    (
                        'data-testid="export-form"',
                        offers("medicines.export_authorize", in_country("DEU")),
                    ),
                ),
            ),
            get(
                "/medicines/authorizations/{MA_exp}/",
                SEES["MA_exp"],
                marker=(
                    (
                        'data-testid="endorse-form"',
                        offers("medicines.import_authorize", in_country("CHN")),
                    ),
                ),
            ),
            page_write(
                "/medicines/authorizations/{MA}/",
                "medicines.export_authorize",
                {"step": "export", "number": "DE-PAGE-1"},
                sees=SEES["MA"],
                condition=in_country("DEU"),
            ),
            page_write(
                "/medicines/authorizations/{MA_exp}/",
                "medicines.import_authorize",
                {"step": "endorse", "received_kg": "0.5"},
                sees=SEES["MA_exp"],
                condition=in_country("CHN"),
            ),
        ],
    }
)
PAGES.update(
    {
        "monitoring:home": [
            get(
                "/monitoring/",
                marker=(
                    ('href="/monitoring/submissions/{MS_pub}/"', SEES["MS_pub"]),
                    # The country's own data sets: every user of the country.
                    ('href="/monitoring/submissions/{MS_draft}/"', reads_in("CHN")),
                    ('href="/monitoring/submissions/{MS_sub}/"', any_of(reads_in("CHN"), decides)),
                    ('href="/monitoring/submissions/{MS_deu}/"', reads_in("DEU")),
                    ('data-testid="open-form"', may("monitoring.data_enter")),
                ),
            )
        ],
        "monitoring:open": [
            get("/monitoring/open/", status=allowed_or_forbidden("monitoring.data_enter")),
            # Each provider opens its own country's data set.
            page_write(
                "/monitoring/open/",
                "monitoring.data_enter",
                {"dataset": "ARQ_USE", "year": "{MS_YEAR_NEW}"},
            ),
        ],
        "monitoring:submission": [
            get(
                "/monitoring/submissions/{MS_draft}/",
                SEES["MS_draft"],
                marker=(
                    ('name="cell|PWID|"', enters_chn),
                    ('data-testid="act-submit"', submits_chn),
                ),
            ),
            get(
                "/monitoring/submissions/{MS_sub}/",
                SEES["MS_sub"],
                marker=(
                    ('data-testid="act-accept"', decides),
                    ('data-testid="act-reopen"', submits_chn),
                    ('name="cell|', lambda person: False),  # locked
                ),
            ),
            get(
                "/monitoring/submissions/{MS_pub}/",
                SEES["MS_pub"],
                marker=(('data-testid="act-reopen"', any_of(submits_chn, decides)),),
            ),
            get("/monitoring/submissions/{MS_acc}/", SEES["MS_acc"]),
            get("/monitoring/submissions/{MS_deu}/", SEES["MS_deu"]),
            # The whole form posted (the page without script).
            page_write(
                "/monitoring/submissions/{MS_draft}/",
                "monitoring.data_enter",
                {"cell|PWID|": "12", "note|PWID|": "Battery"},
                sees=SEES["MS_draft"],
                condition=in_country("CHN"),
            ),
        ],
        "monitoring:cell": [
            post_only("/monitoring/submissions/{MS_draft}/cell/"),
            page_write(
                "/monitoring/submissions/{MS_draft}/cell/",
                "monitoring.data_enter",
                {"element": "PWID", "key": "", "cell|PWID|": "12", "note|PWID|": ""},
                sees=SEES["MS_draft"],
                condition=in_country("CHN"),
            ),
        ],
        "monitoring:act": [
            post_only("/monitoring/submissions/{MS_draft}/act/"),
            page_write(
                "/monitoring/submissions/{MS_draft}/act/",
                "monitoring.data_submit",
                {"action": "submit", "comment": "", "version": "{MS_draft_version}"},
                sees=SEES["MS_draft"],
                condition=in_country("CHN"),
            ),
            page_write(
                "/monitoring/submissions/{MS_sub}/act/",
                "monitoring.data_decide",
                {
                    "action": "return",
                    "comment": "Battery: check it.",
                    "version": "{MS_sub_version}",
                },
                sees=SEES["MS_sub"],
            ),
        ],
        # Analysis from published figures: every signed-in reader of monitoring data.
        "monitoring:coverage": [
            get("/monitoring/coverage/"),
            get("/monitoring/coverage/?format=csv"),
        ],
        "monitoring:pivot": [
            get("/monitoring/pivot/"),
            get("/monitoring/pivot/?elements=PWID&elements=PREV&first_year=2000"),
            get("/monitoring/pivot/?elements=PWID&format=csv"),
        ],
        "monitoring:country": [
            get("/monitoring/countries/CHN/"),
            get("/monitoring/countries/CHN/?format=csv"),
            get("/monitoring/countries/XYZ/", status=lambda person: 404, must_succeed=False),
        ],
        "monitoring:indicator": [
            get("/monitoring/indicators/HIV_PWID/"),
            get("/monitoring/indicators/SEIZURES/?format=csv"),
            get("/monitoring/indicators/NOPE/", status=lambda person: 404, must_succeed=False),
        ],
        "monitoring:target": [
            get("/monitoring/targets/HIV_PWID_HALF/"),
            get("/monitoring/targets/HIV_PWID_HALF/?format=csv"),
        ],
        # Files: a data set's template and SDMX for what the reader may read; uploads by the
        # data providers, each job seen only by its uploader.
        "monitoring:exchange": [get("/monitoring/exchange/")],
        "monitoring:exchange_template": [
            get("/monitoring/exchange/template/?dataset=ARQ_USE&year={MS_YEAR_NEW}&format=csv"),
            get(
                "/monitoring/exchange/template/?dataset=CROPS&country=CHN&year={MS_YEAR_NEW}&format=xlsx"
            ),
        ],
        "monitoring:exchange_sdmx": [
            get("/monitoring/exchange/sdmx/?format=sdmx-csv"),
            get("/monitoring/exchange/sdmx/?format=sdmx-ml&country=CHN"),
            get("/monitoring/exchange/sdmx/?format=structure"),
        ],
        "monitoring:exchange_import": [
            get(
                "/monitoring/exchange/import/", status=allowed_or_forbidden("monitoring.data_enter")
            ),
            page_write(
                "/monitoring/exchange/import/",
                "monitoring.data_enter",
                {
                    "file": Upload(
                        "values.csv",
                        b"country,year,dataset,element,value\nCHN,2020,ARQ_USE,PWID,5\n",
                    )
                },
            ),
        ],
        "monitoring:exchange_import_job": [
            get("/monitoring/exchange/import/{J_mon}/", SEES["J_mon"]),
            nobody_finds("/monitoring/exchange/import/{J_inc}/"),  # an incident import
        ],
        "monitoring:definitions": [
            get(
                "/monitoring/definitions/",
                marker=(
                    ('data-testid="rule-row"', anyone),
                    ('data-testid="definitions-keep"', may(keeps_definitions)),
                ),
            )
        ],
        "monitoring:definitions_file": [
            get("/monitoring/definitions/file/"),
            page_write(
                "/monitoring/definitions/file/",
                keeps_definitions,
                {
                    "file": Upload(
                        "definitions.json",
                        json.dumps({"rules": [BATTERY_RULE]}).encode(),
                    )
                },
            ),
        ],
        "monitoring:definition_new": [
            get(
                "/monitoring/definitions/rules/new/",
                status=allowed_or_forbidden(keeps_definitions),
            ),
            page_write(
                "/monitoring/definitions/rules/new/",
                keeps_definitions,
                {**BATTERY_RULE, "code": "BATTERY_NEW"},
            ),
        ],
        "monitoring:definition_edit": [
            get(
                "/monitoring/definitions/rules/PWID_IN_POP/",
                status=allowed_or_forbidden(keeps_definitions),
            ),
            page_write(
                "/monitoring/definitions/rules/PWID_IN_POP/",
                keeps_definitions,
                {**BATTERY_RULE, "version": "1"},
            ),
        ],
        "monitoring:crops": [
            get(
                "/monitoring/crops/",
                marker=(
                    ('href="/monitoring/programmes/{MP}/"', SEES["MP"]),
                    ('data-testid="programme-new"', may("monitoring.programme_keep")),
                ),
            ),
            get("/monitoring/crops/?format=csv"),
        ],
        "monitoring:crops_country": [
            get(
                "/monitoring/crops/CHN/",
                marker=(
                    (
                        'data-testid="programme-new"',
                        offers("monitoring.programme_keep", keeps_chn_programmes),
                    ),
                ),
            ),
            get("/monitoring/crops/CHN/?format=csv&year=1800&crop=nope"),
            get("/monitoring/crops/XYZ/", status=lambda person: 404, must_succeed=False),
        ],
        "monitoring:programme_new": [
            get(
                "/monitoring/programmes/new/?country=CHN",
                status=allowed_or_forbidden("monitoring.programme_keep"),
            ),
            # A country's provider records for its own country; the secretariat for the one
            # it chose.
            page_write(
                "/monitoring/programmes/new/?country=CHN",
                "monitoring.programme_keep",
                {"name": "Battery programme", "start_year": "2015"},
            ),
        ],
        "monitoring:programme": [
            get(
                "/monitoring/programmes/{MP}/",
                SEES["MP"],
                marker=(
                    (
                        'data-testid="programme-form"',
                        offers("monitoring.programme_keep", keeps_chn_programmes),
                    ),
                ),
            ),
            page_write(
                "/monitoring/programmes/{MP}/",
                "monitoring.programme_keep",
                {"name": "Battery programme", "start_year": "2015", "version": "{MP_version}"},
                sees=SEES["MP"],
                condition=keeps_chn_programmes,
            ),
        ],
    }
)

PUBLIC = {
    "healthz": "/healthz",
    "robots.txt": "/robots.txt",
    "core:sign_in": "/accounts/sign-in/",
    "core:sign_in_second_factor": "/accounts/sign-in/code/",
    "api:openapi-json": f"{V1}/openapi.json",
    "api:openapi-view": f"{V1}/docs",
}
# URL patterns the battery leaves out, and why.
SKIPPED = {
    "api:*": "the API's operations are walked from the OpenAPI document (table `API`)",
    "^api/": "the API's own 404 for unknown paths",
    "set_language": "Django's language switch: no record, nothing audited",
}

# --- the world ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction that is rolled back at its end."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("battery-media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        built = build_world()
        yield built
        transaction.set_rollback(True)


def resolve_payload(value, world: World):
    if isinstance(value, Ref):
        return world.ids[value.name]
    if isinstance(value, Upload):
        return SimpleUploadedFile(value.name, value.content)
    if isinstance(value, str) and "{" in value:
        return world.fill(value)
    if isinstance(value, dict):
        return {key: resolve_payload(item, world) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [resolve_payload(item, world) for item in value]
    return value


def send(client: Client, case: Case, world: World, *, api: bool, **headers):
    url = world.fill(case.url)
    if case.method == "GET":
        return client.get(url, **headers)
    payload = resolve_payload(case.payload, world)
    multipart = isinstance(case.payload, dict) and any(
        isinstance(value, Upload) for value in case.payload.values()
    )
    if not api or multipart:
        return client.post(url, data=payload or {}, **headers)
    body = json.dumps(payload if payload is not None else {})
    return client.generic(case.method, url, body, content_type="application/json", **headers)


def summary(response) -> str:
    """What an answer says, in a line: a redirect's target, a page's title and its messages
    or field errors, or the start of a JSON body."""
    if response.get("Location"):
        return f"-> {response['Location']}"
    if not response.content or "attachment" in response.get("Content-Disposition", ""):
        return ""
    text = response.content.decode("utf-8", "replace")
    if "text/html" in response.get("Content-Type", ""):
        said = re.findall(
            r'<title>(.*?)</title>|class="(?:field-error|messages)"[^>]*>(.*?)</(?:p|ul)>'
            r'|data-testid="forbidden">(.*?)</p>',
            text,
            re.S,
        )
        text = " | ".join(re.sub(r"<[^>]+>", " ", "".join(parts)) for parts in said)
    return re.sub(r"\s+", " ", text)[:300]


# --- what refused writes must leave alone ---------------------------------------------------


def rows_written() -> dict[str, int]:
    """Rows inserted, updated or deleted so far in this transaction: by table on PostgreSQL
    (pg_stat_xact_user_tables), in all on SQLite (total_changes())."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
            )
            return {table: count for table, count in cursor.fetchall() if count}
        cursor.execute("SELECT total_changes()")
        return {"rows of any table": cursor.fetchone()[0]}


def tables_written(before: dict, after: dict) -> list[str]:
    return [
        f"{table} (+{count - before.get(table, 0)})"
        for table, count in sorted(after.items())
        if count != before.get(table, 0)
    ]


# Alerts name a record; whoever receives one must be able to open it.
ALERT_RECORDS = {
    "incidents.incident": Incident,
    "precursors.notification": Notification,
    "precursors.suspiciousorder": SuspiciousOrder,
    "precursors.annualreport": AnnualReport,
    "nps.signal": Signal,
    "monitoring.submission": Submission,
    "medicines.importauthorization": ImportAuthorization,
}


def alerts_about_unseen_records(alerts) -> list[str]:
    problems = []
    for alert in alerts.exclude(record_type="").select_related("recipient__organisation"):
        model = ALERT_RECORDS[alert.record_type]
        if not visible(model, alert.recipient).filter(pk=alert.record_id).exists():
            problems.append(
                f"alert {alert.kind!r} to {alert.recipient.username} about "
                f"{alert.record_type} {alert.record_id}, which they may not see"
            )
    return problems


# --- the checks -----------------------------------------------------------------------------


def check_anonymous(case: Case, world: World, *, api: bool) -> list[str]:
    client = Client(raise_request_exception=False)
    url = world.fill(case.url)
    with transaction.atomic():
        rows = rows_written()
        response = send(client, case, world, api=api)
        changed = tables_written(rows, rows_written())
        transaction.set_rollback(True)
    problems = []
    if changed:
        problems.append(f"anonymous: {case.method} {url} wrote rows: {changed}")
    if api:
        if response.status_code != 401:
            problems.append(f"anonymous: {case.method} {url} -> {response.status_code}, not 401")
        elif response.json().get("error", {}).get("code") != "not_authenticated":
            problems.append(f"anonymous: {case.method} {url} -> {summary(response)}")
    elif case.anonymous is not None and not case.is_write:
        if response.status_code != case.anonymous:
            problems.append(
                f"anonymous: {case.method} {url} -> {response.status_code}, not {case.anonymous}"
            )
    elif response.status_code != 302 or "/accounts/sign-in/" not in response.get("Location", ""):
        problems.append(
            f"anonymous: {case.method} {url} -> {response.status_code} {summary(response)}, "
            "not a redirect to the sign-in page"
        )
    return problems


def expected_read(case: Case, person: Person) -> int:
    return case.status(person) if case.status else (200 if case.sees(person) else 404)


def check_read(case: Case, world: World, person: Person, *, api: bool) -> tuple[list[str], bool]:
    url = world.fill(case.url)
    if case.listed:
        url += ("&" if "?" in url else "?") + "page_size=200"
    response = world.clients[person.key].get(url)
    expected = expected_read(case, person)
    problems = []
    if response.status_code != expected:
        problems.append(
            f"{person}: GET {url} -> {response.status_code} (expected {expected}) "
            f"{summary(response)}"
        )
        return problems, False
    if api and expected == 404 and response.json().get("error", {}).get("code") != "not_found":
        problems.append(f"{person}: GET {url} -> 404 without the error shape")
    if expected == 200:
        problems += check_contents(case, world, person, response, f"GET {url}")
    return problems, expected == 200


# Where each kind of record's page is, to check the links a page offers.
RECORD_PAGES = {
    "/incidents/{}/": ("I_",),
    "/parties/{}/": ("P", "Q", "R"),
    "/precursors/{}/": ("N_",),
    "/precursors/orders/{}/": ("O",),
    "/precursors/annual-reports/{}/": ("FD_",),
    "/organisations/{}/": ("ORG_",),
    "/users/{}/": ("U",),
    "/audit/{}/": ("E_",),
    "/nps/pipeline/{}/": ("PR_",),
    "/nps/reports/{}/": ("NR",),
    "/nps/toxicology/{}/": ("TC",),
    "/nps/substances/{}/": ("NPS_SUB",),
    "/nps/signals/{}/": ("SIG_",),
    "/nps/watch-list/{}/": ("WL",),
    "/nps/spectra/{}/": ("SPEC",),
    "/monitoring/submissions/{}/": ("MS_",),
}


def linked_records(world: World) -> dict[str, str]:
    """{page URL: record name} for the world's records that have a page and a `SEES` rule."""
    links = {}
    for url, prefixes in RECORD_PAGES.items():
        for name in SEES:
            if name.startswith(prefixes) and isinstance(world.ids.get(name), int):
                links[url.format(world.ids[name])] = name
    return links


def plain_pages() -> dict[str, Case]:
    """{path: the GET case} of the pages that name no record (lists, forms, the menu's)."""
    return {
        case.url.split("?")[0]: case
        for cases in PAGES.values()
        for case in cases
        if case.method == "GET" and "{" not in case.url and case.must_succeed
    }


def check_links(world: World, person: Person, text: str, said: str) -> list[str]:
    """A page links only to records its reader may open, and to pages that answer them."""
    records, pages = linked_records(world), plain_pages()
    problems = []
    for href in sorted(set(re.findall(r'href="([^"?#]+)"', text))):
        if href in records and not SEES[records[href]](person):
            problems.append(
                f"{person}: {said} links to {href} ({records[href]}), which they may not see"
            )
        page = pages.get(href)
        if page is not None and (answer := expected_read(page, person)) != 200:
            problems.append(f"{person}: {said} links to {href}, which answers them {answer}")
    return problems


def check_contents(case: Case, world: World, person: Person, response, said: str) -> list[str]:
    """The world's records in a list, or a page's text, exactly for those who see them."""
    problems = []
    if "text/html" in response.get("Content-Type", ""):
        problems += check_links(world, person, response.content.decode(), said)
    if case.listed:
        data = response.json()
        listed = {item["id"] for item in (data["items"] if isinstance(data, dict) else data)}
        for name, predicate in case.listed:
            should, does = predicate(person), world.ids[name] in listed
            if should != does:
                problems.append(
                    f"{person}: {said} {'omits' if should else 'lists'} {name} "
                    f"(id {world.ids[name]})"
                )
    if case.marker:
        text = response.content.decode()
        for template, predicate in case.marker:
            marker = world.fill(template)
            should, does = predicate(person), marker in text
            if should != does:
                problems.append(
                    f"{person}: {said} {'does not show' if should else 'shows'} {marker!r}"
                )
    return problems


ATTEMPTS = itertools.count(1)
SUCCESS_API = {200, 201, 204}
SUCCESS_PAGE = {200, 302}


def check_write(case: Case, world: World, person: Person, *, api: bool) -> tuple[list[str], bool]:
    url = world.fill(case.url)
    sees = case.sees(person)
    allowed = sees and (case.read or case.allowed(person))
    events_expected = 0 if case.read else case.events
    client = world.clients[person.key]
    cookies = copy.deepcopy(client.cookies)  # a write may cycle the session's key
    with transaction.atomic():
        try:
            if case.fresh_client:
                client = Client(raise_request_exception=False)
                client.force_login(world.users[person.key])
            request_id, started = f"battery-{next(ATTEMPTS)}", timezone.now()
            rows = rows_written()
            response = send(client, case, world, api=api, HTTP_X_REQUEST_ID=request_id)
            changed = tables_written(rows, rows_written())
            written, alerted = [], []
            if changed:  # the audit events and alerts this attempt wrote
                events = AuditEvent.objects.filter(request_id=request_id)
                written = list(events.values_list("action", flat=True))
                alerted = alerts_about_unseen_records(Alert.objects.filter(created_at__gte=started))
        finally:
            transaction.set_rollback(True)
            world.clients[person.key].cookies = cookies
    status = response.status_code
    said = f"{person}: {case.method} {url} -> {status}"
    problems = [f"{said}: {problem}" for problem in alerted]
    if allowed:
        if status not in (SUCCESS_API if api else SUCCESS_PAGE):
            problems.append(f"{said}, expected success {summary(response)}")
        elif len(written) != events_expected:
            problems.append(
                f"{said} wrote {len(written)} audit events {written}, expected "
                f"{events_expected} {case.why} {summary(response)}"
            )
        if case.read and not problems:
            problems += check_contents(case, world, person, response, f"{case.method} {url}")
        return problems, status in (SUCCESS_API if api else SUCCESS_PAGE)
    expected = (case.refused(person) if case.refused else 403) if sees else 404
    if status != expected:
        problems.append(f"{said}, expected {expected} (refused) {summary(response)}")
    if written:
        problems.append(f"{said}: refused, yet wrote audit events {written}")
    if changed:
        problems.append(f"{said}: refused, yet rows were written: {changed}")
    return problems, False


def run_cases(cases: list[Case], world: World, *, api: bool) -> list[str]:
    """Every case for anonymous and every user of the world. Each write must succeed for
    someone, and so must a read, unless the endpoint only answers POST."""
    problems = []
    for case in cases:
        problems += check_anonymous(case, world, api=api)
        rows, successes = rows_written(), 0
        for person in world.people.values():
            check = check_write if case.is_write else check_read
            found, succeeded = check(case, world, person, api=api)
            problems += found
            successes += succeeded
        if not case.is_write and (changed := tables_written(rows, rows_written())):
            problems.append(f"GET {world.fill(case.url)} wrote rows: {changed}")
        if not successes and case.must_succeed:
            problems.append(f"{case.method} {world.fill(case.url)}: nobody in the world succeeded")
    return problems


# --- the tests ------------------------------------------------------------------------------


def test_the_documented_matrix_is_the_code_s():
    assert documented_table() == matrix_markdown(), (
        "docs/architecture.md's permission matrix differs from the declarations: paste "
        "drugcontrol.core.permissions.matrix_markdown() between the markers"
    )


def openapi_operations() -> set[str]:
    from drugcontrol.api import api

    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item}


def test_the_battery_covers_every_api_operation():
    operations = openapi_operations()
    assert not operations - set(API), (
        f"operations missing from the battery: {operations - set(API)}"
    )
    assert not set(API) - operations, f"stale battery entries: {set(API) - operations}"


def url_patterns(patterns=None, namespace=None):
    """(name, route) of every URL pattern, walking included URL configurations."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or str(pattern.pattern)
            yield (f"{namespace}:{name}" if namespace else name), str(pattern.pattern)


def test_the_battery_covers_every_page():
    names = set()
    for name, _route in url_patterns():
        if name.startswith("api:") and name not in PUBLIC:
            name = "api:*"
        names.add(name)
    listed = set(PAGES) | set(PUBLIC) | set(SKIPPED)
    assert not names - listed, f"pages missing from the battery: {sorted(names - listed)}"
    assert not listed - names, f"stale battery entries: {sorted(listed - names)}"
    assert not set(PAGES) & set(PUBLIC)


def test_every_table_url_reaches_its_entry():
    fake = {name: 1 for name in SEES} | {"N_draft_version": 1, "TODAY": "x", "YEAR": 1}
    fake |= {"FD_draft_version": 1, "FD_sub_version": 1, "FD_YEAR_NEW": 1}
    fake |= {"ORG_VERSION": 1, "USER_VERSION": 1, "MS_YEAR_NEW": 1, "ME_YEAR": 1, "SOON": "x"}
    fake |= {"MC_YEAR": 1, "CY_draft_version": 1, "CY_sub_version": 1, "CY_ITEM": 1}
    fake |= {f"{name}_version": 1 for name in SEES if name.startswith("MS_")}
    for key, cases in PAGES.items():
        for case in cases:
            path = case.url.format(**fake).split("?")[0]
            assert resolve(path).view_name == key, (key, case.url)
    for key, cases in API.items():
        method, template = key.split(" ", 1)
        pattern = "^" + re.sub(r"\\{\w+\\}", "[^/]+", re.escape(template)) + "$"
        for case in cases:
            assert case.method == method, (key, case.method)
            assert re.match(pattern, case.url.format(**fake).split("?")[0]), (key, case.url)


# Actions taken only from the command line (no page or operation offers them); their
# services still require the action, which tests/substances checks.
COMMAND_LINE_ONLY = {"substances.national_list_load"}


def test_every_write_action_of_the_matrix_is_tried():
    tried = {case.action for cases in (*API.values(), *PAGES.values()) for case in cases}
    reads = {name for name in DOC_MATRIX if name.endswith("_read")}
    untried = set(DOC_MATRIX) - reads - tried - COMMAND_LINE_ONLY
    assert not untried, untried
    assert not COMMAND_LINE_ONLY & tried, "an endpoint offers it now: try it in the tables"
    assert not tried - set(DOC_MATRIX) - {None}, tried - set(DOC_MATRIX)


@pytest.mark.parametrize("operation", sorted(API))
def test_api_operation(operation, world):
    problems = run_cases(API[operation], world, api=True)
    assert not problems, f"{operation}:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page(page, world):
    problems = run_cases(PAGES[page], world, api=False)
    assert not problems, f"{page}:\n" + "\n".join(problems)


def test_alerts_of_the_world_name_records_their_recipients_see(world):
    problems = alerts_about_unseen_records(Alert.objects.all())
    assert not problems, "\n".join(problems)
    assert Alert.objects.exclude(record_type="").count() > 3


def test_public_pages(world):
    anonymous = Client(raise_request_exception=False)
    for name, url in PUBLIC.items():
        response = anonymous.get(url)
        expected = 302 if name == "core:sign_in_second_factor" else 200
        assert response.status_code == expected, (name, url, response.status_code)
    for person in world.people.values():
        for url in ("/healthz", "/robots.txt", "/accounts/sign-in/"):
            response = world.clients[person.key].get(url)
            assert response.status_code in (200, 302), (person.key, url, response.status_code)


def test_sign_in_with_a_second_factor(world):
    """The sign-in pages, anonymous by nature: a wrong password is audited, the code page
    is reached after the password and a good code signs in."""
    user = world.users["chn.fiu.viewer"]
    secret = pyotp.random_base32()
    User.objects.filter(pk=user.pk).update(totp_secret=secret, totp_confirmed_at=timezone.now())
    client = Client(raise_request_exception=False)
    before = AuditEvent.objects.count()
    response = client.post(
        "/accounts/sign-in/", {"username": user.username, "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert AuditEvent.objects.count() == before + 1
    response = client.post("/accounts/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/sign-in/code/"
    assert client.get("/accounts/sign-in/code/").status_code == 200
    response = client.post("/accounts/sign-in/code/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302, response.content[:300]
    assert AuditEvent.objects.filter(action="auth.signed_in", actor=user).exists()
