"""Who may do which action in the nps app: one rule per action (core.permissions)."""

# Spectral library ----------------------------------------------------------------------
# Library spectra are shared reference data: every reader of them sees the whole library.
# Industry operators are outside the early-warning exchange; laboratories and the
# secretariat keep the library.
from django.utils.translation import gettext_lazy as _

from drugcontrol.core.models import OrganisationKind as Kind
from drugcontrol.core.models import Role
from drugcontrol.core.permissions import action

SPECTRUM_READ = action(
    "nps.spectrum_read",
    _("Read the spectral library and search a spectrum against it"),
    grants={
        Kind.COMPETENT_AUTHORITY: Role.VIEWER,
        Kind.LAW_ENFORCEMENT: Role.VIEWER,
        Kind.FORENSIC_LAB: Role.VIEWER,
        Kind.FIU: Role.VIEWER,
        Kind.INTERNATIONAL: Role.VIEWER,
    },
    condition_text="shared reference data: the whole library",
    refusal=_("The spectral library is for authorities, laboratories and the secretariat."),
)
SPECTRUM_IMPORT = action(
    "nps.spectrum_import",
    _("Import spectra into the spectral library"),
    grants={Kind.FORENSIC_LAB: Role.OFFICER, Kind.INTERNATIONAL: Role.OFFICER},
    refusal=_("Forensic laboratories and the secretariat import library spectra."),
)
