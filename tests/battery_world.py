"""The world the permission battery (tests/test_permission_battery.py) acts in.

Two countries and the secretariat:

- China (CHN): one organisation of each national kind (competent authority, law
  enforcement, forensic laboratory, financial intelligence unit, industry operator), each
  with one user per role (viewer, officer, focal point, administrator);
- the international secretariat, with one user per role;
- Germany (DEU): a competent authority officer and a law-enforcement officer.

Records, each under a short name (`world.ids[name]` is its primary key, and
`world.ids[name + "_ref"]` the reference an incident, notification or order shows):

| name | what |
|---|---|
| I_country | incident of the CHN law-enforcement organisation, distribution `country` |
| I_org | incident of the CHN law-enforcement organisation, distribution `organisation` |
| I_shared | CHN law-enforcement incident shared with the countries involved (DEU named) |
| I_deu | DEU law-enforcement incident shared with the countries involved (CHN named) |
| I_all | incident of the CHN competent authority, distribution `all`, naming no party |
| P1, P_org, P_shared, P_deu | the consignee of each of those incidents |
| P3 | a party the CHN authority registered on its own (correlates with P1) |
| C1 | proposed correlation P1 - P3 |
| C_x | proposed correlation P_shared - P_deu (across countries) |
| Q1, Q2, C2 | two CHN authority parties and their confirmed correlation |
| R1, R2, C3, M | two more, confirmed and merged (M: the merge) |
| P_fiu | a party the CHN financial intelligence unit registered on its own |
| ATT | a text file attached to I_country |
| X_req | an open request for a controlled delivery on I_deu, from DEU police to China |
| N_draft | a complete draft notification CHN -> AUS |
| N_out | a submitted notification CHN -> AUS, in transit through DEU |
| N_cleared, N_shipped | CHN -> AUS notifications cleared (and shipped) |
| N_in | a submitted notification DEU -> CHN |
| N_late | a submitted notification CHN -> AUS past its reply deadline (overdue) |
| NA_draft | an invoice the CHN authority attached to N_draft |
| NA_out | an import permit the AUS authority attached to N_out with its answer |
| P_exp | the exporter named in the CHN notifications |
| P_draft | a consignee named only in N_draft |
| O | a suspicious order reported by the CHN operator; P_cust its customer |
| V, LR | a CHN invocation (recorded by the secretariat) and legitimate requirement |
| T | an API token of the CHN authority officer |
| A | an alert to the CHN authority focal point (I_deu names China) |
| J_inc, J_pre | import jobs of the CHN police and authority officers (J_pre run: failed) |
| W | a value on the warning list |
| E_tok, E_inc_org | audit events: T created, I_org reported |
| ORG_CHN_CA, ORG_INTL | the CHN authority and the secretariat |
| U | the CHN authority viewer (a user record) |
| SUB | Ephedrine in the substance registry |
| FD_draft | the CHN authority's Form D for last year, a draft never submitted |
| FD_sub | the CHN authority's Form D for the year before, submitted |
| FD_deu | the DEU authority's Form D for last year, submitted |
| PR_surv, PR_pre, PR_crit | scheduling reviews (nps): surveillance, pre-review, critical review |
| PR_rec, PR_adopted | reviews recommended for 1971 Schedule II; adopted by the Commission |
| NR | an identification report of the CHN laboratory: an invented fentanyl analogue, new |
| NPS_SUB | that analogue's registry substance, which the report entered in the NPS register |
| TC | a toxicology case of the CHN laboratory naming NPS_SUB |
| WL | tramadol on the watch list (put there by the secretariat) |
| SIG_new | the signal of NPS_SUB, new to the system (a shared kind) |
| SIG_chn, SIG_deu | mephedrone (controlled) in a new form, in CHN and in DEU |
| SPEC | a library spectrum (linked to Ephedrine) the CHN laboratory imported |
| J_spec | an import job of spectra of the CHN laboratory officer (queued) |
| MS_draft | CHN's drug use data set (monitoring) for last year, a draft with one value |
| MS_sub, MS_acc | CHN's supply data set for last year, submitted; its crops data set, accepted |
| MP | an alternative development programme of CHN, recorded by its authority officer |
| MS_pub | CHN's drug use data set for the year before, published |
| MS_deu | DEU's drug use data set for last year, a draft |
| MV_draft, MV_pub, MV_deu | a value of MS_draft, of MS_pub and of MS_deu |
| J_mon | an import job of monitoring values of the CHN authority officer (queued) |
| ME_conf, ME_supp | CHN's confirmed morphine estimate for this year; its supplement, submitted |
| ME_sub | DEU's codeine estimate for this year, submitted |
| MA, MA_exp | CHN import authorizations from DEU: one open, one with DEU's export authorization |
| MC_pub, MC_sub | CHN's morphine consumption: published (two years ago), reported (last year) |
| MPOP | CHN's population of two years ago |
| J_med | a consumption import job of the CHN authority officer |
| CY_draft, CY_pub, CY_sub | CHN's answers to the cycles `battery-open`, `-done`, `-sub` |
| CY_ITEM | the open cycle's item; CHN's draft answers every item, the others are |
|  | published and submitted |

An AUS authority officer answers the CHN notifications while the world is built; it is not
one of the users the battery tries.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.test import Client
from django.utils import timezone

from drugcontrol.core import services as core_services
from drugcontrol.core.imports import import_run, import_start
from drugcontrol.core.models import Alert, AuditEvent, User
from drugcontrol.core.reference import load_countries
from drugcontrol.core.visibility import visible
from drugcontrol.entities import services as entity_services
from drugcontrol.entities.models import Correlation, Party
from drugcontrol.incidents import services as incident_services
from drugcontrol.nps.models import LibrarySpectrum
from drugcontrol.nps.services.spectra import spectra_import
from drugcontrol.precursors import services as precursor_services
from drugcontrol.precursors.models import Notification
from drugcontrol.substances.selectors import find_by_name
from tests.conftest import PASSWORD

BATTERY_SPECTRA = (
    b"Name: Ephedrine (battery spectrum)\nCAS#: 299-42-3\nNum Peaks: 4\n"
    b"58 999; 77 80; 105 40; 146 12\n"
)

CA, LE, LAB, FIU, OP, INTL = (
    "competent_authority",
    "law_enforcement",
    "forensic_lab",
    "fiu",
    "operator",
    "international",
)
NATIONAL_KINDS = (CA, LE, LAB, FIU, OP)
ROLES = ("viewer", "officer", "focal_point", "admin")


@dataclass(frozen=True)
class Person:
    """One user of the world, as the battery's predicates see them."""

    key: str  # "chn.law_enforcement.officer", "intl.admin", "deu.competent_authority.officer"
    country: str | None
    kind: str
    role: str
    org: str  # "chn.law_enforcement", "intl", ...
    pk: int

    def __str__(self) -> str:
        return self.key


