"""A small demo data set: organisations in a few countries and one account per role.

Idempotent: records that exist are left alone, so a second run writes nothing.
"""

import importlib
from dataclasses import dataclass, field

from django.apps import apps

from drugcontrol.core import services
from drugcontrol.core.models import ApiToken, Organisation, OrganisationKind, Role, User

DEMO_PASSWORD = "demo-Passw0rd-2026"

DEMO_ORGANISATIONS = [
    ("International Narcotics Control Secretariat (demo)", OrganisationKind.INTERNATIONAL, None),
    (
        "China National Precursor Control Authority (demo)",
        OrganisationKind.COMPETENT_AUTHORITY,
        "CHN",
    ),
    ("China Customs Anti-Smuggling Bureau (demo)", OrganisationKind.LAW_ENFORCEMENT, "CHN"),
    ("China National Forensic Laboratory (demo)", OrganisationKind.FORENSIC_LAB, "CHN"),
    ("German Federal Opium Agency (demo)", OrganisationKind.COMPETENT_AUTHORITY, "DEU"),
    ("Netherlands Financial Intelligence Unit (demo)", OrganisationKind.FIU, "NLD"),
    ("Mexico Health Risk Commission (demo)", OrganisationKind.COMPETENT_AUTHORITY, "MEX"),
    ("India Narcotics Control Bureau (demo)", OrganisationKind.LAW_ENFORCEMENT, "IND"),
    ("Example Chemicals Ltd (demo)", OrganisationKind.OPERATOR, "DEU"),
]

# username, organisation index, role
DEMO_USERS = [
    ("intl_admin", 0, Role.ADMIN),
    ("intl_analyst", 0, Role.VIEWER),
    ("chn_admin", 1, Role.ADMIN),
    ("chn_officer", 1, Role.OFFICER),
    ("chn_customs", 2, Role.FOCAL_POINT),
    ("chn_lab", 3, Role.OFFICER),
    ("deu_officer", 4, Role.FOCAL_POINT),
    ("nld_fiu", 5, Role.OFFICER),
    ("mex_officer", 6, Role.OFFICER),
    ("ind_police", 7, Role.FOCAL_POINT),
    ("deu_company", 8, Role.OFFICER),
]


@dataclass
class DemoResult:
    created: int = 0
    accounts: list = field(default_factory=list)


def load_demo() -> DemoResult:
    result = DemoResult()
    organisations = []
    for name, kind, country in DEMO_ORGANISATIONS:
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            organisation = services.organisation_for(kind=kind, country_code=country, name=name)
            result.created += 1
        organisations.append(organisation)
    for username, index, role in DEMO_USERS:
        user = User.objects.select_related("organisation").filter(username=username).first()
        if user is None:
            user = services.user_create(
                actor=None,
                organisation=organisations[index],
                username=username,
                role=role,
                password=DEMO_PASSWORD,
                email=f"{username}@example.org",
            )
            result.created += 1
        result.accounts.append(user)
    _laboratory_token(result)
    _load_module_demos(result)
    return result


def _laboratory_token(result: DemoResult) -> None:
    """The demo laboratory's API token for its laboratory information system (the secret is
    not kept: the laboratory's page lists the token, which it may revoke or replace)."""
    laboratory = User.objects.filter(username="chn_lab").first()
    if laboratory is None or ApiToken.objects.filter(user=laboratory).exists():
        return
    services.token_create(
        actor=laboratory,
        user=laboratory,
        name="Laboratory information system (demo)",
        expires_in_days=365,
    )
    result.created += 1


def demo_account(*, username: str, kind: str, country: str, organisation_name: str, role: str):
    """A demo user of a national organisation, created on first use (module demos call it
    for the countries they need beyond the core accounts)."""
    user = User.objects.select_related("organisation").filter(username=username).first()
    if user is None:
        organisation = services.organisation_for(
            kind=kind, country_code=country, name=organisation_name
        )
        user = services.user_create(
            actor=None,
            organisation=organisation,
            username=username,
            role=role,
            password=DEMO_PASSWORD,
            email=f"{username}@example.org",
        )
    return user


def _load_module_demos(result: DemoResult) -> None:
    """Each app may ship a `demo` module with a `load(result)`; core knows none of them."""
    for config in apps.get_app_configs():
        if config.name.startswith("drugcontrol.") and config.label != "core":
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.demo":
                    raise
                continue
            module.load(result)
