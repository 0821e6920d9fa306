"""Benchmark: the repair status lookup against a bare Django view, side by side, under gunicorn.

A script, not a test. Needs PostgreSQL and Redis on 127.0.0.1 and Debian's `wrk`
(apt-get install -y wrk). Run from the project root:

    .venv/bin/python bench/bench_status.py [--seconds 3] [--rounds 15] [--workers N] [--threads N]
    .venv/bin/python bench/bench_status.py --outside   # issue 23's outside method, see below

It makes a throw-away database `dreame_bench_status`, seeds one order through the services,
starts gunicorn with the project's configuration (`-c gunicorn.conf.py`: worker class,
workers, threads, access log as in production) and the production settings plus a bare view
(bench/status_settings.py, never the site's URLconf) and TRUST_PROXY_HEADERS=1, then runs
wrk against three URLs in alternating rounds: the bare view (one primary-key query, a tiny
template), the status page (HTML), the JSON API and the seeded claim's «Мой ремонт» page
(its personal link, no cookies). Every request carries a different
X-Forwarded-For, so the rate limiter is paid on every lookup but never trips. Prints a
Markdown table.

`--manifest-static` keeps the production static storage (whitenoise's manifest; the
script runs collectstatic first) instead of the plain one, as a deployed site has it.
`--outside` comes nearer the method issue 23 was measured with from outside: 9 rounds,
every request on its own connection (`Connection: close`: a new client is a new TCP
connection, so the accept, the handshake and gunicorn's per-connection work are paid on
every request, by the bare view alike), and both summaries, the median of per-round ratios
(this script's figure) and the ratio of the medians. Each option can also be set alone.
"""

import argparse
import os
import re
import runpy
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

from _common import PY, ROOT, bench_env, fresh_database, run

GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DB_NAME = "dreame_bench_status"
PORT = 8765

SEED = """
import datetime
from django.contrib.auth.models import User
from django.utils import timezone
from claims import links
from claims.models import WarrantyPolicy
from claims.services import submit_claim
from repairs import services
from repairs.models import ServiceCenter
from repairs.steps import run_step


def step(order, name, *, by, **values):
    return run_step(order, name, by=by, values=values)[0]


by = User.objects.create_superuser("bench", "bench@example.kz", "bench-pass-123")
center = ServiceCenter.objects.create(
    name="DREAME Сервис Алматы", city="Алматы", postal_address="050000, Алматы, Достык 100",
    phone="+77272440055", email="c@example.kz", working_hours="Пн–Пт 9–18",
)
claim = submit_claim(data={
    "full_name": "Тест Тестов", "email": "t@example.kz", "phone": "+77015550123",
    "region": "Алматы", "city": "Алматы", "address": "Абая 1", "postal_code": "050000",
    "product_model": "DREAME L20 Ultra", "serial_number": "SN1", "seller": "Shop",
    "purchase_date": timezone.localdate() - datetime.timedelta(days=90),
    "fault_description": "Не заряжается",
}, policy=WarrantyPolicy.objects.get(country="KZ"))
order = services.approve_claim_and_open_order(claim=claim, service_center=center, by=by)
order = step(order, "register_shipment", by=by, carrier="Kazpost", tracking_number="RR123456785KZ")
order = step(order, "receive", by=by, act_data={
    "serial_number": "SN1", "completeness": "full", "condition": "ok", "has_receipt": True,
    "has_warranty_card": True, "final_verdict": "free_repair", "is_user_fault": False,
})
order = step(order, "start_diagnostics", by=by, note="Проверяем аккумулятор.")
order = step(order, "start_repair", by=by)
token = links.my_token(claim)
print(f"SEED {order.order_number} {order.intake_date.isoformat()} {center.pk} {token}")
"""


