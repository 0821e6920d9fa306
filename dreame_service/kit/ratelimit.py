"""Per-client rate limits kept in the default cache (Redis in production).

A fixed window per (scope, client): the key carries the window's index, so it resets by
itself when the window ends. When the store is unreachable, each process counts in its own
memory instead (`LocalCounts`), so the limits hold per process rather than switching off;
the store is tried again after a few seconds, and the outage is logged once a minute, not
per request. docs/security.md gives the arithmetic of that degraded mode.
"""

import functools
import hashlib
import ipaddress
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches

from dreame_service.kit.cache import RedisCache

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LimitState:
    is_limited: bool
    count: int
    retry_after: int  # seconds until the window ends and the count starts again
    cached: Any = None  # the cache entry asked for with `read`, if any (what the cache holds)


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


class LocalCounts:
    """The counts of one process while the shared store is down: the same fixed windows,
    kept in a dict. Bounded: past MAX_KEYS the ended windows go, and if a flood of new
    clients still fills it, the counts start over (logged) rather than the memory growing."""

    MAX_KEYS = 50_000

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, float]] = {}  # key -> (count, window end)
        self._lock = threading.Lock()

    def hit(self, cache_key: str, *, window_end: float, now: float) -> int:
        with self._lock:
            count, _end = self._counts.get(cache_key, (0, window_end))
            count += 1
            self._counts[cache_key] = (count, window_end)
            if len(self._counts) > self.MAX_KEYS:
                self._prune(now)
            return count

    def _prune(self, now: float) -> None:
        self._counts = {key: v for key, v in self._counts.items() if v[1] > now}
        if len(self._counts) > self.MAX_KEYS:
            logger.warning(
                "Local rate-limit counts full (%d clients); starting over", self.MAX_KEYS
            )
            self._counts.clear()

    def count(self, cache_key: str) -> int:
        with self._lock:
            return self._counts.get(cache_key, (0, 0.0))[0]

    def forget(self, cache_key: str) -> None:
        with self._lock:
            self._counts.pop(cache_key, None)

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


_local_counts = LocalCounts()
# After a failure the store is left alone this long: a dead Redis must not cost every
# request a connection attempt.
STORE_RETRY_SECONDS = 5.0
STORE_DOWN_LOG_SECONDS = 60.0
_store = {"down_until": 0.0, "logged_at": float("-inf")}


def forget_local_state() -> None:
    """Drop this process's own counts and its memory of an outage (tests, between cases)."""
    _local_counts.clear()
    _store.update(down_until=0.0, logged_at=float("-inf"))


def _store_failed(error: Exception, *, now: float) -> None:
    _store["down_until"] = now + STORE_RETRY_SECONDS
    if now - _store["logged_at"] >= STORE_DOWN_LOG_SECONDS:
        _store["logged_at"] = now
        logger.warning(
            "Rate limit store unreachable (%s); counting in this process's memory meanwhile",
            type(error).__name__,
        )


def hit(
    *, scope: str, key: str, limit: int, window_seconds: int, read: str | None = None
) -> LimitState:
    """Count one hit for `key` in `scope` and say whether the client is over `limit`.

    `read` names a cache entry the request will need next; on Redis it is read in the
    same round trip as the count (`LimitState.cached`).
    """
    now = time.time()
    index, retry_after = _window(window_seconds, now)
    cache_key = _cache_key(scope, key, index)
    ttl = window_seconds + 1
    cache = caches["default"]

    def count_in_store():
        if isinstance(cache, RedisCache):
            return cache.count_and_get(cache_key, ttl=ttl, read_key=read)
        return _count_in_cache(cache, cache_key, ttl), (cache.get(read) if read else None)

    count, cached = _ask_store(count_in_store) or (None, None)
    if count is None:
        window_end = (index + 1) * window_seconds
        count = _local_counts.hit(cache_key, window_end=window_end, now=now)
    return LimitState(is_limited=count > limit, count=count, retry_after=retry_after, cached=cached)


def peek(*, scope: str, key: str, window_seconds: int) -> LimitState:
    """The client's count in the current window, without counting this request."""
    index, retry_after = _window(window_seconds, time.time())
    cache_key = _cache_key(scope, key, index)
    count = _ask_store(lambda: caches["default"].get(cache_key))
    if count is None:
        count = _local_counts.count(cache_key)
    return LimitState(is_limited=False, count=int(count), retry_after=retry_after)


def _ask_store(question):
    """`question()` put to the shared store, or None while it is down: after a failure it
    is left alone for STORE_RETRY_SECONDS (a dead Redis must not cost every request)."""
    if time.monotonic() < _store["down_until"]:
        return None
    try:
        return question()
    except Exception as error:
        _store_failed(error, now=time.monotonic())
        return None


@dataclass(frozen=True)
class BodyGuard:
    """A per-client limit on a view's POSTs, declared once: the view counts each POST
    with `hit`, the middleware refuses a client already at the limit with `peek`."""

    scope: str
    limit: int
    window_seconds: int

    def hit(self, request) -> bool:
        """Count this POST; True once the client is over the limit."""
        return is_limited(
            scope=self.scope,
            key=client_address(request),
            limit=self.limit,
            window_seconds=self.window_seconds,
        )

    def peek(self, request) -> LimitState:
        return peek(
            scope=self.scope, key=client_address(request), window_seconds=self.window_seconds
        )


def limited_before_body(guard: BodyGuard):
    """Mark a view whose POSTs count against `guard`: a client already at the limit is
    refused by dreame_service.kit.middleware.BodyGuardMiddleware before its body is read."""

    def mark(view):
        view.limit_before_body = guard
        return view

    return mark


def private_key(value: str) -> str:
    """A limit's key made from personal data (an e-mail, a phone, a link key): hashed, so
    the cache holds none of it."""
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def is_limited(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit for `key` in `scope`; True once more than `limit` hits fall in the window."""
    return hit(scope=scope, key=key, limit=limit, window_seconds=window_seconds).is_limited


def reset(*, scope: str, key: str, window_seconds: int) -> None:
    """Forget the current window's count for `key` (tests; support unblocking a client)."""
    index, _retry_after = _window(window_seconds, time.time())
    cache_key = _cache_key(scope, key, index)
    _local_counts.forget(cache_key)
    try:
        caches["default"].delete(cache_key)
    except Exception:
        logger.warning("Rate limit store unreachable; nothing to reset", exc_info=True)
