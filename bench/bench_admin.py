"""Benchmark: server time of support's admin (lists, filters, searches, pages), 100,000 claims.

A script, not a test. Needs PostgreSQL on 127.0.0.1. Run from the project root:

    .venv/bin/python bench/bench_admin.py [--count 100000] [--rounds 30]
    .venv/bin/python bench/bench_admin.py --reuse      # same data, new migrations applied
    .venv/bin/python bench/bench_admin.py --database dreame_bench1m --floor --rounds 5

It makes a throw-away database `dreame_bench_admin`, migrates it and fills it with
`manage.py generate_claims` (bench data written in bulk: 10 centers, 90% of the claims with
a repair order, the rest waiting, rejected or withdrawn, each with its history), then, in
this one process, logs a support agent in with Django's test Client and requests every URL
in interleaved rounds through the whole middleware stack (session, auth, CSRF, locale,
templates) with the production settings (bench/status_settings.py: DEBUG off). Prints a
Markdown table: median and p95 per request, the SQL queries each ran, and whether a search
found the claim it looked for (on the list, or the claim's page a single match opens: the
redirect is what is timed). A URL that answers neither 200 nor that redirect is listed, not
measured.

With `--database` it reads an existing database as it is (the million claims of issue 22,
say): migrate is run (so this branch's indexes apply), a support user `bench-support` is
added if missing, nothing is regenerated. `--floor` measures only issue 23's six requests
(claim list, phone, name and number searches, order list, dashboard).
"""

import argparse
import os
import statistics
import time
from urllib.parse import urlencode

from _common import PY, bench_env, fresh_database, percentile, run, setup_django, vacuum_analyze

DB_NAME = "dreame_bench_admin"
# The dashboard with its cached return medians deleted before each request (not timed): the
# medians computed, as on the first page after a return; the row above reads them cached.
COMPUTED = "admin index, the return medians computed"
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
    parser.add_argument("--database", help="an existing database to read (not recreated)")
    parser.add_argument("--floor", action="store_true", help="only issue 23's six requests")
    args = parser.parse_args()

    existing = args.reuse or bool(args.database)
    # The admin reads no cache: PostgreSQL is what is measured.
    env = bench_env(args.database or DB_NAME)
    generated_in = None
    if not existing:
        fresh_database(DB_NAME, env)
    started = time.perf_counter()
    run([PY, "manage.py", "migrate", "-v0"], env)
    migrated_in = time.perf_counter() - started
    if not existing:
        started = time.perf_counter()
        run([PY, "manage.py", "generate_claims", f"--count={args.count}", "--seed=1"], env)
        generated_in = time.perf_counter() - started
    if not args.database:  # a database of its own: fresh statistics; another's as it is
        vacuum_analyze(env)

    setup_django(env)
    from django.contrib.auth.models import Group, User
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from claims.admin import MOST_URGENT_FIRST
    from claims.models import Claim
    from repairs.models import RepairOrder, ServiceCenter

    support, _created = User.objects.get_or_create(
        username="bench-support", defaults={"is_staff": True}
    )
    support.groups.add(Group.objects.get(name="support"))
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

    # A phone several claims share, so the search answers a list (one match would redirect).
    shared_phone = (
        Claim.objects.values("phone")
        .annotate(claims=Count("pk"))
        .filter(claims__gt=1)
        .order_by("phone")
        .values_list("phone", flat=True)
        .first()
    ) or str(waiting.phone)
    phone_claim = Claim.objects.filter(phone=shared_phone).order_by("pk").first()

    # Generated names repeat (at a million, hundreds of claims share one), so the name
    # searched for is the waiting claim's, and the claim the list must show is the first of
    # its namesakes in the list's order (the most urgent answer).
    namesake = Claim.objects.filter(full_name=waiting.full_name).order_by(*MOST_URGENT_FIRST)[0]
    surname = waiting.full_name.split()[-1]
    surname_first = (
        Claim.objects.filter(full_name__icontains=surname).order_by(*MOST_URGENT_FIRST).first()
    )

    # The six requests issue 23 asks under 100 ms at a million claims.
    floor = [
        ("claim list, default order", claims(), None),
        (
            "search: phone `8 (7xx) xxx-xx-xx`",
            claims(q=typed_phone(str(shared_phone))),
            phone_claim,
        ),
        ("search: full name", claims(q=waiting.full_name), namesake),
        ("search: claim number", claims(q=waiting.number), waiting),
        ("order list", ORDERS, None),
        ("admin index (dashboard)", "/admin/", None),
        (COMPUTED, "/admin/", None),
    ]
    # (name, url, the claim the answer must show when the search finds what it looked for)
    targets = (
        floor
        if args.floor
        else [
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
            (
                "search: phone `8 (7xx) xxx-xx-xx`",
                claims(q=typed_phone(str(waiting.phone))),
                waiting,
            ),
            ("search: claim number, lower case", claims(q=waiting.number.lower()), waiting),
            ("search: claim number without CL-", claims(q=waiting.number[3:]), waiting),
            (
                "search: order number `xxxxx-xxxxx`",
                claims(q=order.display_number.lower()),
                order.claim,
            ),
            ("search: e-mail", claims(q=waiting.email.upper()), waiting),
            ("search: serial number", claims(q=waiting.serial_number.lower()), waiting),
            ("search: full name", claims(q=waiting.full_name), namesake),
            ("search: surname", claims(q=surname), surname_first),
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
                order,
            ),
            ("admin index (dashboard)", "/admin/", None),
        ]
    )

    def finds(response, wanted) -> bool:
        """The claim (or order) is on the list, or a single match opened its page."""
        if response.status_code == 302:
            page = ORDERS if isinstance(wanted, RepairOrder) else CLAIMS
            return response["Location"].startswith(f"{page}{wanted.pk}/change/")
        number = getattr(wanted, "display_number", None) or wanted.number
        return number in response.content.decode()

    measured, skipped = {}, []

    def forget_medians():
        try:
            from repairs.admin.dashboard import median_cache_key, median_window_start
        except ImportError:  # the admin before issue 23 cached nothing
            return
        cache.delete(median_cache_key(since=median_window_start(timezone.localdate())))

    def get(name, url):
        if name == COMPUTED:
            forget_medians()
        return client.get(url)

    for name, url, wanted in targets:
        response = get(name, url)
        if response.status_code not in (200, 302) or (
            response.status_code == 302 and wanted is None
        ):
            skipped.append((name, url, response.status_code, response.get("Location", "")))
            continue
        if name == COMPUTED:
            forget_medians()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        found = "–"
        if wanted is not None:
            found = "yes" if finds(response, wanted) else "**no**"
        measured[name] = {"url": url, "queries": len(captured), "found": found, "times": []}
    for _ in range(3):  # warm-up: connection, templates, catalogs, PostgreSQL's caches
        for name, row in measured.items():
            get(name, row["url"])
    for _round in range(args.rounds):  # interleaved, so a slow spell hits every URL alike
        for name, row in measured.items():
            if name == COMPUTED:
                forget_medians()
            started = time.perf_counter()
            response = client.get(row["url"])
            row["times"].append((time.perf_counter() - started) * 1000)
            assert response.status_code in (200, 302), (name, response.status_code)

    if generated_in is not None:
        print(f"\ngenerate_claims --count {args.count}: {generated_in:.0f} s")
    print(f"migrate: {migrated_in:.1f} s")
    print(f"\n{Claim.objects.count()} claims, {RepairOrder.objects.count()} orders; ", end="")
    print(f"{args.rounds} interleaved rounds; load: {os.getloadavg()[0]:.1f}\n")
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
