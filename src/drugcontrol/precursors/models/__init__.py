"""Pre-export notifications of precursor chemicals (article 12(10) of the 1988 Convention),
the importing countries' invocations and legitimate requirements, suspicious order reports
from industry and Form D. The special surveillance list they point at is substance
reference data (`substances.models.SurveillanceChemical`)."""

# The shared enumerations, where the app's callers found them before (one definition).
from drugcontrol.core.quantities import TransportMode as TransportMode
from drugcontrol.core.quantities import Unit as Unit
from drugcontrol.precursors.models.annual_reports import (
    ANNUAL_REPORT_RECORD_TYPE as ANNUAL_REPORT_RECORD_TYPE,
)
from drugcontrol.precursors.models.annual_reports import (
    FIRST_REPORT_YEAR as FIRST_REPORT_YEAR,
)
from drugcontrol.precursors.models.annual_reports import (
    AnnualReport as AnnualReport,
)
from drugcontrol.precursors.models.annual_reports import (
    AnnualReportRow as AnnualReportRow,
)
from drugcontrol.precursors.models.annual_reports import (
    AnnualReportStatus as AnnualReportStatus,
)
from drugcontrol.precursors.models.annual_reports import (
    AnnualReportSubmission as AnnualReportSubmission,
)
from drugcontrol.precursors.models.annual_reports import (
    FormDSection as FormDSection,
)
from drugcontrol.precursors.models.annual_reports import (
    FormDUnit as FormDUnit,
)
from drugcontrol.precursors.models.annual_reports import (
    RowOrigin as RowOrigin,
)
from drugcontrol.precursors.models.annual_reports import (
    StopReason as StopReason,
)
from drugcontrol.precursors.models.annual_reports import (
    TradeDirection as TradeDirection,
)
from drugcontrol.precursors.models.notifications import (
    AWAITING_ANSWER as AWAITING_ANSWER,
)
from drugcontrol.precursors.models.notifications import (
    COUNTING as COUNTING,
)
from drugcontrol.precursors.models.notifications import (
    NOTIFICATION_TRANSPORT_MODES as NOTIFICATION_TRANSPORT_MODES,
)
from drugcontrol.precursors.models.notifications import (
    ORDER_RECORD_TYPE as ORDER_RECORD_TYPE,
)
from drugcontrol.precursors.models.notifications import (
    RECORD_TYPE as RECORD_TYPE,
)
from drugcontrol.precursors.models.notifications import (
    AttachmentKind as AttachmentKind,
)
from drugcontrol.precursors.models.notifications import (
    Finding as Finding,
)
from drugcontrol.precursors.models.notifications import (
    MessageKind as MessageKind,
)
from drugcontrol.precursors.models.notifications import (
    Notification as Notification,
)
from drugcontrol.precursors.models.notifications import (
    NotificationAttachment as NotificationAttachment,
)
from drugcontrol.precursors.models.notifications import (
    NotificationKind as NotificationKind,
)
from drugcontrol.precursors.models.notifications import (
    NotificationLine as NotificationLine,
)
from drugcontrol.precursors.models.notifications import (
    NotificationMessage as NotificationMessage,
)
from drugcontrol.precursors.models.notifications import (
    NotificationParty as NotificationParty,
)
from drugcontrol.precursors.models.notifications import (
    NotificationTransit as NotificationTransit,
)
from drugcontrol.precursors.models.notifications import (
    ObjectionGround as ObjectionGround,
)
from drugcontrol.precursors.models.notifications import (
    Outcome as Outcome,
)
from drugcontrol.precursors.models.notifications import (
    PartyRole as PartyRole,
)
from drugcontrol.precursors.models.notifications import (
    Severity as Severity,
)
from drugcontrol.precursors.models.notifications import (
    Status as Status,
)
from drugcontrol.precursors.models.notifications import (
    SuspiciousOrder as SuspiciousOrder,
)
from drugcontrol.precursors.models.notifications import (
    SuspiciousOrderStatus as SuspiciousOrderStatus,
)
from drugcontrol.precursors.models.notifications import (
    overdue_q as overdue_q,
)
from drugcontrol.precursors.models.notifications import (
    past_deadline_q as past_deadline_q,
)
from drugcontrol.precursors.models.notifications import (
    silence_q as silence_q,
)
from drugcontrol.precursors.models.reference import (
    ImportingCountryPolicy as ImportingCountryPolicy,
)
from drugcontrol.precursors.models.reference import (
    Invocation as Invocation,
)
from drugcontrol.precursors.models.reference import (
    InvocationScope as InvocationScope,
)
from drugcontrol.precursors.models.reference import (
    LegitimateRequirement as LegitimateRequirement,
)
from drugcontrol.precursors.models.reference import (
    LegitimateRequirementRevision as LegitimateRequirementRevision,
)
from drugcontrol.precursors.models.reference import (
    RequirementForm as RequirementForm,
)
from drugcontrol.precursors.models.reference import (
    RequirementSource as RequirementSource,
)
