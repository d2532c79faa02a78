from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubstancesConfig(AppConfig):
    name = "drugcontrol.substances"
    label = "substances"
    verbose_name = _("Substances")

    def ready(self) -> None:
        from drugcontrol.core.imports import Importer, register_importer
        from drugcontrol.core.labels import ACTION_LABELS
        from drugcontrol.core.navigation import NavEntry, register_nav
        from drugcontrol.core.registry import ReferenceLoader, register_reference_loader
        from drugcontrol.substances import (
            permissions,  # noqa: F401  (declares the actions)
            selectors,  # noqa: F401  (registers the visibility rules)
        )
        from drugcontrol.substances.services import (
            SURVEILLANCE_MAX_ROWS,
            national_list_load,
            national_list_summary,
            reference_lists_load,
            surveillance_load,
            surveillance_summary,
        )

        register_importer(
            "substances.national_list",
            Importer(
                run=national_list_load,
                summary=national_list_summary,
                action="substances.national_list_load",
                record=lambda actor, country_code="", **options: country_code.strip().upper(),
            ),
        )
        register_importer(
            "substances.surveillance",
            Importer(
                run=surveillance_load,
                summary=surveillance_summary,
                action="substances.surveillance_load",
                max_rows=SURVEILLANCE_MAX_ROWS,
            ),
        )
        ACTION_LABELS.update(
            {
                "substances.reference_loaded": _("Controlled-substance lists loaded"),
                "substances.national_list_loaded": _("National control list loaded"),
                "substances.surveillance_loaded": _("Special surveillance list loaded"),
                "substances.listing_added": _("International listing recorded"),
                "substances.substance_registered": _("Substance first reported, registered"),
            }
        )
        register_reference_loader(
            ReferenceLoader(
                name="substances.reference_lists",
                load=reference_lists_load,
                describe=lambda summary: (
                    f"controlled-substance lists: {summary['rows']} rows, "
                    f"{summary['substances_changed']} substances and "
                    f"{summary['listings_changed']} listings added or changed"
                ),
                order=10,
            )
        )
        register_nav(NavEntry("substances", _("Substances"), "substances:list", order=50))
