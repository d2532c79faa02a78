from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """National monitoring: the annual data collection with validation and approval,
    indicators and targets, illicit crops and alternative development."""

    name = "drugcontrol.monitoring"
    label = "monitoring"
    verbose_name = _("National monitoring")

    def ready(self) -> None:
        from drugcontrol.core.alerts import register_messages, register_routes
        from drugcontrol.core.labels import ACTION_LABELS
        from drugcontrol.core.navigation import NavEntry, register_nav
        from drugcontrol.core.registry import ReferenceLoader, register_reference_loader
        from drugcontrol.core.visibility import audit_follows_record
        from drugcontrol.monitoring import alerts, permissions, selectors  # noqa: F401
        from drugcontrol.monitoring.models import Submission

        audit_follows_record("monitoring.submission", Submission)
        register_routes(*alerts.ROUTES)
        _register_importer()
        register_messages(alerts.MESSAGES)
        register_reference_loader(
            ReferenceLoader(
                "monitoring.definitions",
                _load_definitions,
                lambda result: (
                    f"monitoring definitions: {result['elements']} data elements, "
                    f"{result['changed']} added or changed"
                ),
                order=300,
            )
        )
        ACTION_LABELS.update(
            {
                "monitoring.definitions_loaded": _("Monitoring definitions loaded"),
                "monitoring.submission_opened": _("Monitoring data set opened"),
                "monitoring.value_set": _("Monitoring value entered"),
                "monitoring.values_set": _("Monitoring values entered together"),
                "monitoring.submitted": _("Monitoring data submitted"),
                "monitoring.returned": _("Monitoring data returned with comments"),
                "monitoring.accepted": _("Monitoring data accepted"),
                "monitoring.published": _("Monitoring data published"),
                "monitoring.reopened": _("Monitoring data reopened"),
            }
        )
        from drugcontrol.core.home import HomePanel, register_home_panel

        register_home_panel(
            HomePanel("monitoring", "monitoring/_home.html", 40, selectors.home_queue)
        )
        register_nav(
            NavEntry(
                "monitoring",
                _("Monitoring"),
                "monitoring:home",
                order=65,
                action="monitoring.data_read",
            )
        )


def _load_definitions():
    from drugcontrol.monitoring.services import definitions_load

    return definitions_load()


def _register_importer():
    """Values from a file: the plain template or SDMX-CSV (monitoring/imports.py)."""
    from drugcontrol.core.imports import Importer, register_importer
    from drugcontrol.monitoring import imports

    register_importer(
        imports.IMPORT_KIND,
        Importer(
            run=imports.values_import,
            summary=imports.values_summary,
            action="monitoring.data_enter",
            max_rows=imports.MAX_ROWS,
        ),
    )