@dataclass
class World:
    people: dict[str, Person] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    orgs: dict = field(default_factory=dict)
    ids: dict[str, object] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"World({len(self.people)} people, {len(self.ids)} records)"

    def person(self, key: str) -> Person:
        return self.people[key]

    def fill(self, template: str) -> str:
        """A URL or value with `{name}` placeholders replaced by the records' ids."""
        return template.format(**self.ids)


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[0])
    return client


def _incident(actor, *, distribution, countries, consignee=None, country_of_consignee=None):
    raw = {
        "kind": "seizure",
        "occurred_on": (timezone.localdate() - datetime.timedelta(days=5)).isoformat(),
        "distribution": distribution,
        "transport_mode": "sea",
        "countries": [{"country": code, "role": role} for code, role in countries],
        "substances": [{"description": "white powder", "quantity": "12.5", "unit": "kg"}],
        "parties": [
            {
                "role": "consignee",
                "kind": "company",
                "name": consignee,
                "country": country_of_consignee,
            }
        ]
        if consignee
        else [],
    }
    data = incident_services.validate_incident(raw, visible_parties=visible(Party, actor))
    return incident_services.incident_create(actor=actor, data=data)


def notification_raw(importing="AUS", **overrides) -> dict:
    raw = {
        "kind": "scheduled",
        "importing_country": importing,
        "invoice_number": "INV-BATTERY-1",
        "transport_mode": "sea",
        "point_of_exit": "Shanghai",
        "point_of_entry": "Port of Melbourne",
        "expected_dispatch": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "lines": [{"substance_id": find_by_name("Ephedrine").pk, "quantity": "25", "unit": "kg"}],
        "parties": [
            {
                "role": "exporter",
                "name": "Jiangsu Hengrui Pharmaceutical Co., Ltd.",
                "country": "CHN",
                "address": "7 Kunlunshan Road, Lianyungang",
            },
            {
                "role": "importer",
                "name": "Southern Cross Pharma Pty Ltd",
                "country": "AUS",
                "address": "12 Collins Street, Melbourne",
            },
        ],
    }
    raw.update(overrides)
    return raw


