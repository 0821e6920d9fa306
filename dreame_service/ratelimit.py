"""Per-client rate limits kept in the cache (Redis in production).

A fixed window per (scope, client); when the cache is unreachable the limit fails
open and logs it: a customer must never be refused because Redis is down.
"""

import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def client_address(request) -> str:
    """The client's address; IPv6 counted per /64, the block one subscriber gets.

    Behind our TLS proxy (TRUST_PROXY_HEADERS=1) the client is the last address in
    X-Forwarded-For: the one our proxy appended, which the client cannot forge.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if settings.TRUST_PROXY_HEADERS:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            address = forwarded.rsplit(",", 1)[-1].strip()
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def is_limited(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit for `key` in `scope`; True once more than `limit` hits fall in the window."""
    window = int(time.time() // window_seconds)
    cache_key = f"rl:{scope}:{key}:{window}"
    try:
        first_hit = cache.add(cache_key, 1, timeout=window_seconds + 1)
        count = 1 if first_hit else cache.incr(cache_key)
    except ValueError:
        # The key expired between add and incr: this hit starts a new window.
        return False
    except Exception:
        logger.warning("Rate limit store unreachable; letting %s through", scope, exc_info=True)
        return False
    return count > limit
