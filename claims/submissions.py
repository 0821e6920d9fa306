"""One claim per form: a double click, a resent POST or a retry after a timeout must not
file the same claim twice.

Each form page carries a random token. The first POST with it reserves the token in the
cache; a second one waits a little for the first to finish and then gets the same claim:
the same form page, so the same browser, may see its confirmation again. The same details
sent from another form page (another browser, or the cache down) are recognised by
selectors.recent_duplicate_claim and the database's duplicate key instead, and that sender
is shown nothing of the earlier claim (claims.views).
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

PENDING = "pending"
TOKEN_TTL = 3600
# How long a duplicate POST waits for the first one to finish before answering.
DUPLICATE_WAIT_SECONDS = 8


def claim_of_this_form(*, token: str) -> str | None:
    """The number of the claim this form page already filed, PENDING if that one is still
    being saved, or None when this POST is the form's first (and now holds the token)."""
    earlier = _reserve(token) if token else None
    if earlier == PENDING:
        earlier = _wait(token)
    return earlier


def remember(*, token: str, number: str) -> None:
    if not token:
        return
    try:
        cache.set(_key(token), number, timeout=TOKEN_TTL)
    except Exception:
        logger.warning("Cache unreachable; form token %s not stored", token, exc_info=True)


def forget(*, token: str) -> None:
    if not token:
        return
    try:
        cache.delete(_key(token))
    except Exception:
        logger.warning("Cache unreachable; form token %s not released", token, exc_info=True)


def _key(token: str) -> str:
    return f"claim-form-token:{token}"


def _reserve(token: str) -> str | None:
    """None when this POST is the first with the token (and now holds it), else the
    earlier claim's number or PENDING while that one is still being saved."""
    try:
        if cache.add(_key(token), PENDING, timeout=TOKEN_TTL):
            return None
        return cache.get(_key(token)) or PENDING
    except Exception:
        # Fail open: without the cache the database check for a recent duplicate remains.
        logger.warning("Cache unreachable; form token %s not checked", token, exc_info=True)
        return None


def _wait(token: str) -> str:
    deadline = time.monotonic() + DUPLICATE_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.2)
        try:
            value = cache.get(_key(token))
        except Exception:
            return PENDING
        if value != PENDING:
            return value or PENDING
    return PENDING
