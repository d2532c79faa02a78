"""The precursors API: pre-export notifications (the list, the inbox, one record; a draft
created or changed, and submitted at once with `"submit": true`; one route for each step of
the workflow table in `precursors/workflow.py`), invocations, reply terms, legitimate
requirements, response statistics and Form D annual reports (generated, changed, one route
for each step of `workflow.REPORT_TABLE`, versions and exports). Suspicious order reports
have no endpoint: operators report them, and their national authority reviews them, on the
pages only. Country codes are ISO 3166 alpha-3."""

# Importing the modules adds their routes to the router, in this order.
# isort: off
from drugcontrol.precursors.api import notifications  # noqa: F401
from drugcontrol.precursors.api import reference  # noqa: F401
from drugcontrol.precursors.api import annual_reports  # noqa: F401
from drugcontrol.precursors.api.base import router
# isort: on

__all__ = ["router"]
