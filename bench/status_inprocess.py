"""Per-request time of the repair status lookup against the bare view, in one process.

A steadier companion to bench_status.py on a host whose speed drifts: no load generator
and no scheduler between the two, just Django's WSGI handler called in a loop with the
same middleware, PostgreSQL and Redis. The endpoints take turns in rounds, and each is
compared with the bare view of its own round, as bench_status.py does. Run bench_status.py
first (it seeds the database `dreame_bench_status`), then from the project root:

    .venv/bin/python bench/status_inprocess.py [--requests 300] [--rounds 15] [--redis-db 14]
    .venv/bin/python bench/status_inprocess.py --profile      # where the time goes, per endpoint
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="per endpoint and round")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--redis-db", type=int, default=14)
    parser.add_argument("--only", help="profile only the endpoints whose name contains this")
    parser.add_argument("--db", default="dreame_bench_status", help="as seeded by bench_status.py")
    parser.add_argument(
        "--profile", action="store_true", help="print cProfile's top functions instead"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.status_settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.db}",
        REDIS_URL=f"redis://127.0.0.1:6379/{args.redis_db}",
        SECRET_KEY="bench-only-" + "x" * 40,
        DEBUG="0",
        TRUST_PROXY_HEADERS="1",
        ALLOWED_HOSTS="127.0.0.1",
        CONN_MAX_AGE="600",
        LOG_LEVEL="ERROR",
    )
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory

    from claims import links
    from repairs.models import RepairOrder, ServiceCenter

    order = RepairOrder.objects.exclude(intake_date=None).first()
    center = ServiceCenter.objects.first()
    query = f"order_number={order.order_number}&intake_date={order.intake_date.isoformat()}"
    targets = {
        "bare view (1 pk query, tiny template)": f"/bench/bare/{center.pk}/",
        "status page, HTML": f"/partners/repair-status/?{query}",
        "status API, JSON": f"/api/v1/repair-status/?{query}",
        # The customer's own page, opened through the personal link as from an e-mail.
        "«Мой ремонт», HTML": f"/my/{links.my_token(order.claim)}/",
    }
    handler, factory = WSGIHandler(), RequestFactory()
    counter = iter(range(10**9))

    def call(url):
        n = next(counter)
        environ = factory.get(
            url,
            # a different client every time, as in bench_status.py
            HTTP_X_FORWARDED_FOR=f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
            HTTP_X_FORWARDED_PROTO="https",
            HTTP_ACCEPT_LANGUAGE="ru",
            SERVER_NAME="127.0.0.1",
        ).environ
        statuses = []
        body = b"".join(handler(environ, lambda status, headers, *a: statuses.append(status)))
        assert statuses[0].startswith("200"), (url, statuses, body[:200])

    for url in targets.values():  # warm-up: connections, templates, catalogs, the answer cache
        for _ in range(200):
            call(url)
    if args.profile:
        for name, url in targets.items():
            if args.only and args.only not in name:
                continue
            profile = cProfile.Profile()
            profile.runcall(lambda url=url: [call(url) for _ in range(args.requests * 5)])
            print(f"\n## {name}\n")
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        return

    results = {name: [] for name in targets}
    for _round in range(args.rounds):
        for name, url in targets.items():
            started = time.perf_counter()
            for _ in range(args.requests):
                call(url)
            results[name].append((time.perf_counter() - started) / args.requests * 1000)
    bare = results[next(iter(targets))]
    print(f"{args.rounds} alternating rounds of {args.requests} requests per endpoint\n")
    print("| endpoint | median ms per request | requests/s of one core | vs bare view |")
    print("|---|---|---|---|")
    for name, values in results.items():
        ms = statistics.median(values)
        # The bare view's time over this one's, round by round: the host's drift cancels out.
        ratio = statistics.median(b / v for b, v in zip(bare, values, strict=True))
        print(f"| {name} | {ms:.3f} | {1000 / ms:.0f} | {ratio:.0%} |")


if __name__ == "__main__":
    main()
