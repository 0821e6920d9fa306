"""The per-client limit: counts in the cache (locmem or the real Redis), resets, fails open."""

import time
import uuid

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from dreame_service.kit import ratelimit
from repairs.public.status import RATE_LIMIT_SCOPE

URL = "/partners/repair-status/"
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def clock(monkeypatch):
    """The limiter's clock, so a test can step past the window instead of sleeping."""
    now = {"t": 1_800_000_000.0}
    monkeypatch.setattr(ratelimit.time, "time", lambda: now["t"])
    return now


@pytest.fixture
def locmem(settings):
    settings.CACHES = {**settings.CACHES, **LOCMEM}
    caches["default"].clear()


@pytest.fixture
def real_redis(settings, redis_url):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "dreame-test-ratelimit",
        },
    }


def _hits(n, **kwargs):
    return [ratelimit.hit(**kwargs) for _ in range(n)]


@pytest.mark.parametrize("store", ["locmem", "real_redis"])
def test_the_limit_triggers_after_the_allowed_hits_and_resets_with_the_window(
    request, store, clock
):
    request.getfixturevalue(store)
    key = f"198.51.100.7-{uuid.uuid4()}"
    limits = _hits(4, scope="t", key=key, limit=3, window_seconds=60)
    assert [v.is_limited for v in limits] == [False, False, False, True]
    assert [v.count for v in limits] == [1, 2, 3, 4]
    assert 1 <= limits[-1].retry_after <= 60
    # Another client is not affected.
    assert not ratelimit.is_limited(scope="t", key="198.51.100.8", limit=3, window_seconds=60)
    clock["t"] += 60  # the next window
    assert not ratelimit.is_limited(scope="t", key=key, limit=3, window_seconds=60)
    ratelimit.reset(scope="t", key=key, window_seconds=60)
    ratelimit.reset(scope="t", key="198.51.100.8", window_seconds=60)


