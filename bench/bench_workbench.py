"""Benchmark: server time of the workbench (queue tabs, search, order page) at 10,000 orders.

A script, not a test. Needs PostgreSQL on 127.0.0.1. Run from the project root:

    .venv/bin/python bench/bench_workbench.py [--count 10000] [--rounds 300]

It makes a throw-away database `dreame_bench_workbench`, migrates it, adds a center with a
technician, fills the center with `manage.py generate_orders` (bench data written in bulk),
then, in this one process, logs the technician in with Django's test Client and requests
every URL in interleaved rounds through the whole middleware stack (session, auth, CSRF,
locale, templates) with the production settings (bench/status_settings.py: DEBUG off, plus
the bare view used as a yardstick). Prints a Markdown table: median and p95 per request, and
the SQL queries each request ran.
"""

import argparse
import re
import statistics
import time
from urllib.parse import urlencode

from _common import PY, bench_env, fresh_database, percentile, run, setup_django, vacuum_analyze

DB_NAME = "dreame_bench_workbench"

SETUP = """
from django.contrib.auth.models import Group, User
from repairs.models import ServiceCenter, Technician

center = ServiceCenter.objects.create(
    name="DREAME Сервис Алматы", city="Алматы", postal_address="050000, Алматы, Достык 100",
    phone="+77272440055", email="c@example.kz", working_hours="Пн–Пт 9–18",
)
user = User.objects.create_user("bench-tech", "tech@example.kz", "bench-pass-123")
user.groups.add(Group.objects.get(name="technicians"))
Technician.objects.create(user=user, service_center=center)
print(f"SETUP {center.pk}")
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--pdf-rounds", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep the database of a last run")
    args = parser.parse_args()

    env = bench_env(DB_NAME)  # the workbench reads no cache: PostgreSQL is what is measured
    generated_in = None
    if not args.reuse:
        fresh_database(DB_NAME, env)
        run([PY, "manage.py", "migrate", "-v0"], env)
        out = run([PY, "manage.py", "shell", "-c", SETUP], env, capture_output=True, text=True)
        center_id = re.search(r"SETUP (\d+)", out.stdout).group(1)
        started = time.perf_counter()
        generate = [PY, "manage.py", "generate_orders", f"--center-id={center_id}"]
        run([*generate, f"--count={args.count}", "--seed=1"], env)
        generated_in = time.perf_counter() - started
        vacuum_analyze(env)

    setup_django(env)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from repairs.models import RepairOrder, Technician
    from repairs.states import QUEUE_STATES

    technician = Technician.objects.select_related("user").get(user__username="bench-tech")
    orders = RepairOrder.objects.filter(service_center_id=technician.service_center_id)
    sample = orders.filter(status="in_repair").select_related("claim").order_by("pk")[100]
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(technician.user)

    targets = {
        "bare view (1 pk query, tiny template)": f"/bench/bare/{technician.service_center_id}/"
    }
    for state in QUEUE_STATES:
        targets[f"queue: {state} ({orders.filter(status=state).count()})"] = (
            f"/service/?status={state}"
        )
    targets["queue: in_repair, page 20"] = "/service/?status=in_repair&page=20"
    searches = {
        "search: order number (302 to the order)": sample.display_number.lower(),
        "search: phone": sample.claim.phone.as_national,
        "search: serial number": sample.claim.serial_number.lower(),
        "search: a miss": "nothing-like-this",
    }
    for name, typed in searches.items():
        targets[name] = f"/service/search/?{urlencode({'q': typed})}"
    order_url = f"/service/orders/{sample.pk}/"
    if client.get(order_url).status_code == 200:
        targets["order page (in repair)"] = order_url
    else:
        print(f"(the order page {order_url} does not answer 200 yet: not measured)")

    act_url = f"/service/orders/{sample.pk}/act/"
    if client.get(act_url).status_code == 200:
        targets["act page (printable act with stub)"] = act_url

    expected = {name: client.get(url).status_code for name, url in targets.items()}
    for name, status in expected.items():
        assert status in (200, 302), (name, status)
    queries = {}
    for name, url in targets.items():
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries[name] = len(captured)
    for _ in range(20):  # warm-up: connection, templates, catalogs
        for url in targets.values():
            client.get(url)
    times = {name: [] for name in targets}
    for _round in range(args.rounds):  # interleaved, so a slow spell hits every URL alike
        for name, url in targets.items():
            started = time.perf_counter()
            response = client.get(url)
            times[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == expected[name], (name, response.status_code)

    # The act's PDF: WeasyPrint's layout dominates, so fewer rounds say enough.
    pdf_url = f"/service/orders/{sample.pk}/act.pdf"
    pdf_times, pdf_size = [], 0
    for _round in range(args.pdf_rounds):
        started = time.perf_counter()
        response = client.get(pdf_url)
        pdf_times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        pdf_size = len(response.content)

    if generated_in is not None:
        print(f"\ngenerate_orders --count {args.count}: {generated_in:.1f} s")
    print(f"\n{orders.count()} orders at the center; {args.rounds} interleaved rounds\n")
    print("| request | median ms | p95 ms | SQL queries |")
    print("|---|---|---|---|")
    for name, values in times.items():
        print(
            f"| {name} | {statistics.median(values):.2f} | {percentile(values, 0.95):.2f} "
            f"| {queries[name]} |"
        )
    print(
        f"| act PDF ({pdf_size // 1024} KB, {args.pdf_rounds} renders) "
        f"| {statistics.median(pdf_times):.2f} | {percentile(pdf_times, 0.95):.2f} | – |"
    )


if __name__ == "__main__":
    main()
