from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "drugcontrol.incidents"
    label = "incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        register_home_panels()
        from drugcontrol.core.imports import Importer, register_importer
        from drugcontrol.core.labels import ACTION_LABELS
        from drugcontrol.core.visibility import audit_follows_record
        from drugcontrol.entities.selectors import register_record_reader
        from drugcontrol.incidents import (
            imports,
            permissions,  # noqa: F401  (declares the actions)
        )
        from drugcontrol.incidents.models import Incident, PartyRole

        audit_follows_record("incidents.incident", Incident)
        register_record_reader(
            "incidents.incident",
            "incidents.incident_read",
            page="incidents:detail",
            roles=PartyRole.choices,
        )
        register_importer(
            "incidents.incidents",
            Importer(
                run=imports.incidents_import,
                summary=imports.incidents_summary,
                action="incidents.incident_import",
                max_rows=imports.MAX_ROWS,
            ),
        )
        from drugcontrol.incidents import selectors  # noqa: F401  (registers the visibility rules)

        ACTION_LABELS.update(
            {
                "incidents.incident_created": _("Incident reported"),
                "incidents.incident_updated": _("Incident changed"),
                "incidents.party_added": _("Party added to an incident"),
                "incidents.attachment_added": _("File attached to an incident"),
                "incidents.incidents_imported": _("Incidents imported"),
                "incidents.message_posted": _("Message written on an incident"),
                "incidents.request_made": _("Request made on an incident"),
                "incidents.request_decided": _("Request on an incident decided"),
                "alert.broadcast": _("Special alert broadcast"),
                "alert.read": _("Alert read"),
                "alert.acknowledged": _("Alert acknowledged"),
                "alert.all_read": _("All alerts marked as read"),
            }
        )
        # Who hears of this app's records, and what the alerts say.
        from drugcontrol.core.alerts import register_messages, register_routes
        from drugcontrol.incidents import alerts

        register_routes(*alerts.ROUTES)
        register_messages(alerts.MESSAGES)
        register_incidents_nav()


def register_incidents_nav() -> None:
    """The navigation entry (core.navigation)."""
    from drugcontrol.core.navigation import NavEntry, register_nav

    register_nav(
        NavEntry(
            "incidents",
            _("Incidents"),
            "incidents:list",
            order=30,
            action="incidents.incident_read",
        )
    )


def register_home_panels() -> None:
    """The panels of the home work queue (core.home)."""
    from drugcontrol.core.home import HomePanel, register_home_panel
    from drugcontrol.incidents import home

    register_home_panel(
        HomePanel("alerts", "incidents/_home_alerts.html", 10, home.unread_alerts),
        HomePanel("incidents", "incidents/_home_incidents.html", 30, home.incidents_naming_us),
    )