def _draft(actor, **overrides):
    data = precursor_services.validate_notification(
        notification_raw(**overrides),
        exporting_country_id=actor.country_id,
        visible_parties=visible(Party, actor),
    )
    return precursor_services.notification_create(actor=actor, data=data)


def _pair(actor, first: str, second: str) -> tuple[Party, Party, Correlation]:
    parties = []
    for name in (first, second):
        data = entity_services.validate_party(kind="company", name=name, country_code="CHN")
        parties.append(entity_services.party_create(actor=actor, data=data))
    correlation = Correlation.objects.get(
        party_a_id=min(p.pk for p in parties), party_b_id=max(p.pk for p in parties)
    )
    return parties[0], parties[1], correlation


def _correlation(a: Party, b: Party) -> Correlation:
    return Correlation.objects.get(party_a_id=min(a.pk, b.pk), party_b_id=max(a.pk, b.pk))


def build_world() -> World:
    """Build the world (inside the caller's transaction) and sign every user in."""
    load_countries()
    world = World()

    def organisation(country, kind, name):
        return core_services.organisation_for(kind=kind, country_code=country, name=name)

    def user(key, org_key, organisation, country, kind, role):
        created = core_services.user_create(
            actor=None,
            organisation=organisation,
            username=key.replace(".", "-"),
            role=role,
            password=PASSWORD,
            email=f"{key}@example.org",
        )
        world.users[key] = created
        world.people[key] = Person(key, country, kind, role, org_key, created.pk)
        return created

    for kind in NATIONAL_KINDS:
        org_key = f"chn.{kind}"
        world.orgs[org_key] = organisation("CHN", kind, f"Battery CHN {kind}")
        for role in ROLES:
            user(f"{org_key}.{role}", org_key, world.orgs[org_key], "CHN", kind, role)
    world.orgs["intl"] = organisation(None, INTL, "Battery secretariat")
    for role in ROLES:
        user(f"intl.{role}", "intl", world.orgs["intl"], None, INTL, role)
    for kind in (CA, LE):
        org_key = f"deu.{kind}"
        world.orgs[org_key] = organisation("DEU", kind, f"Battery DEU {kind}")
        user(f"{org_key}.officer", org_key, world.orgs[org_key], "DEU", kind, "officer")
    aus = core_services.user_create(
        actor=None,
        organisation=organisation("AUS", CA, "Battery AUS authority"),
        username="aus-helper",
        role="officer",
        password=PASSWORD,
    )

    u = world.users
    chn_police, chn_authority = (
        u["chn.law_enforcement.officer"],
        u["chn.competent_authority.officer"],
    )
    ids = world.ids

    # --- incidents, their parties and correlations -------------------------------------------
    i_country = _incident(
        chn_police,
        distribution="country",
        countries=[("CHN", "departure"), ("AUS", "destination")],
        consignee="广州天河化工有限公司",
        country_of_consignee="CHN",
    )
    i_org = _incident(
        chn_police,
        distribution="organisation",
        countries=[("CHN", "departure")],
        consignee="Shenzhen Minghua Trading Co., Ltd.",
        country_of_consignee="CHN",
    )
    i_shared = _incident(
        chn_police,
        distribution="countries_involved",
        countries=[("CHN", "departure"), ("DEU", "destination")],
        consignee="Hamburg Chemie Handel GmbH",
        country_of_consignee="DEU",
    )
    i_deu = _incident(
        u["deu.law_enforcement.officer"],
        distribution="countries_involved",
        countries=[("DEU", "departure"), ("CHN", "destination")],
        consignee="Hamburg Chemie Handel GmbH",
        country_of_consignee="DEU",
    )
    i_all = _incident(chn_authority, distribution="all", countries=[("CHN", "seizure")])
    for name, incident in (
        ("I_country", i_country),
        ("I_org", i_org),
        ("I_shared", i_shared),
        ("I_deu", i_deu),
        ("I_all", i_all),
    ):
        ids[name] = incident.pk
        ids[f"{name}_ref"] = incident.reference
    party_of = {
        name: incident.parties.get().party
        for name, incident in (
            ("P1", i_country),
            ("P_org", i_org),
            ("P_shared", i_shared),
            ("P_deu", i_deu),
        )
    }
    p3 = entity_services.party_create(
        actor=chn_authority,
        data=entity_services.validate_party(
            kind="company", name="Guangzhou Tianhe Huagong Youxian Gongsi", country_code="CHN"
        ),
    )
    party_of["P3"] = p3
    ids["C1"] = _correlation(party_of["P1"], p3).pk
    ids["C_x"] = _correlation(party_of["P_shared"], party_of["P_deu"]).pk
    q1, q2, c2 = _pair(
        chn_authority, "Jiangsu Yongtai Chemical Co., Ltd.", "Jiangsu Yongtai Chemical"
    )
    entity_services.correlation_decide(actor=chn_authority, correlation=c2, decision="confirmed")
    r1, r2, c3 = _pair(chn_authority, "Tianjin Haorui Biotech Co., Ltd.", "Tianjin Haorui Biotech")
    entity_services.correlation_decide(actor=chn_authority, correlation=c3, decision="confirmed")
    merge = entity_services.parties_merge(actor=chn_authority, correlation=c3)
    party_of.update(Q1=q1, Q2=q2, R1=r1, R2=r2)
    party_of["P_fiu"] = entity_services.party_create(
        actor=u["chn.fiu.officer"],
        data=entity_services.validate_party(
            kind="company", name="Pudong Jinqiao Holdings", country_code="CHN"
        ),
    )
    ids.update({name: party.pk for name, party in party_of.items()})
    ids.update(C2=c2.pk, C3=c3.pk, M=merge.pk)

    ids["ATT"] = incident_services.incident_attach(
        actor=chn_police, incident=i_country, name="note.txt", content=b"seized at the port\n"
    ).pk

    # --- notifications --------------------------------------------------------------------------
    n_draft = _draft(
        chn_authority,
        parties=[
            *notification_raw()["parties"],
            {"role": "consignee", "name": "Melbourne Drum Logistics Pty Ltd", "country": "AUS"},
        ],
    )
    n_out = precursor_services.notification_submit(
        actor=chn_authority, notification=_draft(chn_authority, transit_countries=["DEU"])
    )
    n_cleared = precursor_services.notification_submit(
        actor=chn_authority, notification=_draft(chn_authority)
    )
    n_cleared = precursor_services.notification_answer(
        actor=aus, notification=n_cleared, decision="clear"
    )
    n_shipped = precursor_services.notification_submit(
        actor=chn_authority, notification=_draft(chn_authority)
    )
    n_shipped = precursor_services.notification_answer(
        actor=aus, notification=n_shipped, decision="clear"
    )
    n_shipped = precursor_services.notification_ship(actor=chn_authority, notification=n_shipped)
    deu_authority = u["deu.competent_authority.officer"]
    n_in = precursor_services.notification_submit(
        actor=deu_authority,
        notification=_draft(
            deu_authority,
            importing="CHN",
            point_of_exit="Hamburg",
            point_of_entry="Shanghai",
            parties=[
                {
                    "role": "exporter",
                    "name": "Mueller Pharma GmbH",
                    "country": "DEU",
                    "address": "1 Hafenstrasse, Hamburg",
                },
                {
                    "role": "importer",
                    "name": "Shandong Xinhua Pharmaceutical Co., Ltd.",
                    "country": "CHN",
                    "address": "1 Lutai Road, Zibo",
                },
            ],
        ),
    )
    # Past its deadline without an answer (CHN recorded no silence rule): overdue.
    n_late = precursor_services.notification_submit(
        actor=chn_authority, notification=_draft(chn_authority)
    )
    Notification.objects.filter(pk=n_late.pk).update(
        reply_deadline=timezone.localdate() - datetime.timedelta(days=2)
    )
    ids["NA_draft"] = precursor_services.notification_attach(
        actor=chn_authority,
        notification=n_draft,
        kind="invoice",
        name="invoice.pdf",
        content=b"%PDF-1.4 battery invoice\n",
    ).pk
    ids["NA_out"] = precursor_services.notification_attach(
        actor=aus,
        notification=n_out,
        kind="import_permit",
        name="permit.txt",
        content=b"AU import permit 42\n",
    ).pk
    ids.update(
        N_late=n_late.pk,
        N_draft=n_draft.pk,
        N_out=n_out.pk,
        N_cleared=n_cleared.pk,
        N_shipped=n_shipped.pk,
        N_in=n_in.pk,
        N_draft_version=n_draft.version,
    )
    notifications = {
        "N_draft": n_draft,
        "N_out": n_out,
        "N_cleared": n_cleared,
        "N_shipped": n_shipped,
        "N_in": n_in,
    }
    ids.update({f"{name}_ref": n.reference for name, n in notifications.items()})
    ids["P_exp"] = n_out.parties.get(role="exporter").party_id
    ids["P_draft"] = n_draft.parties.get(role="consignee").party_id

    # --- suspicious order, reference figures ----------------------------------------------------
    order = precursor_services.suspicious_order_report(
        actor=u["chn.operator.officer"],
        raw={
            "received_on": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
            "chemical": "Ephedrine",
            "quantity": "50",
            "unit": "kg",
            "customer_name": "Lagos Pharma Supplies Ltd",
            "customer_country": "NGA",
            "reasons": "Paid in cash, no end-use statement.",
        },
    )
    ids.update(O=order.pk, P_cust=order.customer_party_id)
    ids["O_ref"] = order.reference
    chn = order.country
    ephedrine = find_by_name("Ephedrine")
    ids["SUB"] = ephedrine.pk
    ids["V"] = precursor_services.invocation_add(
        actor=u["intl.officer"], country=chn, scope="all", since=timezone.localdate()
    ).pk
    ids["LR"] = precursor_services.requirement_set(
        actor=chn_authority,
        country=chn,
        substance=ephedrine,
        year=timezone.localdate().year,
        quantity_kg="1000",
    ).pk
    ids["YEAR"] = timezone.localdate().year

    # --- Form D annual reports ------------------------------------------------------------------
    last_year = timezone.localdate().year - 1
    fd_draft = precursor_services.annual_report_generate(actor=chn_authority, year=last_year)
    fd_sub = precursor_services.annual_report_generate(actor=chn_authority, year=last_year - 1)
    fd_sub = precursor_services.annual_report_submit(
        actor=chn_authority, report=fd_sub, expected_version=fd_sub.version
    )
    fd_deu = precursor_services.annual_report_generate(actor=deu_authority, year=last_year)
    fd_deu = precursor_services.annual_report_submit(
        actor=deu_authority, report=fd_deu, expected_version=fd_deu.version
    )
    ids.update(FD_draft=fd_draft.pk, FD_sub=fd_sub.pk, FD_deu=fd_deu.pk)
    ids.update(FD_draft_version=fd_draft.version, FD_sub_version=fd_sub.version)
    ids["FD_YEAR_NEW"] = last_year - 2  # a year nobody has reported for
    # --- the thread of an incident ----------------------------------------------------------
    ids["X_req"] = incident_services.message_post(
        actor=u["deu.law_enforcement.officer"],
        incident=i_deu,
        kind="controlled_delivery_request",
        body="May the consignment continue under surveillance to Shanghai?",
        addressed_country="CHN",
    ).pk

    # --- core: token, alert, import jobs, warning list ------------------------------------------
    token, _secret = core_services.token_create(
        actor=chn_authority, user=chn_authority, name="battery"
    )
    ids["T"] = token.pk
    ids["A"] = (
        Alert.objects.filter(recipient=u["chn.competent_authority.focal_point"])
        .order_by("pk")
        .first()
        .pk
    )
    ids["J_inc"] = import_start(
        actor=chn_police, kind="incidents.incidents", name="incidents.csv", content=b"kind\n"
    ).pk
    ids["J_pre"] = import_start(
        actor=chn_authority,
        kind="precursors.notifications",
        name="notifications.csv",
        content=b"importing_country\n",
    ).pk
    import_run(ids["J_pre"])  # failed, with its report (the other one stays queued)

    # --- the spectral library (nps) ----------------------------------------------------------
    lab_officer = u["chn.forensic_lab.officer"]
    spectra_import(actor=lab_officer, name="battery.msp", content=BATTERY_SPECTRA)
    ids["SPEC"] = visible(LibrarySpectrum, lab_officer).get(name="Ephedrine (battery spectrum)").pk
    ids["J_spec"] = import_start(
        actor=lab_officer, kind="nps.spectra", name="spectra.msp", content=BATTERY_SPECTRA
    ).pk
    ids["W"] = entity_services.warning_value_add(
        actor=u["intl.officer"], kind="phone", value="+86 20 8888 6666", reason="a hotel"
    ).pk
    ids["E_tok"] = AuditEvent.objects.get(action="token.created", object_id=str(token.pk)).pk
    ids["E_inc_org"] = AuditEvent.objects.get(
        action="incidents.incident_created", object_id=str(i_org.pk)
    ).pk
    ids["ORG_CHN_CA"] = world.orgs["chn.competent_authority"].pk
    ids["ORG_INTL"] = world.orgs["intl"].pk
    ids["U"] = u["chn.competent_authority.viewer"].pk
    ids["USER_VERSION"] = u["chn.competent_authority.viewer"].version
    ids["ORG_VERSION"] = world.orgs["chn.competent_authority"].version
    ids["TODAY"] = timezone.localdate().isoformat()
    _scheduling_pipeline(ids, u["intl.officer"])

    _nps_records(world)
    _monitoring_records(world)
    _medicines_records(world)
    _review_records(world)

    for key, person_user in world.users.items():
        world.clients[key] = _client(person_user)
    return world


