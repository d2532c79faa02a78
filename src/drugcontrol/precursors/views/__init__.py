"""The precursors pages, by page group: the exchange (`notifications`), reference figures
(`reference`), suspicious orders (`orders`) and Form D annual reports (`annual_reports`)."""

from drugcontrol.precursors.views.annual_reports import (
    annual_report_action,
    annual_report_detail,
    annual_report_edit,
    annual_report_export,
    annual_report_list,
    annual_report_version,
)
from drugcontrol.precursors.views.notifications import (
    attach,
    attachment_download,
    import_job,
    inbox,
    message_post,
    notification_action,
    notification_detail,
    notification_form,
    notification_import,
    notification_list,
)
from drugcontrol.precursors.views.orders import order_create, order_detail, order_list
from drugcontrol.precursors.views.reference import (
    invocations,
    requirement_detail,
    requirements,
    statistics,
    surveillance,
)

__all__ = [
    "annual_report_action",
    "annual_report_detail",
    "annual_report_edit",
    "annual_report_export",
    "annual_report_list",
    "annual_report_version",
    "attach",
    "attachment_download",
    "import_job",
    "inbox",
    "invocations",
    "message_post",
    "notification_action",
    "notification_detail",
    "notification_form",
    "notification_import",
    "notification_list",
    "order_create",
    "order_detail",
    "order_list",
    "requirement_detail",
    "requirements",
    "statistics",
    "surveillance",
]
