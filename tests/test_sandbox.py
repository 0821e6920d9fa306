"""dreame_service.kit.sandbox: a call in a child process that the kernel stops at its limits."""

import math
import time

import pytest

from dreame_service.kit import sandbox


def test_it_returns_what_the_call_returns():
    assert sandbox.run_limited(sum, [1, 2, 3], cpu_seconds=2, memory_bytes=64 << 20) == 6


def test_a_call_that_burns_cpu_is_stopped_at_its_limit():
    started = time.monotonic()
    with pytest.raises(sandbox.Overrun):
        # Minutes of arithmetic; the kernel stops the child after one second of CPU.
        sandbox.run_limited(math.factorial, 20_000_000, cpu_seconds=1, memory_bytes=512 << 20)
    assert time.monotonic() - started < 1 + sandbox.WALL_MARGIN_SECONDS


def test_a_call_that_allocates_too_much_is_stopped():
    with pytest.raises(sandbox.Overrun) as caught:
        sandbox.run_limited(bytearray, 1 << 30, cpu_seconds=2, memory_bytes=64 << 20)
    assert "MemoryError" in str(caught.value)


def test_a_call_that_hangs_is_killed_at_the_wall_clock_deadline():
    started = time.monotonic()
    with pytest.raises(sandbox.Overrun):
        sandbox.run_limited(time.sleep, 30, cpu_seconds=1, memory_bytes=64 << 20, wall_seconds=0.5)
    assert time.monotonic() - started < 5


def test_an_exception_in_the_call_is_an_overrun_not_a_crash():
    with pytest.raises(sandbox.Overrun) as caught:
        sandbox.run_limited(int, "not a number", cpu_seconds=1, memory_bytes=64 << 20)
    assert "ValueError" in str(caught.value)