# --- nps: scheduling pipeline ---------------------------------------------------------------


def _scheduling_pipeline(ids: dict, officer) -> None:
    """A review at each stage where a step remains, each of its own registry substance."""
    from drugcontrol.nps import pipeline_workflow
    from drugcontrol.nps.services import pipeline as pipeline_services
    from drugcontrol.substances.models import Substance

    day = timezone.localdate() - datetime.timedelta(days=400)
    steps = [
        ("pre_review", {"started_on": day}),
        ("critical_review", {"started_on": day}),
        (
            "recommend",
            {
                "recommended_on": day,
                "recommendation": "schedule",
                "convention": "1971",
                "schedule": "II",
            },
        ),
        ("vote", {"voted_on": day, "decision": "CND 98/1", "result": "adopted"}),
    ]
    for taken, name in enumerate(("PR_surv", "PR_pre", "PR_crit", "PR_rec", "PR_adopted")):
        substance = Substance.objects.create(
            name_en=f"Battery substance under review {taken + 1}", kind="other"
        )
        review = pipeline_services.review_open(actor=officer, substance=substance, opened_on=day)
        for action, fields in steps[:taken]:
            review = pipeline_workflow.perform(
                action, actor=officer, review=review, expected_version=review.version, **fields
            )
        ids[name], ids[f"{name}_version"] = review.pk, review.version


