from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """The implementation review: the statement as data, review cycles with their
    questionnaires and answers, evidence computed from every module, reports."""

    name = "drugcontrol.review"
    label = "review"
    verbose_name = _("Implementation review")

    def ready(self) -> None:
        from drugcontrol.core.labels import ACTION_LABELS
        from drugcontrol.core.navigation import NavEntry, register_nav
        from drugcontrol.core.registry import ReferenceLoader, register_reference_loader
        from drugcontrol.review import permissions, selectors  # noqa: F401

        register_reference_loader(
            ReferenceLoader(
                "review.statement",
                _load_statement,
                lambda result: (
                    f"review statement: {result['paragraphs']} paragraphs, "
                    f"{result['changed']} added or changed"
                ),
                order=310,
            )
        )
        register_nav(
            NavEntry(
                "review", _("Review"), "review:statement", order=68, action="review.report_read"
            )
        )
        ACTION_LABELS.update(
            {
                "review.statement_loaded": _("Statement loaded"),
                "review.cycle_created": _("Review cycle opened"),
                "review.answers_saved": _("Answers saved"),
                "review.submitted": _("Answers submitted"),
                "review.returned": _("Answers returned with comments"),
                "review.accepted": _("Answers accepted"),
                "review.published": _("Answers published"),
                "review.reopened": _("Answers reopened"),
            }
        )


def _load_statement():
    from drugcontrol.review.services import statement_load

    return statement_load()
