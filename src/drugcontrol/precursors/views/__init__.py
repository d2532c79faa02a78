"""The precursors pages, by page group: the exchange (`notifications`), reference figures
(`reference`) and suspicious orders (`orders`)."""

from drugcontrol.precursors.views.notifications import (
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