# An unlisted analogue of fentanyl invented for the tests (cycloheptanecarbonyl).
NPS_BATTERY_SMILES = "O=C(C1CCCCCC1)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1"
NPS_BATTERY_NAME = "Battery fentanyl analogue"


def _nps_records(world: World) -> None:
    """Identification report, NPS register substance, toxicology case, watch list entry."""
    from drugcontrol.nps import services as nps_services

    lab, ids = world.users["chn.forensic_lab.officer"], world.ids
    sampled_on = (timezone.localdate() - datetime.timedelta(days=4)).isoformat()
    report = nps_services.report_submit(
        actor=lab,
        raw={
            "sample_kind": "seized_material",
            "form": "powder",
            "sampled_on": sampled_on,
            "structure": NPS_BATTERY_SMILES,
            "reported_name": NPS_BATTERY_NAME,
            "techniques": ["gc_ms"],
        },
    )
    case = nps_services.case_report(
        actor=lab,
        raw={
            "kind": "post_mortem",
            "occurred_on": sampled_on,
            "outcome": "fatal",
            "findings": [{"substance": NPS_BATTERY_NAME, "matrix": "blood"}],
        },
    )
    entry = nps_services.watch_add(
        actor=world.users["intl.officer"],
        raw={
            "substance": "Tramadol",
            "smiles": "CN(C)CC1CCCCC1(O)c1cccc(OC)c1",
            "reason": "Non-medical use in West Africa.",
        },
    )
    ids.update(NR=report.pk, NR_ref=report.reference, NPS_SUB=report.substance_id)
    ids.update(TC=case.pk, TC_ref=case.reference, WL=entry.substance_id)
    _nps_signals(world)


