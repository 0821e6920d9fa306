"""Benchmark: server time of each report at /admin/reports/ (page, CSV, XLSX, the selector).

A script, not a test. Needs PostgreSQL on 127.0.0.1. Run from the project root:

    .venv/bin/python bench/bench_reports.py --database dreame_bench_1m   # data that exists
    .venv/bin/python bench/bench_reports.py --generate 100000            # make its own data

With `--database` it reads an existing, migrated database as it is (the 1M-claims one made
by the generator of issue 22, say): nothing is written there but a support user
`bench-reports` to log in with (migrate is run first, so this branch's migration applies).
Without it, a throw-away database `dreame_bench_reports` is made, migrated and filled with
`manage.py generate_claims --count N`.

In this one process, a support user is logged in with Django's test Client and every report
is requested in interleaved rounds through the whole middleware stack with the production
settings (bench/status_settings.py: DEBUG off): the page (last 12 months, then the whole
period the data covers), the CSV (read to its end: it is streamed) and the XLSX; the
selector alone is timed too, so the template's share shows. Prints a Markdown table: median
and p95 per request, the SQL queries each ran and the table's rows.
"""

import argparse
import statistics
import time
from functools import partial

from _common import (
    PY,
    bench_env,
    fresh_database,
    percentile,
    requests_table,
    run,
    setup_django,
    time_rounds,
    vacuum_analyze,
)

DB_NAME = "dreame_bench_reports"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="an existing database to read (not recreated)")
    parser.add_argument("--generate", type=int, default=100_000, help="claims, without --database")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    env = bench_env(args.database or DB_NAME)
    if not args.database:
        fresh_database(DB_NAME, env)
    run([PY, "manage.py", "migrate", "-v0"], env)
    if not args.database:
        run([PY, "manage.py", "generate_claims", f"--count={args.generate}", "--seed=1"], env)
        vacuum_analyze(env)

    setup_django(env)
    from django.contrib.auth.models import Group, User
    from django.db.models import Max, Min
    from django.test import Client

    from claims.models import Claim
    from repairs.admin.report_views import ReportFilterForm
    from repairs.admin.reports import REPORTS

    support, _created = User.objects.get_or_create(
        username="bench-reports", defaults={"is_staff": True}
    )
    support.groups.add(Group.objects.get(name="support"))
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(support)

    span = Claim.objects.aggregate(first=Min("submitted_at"), last=Max("submitted_at"))
    whole = {}
    if span["first"]:
        whole = {"start": f"{span['first']:%Y-%m}", "end": f"{span['last']:%Y-%m}"}
    claims = Claim.objects.count()
    print(f"{claims} claims; the whole period: {whole or '—'}\n")

    targets = []
    for slug in REPORTS:
        base = f"/admin/reports/{slug}/"
        targets += [
            (f"{slug}: page, last 12 months", base, {}),
            (f"{slug}: page, whole period", base, whole),
            (f"{slug}: CSV, whole period", base, {**whole, "format": "csv"}),
            (f"{slug}: XLSX, whole period", base, {**whole, "format": "xlsx"}),
        ]

    requests_table(
        {name: partial(client.get, url, params) for name, url, params in targets}, args.rounds
    )

    from django.utils import timezone
    from django.utils.datastructures import MultiValueDict

    selectors, rows = {}, {}
    for slug, report in REPORTS.items():
        form = ReportFilterForm.with_defaults(
            MultiValueDict({k: [v] for k, v in whole.items()}), today=timezone.localdate()
        )
        assert form.is_valid(), form.errors
        selectors[slug] = partial(report.selector, form.filters())
        rows[slug] = len(selectors[slug]())
    selector_times = time_rounds(selectors, args.rounds)

    # The usual state between two refreshes: today changed since, read live (the current
    # month is kept per day).
    from repairs import rollups

    rollups.mark_changed([timezone.now()])
    pending = time_rounds(
        {slug: partial(client.get, f"/admin/reports/{slug}/", whole) for slug in REPORTS},
        args.rounds,
    )
    started = time.perf_counter()
    rollups.refresh_stale_months()
    refresh = time.perf_counter() - started
    print("\n| page, whole period, today not rolled up yet | median ms | p95 ms |")
    print("|---|---:|---:|")
    for slug, seconds in pending.items():
        times = [t * 1000 for t in seconds]
        print(f"| {slug} | {statistics.median(times):.0f} | {percentile(times, 0.95):.0f} |")
    print(f"\nThe refresh of the month took {refresh:.1f} s.")

    print("\n| selector alone, whole period | median ms | p95 ms | rows |")
    print("|---|---:|---:|---:|")
    for slug, seconds in selector_times.items():
        times = [t * 1000 for t in seconds]
        print(
            f"| {slug} | {statistics.median(times):.0f} | {percentile(times, 0.95):.0f} "
            f"| {rows[slug]} |"
        )


if __name__ == "__main__":
    main()
