"""Run one CPU-heavy call on untrusted bytes in a child process that cannot run away.

Decoding an image someone uploaded is the portal's only work whose cost the sender chooses.
In the web process a runaway decode would hold a gunicorn thread (gthread workers are never
killed mid-request) and the worker's memory. In a child it gets a CPU-time limit
(RLIMIT_CPU: the kernel stops it), an address-space limit (RLIMIT_AS: an allocation fails),
a wall-clock deadline (killed), and a lower priority (nice), so the pages around it stay
responsive while several such checks run.

Children come from a fork server (multiprocessing's "forkserver"): a small process started
once per web process with the decoding modules already imported, so a check costs a fork,
not a Python start-up, and never forks the multi-threaded web process itself.
"""

import logging
import multiprocessing
import multiprocessing.forkserver
import os
import resource
from collections.abc import Callable

logger = logging.getLogger(__name__)

_context = multiprocessing.get_context("forkserver")
# Seconds of wall clock a child may take beyond its CPU limit: at its lower priority on a
# busy machine it gets a tenth of a core, so a quarter-second decode may take a few seconds.
WALL_MARGIN_SECONDS = 10
# Lower than the web workers: a check waits for a core, a page does not.
CHILD_NICENESS = 10


class Overrun(Exception):  # noqa: N818 - the child's limit was reached, not a bug here
    """The call used up its CPU, memory or time limit and was stopped."""


def preload(modules: list[str]) -> None:
    """Modules the fork server imports once, before its first child (call at start-up)."""
    _context.set_forkserver_preload(modules)


def start() -> None:
    """Start the fork server now (a web worker's start-up), not on a customer's upload."""
    multiprocessing.forkserver.ensure_running()


def run_limited(
    function: Callable, *args, cpu_seconds: int, memory_bytes: int, wall_seconds: float = 0
):
    """`function(*args)` in a limited child; its return value, or Overrun.

    `function` must be importable by name (a module-level function) and its arguments and
    result picklable. `memory_bytes` is what the child may allocate on top of what it
    started with. An exception inside the child is an Overrun too: the caller treats any
    failure to get an answer the same way (refuse the input).
    """
    receiver, sender = _context.Pipe(duplex=False)
    child = _context.Process(
        target=_child_main,
        args=(sender, function, args, cpu_seconds, memory_bytes),
        daemon=True,
    )
    try:
        child.start()
    except OSError as error:  # no fork server, no process left: the input is not checked
        sender.close()
        receiver.close()
        logger.exception("Could not start a sandboxed child")
        raise Overrun(f"not started: {error!r}") from error
    sender.close()
    try:
        deadline = wall_seconds or cpu_seconds + WALL_MARGIN_SECONDS
        if not receiver.poll(deadline):
            raise Overrun(f"no answer within {deadline} s")
        try:
            ok, value, cpu_seconds, peak_growth = receiver.recv()
        except (EOFError, OSError) as error:  # killed by a limit before it could answer
            raise Overrun(f"stopped: {error!r}") from error
        logger.debug(
            "%s: %.3f s of CPU, +%.1f MB",
            getattr(function, "__qualname__", function),
            cpu_seconds,
            peak_growth / 2**20,
            extra={"cpu_seconds": cpu_seconds, "peak_growth_bytes": peak_growth},
        )
        if not ok:
            raise Overrun(value)
        return value
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
        child.close()


def _child_main(sender, function, args, cpu_seconds, memory_bytes) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (_address_space() + memory_bytes,) * 2)
    os.nice(CHILD_NICENESS)
    resident_at_start = _peak_resident()
    try:
        ok, value = True, function(*args)
    except BaseException as error:  # MemoryError included: reported, not raised
        ok, value = False, repr(error)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    sender.send((ok, value, usage.ru_utime + usage.ru_stime, _peak_resident() - resident_at_start))
    sender.close()


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * resource.getpagesize()


def _peak_resident() -> int:
    """The process's peak resident memory so far (VmHWM), in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0
