import pytest

from dreame_service.kit import ratelimit
from repairs.public.status import RATE_LIMIT_SCOPE


@pytest.fixture
def fresh_status_rate_limit(settings):
    """The lookup limit at its default, with the test client's count at zero before and after."""
    settings.REPAIR_STATUS_RATE_LIMIT = 30
    settings.REPAIR_STATUS_RATE_WINDOW = 600
    ratelimit.reset(scope=RATE_LIMIT_SCOPE, key="127.0.0.1", window_seconds=600)
    yield
    ratelimit.reset(scope=RATE_LIMIT_SCOPE, key="127.0.0.1", window_seconds=600)
