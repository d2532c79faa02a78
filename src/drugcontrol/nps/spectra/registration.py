"""What the spectral library registers with core when the app starts (called from the
app's AppConfig.ready()): its visibility rule, importer, audit label, menu entry and the
search matrix's warm-up."""

import contextlib

from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _


def register_spectral_library() -> None:
    from drugcontrol.core.imports import Importer, register_importer
    from drugcontrol.core.labels import ACTION_LABELS
    from drugcontrol.core.navigation import NavEntry, register_nav
    from drugcontrol.core.registry import register_warm_up
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
    register_warm_up("nps.spectral_matrix", _warm_matrix)


def _warm_matrix() -> None:
    """Build the search matrix before the first search (seconds for 100,000 spectra); a
    database not migrated yet leaves it to the first search."""
    from drugcontrol.nps.spectra import selectors

    with contextlib.suppress(DatabaseError):
        selectors.library_matrix()
