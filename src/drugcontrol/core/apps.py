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
