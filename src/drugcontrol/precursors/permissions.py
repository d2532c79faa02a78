"""Who may read beyond their own organisation and act in the pre-export notification
exchange, on reference figures, suspicious orders and Form D (the special surveillance list
is the substances app's: `substances.surveillance_read`, `substances.surveillance_load`)."""

from django.utils.translation import gettext_lazy as _

from drugcontrol.core.models import OrganisationKind as Kind
from drugcontrol.core.models import Role
from drugcontrol.core.permissions import action, own_country_or_secretariat
from drugcontrol.precursors.models import AWAITING_ANSWER, ImportingCountryPolicy, Status

AUTHORITY_OFFICERS = {Kind.COMPETENT_AUTHORITY: Role.OFFICER}
NOT_AN_AUTHORITY = _("Only officers of a competent national authority handle notifications.")


def _exporting_country(user, notification) -> bool:
    return notification is not None and user.country_id == notification.exporting_country_id


def _importing_country(user, notification) -> bool:
    return notification is not None and user.country_id == notification.importing_country_id


def _either_side(user, notification) -> bool:
    return _exporting_country(user, notification) or _importing_country(user, notification)


def _operators_authority(user, order) -> bool:
    return order is not None and user.country_id == order.country_id


def law_enforcement_reads(country_id) -> bool:
    """Whether the country lets its law-enforcement users read notifications (default no)."""
    return ImportingCountryPolicy.objects.filter(
        country_id=country_id, law_enforcement_reads=True
    ).exists()


def _reads_notifications(user, _record=None) -> bool:
    """Law enforcement reads only where its country's setting says so (asked once per user
    object); authorities and the secretariat always."""
    if user.organisation.kind != Kind.LAW_ENFORCEMENT:
        return True
    cached = getattr(user, "_reads_notifications", None)
    if cached is None:
        cached = user._reads_notifications = law_enforcement_reads(user.country_id)
    return cached


READ = action(
    "precursors.notification_read",
    _("Read pre-export notifications and response statistics"),
    grants={
        Kind.COMPETENT_AUTHORITY: Role.VIEWER,
        Kind.LAW_ENFORCEMENT: Role.VIEWER,
        Kind.INTERNATIONAL: Role.VIEWER,
    },
    condition=_reads_notifications,
    condition_text="notifications of the reader's country as exporter, importer or transit; "
    "the secretariat all but drafts; law enforcement only where its country's setting lets "
    "it read them (default: no)",
    refusal=_("Response statistics are for national authorities."),
)
action(
    "precursors.notification_draft",
    _("Draft a pre-export notification or import them from a file"),
    grants=AUTHORITY_OFFICERS,
    refusal=NOT_AN_AUTHORITY,
)
EXPORT_STEP = action(
    "precursors.notification_export_step",
    _("Change, submit, ship, withdraw or cancel a notification"),
    grants=AUTHORITY_OFFICERS,
    condition=_exporting_country,
    condition_text="the exporting country's authority",
    refusal=_("Only the exporting country's authority does this."),
)
ANSWER = action(
    "precursors.notification_answer",
    _("Acknowledge, clear or object to a notification"),
    grants=AUTHORITY_OFFICERS,
    condition=_importing_country,
    condition_text="the importing country's authority",
    refusal=_("Only the importing country's authority does this."),
)
FOLLOW_UP = action(
    "precursors.notification_follow_up",
    _("Write on a notification's thread or record a shipment's outcome"),
    grants=AUTHORITY_OFFICERS,
    condition=_either_side,
    condition_text="the exporting or importing country's authority",
    refusal=_("Only the exporting and importing authorities do this."),
)


def _attaching_side(user, notification) -> bool:
    """The exporting authority while the notification is a draft; the importing authority
    from submission to its answer (and on the answered notification)."""
    if notification is None:
        return False
    if _exporting_country(user, notification):
        return notification.status == Status.DRAFT
    return _importing_country(user, notification) and notification.status in (
        *AWAITING_ANSWER,
        Status.CLEARED,
        Status.OBJECTED,
    )


ATTACH = action(
    "precursors.notification_attach",
    _("Attach a document (invoice, permit) to a notification"),
    grants=AUTHORITY_OFFICERS,
    condition=_attaching_side,
    condition_text="the exporting country's authority while a draft; the importing country's "
    "authority with its answer",
    refusal=_(
        "The exporting authority attaches documents to its draft, the importing authority "
        "to its answer."
    ),
)
OVERSEE = action(
    "precursors.notification_oversee",
    _("Ask a question on any notification or remind an importing country of an overdue one"),
    grants={Kind.INTERNATIONAL: Role.OFFICER},
    refusal=_("The secretariat asks questions and sends reminders."),
)
action(
    "precursors.invocation_record",
    _("Record or remove a country's invocation of article 12(10)(a) at its request"),
    grants={Kind.INTERNATIONAL: Role.OFFICER},
    refusal=_("The secretariat records invocations at a country's request."),
)
action(
    "precursors.reference_keep",
    _("Keep reply terms, notification settings and legitimate requirements"),
    grants={**AUTHORITY_OFFICERS, Kind.INTERNATIONAL: Role.OFFICER},
    condition=own_country_or_secretariat,
    condition_text="its own country's (the secretariat: any country's)",
    refusal=_("A country keeps only its own terms and requirements."),
)
action(
    "precursors.order_report",
    _("Report a suspicious order to the national authority"),
    grants={Kind.OPERATOR: Role.OFFICER},
    refusal=_("Suspicious orders are reported by industry to their national authority."),
)
ORDER_READ = action(
    "precursors.order_read",
    _("Read the suspicious order reports of one's country"),
    grants={Kind.COMPETENT_AUTHORITY: Role.VIEWER},
    condition_text="reports of operators of the reader's country; the reporting operator: "
    "its own reports",
)
action(
    "precursors.order_review",
    _("Review a suspicious order (dismiss it or turn it into an incident)"),
    grants=AUTHORITY_OFFICERS,
    condition=_operators_authority,
    condition_text="the operator's national authority",
    refusal=_("Only the operator's national authority reviews the report."),
)


def _reporting_country(user, record) -> bool:
    """`record`: a Form D, or the ISO alpha-3 code of the country one would be for."""
    code = record if isinstance(record, str) else getattr(record, "country_id", None)
    return code is not None and user.country_id == code


REPORT_READ = action(
    "precursors.annual_report_read",
    _("Read Form D annual reports"),
    grants={Kind.COMPETENT_AUTHORITY: Role.VIEWER, Kind.INTERNATIONAL: Role.VIEWER},
    condition_text="its own country's reports; the secretariat those submitted at least once",
    refusal=_("Form D reports are for competent authorities and the secretariat."),
)
REPORT_KEEP = action(
    "precursors.annual_report_keep",
    _("Generate, complete, correct and submit its country's Form D"),
    grants=AUTHORITY_OFFICERS,
    condition=_reporting_country,
    condition_text="its own country's",
    refusal=_("A competent authority reports only for its own country."),
)
REPORT_DECIDE = action(
    "precursors.annual_report_decide",
    _("Accept or return a submitted Form D"),
    grants={Kind.INTERNATIONAL: Role.OFFICER},
    refusal=_("The secretariat accepts or returns a Form D."),
)
