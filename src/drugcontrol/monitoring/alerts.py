"""The approval's alerts: a submission goes to the secretariat, a decision to the country's
focal points. Messages are keys with parameters, read in the recipient's language."""

from django.utils.translation import gettext_lazy as _

from drugcontrol.core.alerts import AlertMessage, AlertRoute, as_country
from drugcontrol.core.models import OrganisationKind, Role

RECORD_KIND = "monitoring.submission"
SUBMITTED = "submitted"  # to the secretariat
DECIDED = "decided"  # to the country's focal points

ROUTES = [
    AlertRoute(RECORD_KIND, SUBMITTED, (OrganisationKind.INTERNATIONAL,), (Role.OFFICER,)),
    AlertRoute(
        RECORD_KIND,
        DECIDED,
        (OrganisationKind.COMPETENT_AUTHORITY, OrganisationKind.LAW_ENFORCEMENT),
        (Role.FOCAL_POINT,),
    ),
]


def as_dataset(value, lookups) -> str:
    """A data set's code, shown as its name in the reader's language."""
    from drugcontrol.monitoring.models import DataSet

    dataset = DataSet.objects.filter(code=value).first()
    return dataset.name if dataset else str(value)


_FORMATS = {"country": as_country, "dataset": as_dataset}
MESSAGES = {
    "monitoring.submitted": AlertMessage(
        title=_("%(country)s submitted its %(dataset)s data for %(year)s"),
        body=_("Review it and accept it or return it with comments."),
        formats=_FORMATS,
    ),
    "monitoring.returned": AlertMessage(
        title=_("Your %(dataset)s data for %(year)s was returned with comments"),
        body=_("%(comment)s"),
        formats=_FORMATS,
    ),
    "monitoring.accepted": AlertMessage(
        title=_("Your %(dataset)s data for %(year)s was accepted"), formats=_FORMATS
    ),
    "monitoring.published": AlertMessage(
        title=_("Your %(dataset)s data for %(year)s was published"),
        body=_("Every signed-in user now reads it."),
        formats=_FORMATS,
    ),
    "monitoring.reopened": AlertMessage(
        title=_("The %(dataset)s data of %(country)s for %(year)s was reopened"),
        body=_("%(comment)s"),
        formats=_FORMATS,
    ),
}
