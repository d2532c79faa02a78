"""Who may do which action on controlled medicines: one rule per action.

A country's competent authority submits its estimates and issues its import and export
authorizations; the secretariat confirms estimates. Authorizations are read by the two
countries they concern and the secretariat; confirmed estimates by every signed-in user."""

from django.utils.translation import gettext_lazy as _

from drugcontrol.core.models import OrganisationKind as Kind
from drugcontrol.core.models import Role
from drugcontrol.core.permissions import action

_EVERY_READER = {kind: Role.VIEWER for kind in Kind}
_AUTHORITY_OFFICERS = {Kind.COMPETENT_AUTHORITY: Role.OFFICER}
_AUTHORITY_READERS = {Kind.COMPETENT_AUTHORITY: Role.VIEWER, Kind.INTERNATIONAL: Role.VIEWER}
_SECRETARIAT_OFFICERS = {Kind.INTERNATIONAL: Role.OFFICER}


def _own_country(user, record) -> bool:
    """The estimate's country (or, before one exists, any: the service names the country)."""
    return record is None or (
        user.country_id is not None and user.country_id == getattr(record, "country_id", None)
    )


def _importing_country(user, record) -> bool:
    return record is None or (
        user.country_id is not None
        and user.country_id == getattr(record, "importing_country_id", None)
    )


def _exporting_country(user, record) -> bool:
    return record is None or (
        user.country_id is not None
        and user.country_id == getattr(record, "exporting_country_id", None)
    )


ESTIMATES_READ = action(
    "medicines.estimates_read",
    _("Read estimates, assessments and balances"),
    grants=_EVERY_READER,
    condition_text="confirmed estimates: everyone; submitted ones: the country and the secretariat",
    refusal=_("Sign in to read estimates."),
)
ESTIMATE_SUBMIT = action(
    "medicines.estimate_submit",
    _("Submit the country's estimates, assessments and supplementary estimates"),
    grants=_AUTHORITY_OFFICERS,
    condition=_own_country,
    condition_text="the user's own country",
    refusal=_("The country's competent authority submits its estimates."),
)
ESTIMATE_CONFIRM = action(
    "medicines.estimate_confirm",
    _("Confirm estimates, assessments and supplementary estimates"),
    grants=_SECRETARIAT_OFFICERS,
    refusal=_("The secretariat confirms estimates."),
)
AUTHORIZATIONS_READ = action(
    "medicines.authorizations_read",
    _("Read import and export authorizations"),
    grants=_AUTHORITY_READERS,
    condition_text="the importing and the exporting country's authorities, and the secretariat",
    refusal=_("Competent authorities read the authorizations of their country."),
)
IMPORT_AUTHORIZE = action(
    "medicines.import_authorize",
    _("Issue an import authorization; endorse a shipment received"),
    grants=_AUTHORITY_OFFICERS,
    condition=_importing_country,
    condition_text="the importing country's competent authority",
    refusal=_("The importing country's competent authority issues import authorizations."),
)
EXPORT_AUTHORIZE = action(
    "medicines.export_authorize",
    _("Issue an export authorization against an import authorization"),
    grants=_AUTHORITY_OFFICERS,
    condition=_exporting_country,
    condition_text="the exporting country's competent authority",
    refusal=_("The exporting country's competent authority issues export authorizations."),
)


def _own_country_or_secretariat(user, record) -> bool:
    """The secretariat records any country's figures (it holds the published statistics);
    a competent authority, its own country's."""
    return user.is_international or _own_country(user, record)


CONSUMPTION_REPORT = action(
    "medicines.consumption_report",
    _("Report annual consumption of controlled medicines"),
    grants={**_AUTHORITY_OFFICERS, **_SECRETARIAT_OFFICERS},
    condition=_own_country_or_secretariat,
    condition_text="a competent authority: its own country; the secretariat: any country",
    refusal=_("The country's competent authority or the secretariat reports consumption."),
)
CONSUMPTION_CONFIRM = action(
    "medicines.consumption_confirm",
    _("Publish the consumption a country reported"),
    grants=_SECRETARIAT_OFFICERS,
    refusal=_("The secretariat publishes reported consumption."),
)
POPULATION_KEEP = action(
    "medicines.population_keep",
    _("Keep population and deaths from cancer and HIV/AIDS per country and year"),
    grants=_SECRETARIAT_OFFICERS,
    refusal=_("The secretariat keeps population figures."),
)
