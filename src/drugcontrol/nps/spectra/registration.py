"""What the spectral library registers with core when the app starts (called from the
app's AppConfig.ready()): its visibility rule, importer, audit label and menu entry."""

from django.utils.translation import gettext_lazy as _


def register_spectral_library() -> None:
    from drugcontrol.core.imports import Importer, register_importer
    from drugcontrol.core.labels import ACTION_LABELS
    from drugcontrol.core.navigation import NavEntry, register_nav
    from drugcontrol.nps.services import spectra as services
    from drugcontrol.nps.spectra import (
        msp,
        selectors,  # noqa: F401  (registers the visibility rule)
    )

    register_importer(
        services.IMPORT_KIND,
        Importer(
            run=services.spectra_import,
            summary=services.spectra_import_summary,
            action="nps.spectrum_import",
            suffixes=services.SUFFIXES,
            max_rows=msp.MAX_SPECTRA,
        ),
    )
    ACTION_LABELS["nps.spectra_imported"] = _("Spectra imported into the spectral library")
    register_nav(
        NavEntry(
            "spectra",
            _("Spectral library"),
            "nps:spectra_list",
            order=55,
            action="nps.spectrum_read",
        )
    )
