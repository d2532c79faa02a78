"""Who may do which action in the nps app: one rule per action (core.permissions)."""

from django.utils.translation import gettext_lazy as _

from drugcontrol.core.models import OrganisationKind as Kind
from drugcontrol.core.models import Role
from drugcontrol.core.permissions import action

# --- Scheduling pipeline ----------------------------------------------------------------------
# Public process information (WHO reviews, the Commission's votes): every signed-in user but
# industry reads it; the secretariat records it.

PIPELINE_READ = action(
    "nps.pipeline_read",
    _("Read the scheduling pipeline"),
    grants={
        Kind.COMPETENT_AUTHORITY: Role.VIEWER,
        Kind.LAW_ENFORCEMENT: Role.VIEWER,
        Kind.FORENSIC_LAB: Role.VIEWER,
        Kind.FIU: Role.VIEWER,
        Kind.INTERNATIONAL: Role.VIEWER,
    },
    condition_text="public process information: every signed-in user but industry",
    refusal=_("The scheduling pipeline is for authorities, laboratories and the secretariat."),
)
REVIEW_OPEN = action(
    "nps.review_open",
    _("Place a substance under review for scheduling"),
    grants={Kind.INTERNATIONAL: Role.OFFICER},
    refusal=_("The secretariat places substances under review."),
)
REVIEW_STEP = action(
    "nps.review_step",
    _("Record a step of a scheduling review"),
    grants={Kind.INTERNATIONAL: Role.OFFICER},
    refusal=_("The secretariat records the steps of a scheduling review."),
)
