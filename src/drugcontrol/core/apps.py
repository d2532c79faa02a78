from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "drugcontrol.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from drugcontrol.core import (
            checks,  # noqa: F401  (registers system checks)
            permissions,  # noqa: F401  (declares core's actions)
            selectors,  # noqa: F401  (registers the visibility rules)
        )
        from drugcontrol.core.audit import register_sqlite_functions
        from drugcontrol.core.bounds import connect_model_checks

        connection_created.connect(register_sqlite_functions, dispatch_uid="audit_sqlite_fns")
        connect_model_checks()
        register_core_extensions()


def register_core_extensions() -> None:
    """Core's own entries in the registries the apps fill (navigation, reference data)."""
    from drugcontrol.core.navigation import NavEntry, register_nav
    from drugcontrol.core.reference import load_countries
    from drugcontrol.core.registry import ReferenceLoader, register_reference_loader

    register_reference_loader(
        ReferenceLoader(
            name="core.countries",
            load=load_countries,
            describe=lambda result: (
                f"countries: {result.total} in file, {result.created} created, "
                f"{result.updated} updated, {result.unchanged} unchanged"
            ),
            order=0,
        )
    )
    register_nav(
        NavEntry("home", _("Home"), "core:home", order=10),
        NavEntry(
            "organisation",
            _("My organisation"),
            "core:organisation_detail",
            order=20,
            url_args=lambda user: [user.organisation_id],
        ),
        NavEntry(
            "organisations",
            _("Organisations"),
            "core:organisation_list",
            order=70,
            visible=lambda user: user.is_international,
        ),
        NavEntry(
            "audit",
            _("Audit log"),
            "core:audit_list",
            order=80,
            visible=lambda user: user.is_international or user.is_org_admin,
        ),
        NavEntry("api", _("API"), "api:openapi-view", order=90),
    )
