"""Django's Redis cache, keeping one client per connection pool.

Django builds a new `redis.Redis` for every cache call, and redis-py's constructor is
not cheap (it fills its response-callback table each time): on the repair-status
lookup that was a measurable share of the request. A client is thread-safe and only
wraps its pool, so one per pool serves every thread.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClientRedisCacheClient

    def count_and_get(self, counter_key: str, *, ttl: int, read_key: str | None = None):
        """Increment a counter that expires `ttl` seconds after its first hit and read
        another entry, all in one round trip. Returns (count, value of read_key or None)."""
        counter = self.make_and_validate_key(counter_key)
        pipe = self._cache.get_client(counter, write=True).pipeline(transaction=False)
        # SET NX EX then INCR: the expiry is set once, when the window's counter is created.
        pipe.set(counter, 0, ex=ttl, nx=True)
        pipe.incr(counter)
        if read_key is not None:
            pipe.get(self.make_and_validate_key(read_key))
        results = pipe.execute()
        value = results[2] if read_key is not None else None
        # Django's own serializer for the entry: a private attribute the stubs leave out.
        serializer = self._cache._serializer  # type: ignore[attr-defined]
        return int(results[1]), None if value is None else serializer.loads(value)
