from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrecursorsConfig(AppConfig):
    name = "drugcontrol.precursors"
    label = "precursors"
    verbose_name = _("Precursors")

    def ready(self) -> None:
        register_home_panels()
        from drugcontrol.core.imports import Importer, register_importer
        from drugcontrol.core.labels import ACTION_LABELS
        from drugcontrol.core.tabular import TEXT_SUFFIXES
        from drugcontrol.core.visibility import audit_follows_record
        from drugcontrol.entities.selectors import register_record_reader
        from drugcontrol.precursors import (
            imports,
            permissions,  # noqa: F401  (declares the actions)
        )
        from drugcontrol.precursors.models import (
            ANNUAL_REPORT_RECORD_TYPE,
            AnnualReport,
            Notification,
            PartyRole,
            SuspiciousOrder,
        )
        from drugcontrol.precursors.services import ORDER_RECORD_TYPE, RECORD_TYPE

        register_record_reader(
            RECORD_TYPE,
            "precursors.notification_read",
            page="precursors:detail",
            roles=PartyRole.choices,
        )
        register_record_reader(
            ORDER_RECORD_TYPE,
            "precursors.order_read",
            page="precursors:order",
            roles={"customer": _("customer")},
        )
        audit_follows_record("precursors.notification", Notification)
        register_importer(
            "precursors.notifications",
            Importer(
                run=imports.notifications_import,
                summary=imports.notifications_summary,
                action="precursors.notification_draft",
                suffixes=(*TEXT_SUFFIXES, ".xlsx", ".xlsm", ".json"),
            ),
        )
        register_importer(
            "precursors.requirements",
            Importer(
                run=imports.requirements_import,
                summary=imports.requirements_summary,
                action="precursors.reference_keep",
                max_rows=imports.MAX_REQUIREMENT_ROWS,
                record=lambda actor, **options: actor.country_id if actor else None,
            ),
        )
        audit_follows_record(ORDER_RECORD_TYPE, SuspiciousOrder)
        audit_follows_record(ANNUAL_REPORT_RECORD_TYPE, AnnualReport)
        ACTION_LABELS.update(
            {
                "precursors.notification_created": _("Notification drafted"),
                "precursors.notification_updated": _("Notification draft changed"),
                "precursors.notification_submitted": _("Notification submitted"),
                "precursors.notification_acknowledged": _("Notification acknowledged"),
                "precursors.notification_cleared": _("Notification cleared"),
                "precursors.notification_objected": _("Objection to a notification"),
                "precursors.notification_shipped": _("Shipment dispatched"),
                "precursors.notification_cancelled": _("Shipment cancelled"),
                "precursors.notification_withdrawn": _("Notification withdrawn"),
                "precursors.outcome_recorded": _("Shipment outcome recorded"),
                "precursors.message_posted": _("Message on a notification"),
                "precursors.question_posted": _("Question from the secretariat"),
                "precursors.reminder_sent": _("Reminder from the secretariat"),
                "precursors.attachment_added": _("Document attached"),
                "precursors.notifications_imported": _("Notifications imported"),
                "precursors.policy_set": _("Reply deadline and clearance rule set"),
                "precursors.invocation_added": _("Article 12(10) invoked"),
                "precursors.invocation_removed": _("Article 12(10) invocation withdrawn"),
                "precursors.requirement_set": _("Legitimate requirement recorded"),
                # Events recorded before the list moved to the substances app.
                "precursors.surveillance_loaded": _("Special surveillance list loaded"),
                "precursors.suspicious_order_reported": _("Suspicious order reported"),
                "precursors.suspicious_order_reviewed": _("Suspicious order reviewed"),
                "precursors.annual_report_generated": _("Form D drafted from the records on file"),
                "precursors.annual_report_regenerated": _("Form D generated again"),
                "precursors.annual_report_updated": _("Form D completed or corrected"),
                "precursors.annual_report_submitted": _("Form D submitted"),
                "precursors.annual_report_accepted": _("Form D accepted"),
                "precursors.annual_report_returned": _("Form D returned for correction"),
            }
        )
        # Who hears of this app's records, and what the alerts say.
        from drugcontrol.core.alerts import register_messages, register_routes
        from drugcontrol.precursors import alerts

        register_routes(*alerts.ROUTES)
        register_messages(alerts.MESSAGES)
        register_precursors_nav()


def register_precursors_nav() -> None:
    """The navigation entries (core.navigation): the notifications for those who read them,
    otherwise an operator's suspicious orders."""
    from drugcontrol.core.navigation import NavEntry, register_nav
    from drugcontrol.core.permissions import can

    register_nav(
        NavEntry(
            "precursors",
            _("Precursors"),
            "precursors:list",
            order=40,
            action="precursors.notification_read",
        ),
        NavEntry(
            "precursors",
            _("Suspicious orders"),
            "precursors:orders",
            order=41,
            action="precursors.order_report",
            visible=lambda user: not can(user, "precursors.notification_read"),
        ),
        NavEntry(
            "annual_reports",
            _("Form D"),
            "precursors:annual_reports",
            order=42,
            action="precursors.annual_report_read",
        ),
    )


def register_home_panels() -> None:
    """The panels of the home work queue (core.home)."""
    from drugcontrol.core.home import HomePanel, register_home_panel
    from drugcontrol.precursors import home

    register_home_panel(
        HomePanel("notifications", "precursors/_home_queue.html", 20, home.notification_queue),
        HomePanel("form_d", "precursors/_home_form_d.html", 25, home.form_d_queue),
    )
