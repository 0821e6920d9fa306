"""Benchmark: the public pages' mix under `make serve`'s gunicorn, at 1, 2 and 4 processes.

A script, not a test. Needs PostgreSQL and Redis on 127.0.0.1 and Debian's `wrk`
(apt-get install -y wrk). Run from the project root:

    .venv/bin/python bench/bench_public_mix.py [--claims 20000] [--seconds 20] [--runs 3]
        [--connections 32] [--workers 1 2 4]

It makes a throw-away database `dreame_bench_mix` filled by `generate_claims`, collects the
static files, and for each worker count starts gunicorn exactly as `make serve` does
(`-c gunicorn.conf.py`, production settings, DEBUG off, PostgreSQL and Redis) with
WEB_CONCURRENCY set, warms it up, then runs wrk `--runs` times over the mix below, each
request from a different client address (X-Forwarded-For behind TRUST_PROXY_HEADERS=1), so
the status lookup's rate limiter counts every lookup in Redis but never trips. Prints a
Markdown table: requests/s and the 50th and 99th percentile latency, medians of the runs.
wrk runs on the same machine and takes CPU from the server: the figures are a floor.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DB_NAME = "dreame_bench_mix"
PORT = 8766
SAMPLES = 200  # distinct orders and claims the mix draws from

# (share of requests, what) — a guess at a day's public traffic: people reading about the
# warranty and filing claims, customers with a stub or a personal link checking their repair.
MIX = {
    "home": 20,
    "warranty": 10,
    "claim form (GET)": 10,
    "status lookup, found": 25,
    "status lookup, not found": 10,
    "«Мой ремонт»": 25,
}

PATHS = f"""
import datetime, json, random
from claims.links import my_path
from claims.models import Claim
from repairs import codes
from repairs.models import RepairOrder

