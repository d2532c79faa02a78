"""The entities app's alert routes and messages (registered in EntitiesConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from drugcontrol.core.alerts import AlertMessage, AlertRoute
from drugcontrol.core.models import OrganisationKind, Role

RECORD_KIND = "entities.party"
MERGED_ACROSS_COUNTRIES = "merged_across_countries"

# A party on a country's file merged by another country (or the secretariat): that country's
# authorities and law enforcement are told, so that no one changes their file unseen.
ROUTES = [
    AlertRoute(
        record_kind=RECORD_KIND,
        event=MERGED_ACROSS_COUNTRIES,
        recipient_kinds=(OrganisationKind.COMPETENT_AUTHORITY, OrganisationKind.LAW_ENFORCEMENT),
        recipient_roles=(Role.OFFICER, Role.FOCAL_POINT),
    )
]

# Parameters: name (the party on the recipient's file), organisation (who merged it).
MESSAGES = {
    "entities.merged_across_countries": AlertMessage(
        title=_("%(name)s, a party on your file, was merged by %(organisation)s"),
        body=_(
            "Another country's organisation merged it with a party of its own. Review the "
            "party and its records; the merge can be undone from the party's page."
        ),
    ),
}
