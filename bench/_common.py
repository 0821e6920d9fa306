"""What the benchmark scripts share: the paths, a throw-away database, the environment of a
measured run (production settings, DEBUG off), Django set up in the script's own process,
and the percentile of a list of timings. Imported by the scripts as `_common` (they run as
`python bench/<script>.py`, so this folder is on the path)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")


def run(cmd, env, **kwargs):
    return subprocess.run(cmd, env=env, check=True, cwd=ROOT, **kwargs)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def bench_env(db_name: str, **overrides: str) -> dict:
    """The environment of a run on PostgreSQL's `db_name` with the production settings plus
    the bench's bare view (bench/status_settings.py); `overrides` adds or replaces."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.status_settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db_name}",
        "REDIS_URL": "",  # no cache: PostgreSQL is what is measured, unless overridden
        "SECRET_KEY": "bench-only-" + secrets.token_hex(20),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "testserver",
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
        **overrides,
    }


def fresh_database(db_name: str, env: dict) -> None:
    """Drop and create the throw-away database `db_name` (never the site's)."""
    run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", db_name], env)
    run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db_name], env)


def vacuum_analyze(env: dict) -> None:
    """Fresh planner statistics after a bulk load, as a long-running database has them."""
    analyze = "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')"
    run([PY, "manage.py", "shell", "-c", analyze], env)


def setup_django(env: dict) -> None:
    """Django in this process, under `env`: requests go through the test Client."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def time_rounds(calls: dict, rounds: int) -> dict[str, list[float]]:
    """Each call once a round, `rounds` interleaved rounds (a slow spell of the shared host
    hits them all alike): the seconds each took, per name."""
    import time

    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - started)
    return times


def read_whole(response):
    """The response read to its end: a streamed download is timed whole."""
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def requests_table(requests: dict, rounds: int) -> None:
    """Print a Markdown table of `requests` (name: a call returning a test Client's
    response): each checked to answer 200 and its SQL counted once, then timed in
    interleaved rounds; median and p95 in ms."""
    import statistics

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    answering, queries = {}, {}
    for name, request in requests.items():
        status = read_whole(request()).status_code
        if status != 200:
            print(f"- {name}: HTTP {status}, not measured")
            continue
        with CaptureQueriesContext(connection) as captured:
            read_whole(request())
        answering[name], queries[name] = request, len(captured)
    times = time_rounds(
        {name: lambda r=r: read_whole(r()) for name, r in answering.items()}, rounds
    )
    print("| request | median ms | p95 ms | queries |")
    print("|---|---:|---:|---:|")
    for name, seconds in times.items():
        ms = [t * 1000 for t in seconds]
        median, p95 = statistics.median(ms), percentile(ms, 0.95)
        print(f"| {name} | {median:.0f} | {p95:.0f} | {queries[name]} |")
