"""Who may do which action in the monitoring app: one rule per action (core.permissions).

A country's figures are collected by its authorities (the competent authority for demand,
law enforcement for supply), submitted by their focal point, and decided on by the
secretariat; published figures are read by every signed-in user."""

from django.utils.translation import gettext_lazy as _

from drugcontrol.core.models import OrganisationKind as Kind
from drugcontrol.core.models import Role
from drugcontrol.core.permissions import action

_EVERY_READER = {kind: Role.VIEWER for kind in Kind}
_NATIONAL_PROVIDERS = {Kind.COMPETENT_AUTHORITY: Role.OFFICER, Kind.LAW_ENFORCEMENT: Role.OFFICER}
_NATIONAL_FOCAL_POINTS = {
    Kind.COMPETENT_AUTHORITY: Role.FOCAL_POINT,
    Kind.LAW_ENFORCEMENT: Role.FOCAL_POINT,
}
_SECRETARIAT_OFFICERS = {Kind.INTERNATIONAL: Role.OFFICER}


def _own_country(user, record) -> bool:
    """A submission (or its value) of the user's own country."""
    country = getattr(record, "country_id", None)
    if country is None and record is not None and hasattr(record, "submission"):
        country = record.submission.country_id
    return record is None or (user.country_id is not None and user.country_id == country)


DEFINITIONS_READ = action(
    "monitoring.definitions_read",
    _("Read the data elements, data sets, validation rules, indicators and targets"),
    grants=_EVERY_READER,
    refusal=_("Sign in to read the monitoring definitions."),
)
DEFINITIONS_KEEP = action(
    "monitoring.definitions_keep",
    _("Keep the monitoring definitions"),
    grants=_SECRETARIAT_OFFICERS,
    refusal=_("The secretariat keeps the data elements, validation rules and indicators."),
)
DATA_READ = action(
    "monitoring.data_read",
    _("Read national monitoring data"),
    grants=_EVERY_READER,
    condition_text="published data: everyone; drafts and submissions: the country's own "
    "users and the secretariat",
    refusal=_("Sign in to read monitoring data."),
)
DATA_ENTER = action(
    "monitoring.data_enter",
    _("Enter the country's monitoring data"),
    grants=_NATIONAL_PROVIDERS,
    condition=_own_country,
    condition_text="the user's own country, while its data set is a draft or returned",
    refusal=_("Officers of the country's authorities enter its monitoring data."),
)
DATA_SUBMIT = action(
    "monitoring.data_submit",
    _("Submit the country's monitoring data; reopen it with a reason"),
    grants=_NATIONAL_FOCAL_POINTS,
    condition=_own_country,
    condition_text="the user's own country",
    refusal=_("The country's focal point submits its monitoring data."),
)
DATA_DECIDE = action(
    "monitoring.data_decide",
    _("Accept, return, publish or reopen submitted monitoring data"),
    grants=_SECRETARIAT_OFFICERS,
    refusal=_("The secretariat accepts, returns and publishes monitoring data."),
)


def _own_country_or_secretariat(user, record) -> bool:
    return user.is_international or _own_country(user, record)


PROGRAMME_KEEP = action(
    "monitoring.programme_keep",
    _("Record the country's alternative development programmes"),
    grants={**_NATIONAL_PROVIDERS, **_SECRETARIAT_OFFICERS},
    condition=_own_country_or_secretariat,
    condition_text="the user's own country; the secretariat for every country",
    refusal=_(
        "Officers of the country's authorities record its alternative development programmes."
    ),
)
