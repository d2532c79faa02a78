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

        self.ready_scheduling_pipeline()

    # Scheduling pipeline
    def ready_scheduling_pipeline(self) -> None:
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
