import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_limits():
    """Each test starts with every rate-limit count at zero (they live in the cache)."""
    cache.clear()
    yield
    cache.clear()
