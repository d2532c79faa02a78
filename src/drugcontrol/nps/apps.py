from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NpsConfig(AppConfig):
    """Early warning on new psychoactive substances: identification reports, the NPS
    register, the spectral library, emergence signals, the scheduling pipeline, toxicology
    cases and the watch list."""

    name = "drugcontrol.nps"
    label = "nps"
    verbose_name = _("New psychoactive substances")

    def ready(self) -> None:
        from drugcontrol.nps import permissions  # noqa: F401  (declares the actions)

        register_reports_register_toxicology_watch_list()
        register_scheduling_pipeline()
        from drugcontrol.nps.spectra.registration import register_spectral_library

        register_spectral_library()
        register_emergence_signals()


def register_emergence_signals() -> None:
    """Emergence signals and the dashboard: visibility rules, audit labels, alert routes and
    messages, navigation entries."""
    from drugcontrol.core.alerts import register_messages, register_routes
    from drugcontrol.core.labels import ACTION_LABELS
    from drugcontrol.core.navigation import NavEntry, register_nav
    from drugcontrol.nps import selectors_signals  # noqa: F401  (visibility rules)
    from drugcontrol.nps.signals import messages

    register_routes(*messages.ROUTES)
    register_messages(messages.MESSAGES)
    ACTION_LABELS.update(
        {
            "nps.signal_raised": _("Emergence signal raised"),
            "nps.signal_settings_set": _("Thresholds of the emergence signals set"),
        }
    )
    register_nav(
        NavEntry(
            "nps_dashboard",
            _("Early warning"),
            "nps:dashboard",
            order=46,
            action="nps.signal_read",
        ),
        NavEntry("nps_signals", _("Signals"), "nps:signals", order=47, action="nps.signal_read"),
    )


def register_scheduling_pipeline() -> None:
    """The scheduling pipeline: its visibility rules, services and audit labels."""
    from drugcontrol.core.labels import ACTION_LABELS
    from drugcontrol.nps import selectors_pipeline  # noqa: F401  (visibility rules)
    from drugcontrol.nps.services import pipeline  # noqa: F401  (the table's services)

    ACTION_LABELS.update(
        {
            "nps.review_opened": _("Substance placed under review for scheduling"),
            "nps.review_pre_review_begun": _("WHO pre-review begun"),
            "nps.review_critical_review_begun": _("WHO critical review begun"),
            "nps.review_recommended": _("WHO recommendation recorded"),
            "nps.review_voted": _("Vote of the Commission recorded"),
            "nps.review_entered_into_force": _("Scheduling decision entered into force"),
        }
    )


def register_reports_register_toxicology_watch_list() -> None:
    """Identification reports, the NPS register, toxicology cases and the watch list: their
    visibility rules, audit labels, navigation entry and home panel."""
    from drugcontrol.core.home import HomePanel, register_home_panel
    from drugcontrol.core.labels import ACTION_LABELS
    from drugcontrol.core.navigation import NavEntry, register_nav
    from drugcontrol.core.visibility import audit_follows_record
    from drugcontrol.nps import selectors  # registers the visibility rules
    from drugcontrol.nps.models import IdentificationReport, ToxicologyCase
    from drugcontrol.nps.report_choices import CASE_RECORD_TYPE, REPORT_RECORD_TYPE

    # A report or a case stays within its country: its events follow the record.
    audit_follows_record(REPORT_RECORD_TYPE, IdentificationReport)
    audit_follows_record(CASE_RECORD_TYPE, ToxicologyCase)
    ACTION_LABELS.update(
        {
            "nps.report_submitted": _("Identification report submitted"),
            "nps.register_effect_group_set": _("Effect group of a register substance set"),
            "nps.case_reported": _("Toxicology case reported"),
            "nps.watch_entry_added": _("Substance put on the watch list"),
        }
    )
    register_nav(NavEntry("nps", _("NPS"), "nps:register", order=45, action="nps.register_read"))
    register_home_panel(
        HomePanel(
            "nps_reports",
            "nps/_home_reports.html",
            30,
            lambda user: selectors.home_queue(user=user),
        )
    )
