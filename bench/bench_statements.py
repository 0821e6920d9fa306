"""Benchmark: server time of a center's monthly warranty statement (issue 22), at scale.

A script, not a test. Needs PostgreSQL on 127.0.0.1 and an existing, migrated database with
bench data (the 1M-claims one made by `generate_claims --fast`). Run from the project root:

    .venv/bin/python bench/bench_statements.py --database dreame_bench1m [--rounds 5]

The busiest center's statement for the last finished month is prepared through the service
(`prepare_statement`, timed: it snapshots the month's done warranty lines), then support's
page, the print page, the XLSX and the PDF, and the center's own page on the workbench, are
requested in interleaved rounds through the whole middleware stack (Django's test Client,
production settings: bench/status_settings.py). Prints a Markdown table: median and p95 per
request, the SQL queries each ran, and the statement's size. Only a support user
`bench-reports` and the statement itself are written.
"""

import argparse
import statistics
import time

from _common import PY, bench_env, requests_table, run, setup_django


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="an existing database with bench data")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    env = bench_env(args.database)
    run([PY, "manage.py", "migrate", "-v0"], env)
    setup_django(env)
    from django.contrib.auth.models import Group, User
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from repairs.models import RepairOrder, Technician
    from repairs.statements.selectors import first_of_month
    from repairs.statements.services import prepare_statement

    support, _created = User.objects.get_or_create(
        username="bench-reports", defaults={"is_staff": True}
    )
    support.groups.add(Group.objects.get(name="support"))
    month = first_of_month(first_of_month(timezone.localdate()) - timezone.timedelta(days=1))
    center_id = (
        RepairOrder.objects.values("service_center")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("service_center", flat=True)
        .first()
    )
    technician = Technician.objects.filter(service_center_id=center_id).select_related("user")[0]

    prepare_times = []
    for _ in range(3):
        started = time.perf_counter()
        statement = prepare_statement(
            service_center=technician.service_center, month=month, by=support
        )
        prepare_times.append(time.perf_counter() - started)
    lines = statement.lines.count()
    print(
        f"{technician.service_center} — {month:%m.%Y}: {lines} statement lines; "
        f"prepare_statement median {statistics.median(prepare_times) * 1000:.0f} ms\n"
    )

    # A big statement's PDF is made once by a worker and kept (repairs.statements.pdf): time
    # the worker's part here, then the downloads serve the kept file.
    from repairs.statements.kept import version_of
    from repairs.statements.pdf import store_statement_pdf

    started = time.perf_counter()
    store_statement_pdf(statement=statement, version=version_of(statement), language="ru")
    print(f"the worker made the PDF in {time.perf_counter() - started:.1f} s\n")

    office = Client(HTTP_ACCEPT_LANGUAGE="ru")
    office.force_login(support)
    workbench = Client(HTTP_ACCEPT_LANGUAGE="ru")
    workbench.force_login(technician.user)
    admin = f"/admin/statements/{statement.pk}/"
    requests = {
        "support's page (first 200 lines, the month's totals)": lambda: office.get(admin),
        "print page (A4)": lambda: office.get(f"{admin}print/"),
        "XLSX": lambda: office.get(f"{admin}statement.xlsx"),
        "PDF (the kept file)": lambda: office.get(f"{admin}statement.pdf"),
        "the center's page (workbench)": lambda: workbench.get(
            f"/service/statements/{statement.pk}/"
        ),
        "support's page, the last page": lambda: office.get(f"{admin}?page=999"),
    }
    requests_table(requests, args.rounds)


if __name__ == "__main__":
    main()
