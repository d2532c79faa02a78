from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubstancesConfig(AppConfig):
    name = "drugcontrol.substances"
    label = "substances"
    verbose_name = _("Substances")

    def ready(self) -> None:
        from drugcontrol.core.labels import ACTION_LABELS
        from drugcontrol.substances import (
            permissions,  # noqa: F401  (declares the actions)
            selectors,  # noqa: F401  (registers the visibility rules)
        )

        ACTION_LABELS.update(
            {
                "substances.reference_loaded": _("Controlled-substance lists loaded"),
                "substances.national_list_loaded": _("National control list loaded"),
            }
        )
