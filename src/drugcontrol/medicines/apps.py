from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MedicinesConfig(AppConfig):
    """Availability of controlled medicines: estimates and assessments, authorizations
    checked against balances, consumption and adequacy."""

    name = "drugcontrol.medicines"
    label = "medicines"
    verbose_name = _("Controlled medicines")

    def ready(self) -> None:
        from drugcontrol.core.imports import Importer, register_importer
        from drugcontrol.core.labels import ACTION_LABELS
        from drugcontrol.core.visibility import audit_follows_record
        from drugcontrol.medicines import imports, permissions, selectors  # noqa: F401
        from drugcontrol.medicines.models import ExportAuthorization, ImportAuthorization

        # An authorization's audit events are read by whoever reads the authorization.
        audit_follows_record("medicines.importauthorization", ImportAuthorization)
        audit_follows_record("medicines.exportauthorization", ExportAuthorization)
        from drugcontrol.core.navigation import NavEntry, register_nav

        register_nav(
            NavEntry(
                "medicines",
                _("Medicines"),
                "medicines:home",
                order=67,
                action="medicines.estimates_read",
            )
        )
        for kind, run, summary, action in (
            (imports.ESTIMATES, imports.estimates_import, imports.estimates_summary,
             "medicines.estimate_submit"),
            (imports.CONSUMPTION, imports.consumption_import, imports.statistics_summary,
             "medicines.consumption_report"),
            (imports.POPULATION, imports.population_import, imports.statistics_summary,
             "medicines.population_keep"),
        ):  # fmt: skip
            register_importer(
                kind,
                Importer(run=run, summary=summary, action=action, max_rows=imports.MAX_ROWS),
            )
        from drugcontrol.core.alerts import register_messages, register_routes
        from drugcontrol.medicines import alerts

        register_routes(*alerts.ROUTES)
        register_messages(alerts.MESSAGES)
        ACTION_LABELS.update(
            {
                "medicines.estimate_submitted": _("Estimate submitted"),
                "medicines.estimate_confirmed": _("Estimate confirmed"),
                "medicines.supplement_submitted": _("Supplementary estimate submitted"),
                "medicines.supplement_confirmed": _("Supplementary estimate confirmed"),
                "medicines.import_authorized": _("Import authorization issued"),
                "medicines.export_authorized": _("Export authorization issued"),
                "medicines.shipment_endorsed": _("Shipment endorsed on arrival"),
                "medicines.consumption_reported": _("Consumption reported"),
                "medicines.consumption_published": _("Consumption published"),
                "medicines.population_recorded": _("Population figures recorded"),
            }
        )
