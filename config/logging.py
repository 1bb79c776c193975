"""Logging filters that keep the terminal calm without hiding real problems."""

import logging


class NoTracebackForRefusals(logging.Filter):
    """A 403 is the product refusing something a role may not do, not a fault: keep the
    one line that says so, without Django's full traceback."""

    def filter(self, record):
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