def wrk(url, *, seconds, connections, offset, accept="text/html", close=False):
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "-H",
            f"Accept: {accept}",
            "-H",
            "Accept-Language: ru",
            *(["-H", "Connection: close"] if close else []),
            "-s",
            str(ROOT / "bench" / "xff.lua"),
            url,
            "--",
            str(offset),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if bad:
        sys.exit(f"{url}: {bad.group(1)} non-2xx answers (rate limiter tripped?)\n{out}")
    return rps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    # Unset: gunicorn.conf.py's defaults (WEB_CONCURRENCY, GUNICORN_THREADS).
    parser.add_argument("--workers", type=int)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--redis-db", type=int, default=14)
    parser.add_argument("--db", default=DB_NAME, help="the throw-away database's name")
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument("--close", action="store_true", help="a new connection for every request")
    parser.add_argument("--no-access-log", action="store_true")
    parser.add_argument(
        "--manifest-static",
        action="store_true",
        help="the production static storage (runs collectstatic), as a deployed site has it",
    )
    parser.add_argument(
        "--outside", action="store_true", help="issue 23's method: 9 rounds, --close"
    )
    args = parser.parse_args()
    if args.outside:
        args.rounds, args.close = 9, True
    if not shutil.which("wrk"):
        sys.exit("needs wrk: apt-get install -y wrk")

    env = bench_env(
        args.db,
        REDIS_URL=f"redis://127.0.0.1:6379/{args.redis_db}",
        TRUST_PROXY_HEADERS="1",
        ALLOWED_HOSTS="127.0.0.1",
        GUNICORN_BIND=f"127.0.0.1:{args.port}",
    )
    if args.no_access_log:
        env["GUNICORN_ACCESS_LOG"] = ""
    if args.manifest_static:
        env["BENCH_MANIFEST_STATIC"] = "1"
        run([PY, "manage.py", "collectstatic", "--no-input", "-v0"], env)
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    if args.threads:
        env["GUNICORN_THREADS"] = str(args.threads)
    fresh_database(args.db, env)
    run(["redis-cli", "-n", str(args.redis_db), "flushdb"], env, stdout=subprocess.DEVNULL)
    run([PY, "manage.py", "migrate", "-v0"], env)
    seeded = run([PY, "manage.py", "shell", "-c", SEED], env, capture_output=True, text=True)
    number, intake_date, center_pk, token = re.search(
        r"SEED (\S+) (\S+) (\d+) (\S+)", seeded.stdout
    ).groups()

    config = _gunicorn_config(env)
    server = subprocess.Popen(
        [GUNICORN, "-c", "gunicorn.conf.py"],
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,  # the access log: written as in production, not shown
    )
    base = f"http://127.0.0.1:{args.port}"
    targets = {
        "bare view (1 pk query, tiny template)": (f"{base}/bench/bare/{center_pk}/", "text/html"),
        "status page, HTML": (
            f"{base}/partners/repair-status/?order_number={number}&intake_date={intake_date}",
            "text/html",
        ),
        "status API, JSON": (
            f"{base}/api/v1/repair-status/?order_number={number}&intake_date={intake_date}",
            "application/json",
        ),
        # The customer's own page through the personal link, as opened from an e-mail.
        "«Мой ремонт», HTML": (f"{base}/my/{token}/", "text/html"),
    }
    try:
        for _ in range(50):
            try:
                request = urllib.request.Request(
                    targets["status page, HTML"][0],
                    headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.1"},
                )
                body = urllib.request.urlopen(request, timeout=2).read().decode()
                assert "DREAME L20 Ultra" in body, "the lookup did not find the seeded order"
                break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit("gunicorn did not answer")
        offset = 0
        for url, accept in targets.values():  # warm-up: connections, templates, catalogs
            offset += 5_000_000
            wrk(
                url,
                seconds=2,
                connections=args.connections,
                offset=offset,
                accept=accept,
                close=args.close,
            )
        results = {name: [] for name in targets}
        for _round in range(args.rounds):
            for name, (url, accept) in targets.items():
                offset += 5_000_000
                results[name].append(
                    wrk(
                        url,
                        seconds=args.seconds,
                        connections=args.connections,
                        offset=offset,
                        accept=accept,
                        close=args.close,
                    )
                )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    bare_name = next(iter(targets))
    print(
        f"\ngunicorn -c gunicorn.conf.py ({config['worker_class']}, {config['workers']} workers "
        f"x {config['threads']} threads); "
        f"wrk -t1 -c{args.connections} -d{args.seconds}s, {args.rounds} alternating rounds, "
        "a different X-Forwarded-For on every request"
        f"{', a new connection per request' if args.close else ', kept-alive connections'}"
        f"{', no access log' if args.no_access_log else ''}"
        f"{', manifest static storage' if args.manifest_static else ''}\n"
    )
    # This machine's speed drifts between rounds (a shared host), so each endpoint is
    # compared with the bare view of the same round, and the median of those ratios is
    # the figure that counts.
    # The ratio of the medians is printed beside it: it is what a method that reports each
    # endpoint's own median gives, and on a drifting host it can differ by several points.
    print(
        "| endpoint | median req/s | min–max req/s | median of per-round ratios to bare "
        "| ratio of medians |"
    )
    print("|---|---|---|---|---|")
    bare_median = statistics.median(results[bare_name])
    for name, values in results.items():
        ratios = [v / b for v, b in zip(values, results[bare_name], strict=True)]
        print(
            f"| {name} | {statistics.median(values):.0f} | {min(values):.0f}–{max(values):.0f} "
            f"| {statistics.median(ratios):.0%} | {statistics.median(values) / bare_median:.0%} |"
        )


def _gunicorn_config(env: dict) -> dict:
    """The settings gunicorn.conf.py gives under `env`, for the report's header."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)


if __name__ == "__main__":
    main()
