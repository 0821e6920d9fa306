"""Benchmark: server time of support's admin (lists, filters, searches, pages), 100,000 claims.

A script, not a test. Needs PostgreSQL on 127.0.0.1. Run from the project root:

    .venv/bin/python bench/bench_admin.py [--count 100000] [--rounds 30]
    .venv/bin/python bench/bench_admin.py --reuse      # same data, new migrations applied

It makes a throw-away database `dreame_bench_admin`, migrates it and fills it with
`manage.py generate_claims` (bench data written in bulk: 10 centers, 90% of the claims with
a repair order, the rest waiting, rejected or withdrawn, each with its history), then, in
this one process, logs a support agent in with Django's test Client and requests every URL
in interleaved rounds through the whole middleware stack (session, auth, CSRF, locale,
templates) with the production settings (bench/status_settings.py: DEBUG off). Prints a
Markdown table: median and p95 per request, the SQL queries each ran, and whether a search
found the claim it looked for. A URL that does not answer 200 is listed, not measured.
"""

import argparse
import statistics
import time
from urllib.parse import urlencode

from _common import PY, bench_env, fresh_database, percentile, run, setup_django, vacuum_analyze

DB_NAME = "dreame_bench_admin"
CLAIMS = "/admin/claims/claim/"
ORDERS = "/admin/repairs/repairorder/"


def typed_phone(e164: str) -> str:
    """`+77012345678` as a customer writes it on the phone: `8 (701) 234-56-78`."""
    digits = e164.removeprefix("+7")
    return f"8 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep the data of a last run")
    args = parser.parse_args()

    env = bench_env(DB_NAME)  # the admin reads no cache: PostgreSQL is what is measured
    generated_in = None
    if not args.reuse:
        fresh_database(DB_NAME, env)
    started = time.perf_counter()
    run([PY, "manage.py", "migrate", "-v0"], env)
    migrated_in = time.perf_counter() - started
    if not args.reuse:
        started = time.perf_counter()
        run([PY, "manage.py", "generate_claims", f"--count={args.count}", "--seed=1"], env)
        generated_in = time.perf_counter() - started
    vacuum_analyze(env)

    setup_django(env)
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from claims.models import Claim
    from repairs.models import RepairOrder, ServiceCenter

    support = User.objects.get(username="bench-support")
    waiting = Claim.objects.filter(status="submitted").order_by("pk")[100]
    order = RepairOrder.objects.select_related("claim").order_by("pk")[100]
    center = ServiceCenter.objects.order_by("pk")[1]
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(support)

    today = timezone.localdate()
    today_params = {
        "submitted_at__year": today.year,
        "submitted_at__month": today.month,
        "submitted_at__day": today.day,
    }

    def claims(**params):
        return f"{CLAIMS}?{urlencode(params)}" if params else CLAIMS

    # (name, url, text the answer must hold when the search finds what it looked for)
    targets = [
        ("claim list, default order", claims(), None),
        ("claim list, page 50", claims(p=50), None),
        ("filter: status submitted", claims(status__exact="submitted"), None),
        ("filter: status approved", claims(status__exact="approved"), None),
        ("filter: verdict paid repair", claims(verdict__exact="paid_repair"), None),
        (
            f"filter: center ({center.city})",
            claims(service_center=center.pk),
            None,
        ),
        ("filter: region", claims(region="Алматинская область"), None),
        ("filter: reply overdue", claims(reply_clock="overdue"), None),
        ("filter: reply due within 3 days", claims(reply_clock="soon"), None),
        ("filter: reply due later", claims(reply_clock="later"), None),
        ("filter: submitted today", claims(submitted="today"), None),
        ("claims of today as year/month/day lookups", claims(**today_params), None),
        ("search: phone `8 (7xx) xxx-xx-xx`", claims(q=typed_phone(str(waiting.phone))), waiting),
        ("search: claim number, lower case", claims(q=waiting.number.lower()), waiting),
        ("search: claim number without CL-", claims(q=waiting.number[3:]), waiting),
        ("search: order number `xxxxx-xxxxx`", claims(q=order.display_number.lower()), order.claim),
        ("search: e-mail", claims(q=waiting.email.upper()), waiting),
        ("search: serial number", claims(q=waiting.serial_number.lower()), waiting),
        ("search: full name", claims(q=waiting.full_name), waiting),
        ("search: surname", claims(q=waiting.full_name.split()[-1]), waiting),
        ("search: the commonest surname", claims(q="Ким"), None),
        ("search: a miss", claims(q="nothing-like-this"), None),
        ("claim page (waiting)", f"{CLAIMS}{waiting.pk}/change/", None),
        ("claim page (approved, with order)", f"{CLAIMS}{order.claim_id}/change/", None),
        ("order list", ORDERS, None),
        ("order list: status in repair", f"{ORDERS}?status__exact=in_repair", None),
        (
            "order list: center and status (dashboard link)",
            f"{ORDERS}?status__exact=in_repair&service_center__id__exact={center.pk}",
            None,
        ),
        (
            "order list: search order number",
            f"{ORDERS}?{urlencode({'q': order.display_number.lower()})}",
            order.claim,
        ),
        ("admin index (dashboard)", "/admin/", None),
    ]

    measured, skipped = {}, []
    for name, url, wanted in targets:
        response = client.get(url)
        if response.status_code != 200:
            skipped.append((name, url, response.status_code, response.get("Location", "")))
            continue
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        found = "–"
        if wanted is not None:
            found = "yes" if wanted.number in response.content.decode() else "**no**"
        measured[name] = {"url": url, "queries": len(captured), "found": found, "times": []}
    for _ in range(3):  # warm-up: connection, templates, catalogs, PostgreSQL's caches
        for row in measured.values():
            client.get(row["url"])
    for _round in range(args.rounds):  # interleaved, so a slow spell hits every URL alike
        for name, row in measured.items():
            started = time.perf_counter()
            response = client.get(row["url"])
            row["times"].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code)

    if generated_in is not None:
        print(f"\ngenerate_claims --count {args.count}: {generated_in:.0f} s")
    print(f"migrate: {migrated_in:.1f} s")
    print(f"\n{Claim.objects.count()} claims, {RepairOrder.objects.count()} orders; ", end="")
    print(f"{args.rounds} interleaved rounds\n")
    print("| request | median ms | p95 ms | SQL queries | finds it |")
    print("|---|---|---|---|---|")
    for name, row in measured.items():
        values = row["times"]
        print(
            f"| {name} | {statistics.median(values):.1f} | {percentile(values, 0.95):.1f} "
            f"| {row['queries']} | {row['found']} |"
        )
    for name, url, status, location in skipped:
        print(f"| {name} | not measured: {status} {location} (`{url}`) | | | |")


if __name__ == "__main__":
    main()
