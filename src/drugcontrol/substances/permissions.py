"""Who may change the registry: national control lists (the international lists load from
the project's reference files, with the installation)."""

from django.utils.translation import gettext_lazy as _

from drugcontrol.core.models import OrganisationKind as Kind
from drugcontrol.core.models import Role
from drugcontrol.core.permissions import action, own_country_or_secretariat

action(
    "substances.national_list_load",
    _("Load a national control list"),
    grants={Kind.COMPETENT_AUTHORITY: Role.ADMIN, Kind.INTERNATIONAL: Role.ADMIN},
    condition=own_country_or_secretariat,
    condition_text="its own country's (the secretariat: any country's)",
    refusal=_("A country's competent authority loads its own national control list."),
)
SURVEILLANCE_READ = action(
    "substances.surveillance_read",
    _("Read the special surveillance list"),
    grants={
        Kind.COMPETENT_AUTHORITY: Role.VIEWER,
        Kind.LAW_ENFORCEMENT: Role.VIEWER,
        Kind.INTERNATIONAL: Role.VIEWER,
    },
    condition_text="a limited distribution: national authorities and the secretariat",
    refusal=_("The special surveillance list is for national authorities."),
)
action(
    "substances.surveillance_load",
    _("Load the special surveillance list"),
    grants={Kind.INTERNATIONAL: Role.OFFICER},
    refusal=_("The secretariat loads the special surveillance list."),
)
action(
    "substances.listing_add",
    _("Record an international listing that entered into force"),
    grants={Kind.INTERNATIONAL: Role.OFFICER},
    condition_text="from a decision of the Commission (the scheduling pipeline)",
    refusal=_("The secretariat records the listings the Commission decided."),
)
