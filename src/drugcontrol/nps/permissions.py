"""Who may do which action in the nps app: one rule per action (core.permissions)."""

# --- identification reports, the NPS register, toxicology cases, the watch list ------------

from django.utils.translation import gettext_lazy as _

from drugcontrol.core.models import OrganisationKind as Kind
from drugcontrol.core.models import Role
from drugcontrol.core.permissions import action

# Reports and cases are read by the authorities, law enforcement and laboratories of the
# country concerned and by the secretariat; financial intelligence units and industry read
# none (their own organisation files none).
_NATIONAL_READERS = {
    Kind.COMPETENT_AUTHORITY: Role.VIEWER,
    Kind.LAW_ENFORCEMENT: Role.VIEWER,
    Kind.FORENSIC_LAB: Role.VIEWER,
    Kind.INTERNATIONAL: Role.VIEWER,
}
# Shared early-warning data and public process information: every signed-in user but
# industry, which is outside the early-warning exchange.
_SHARED_READERS = {
    Kind.COMPETENT_AUTHORITY: Role.VIEWER,
    Kind.LAW_ENFORCEMENT: Role.VIEWER,
    Kind.FORENSIC_LAB: Role.VIEWER,
    Kind.FIU: Role.VIEWER,
    Kind.INTERNATIONAL: Role.VIEWER,
}
_SECRETARIAT_OFFICERS = {Kind.INTERNATIONAL: Role.OFFICER}
_REPORTERS = {
    Kind.FORENSIC_LAB: Role.OFFICER,
    Kind.COMPETENT_AUTHORITY: Role.OFFICER,
    Kind.LAW_ENFORCEMENT: Role.OFFICER,
}

REPORT_READ = action(
    "nps.report_read",
    _("Read identification reports"),
    grants=_NATIONAL_READERS,
    condition_text="reports about the reader's country or filed by its organisations; the "
    "secretariat all",
    refusal=_("Identification reports are for authorities, law enforcement and laboratories."),
)
REPORT_SUBMIT = action(
    "nps.report_submit",
    _("Submit an identification report"),
    grants=_REPORTERS,
    refusal=_(
        "Officers of laboratories, authorities and law enforcement submit identification reports."
    ),
)
REGISTER_READ = action(
    "nps.register_read",
    _("Read the NPS register and the watch list"),
    grants=_SHARED_READERS,
    condition_text="shared early-warning data: every signed-in user but industry",
    refusal=_("The NPS register is for authorities, laboratories and the secretariat."),
)
REGISTER_KEEP = action(
    "nps.register_keep",
    _("Set a register substance's effect group; keep the watch list"),
    grants=_SECRETARIAT_OFFICERS,
    refusal=_("The secretariat keeps the NPS register's effect groups and the watch list."),
)
CASE_READ = action(
    "nps.case_read",
    _("Read toxicology cases"),
    grants=_NATIONAL_READERS,
    condition_text="cases of the reader's country or filed by its organisations; the "
    "secretariat all",
    refusal=_("Toxicology cases are for authorities, law enforcement and laboratories."),
)
CASE_REPORT = action(
    "nps.case_report",
    _("Report a toxicology case"),
    grants=_REPORTERS,
    refusal=_("Officers of laboratories, authorities and law enforcement report toxicology cases."),
)


# --- Scheduling pipeline ----------------------------------------------------------------------
# Public process information (WHO reviews, the Commission's votes): every signed-in user but
# industry reads it; the secretariat records it.

PIPELINE_READ = action(
    "nps.pipeline_read",
    _("Read the scheduling pipeline"),
    grants=_SHARED_READERS,
    condition_text="public process information: every signed-in user but industry",
    refusal=_("The scheduling pipeline is for authorities, laboratories and the secretariat."),
)
REVIEW_OPEN = action(
    "nps.review_open",
    _("Place a substance under review for scheduling"),
    grants=_SECRETARIAT_OFFICERS,
    refusal=_("The secretariat places substances under review."),
)
REVIEW_STEP = action(
    "nps.review_step",
    _("Record a step of a scheduling review"),
    grants=_SECRETARIAT_OFFICERS,
    refusal=_("The secretariat records the steps of a scheduling review."),
)


# --- Spectral library ----------------------------------------------------------------------
# Library spectra are shared reference data: every reader of them sees the whole library.
# Industry operators are outside the early-warning exchange; laboratories and the
# secretariat keep the library.

SPECTRUM_READ = action(
    "nps.spectrum_read",
    _("Read the spectral library and search a spectrum against it"),
    grants=_SHARED_READERS,
    condition_text="shared reference data: the whole library",
    refusal=_("The spectral library is for authorities, laboratories and the secretariat."),
)
SPECTRUM_IMPORT = action(
    "nps.spectrum_import",
    _("Import spectra into the spectral library"),
    grants={Kind.FORENSIC_LAB: Role.OFFICER, Kind.INTERNATIONAL: Role.OFFICER},
    refusal=_("Forensic laboratories and the secretariat import library spectra."),
)


# --- Emergence signals -----------------------------------------------------------------------
# Read by every reader of the register; which signals each reader sees is the Signal rule's
# (nps.selectors_signals): the register's shared kinds for all, the other kinds for the
# secretariat and the report readers of the countries concerned.

SIGNAL_READ = action(
    "nps.signal_read",
    _("Read emergence signals and the early-warning dashboard"),
    grants=_SHARED_READERS,
    condition_text="new substances and spread: every reader; family rises and new forms: the "
    "secretariat and readers of reports of the countries concerned",
    refusal=_("Emergence signals are for authorities, laboratories and the secretariat."),
)
SIGNAL_KEEP = action(
    "nps.signal_keep",
    _("Set the thresholds of the emergence signals"),
    grants=_SECRETARIAT_OFFICERS,
    refusal=_("The secretariat sets the thresholds of the emergence signals."),
)
