"""The portal's own processes for end-to-end tests: gunicorn, a Celery worker, beat.

Each runs from the project's venv against pytest-django's test database (`test_<name>`),
with its output in a log file under var/ that a failing start shows.
"""

import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"


def test_database_url() -> str:
    """The URL of pytest-django's test database, for other processes."""
    source = urlparse(os.environ["DATABASE_URL"])
    return urlunparse(source._replace(path="/" + connection.settings_dict["NAME"]))


test_database_url.__test__ = False  # a helper, not a test, despite its name


class Process:
    """A started process with its log; `stop()` ends it and removes the log."""

    def __init__(self, name: str, args: list[str], env: dict[str, str]):
        self.name = name
        self.log_path = ROOT / "var" / f"{name}.log"
        self.log_path.parent.mkdir(exist_ok=True)
        self._log = open(self.log_path, "w+b")  # noqa: SIM115 - open for the process's life
        self.popen = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_until(self, ready: Callable[[], bool], *, timeout: float = 30) -> "Process":
        """Wait for `ready()`; a process that exits or takes too long fails with its log."""
        deadline = time.monotonic() + timeout
        while not ready():
            if self.popen.poll() is not None or time.monotonic() > deadline:
                self.stop(keep_log=True)
                raise RuntimeError(f"{self.name} did not start:\n{self.log()[-3000:]}")
            time.sleep(0.1)
        return self

    def wait_for_log(self, text: str, *, timeout: float = 30) -> "Process":
        return self.wait_until(lambda: text in self.log(), timeout=timeout)

    def stop(self, *, keep_log: bool = False) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self._log.close()
        if not keep_log:
            self.log_path.unlink(missing_ok=True)


def celery(name: str, *arguments: str, env: dict[str, str]) -> Process:
    return Process(name, [str(VENV_BIN / "celery"), "-A", "dreame_service", *arguments], env)


def celery_worker(name: str, *, queue: str, env: dict[str, str]) -> Process:
    """One worker process on its own queue: parallel runs sharing a Redis never take each
    other's tasks."""
    return celery(
        name,
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        queue,
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
        env=env,
    ).wait_for_log("ready.")


def answers(url: str) -> bool:
    """Whether anything answers HTTP at `url` (any status)."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