def _nps_signals(world: World) -> None:
    """Mephedrone in powder in both countries last year, then in a new form in each; the
    nightly run raises the three signals."""
    from drugcontrol.nps import services as nps_services
    from drugcontrol.nps.models import Signal

    today = timezone.localdate()
    reporters = {
        "CHN": world.users["chn.forensic_lab.officer"],
        "DEU": world.users["deu.competent_authority.officer"],
    }
    for reporter, form in zip(reporters.values(), ("e_liquid", "tablet"), strict=True):
        for days, shown in ((300, "powder"), (2, form)):
            nps_services.report_submit(
                actor=reporter,
                raw={
                    "sample_kind": "seized_material",
                    "form": shown,
                    "sampled_on": (today - datetime.timedelta(days=days)).isoformat(),
                    "structure": "Mephedrone",
                },
            )
    nps_services.signals_detect()
    signals = Signal.objects.all()
    world.ids["SIG_new"] = signals.get(kind="new_substance", substance_id=world.ids["NPS_SUB"]).pk
    world.ids["SIG_chn"] = signals.get(kind="new_form", countries="CHN").pk
    world.ids["SIG_deu"] = signals.get(kind="new_form", countries="DEU").pk


# --- monitoring ------------------------------------------------------------------------------


def _monitoring_records(world: World) -> None:
    """Data sets of CHN at each stage of the approval, and a DEU draft. CHN's focal point and
    the secretariat's officer take the steps; DEU's officer enters its draft."""
    from drugcontrol.monitoring import selectors as monitoring_selectors
    from drugcontrol.monitoring import services as monitoring_services

    monitoring_services.definitions_load()
    u, ids = world.users, world.ids
    provider, focal = u["chn.competent_authority.officer"], u["chn.competent_authority.focal_point"]
    secretariat = u["intl.officer"]
    last_year = timezone.localdate().year - 1

    def opened(actor, country, dataset, year, element, value, **options):
        submission = monitoring_services.submission_open(
            actor=actor,
            country=country,
            dataset=monitoring_selectors.dataset_get(actor, dataset),
            year=year,
        )
        cell = monitoring_services.value_set(
            actor=actor,
            submission=submission,
            item=monitoring_services.ValueInput(element=element, options=options, value=value),
        )
        return submission, cell

    def step(actor, submission, action, comment=""):
        return monitoring_services.submission_act(
            actor=actor, submission=submission, action=action, comment=comment
        )

    draft, ids["MV_draft"] = opened(provider, "CHN", "ARQ_USE", last_year, "PWID", "10")
    supply, _cell = opened(provider, "CHN", "ARQ_SUPPLY", last_year, "LABS", "3", drug="nps")
    supply = step(focal, supply, "submit")
    crops, _cell = opened(
        provider, "CHN", "CROPS", last_year, "CULT_HA", "120", crop="cannabis_plant"
    )
    crops = step(secretariat, step(focal, crops, "submit"), "accept")
    published, ids["MV_pub"] = opened(provider, "CHN", "ARQ_USE", last_year - 1, "PWID", "9")
    published = step(
        secretariat, step(secretariat, step(focal, published, "submit"), "accept"), "publish"
    )
    deu, ids["MV_deu"] = opened(
        u["deu.competent_authority.officer"], "DEU", "ARQ_USE", last_year, "PWID", "4"
    )
    for name, record in (
        ("MS_draft", draft),
        ("MS_sub", supply),
        ("MS_acc", crops),
        ("MS_pub", published),
        ("MS_deu", deu),
    ):
        ids[name], ids[f"{name}_version"] = record.pk, record.version
    for name in ("MV_draft", "MV_pub", "MV_deu"):
        ids[name] = ids[name].pk
    ids["MS_YEAR_NEW"] = last_year - 2  # a year nobody has opened a data set for
    programme = monitoring_services.programme_create(
        actor=provider,
        item=monitoring_services.ProgrammeInput(
            country="CHN", name="Battery livelihoods", start_year=last_year - 3
        ),
    )
    ids["MP"], ids["MP_version"] = programme.pk, programme.version
    ids["J_mon"] = import_start(
        actor=provider,
        kind="monitoring.values",
        name="values.csv",
        content=b"country,year,dataset,element,value\n",
    ).pk