random.seed(1)
orders = RepairOrder.objects.exclude(intake_date=None).values_list("order_number", "intake_date")
orders = random.sample(list(orders[:5000]), 2 * {SAMPLES})
claims = random.sample(list(Claim.objects.filter(ended_at=None).only("pk", "link_key")[:5000]), {SAMPLES})
year = datetime.timedelta(days=365)
link = codes.status_link
hits = [link(site_url="", order_number=n, intake_date=d) for n, d in orders[:{SAMPLES}]]
misses = [link(site_url="", order_number=n, intake_date=d - year) for n, d in orders[{SAMPLES}:]]
mine = [my_path(claim) for claim in claims]
print("PATHS " + json.dumps({{"hits": hits, "misses": misses, "mine": mine}}))
"""  # noqa: E501 - code for `manage.py shell -c`


def run(cmd, env, **kwargs):
    return subprocess.run(cmd, env=env, check=True, cwd=ROOT, **kwargs)


def paths_of(found: dict) -> dict[str, list[str]]:
    return {
        "home": ["/"],
        "warranty": ["/warranty/"],
        "claim form (GET)": ["/claims/new/"],
        "status lookup, found": found["hits"],
        "status lookup, not found": found["misses"],
        "«Мой ремонт»": found["mine"],
    }


def mix_file(kinds: dict[str, list[str]], shares: dict[str, int], path: Path) -> Path:
    """One path per line, each kind repeated to its share of 1,000 lines."""
    lines = []
    for kind, share in shares.items():
        paths = kinds[kind]
        lines += [paths[i % len(paths)] for i in range(share * 10)]
    path.write_text("\n".join(lines) + "\n")
    return path


def wrk(
    base: str, paths: Path, *, seconds: int, connections: int, offset: int, misses: float
) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-H",
            "Accept-Language: ru",
            "-s",
            str(ROOT / "bench" / "mix.lua"),
            base,
            "--",
            str(paths),
            str(offset),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Socket errors" in out:
        sys.exit(f"errors under load:\n{out}")
    # Only the lookups that find nothing answer 404; nothing else may fail.
    total = int(re.search(r"(\d+) requests in", out).group(1))
    not_ok = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    share = int(not_ok.group(1)) / total if not_ok else 0
    if abs(share - misses) > 0.03:
        sys.exit(f"{share:.1%} non-2xx answers, expected the misses' share only:\n{out}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"\s50%\s+([\d.]+\w+)", out).group(1)),
        "p99": _ms(re.search(r"\s99%\s+([\d.]+\w+)", out).group(1)),
    }


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def check_answers(base: str, found: dict) -> None:
    """Before any load: each kind of path answers as it should (a hit finds its order)."""
    expected = {"/": 200, "/warranty/": 200, "/claims/new/": 200}
    expected.update({found["hits"][0]: 200, found["misses"][0]: 404, found["mine"][0]: 200})
    for path, status in expected.items():
        request = urllib.request.Request(
            base + path, headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.9"}
        )
        try:
            answer = urllib.request.urlopen(request, timeout=5).status
        except urllib.error.HTTPError as error:
            answer = error.code
        if answer != status:
            sys.exit(f"{path} answered {answer}, not {status}")


def serve(env: dict, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [GUNICORN, "-c", "gunicorn.conf.py"],
        env={**env, "WEB_CONCURRENCY": str(workers)},
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,  # the access log: written as in production, not shown
    )
    for _ in range(100):
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{PORT}/", headers={"X-Forwarded-Proto": "https"}
            )
            if urllib.request.urlopen(request, timeout=2).status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    sys.exit("gunicorn did not answer")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=60)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--redis-db", type=int, default=14)
    parser.add_argument(
        "--each-page", action="store_true", help="also each kind alone, at the first --workers"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("needs wrk: apt-get install -y wrk")

    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
        "SECRET_KEY": secrets.token_hex(32),
        "DEBUG": "0",
        "TRUST_PROXY_HEADERS": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_LOG_LEVEL": "warning",
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
    }
    run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], env)
    run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], env)
    run(["redis-cli", "-n", str(args.redis_db), "flushdb"], env, stdout=subprocess.DEVNULL)
    run([PY, "manage.py", "migrate", "-v0"], env)
    run([PY, "manage.py", "collectstatic", "--no-input", "-v0"], env)
    started = time.monotonic()
    run([PY, "manage.py", "generate_claims", "--count", str(args.claims)], env)
    print(f"generated {args.claims} claims in {time.monotonic() - started:.0f} s")
    found = run([PY, "manage.py", "shell", "-c", PATHS], env, capture_output=True, text=True)
    paths = json.loads(re.search(r"PATHS (.*)", found.stdout).group(1))

    rows = []
    alone = {}
    offset = 0
    kinds = paths_of(paths)
    misses = MIX["status lookup, not found"] / 100
    with tempfile.TemporaryDirectory() as folder:
        mix = mix_file(kinds, MIX, Path(folder) / "mix.txt")
        base = f"http://127.0.0.1:{PORT}"
        for workers in args.workers:
            server = serve(env, workers)
            try:
                check_answers(base, paths)
                offset += 10_000_000
                load = {"seconds": args.seconds, "connections": args.connections}
                wrk(base, mix, **{**load, "seconds": 5}, offset=offset, misses=misses)  # warm-up
                runs = []
                for _ in range(args.runs):
                    offset += 10_000_000
                    runs.append(wrk(base, mix, **load, offset=offset, misses=misses))
                    print(f"  {workers} workers: {runs[-1]}", flush=True)
                if args.each_page and workers == args.workers[0]:
                    for kind in MIX:
                        offset += 10_000_000
                        only = mix_file(kinds, {kind: 100}, Path(folder) / "one.txt")
                        miss = 1.0 if kind == "status lookup, not found" else 0.0
                        alone[kind] = wrk(base, only, **load, offset=offset, misses=miss)
            finally:
                stop(server)
            rows.append((workers, runs))
            run(["redis-cli", "-n", str(args.redis_db), "flushdb"], env, stdout=subprocess.DEVNULL)

    threads = os.environ.get("GUNICORN_THREADS") or 4
    print(
        f"\n{args.claims} claims; gunicorn -c gunicorn.conf.py (gthread, {threads} threads per "
        f"process); wrk -t2 -c{args.connections} -d{args.seconds}s --latency, {args.runs} runs "
        f"per row, medians; mix: {', '.join(f'{k} {v}%' for k, v in MIX.items())}\n"
    )
    print("| worker processes | req/s | p50 | p99 | req/s, each run |")
    print("|---|---|---|---|---|")
    for workers, runs in rows:
        rps = [r["rps"] for r in runs]
        print(
            f"| {workers} | {statistics.median(rps):.0f} "
            f"| {statistics.median(r['p50'] for r in runs):.0f} ms "
            f"| {statistics.median(r['p99'] for r in runs):.0f} ms "
            f"| {', '.join(f'{v:.0f}' for v in rps)} |"
        )

    if alone:
        print(f"\nEach kind alone, {args.workers[0]} worker processes, one run each:\n")
        print("| page | req/s | p50 | p99 |")
        print("|---|---|---|---|")
        for kind, result in alone.items():
            print(
                f"| {kind} | {result['rps']:.0f} | {result['p50']:.0f} ms "
                f"| {result['p99']:.0f} ms |"
            )


if __name__ == "__main__":
    main()
