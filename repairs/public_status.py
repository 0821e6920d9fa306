"""The public answer for one order, as the status page and the call-center API show it.

The lookup is the portal's most visited public request, and what it shows changes only
when the order moves. So the answer (the page's rendered result, the JSON payload and,
once the page has been shown, the whole page) is kept per language in the cache for a few
minutes and forgotten as soon as the order changes (`forget`, called by the repair
services after commit). Nothing in it depends on the day it is read: the expected date is
counted from the day the order entered its state, which only a move changes. Misses are
never cached: a guesser must not be able to fill the cache. The cache failing only costs
speed.
"""

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from dreame_service.kit import formats
from repairs import selectors, states
from repairs.models import OrderStatus

logger = logging.getLogger(__name__)

CACHE_SECONDS = 300  # also bounds how stale "what happens next" or a center's phone can be
# Part of the cache key: raised when the answer's shape changes (v2 added "expected_by"), so
# a deploy never serves an answer cached by the code before it (v3: issue 19's wording;
# v4: the whole page, "page").
ANSWER_VERSION = 4


def cache_key(*, order_number: str | None, intake_date, language: str) -> str | None:
    """Where the answer is cached; None for input that can never be a hit."""
    if not (order_number and intake_date):
        return None
    return f"repair-status:v{ANSWER_VERSION}:{order_number}:{intake_date.isoformat()}:{language}"


def lookup(
    *, order_number: str | None, intake_date, language: str, cached: dict | None = None
) -> dict | None:
    """{"html": …, "json": …} for a hit (and "page", the whole page, once the view has
    remembered it), None for any miss.

    `cached` is what the caller already read from `cache_key(…)` (the view reads it in
    the rate limiter's round trip).
    """
    if cached is not None:
        return cached
    found = selectors.repair_status_for(order_number=order_number, intake_date=intake_date)
    if found is None:
        return None
    answer = {
        "html": render_to_string("repairs/_status_result.html", _page_context(found)),
        "json": _json_payload(found),
    }
    key = cache_key(order_number=order_number, intake_date=intake_date, language=language)
    _cache_call(cache.set, key, answer, CACHE_SECONDS)
    return answer


def remember(*, order_number: str | None, intake_date, language: str, answer: dict) -> None:
    """Cache `answer` as it now stands (the view adds the whole page to it). Like the first
    write, it can land just after a move forgot the order: the window is one render, and
    CACHE_SECONDS bounds it, as it bounds every cached answer."""
    key = cache_key(order_number=order_number, intake_date=intake_date, language=language)
    if key is not None:
        _cache_call(cache.set, key, answer, CACHE_SECONDS)


def forget(*, order_number: str, intake_date) -> None:
    """Drop the cached answers of an order that just changed, in every language."""
    if intake_date is None:
        return  # not received yet: there is no public answer to forget
    keys = [
        cache_key(order_number=order_number, intake_date=intake_date, language=code)
        for code, _name in settings.LANGUAGES
    ]
    _cache_call(cache.delete_many, keys)


def _cache_call(method, *args):
    try:
        return method(*args)
    except Exception:
        logger.warning("Cache unreachable for the repair status lookup", exc_info=True)
        return None


def _quote_display(found: selectors.RepairStatus) -> str:
    if found.status != OrderStatus.AWAITING_APPROVAL or found.quote_amount is None:
        return ""
    return formats.format_kzt(found.quote_amount)


def _expected_by(found: selectors.RepairStatus) -> datetime.date | None:
    # The state and when it was entered change only with a move, which forgets the cached
    # answer: the date is cached with the rest.
    return states.expected_by_after(found.status, found.state_entered_at)


def _timeline(found: selectors.RepairStatus) -> list[dict]:
    return [
        {
            "status": entry.status,
            "label": states.timeline_label(entry.status),
            "date": timezone.localdate(entry.at),
            "note": entry.public_note,
        }
        for entry in found.timeline
    ]


def _page_context(found: selectors.RepairStatus) -> dict:
    return {
        "result": found,
        "now_heading": states.now_heading(found.status),
        "current_text": states.current_text(found.status),
        "next_text": states.next_text(found.status),
        "expected_by": _expected_by(found),
        "quote": _quote_display(found),
        "timeline": _timeline(found),
    }


def _json_payload(found: selectors.RepairStatus) -> dict:
    """What the call center's phone system reads out; the same no-PII rule as the page."""
    quote = _quote_display(found)
    phone = found.service_center_phone
    expected_by = _expected_by(found)
    return {
        "order_number": found.order_number,
        "intake_date": found.intake_date.isoformat(),
        "product_model": found.product_model,
        "status": found.status,
        "status_text": states.current_text(found.status),
        "next_step": states.next_text(found.status),
        "expected_by": expected_by.isoformat() if expected_by else None,
        "quote": {
            "amount": int(found.quote_amount),
            "currency": "KZT",
            "display": quote,
            "how_to_approve": _(
                "Answer on «My repair» through the personal link in our e-mails, or call "
                "the service center."
            ),
        }
        if quote and found.quote_amount is not None
        else None,
        "return_shipment": {
            "carrier": found.return_shipment.carrier,
            "tracking_number": found.return_shipment.tracking_number,
        }
        if found.return_shipment
        else None,
        "warranty_end_date": found.warranty_end_date.isoformat()
        if found.warranty_end_date
        else None,
        "service_center": {
            "name": found.service_center_name,
            "city": found.service_center_city,
            "phone": formats.format_phone(phone) if phone else "",
        },
        "timeline": [
            {
                "status": entry["status"],
                "label": entry["label"],
                "date": entry["date"].isoformat(),
                "note": entry["note"],
            }
            for entry in _timeline(found)
        ],
    }