# --- review ----------------------------------------------------------------------------------


def _review_records(world: World) -> None:
    """Two review cycles of the secretariat, each asking about paragraph A.14; CHN's answers
    to the open one (a draft) and to the other (published)."""
    from drugcontrol.review import services as review_services

    u, ids = world.users, world.ids
    secretariat, focal = u["intl.officer"], u["chn.competent_authority.focal_point"]
    review_services.statement_load()
    responses = {}
    for code in ("battery-open", "battery-done", "battery-sub"):
        cycle = review_services.cycle_create(
            actor=secretariat,
            data={
                "code": code,
                "name_en": f"Battery review {code}",
                "name_zh": f"测试审议 {code}",
                "first_year": 2019,
                "last_year": 2023,
                "deadline": "2030-06-30",
                "paragraphs": ["A.14"],
                "items": [
                    {
                        "paragraph": "A.14",
                        "question_en": "Are opioid analgesics available?",
                        "question_zh": "阿片类镇痛药是否可获得？",
                    }
                ],
            },
        )
        item = cycle.items.get()
        responses[code] = review_services.answers_save(
            actor=focal,
            cycle=cycle,
            country="CHN",
            answers=[{"item": item.pk, "rating": "partly", "narrative": "Battery."}],
        )
        ids[f"CY_ITEM_{code.split('-')[1].upper()}"] = item.pk
    done = responses["battery-done"]
    done = review_services.response_act(actor=focal, response=done, action="submit")
    for step in ("accept", "publish"):
        done = review_services.response_act(actor=secretariat, response=done, action=step)
    ids["CY_draft"], ids["CY_draft_version"] = (
        responses["battery-open"].pk,
        responses["battery-open"].version,
    )
    ids["CY_pub"] = done.pk
    submitted = review_services.response_act(
        actor=focal, response=responses["battery-sub"], action="submit"
    )
    ids["CY_sub"], ids["CY_sub_version"] = submitted.pk, submitted.version
    ids["CY_ITEM"] = ids.pop("CY_ITEM_OPEN")
    ids.pop("CY_ITEM_DONE"), ids.pop("CY_ITEM_SUB")


