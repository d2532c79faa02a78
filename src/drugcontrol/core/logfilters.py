"""Logging filters."""

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """A refused or unknown request (403, 404) is logged on one line: it is the access rules
    working, not a fault, and a traceback there would look like one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in (403, 404):
            record.exc_info = None
            record.exc_text = None
        return True