def test_the_redis_counter_expires_by_itself(real_redis, clock):
    ratelimit.hit(scope="t-exp", key="203.0.113.1", limit=3, window_seconds=60)
    cache = caches["default"]
    index = int(clock["t"] // 60)
    redis_key = cache.make_and_validate_key(f"rl:t-exp:203.0.113.1:{index}")
    client = cache._cache.get_client(redis_key)
    assert 0 < client.ttl(redis_key) <= 61
    assert cache.get(f"rl:t-exp:203.0.113.1:{index}") == 1
    cache.delete(f"rl:t-exp:203.0.113.1:{index}")


@pytest.fixture
def dead_redis(settings):
    """Redis configured but not answering; the limiter's own memory starts empty."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    ratelimit.forget_local_state()
    yield
    ratelimit.forget_local_state()


def test_with_the_store_down_the_limit_holds_in_the_process(dead_redis, caplog):
    key = f"198.51.100.9-{uuid.uuid4()}"
    verdicts = _hits(31, scope="t-down", key=key, limit=30, window_seconds=600)
    assert [v.is_limited for v in verdicts] == [False] * 30 + [True]
    assert not ratelimit.is_limited(
        scope="t-down", key="198.51.100.10", limit=30, window_seconds=600
    )
    # Said once, not per request.
    warnings = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(warnings) == 1


def test_with_the_store_down_only_the_first_hit_waits_for_it(dead_redis, monkeypatch):
    attempts = []
    real_count = ratelimit._count_in_cache

    def counting(*args, **kwargs):
        attempts.append(1)
        return real_count(*args, **kwargs)

    monkeypatch.setattr(ratelimit, "_count_in_cache", counting)
    started = time.monotonic()
    _hits(20, scope="t-down", key="203.0.113.20", limit=30, window_seconds=600)
    # One connection attempt (0.2 s at most), then five seconds of counting locally.
    assert len(attempts) == 1
    assert time.monotonic() - started < 1.0


def test_the_local_counts_start_a_new_window_like_the_store(dead_redis, clock):
    for _ in range(3):
        ratelimit.hit(scope="t-down", key="203.0.113.21", limit=3, window_seconds=60)
    assert ratelimit.is_limited(scope="t-down", key="203.0.113.21", limit=3, window_seconds=60)
    clock["t"] += 60
    assert not ratelimit.is_limited(scope="t-down", key="203.0.113.21", limit=3, window_seconds=60)


def test_the_local_counts_stay_bounded(monkeypatch):
    counts = ratelimit.LocalCounts()
    monkeypatch.setattr(ratelimit.LocalCounts, "MAX_KEYS", 100)
    for n in range(250):
        counts.hit(f"k{n}", window_end=2_000.0, now=1_000.0)
    assert len(counts._counts) <= 100


@pytest.mark.django_db
def test_the_status_lookup_limit_holds_with_redis_down(client, dead_redis, settings):
    settings.REPAIR_STATUS_RATE_LIMIT = 30
    query = {"order_number": "7KQ2M-9XW4D", "intake_date": "2026-01-15"}
    codes = [client.get(URL, query).status_code for _ in range(31)]
    assert codes[:30] == [404] * 30
    assert codes[30] == 429


# --- Who the client is ------------------------------------------------------------------


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get(URL, **extra)


def test_the_forwarded_header_is_ignored_unless_proxy_headers_are_trusted(settings):
    settings.TRUST_PROXY_HEADERS = False
    request = _request("10.0.0.5", forwarded="203.0.113.9")
    assert ratelimit.client_address(request) == "10.0.0.5"


def test_behind_the_proxy_the_client_is_the_address_the_proxy_appended(settings):
    settings.TRUST_PROXY_HEADERS = True
    # The client forged the first entry; our proxy appended the real one last.
    request = _request("10.0.0.5", forwarded="1.1.1.1, 203.0.113.9")
    assert ratelimit.client_address(request) == "203.0.113.9"
    assert ratelimit.client_address(_request("10.0.0.5")) == "10.0.0.5"


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("2001:db8:abcd:12:1::7", "2001:db8:abcd:12::/64"),
        ("2001:db8:abcd:12:ffff:ffff:ffff:ffff", "2001:db8:abcd:12::/64"),
        ("2001:db8:abcd:13::1", "2001:db8:abcd:13::/64"),
        ("::ffff:198.51.100.4", "198.51.100.4"),
        ("198.51.100.4", "198.51.100.4"),
        ("garbage", "unknown"),
    ],
)
def test_ipv6_clients_are_counted_per_64(settings, address, expected):
    settings.TRUST_PROXY_HEADERS = False
    assert ratelimit.client_address(_request(address)) == expected


@pytest.mark.django_db
def test_one_ipv6_subscriber_cannot_dodge_the_limit_by_rotating_addresses(client, settings, locmem):
    settings.REPAIR_STATUS_RATE_LIMIT = 3
    statuses = [
        client.get(
            URL,
            {"order_number": "ZZZZZZZZZZ", "intake_date": "2025-01-01"},
            REMOTE_ADDR=f"2001:db8:1:2::{n:x}",
        ).status_code
        for n in range(1, 6)
    ]
    assert statuses == [404, 404, 404, 429, 429]
    # The neighbouring /64 is someone else.
    other = client.get(
        URL,
        {"order_number": "ZZZZZZZZZZ", "intake_date": "2025-01-01"},
        REMOTE_ADDR="2001:db8:1:3::1",
    )
    assert other.status_code == 404


@pytest.mark.django_db
def test_a_forged_forwarded_header_does_not_reset_the_count(client, settings, locmem):
    settings.REPAIR_STATUS_RATE_LIMIT = 2
    settings.TRUST_PROXY_HEADERS = False
    query = {"order_number": "ZZZZZZZZZZ", "intake_date": "2025-01-01"}
    statuses = [
        client.get(URL, query, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(4)
    ]
    assert statuses == [404, 404, 429, 429]


@pytest.mark.django_db
def test_behind_the_proxy_each_real_client_has_its_own_count(client, settings, locmem):
    settings.REPAIR_STATUS_RATE_LIMIT = 1
    settings.TRUST_PROXY_HEADERS = True
    query = {"order_number": "ZZZZZZZZZZ", "intake_date": "2025-01-01"}
    first = client.get(URL, query, HTTP_X_FORWARDED_FOR="203.0.113.1", secure=True)
    second = client.get(URL, query, HTTP_X_FORWARDED_FOR="203.0.113.2", secure=True)
    again = client.get(URL, query, HTTP_X_FORWARDED_FOR="203.0.113.1", secure=True)
    assert (first.status_code, second.status_code, again.status_code) == (404, 404, 429)


@pytest.mark.django_db
def test_the_429_page_is_translated(client, settings, locmem):
    settings.REPAIR_STATUS_RATE_LIMIT = 0
    query = {"order_number": "ZZZZZZZZZZ", "intake_date": "2025-01-01"}
    client.cookies["django_language"] = "kk"
    html = client.get(URL, query).content.decode()
    assert "минуттан кейін қайталап көріңіз" in html
    ratelimit.reset(scope=RATE_LIMIT_SCOPE, key="127.0.0.1", window_seconds=600)
