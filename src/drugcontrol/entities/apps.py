from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntitiesConfig(AppConfig):
    name = "drugcontrol.entities"
    label = "entities"
    verbose_name = _("Parties")

    def ready(self) -> None:
        from drugcontrol.core.alerts import register_messages, register_routes
        from drugcontrol.core.labels import ACTION_LABELS
        from drugcontrol.core.visibility import audit_follows_record
        from drugcontrol.entities import alerts
        from drugcontrol.entities.models import Party

        # A party's events carry its names and identifiers: shown only to its readers.
        audit_follows_record("entities.party", Party)
        register_routes(*alerts.ROUTES)
        register_messages(alerts.MESSAGES)
        from drugcontrol.core.imports import Importer, register_importer
        from drugcontrol.entities import (
            permissions,  # noqa: F401  (declares the actions)
            selectors,  # noqa: F401  (registers the visibility rules)
        )
        from drugcontrol.entities.services import parties_import, parties_summary

        register_importer(
            "entities.parties",
            Importer(run=parties_import, summary=parties_summary, action="entities.party_create"),
        )
        ACTION_LABELS.update(
            {
                "entities.party_created": _("Party created"),
                "entities.parties_imported": _("Parties imported"),
                "entities.correlation_confirmed": _("Correlation confirmed"),
                "entities.correlation_rejected": _("Correlation rejected"),
                "entities.parties_merged": _("Parties merged"),
                "entities.merge_undone": _("Merge undone"),
                "entities.warning_value_added": _("Value added to the warning list"),
                "entities.warning_value_removed": _("Value removed from the warning list"),
                "entities.index_rebuilt": _("Matching index rebuilt"),
            }
        )
        register_entities_extensions()


def register_entities_extensions() -> None:
    """The navigation entry and the process warm-up (core.navigation, core.registry)."""
    from drugcontrol.core.navigation import NavEntry, register_nav
    from drugcontrol.core.registry import register_warm_up
    from drugcontrol.entities.normalize import normalize_name

    register_nav(
        NavEntry("parties", _("Parties"), "entities:list", order=60, action="entities.party_read")
    )
    register_warm_up(
        "entities.normalize_name",
        lambda: normalize_name("广州天河化工有限公司 Guangzhou Tianhe Chemical Co., Ltd."),
    )
