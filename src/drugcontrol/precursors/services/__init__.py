"""Every write of the precursors app, split by domain:

- `validation`: a notification's contents checked (form, API or import row), what its
  submission needs, quantities in kilograms of the pure substance;
- `drafts`: creating and changing a draft (and create-and-submit in one transaction);
- `attachments`: documents on a notification (invoice, permits);
- `exchange`: the steps of the article 12(10) exchange, each one transaction with one audit
  event, checked against the transition table in `precursors/workflow.py`;
- `reference_figures`: reply terms, invocations and legitimate requirements;
- `suspicious_orders`: reports from industry and their review;
- the special surveillance list is substance reference data: its loader is
  `substances.services.surveillance_load`, re-exported here for the precursors pages;
- `annual_reports`: Form D, generated from what is on file, completed, submitted, accepted
  or returned (its steps in `workflow.REPORT_TABLE`).

Reads (`country_for`, `substance_for`, `reply_terms`, `may_ship`) live in the selectors and
the workflow; they are re-exported here for callers that reach them as `services.<name>`.
"""

from drugcontrol.core.errors import Conflict, ValidationFailed
from drugcontrol.precursors.models import ORDER_RECORD_TYPE, RECORD_TYPE
from drugcontrol.precursors.selectors import (
    DEFAULT_REPLY_DAYS,
    country_for,
    reply_terms,
    substance_for,
)
from drugcontrol.precursors.services.annual_reports import (
    RowInput,
    annual_report_decide,
    annual_report_generate,
    annual_report_regenerate,
    annual_report_submit,
    annual_report_update,
    validate_report_rows,
)
from drugcontrol.precursors.services.attachments import notification_attach
from drugcontrol.precursors.services.base import NOTIFICATION_FIELDS
from drugcontrol.precursors.services.drafts import notification_create, notification_update
from drugcontrol.precursors.services.exchange import (
    message_post,
    notification_acknowledge,
    notification_answer,
    notification_close,
    notification_record_outcome,
    notification_ship,
    notification_submit,
    question_post,
    reminder_send,
)
from drugcontrol.precursors.services.reference_figures import (
    invocation_add,
    invocation_remove,
    policy_set,
    requirement_set,
)
from drugcontrol.precursors.services.suspicious_orders import (
    suspicious_order_report,
    suspicious_order_review,
)
from drugcontrol.precursors.services.validation import (
    KG,
    LINE_QUANTITY,
    LineInput,
    NotificationInput,
    PartyEntry,
    default_densities,
    pure_kg,
    submission_problems,
    validate_notification,
)
from drugcontrol.precursors.workflow import may_ship
from drugcontrol.substances.services import (
    SURVEILLANCE_COLUMNS,
    SURVEILLANCE_MAX_ROWS,
    surveillance_load,
    surveillance_summary,
)

__all__ = [
    "DEFAULT_REPLY_DAYS",
    "KG",
    "LINE_QUANTITY",
    "NOTIFICATION_FIELDS",
    "ORDER_RECORD_TYPE",
    "RECORD_TYPE",
    "SURVEILLANCE_COLUMNS",
    "SURVEILLANCE_MAX_ROWS",
    "Conflict",
    "LineInput",
    "NotificationInput",
    "PartyEntry",
    "RowInput",
    "ValidationFailed",
    "annual_report_decide",
    "annual_report_generate",
    "annual_report_regenerate",
    "annual_report_submit",
    "annual_report_update",
    "country_for",
    "default_densities",
    "invocation_add",
    "invocation_remove",
    "may_ship",
    "message_post",
    "notification_acknowledge",
    "notification_answer",
    "notification_attach",
    "notification_close",
    "notification_create",
    "notification_record_outcome",
    "notification_ship",
    "notification_submit",
    "notification_update",
    "policy_set",
    "pure_kg",
    "question_post",
    "reminder_send",
    "reply_terms",
    "requirement_set",
    "submission_problems",
    "substance_for",
    "surveillance_load",
    "surveillance_summary",
    "suspicious_order_report",
    "suspicious_order_review",
    "validate_notification",
    "validate_report_rows",
]
