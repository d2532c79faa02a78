"""The precursors pages' forms. Each form checks what a form can (types, choices, required
fields, ids and versions as whole numbers); the services check the rest, and
`ServiceForm.add_service_error` puts their `ValidationFailed` messages back on the fields they
name (`lines.0.quantity` on the quantity of the first line of the notification form)."""

from drugcontrol.precursors.forms.annual_reports import (
    ReportActionChoiceForm,
    ReportEditForm,
    ReportGenerateForm,
    ReportStepForm,
)
from drugcontrol.precursors.forms.base import ServiceForm
from drugcontrol.precursors.forms.notifications import (
    ACTION_FORMS,
    LINE_ROWS,
    PARTY_ROLES_ON_FORM,
    ActionChoiceForm,
    AttachForm,
    ClearForm,
    LineForm,
    MessageForm,
    NotificationForm,
    NotificationListAskedForm,
    ObjectionForm,
    OutcomeForm,
    PartyForm,
    StepForm,
    notification_initial,
    show_problems,
)
from drugcontrol.precursors.forms.orders import OrderReviewForm, SuspiciousOrderForm
from drugcontrol.precursors.forms.reference import (
    InvocationFilterForm,
    InvocationForm,
    InvocationRemoveForm,
    PageFormChoice,
    PolicyForm,
    RequirementFilterForm,
    RequirementSetForm,
    SurveillanceUploadForm,
    TermsCountryForm,
    UploadForm,
    policy_initial,
)

__all__ = [
    "ACTION_FORMS",
    "LINE_ROWS",
    "PARTY_ROLES_ON_FORM",
    "ActionChoiceForm",
    "AttachForm",
    "ClearForm",
    "InvocationFilterForm",
    "InvocationForm",
    "InvocationRemoveForm",
    "LineForm",
    "MessageForm",
    "NotificationForm",
    "NotificationListAskedForm",
    "ObjectionForm",
    "OrderReviewForm",
    "OutcomeForm",
    "PageFormChoice",
    "PartyForm",
    "PolicyForm",
    "ReportActionChoiceForm",
    "ReportEditForm",
    "ReportGenerateForm",
    "ReportStepForm",
    "RequirementFilterForm",
    "RequirementSetForm",
    "ServiceForm",
    "StepForm",
    "SurveillanceUploadForm",
    "SuspiciousOrderForm",
    "TermsCountryForm",
    "UploadForm",
    "notification_initial",
    "policy_initial",
    "show_problems",
]