# --- medicines -------------------------------------------------------------------------------


def _medicines_records(world: World) -> None:
    """CHN's confirmed morphine estimate for this year (with a supplement awaiting
    confirmation), DEU's submitted codeine estimate, and two CHN import authorizations from
    DEU: one open, one against which DEU issued its export authorization."""
    from drugcontrol.medicines import services as medicine_services

    u, ids = world.users, world.ids
    chn, deu = u["chn.competent_authority.officer"], u["deu.competent_authority.officer"]
    year = timezone.localdate().year
    estimate = medicine_services.estimate_submit(
        actor=chn, country="CHN", year=year, substance="Morphine", consumption_kg="100"
    )
    estimate = medicine_services.estimate_confirm(actor=u["intl.officer"], estimate=estimate)
    supplement = medicine_services.supplement_submit(
        actor=chn, estimate=estimate, added_kg="5", reason="Battery: a new hospital."
    )
    submitted = medicine_services.estimate_submit(
        actor=deu, country="DEU", year=year, substance="Codeine", consumption_kg="900"
    )

    def authorization(number):
        return medicine_services.import_authorization_issue(
            actor=chn,
            number=number,
            importing_country="CHN",
            exporting_country="DEU",
            substance="Morphine",
            quantity="1",
            unit="kg",
            importer="Battery Hospital Pharmacy",
            exporter="Battery Alkaloids GmbH",
            valid_until=timezone.localdate() + datetime.timedelta(days=60),
        )

    opened, shipped = authorization("CN-BATTERY-1"), authorization("CN-BATTERY-2")
    medicine_services.export_authorization_issue(
        actor=deu, number="DE-BATTERY-2", import_authorization=shipped
    )
    from drugcontrol.core.imports import import_start
    from drugcontrol.medicines import statistics
    from drugcontrol.medicines.models import Consumption, PopulationFigure

    last = year - 1
    statistics.population_record_many(
        actor=u["intl.officer"],
        figures=[{"country": "CHN", "year": last - 1, "population": "1400000000"}],
    )
    statistics.consumption_record_many(
        actor=u["intl.officer"],
        figures=[{"country": "CHN", "year": last - 1, "substance": "Morphine", "quantity_kg": "9"}],
    )
    statistics.consumption_record_many(
        actor=chn,
        figures=[{"country": "CHN", "year": last, "substance": "Morphine", "quantity_kg": "11"}],
    )
    ids["MC_pub"] = Consumption.objects.get(country_id="CHN", year=last - 1).pk
    ids["MC_sub"] = Consumption.objects.get(country_id="CHN", year=last).pk
    ids["MPOP"] = PopulationFigure.objects.get(country_id="CHN", year=last - 1).pk
    ids["MC_YEAR"] = last
    ids["J_med"] = import_start(
        actor=chn,
        kind="medicines.consumption",
        name="consumption.csv",
        content=b"country,year,substance,quantity_kg\n",
    ).pk
    for name, record in (
        ("ME_conf", estimate),
        ("ME_sub", submitted),
        ("ME_supp", supplement),
        ("MA", opened),
        ("MA_exp", shipped),
    ):
        ids[name], ids[f"{name}_version"] = record.pk, record.version
    ids["ME_YEAR"] = year
    ids["SOON"] = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
