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
        from drugcontrol.nps.spectra.registration import register_spectral_library

        register_spectral_library()
