"""Keep the customers' link tokens out of the logs.

A token in a path is a key: `/my/<token>/` opens the customer's repair, the supplement and
confirmation links open their claim. Django logs the path of every 4xx/5xx answer (and a
bad link is one), so the console handler rewrites such paths before anything is written.
"""

import logging
import re

# The token is everything after the prefix up to the next slash, quote, space or `?`.
TOKEN_PATHS = re.compile(r"(/(?:my|claims/supplement|claims/submitted)/)(?!sent/)[^/\s\"'?]+")
REDACTED = r"\1[token]"


class RedactLinkTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = TOKEN_PATHS.sub(REDACTED, message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
