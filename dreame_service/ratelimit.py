"""Per-client rate limits kept in the default cache (Redis in production).

A fixed window per (scope, client): the key carries the window's index, so it resets by
itself when the window ends. When the store is unreachable the limit fails open and logs
it: a customer must never be refused because Redis is down.
"""

import functools
import ipaddress
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

from dreame_service.cache import RedisCache

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LimitState:
    is_limited: bool
    count: int
    retry_after: int  # seconds until the window ends and the count starts again
    cached: object = None  # the cache entry asked for with `read`, if any


def client_address(request) -> str:
    """The client's address; IPv6 counted per /64, the block one subscriber gets.

    Behind our TLS proxy (TRUST_PROXY_HEADERS=1) the client is the last address in
    X-Forwarded-For: the one our proxy appended, which the client cannot forge. Without
    that setting the header is ignored, since anyone can send it.
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


@functools.cache
def _networks(cidrs: tuple[str, ...]):
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def is_in_networks(address: str, cidrs) -> bool:
    """Whether a `client_address()` value lies in one of the CIDR networks."""
    if not cidrs or address == "unknown":
        return False
    if "/" in address:  # an IPv6 /64: in the list if its first address is
        address = address.split("/", 1)[0]
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in _networks(tuple(cidrs)))


def _window(window_seconds: int, now: float) -> tuple[int, int]:
    index = int(now // window_seconds)
    retry_after = max(int((index + 1) * window_seconds - now), 1)
    return index, retry_after


def _cache_key(scope: str, key: str, index: int) -> str:
    return f"rl:{scope}:{key}:{index}"


def _count_in_cache(cache, cache_key: str, ttl: int) -> int:
    if cache.add(cache_key, 1, timeout=ttl):
        return 1
    try:
        return cache.incr(cache_key)
    except ValueError:
        # The key expired between add and incr: this hit starts a new window.
        cache.add(cache_key, 1, timeout=ttl)
        return 1


def hit(
    *, scope: str, key: str, limit: int, window_seconds: int, read: str | None = None
) -> LimitState:
    """Count one hit for `key` in `scope` and say whether the client is over `limit`.

    `read` names a cache entry the request will need next; on Redis it is read in the
    same round trip as the count (`LimitState.cached`).
    """
    index, retry_after = _window(window_seconds, time.time())
    cache_key = _cache_key(scope, key, index)
    ttl = window_seconds + 1
    cache = caches["default"]
    cached = None
    try:
        if isinstance(cache, RedisCache):
            count, cached = cache.count_and_get(cache_key, ttl=ttl, read_key=read)
        else:
            count = _count_in_cache(cache, cache_key, ttl)
            cached = cache.get(read) if read is not None else None
    except Exception:
        logger.warning("Rate limit store unreachable; letting %s through", scope, exc_info=True)
        return LimitState(is_limited=False, count=0, retry_after=0)
    return LimitState(is_limited=count > limit, count=count, retry_after=retry_after, cached=cached)


def is_limited(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit for `key` in `scope`; True once more than `limit` hits fall in the window."""
    return hit(scope=scope, key=key, limit=limit, window_seconds=window_seconds).is_limited


def reset(*, scope: str, key: str, window_seconds: int) -> None:
    """Forget the current window's count for `key` (tests; support unblocking a client)."""
    index, _retry_after = _window(window_seconds, time.time())
    try:
        caches["default"].delete(_cache_key(scope, key, index))
    except Exception:
        logger.warning("Rate limit store unreachable; nothing to reset", exc_info=True)
