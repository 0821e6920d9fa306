"""Benchmark: one Celery worker delivers N queued e-mails to a loopback SMTP server.

Not a test. Needs PostgreSQL and Redis, like production; it creates the database if it
is missing:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dreame_bench \\
    REDIS_URL=redis://127.0.0.1:6379/3 SECRET_KEY=bench \\
    .venv/bin/python bench/bench_outbox.py --count 1000

It migrates the database, writes N pending outbox rows and, first, times a bare Python loop
that sends the same N messages (rendered beforehand, outside the timing) over one smtplib
connection (connect, N × MAIL/RCPT/DATA, QUIT) to the same loopback SMTP server. It then
starts one worker (`--pool=solo --concurrency=1`) on a queue of its own, waits until the
worker has sent one warm-up row (so its boot is not timed), publishes the N tasks plus a
duplicate of every tenth one, and times until every row is `sent`. It counts, for the
worker, duplicates (a Message-ID received twice) and lost rows (queued, never received),
and prints both rates and their ratio (issue 23: >= 0.8).
"""

import argparse
import email.policy
import os
import smtplib
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dreame_service.settings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()

    import logging

    import django

    _create_database_if_missing(os.environ.get("DATABASE_URL", ""))

    django.setup()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    from django.conf import settings
    from django.core.management import call_command

    from dreame_service.celery import app
    from notifications import services
    from notifications.models import Notification
    from notifications.tests.samples import CONTEXTS
    from notifications.tests.smtp import SmtpSink

    if not settings.REDIS_URL or "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        print("Set DATABASE_URL (PostgreSQL) and REDIS_URL.", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0)
    run = uuid.uuid4().hex[:8]
    queue = f"bench-outbox-{run}"
    sink = SmtpSink().start()
    templates = sorted(CONTEXTS)
    Notification.objects.bulk_create(
        Notification(
            event_key=f"bench:{run}:{i}",
            recipient=f"customer{i}@example.kz",
            template=templates[i % len(templates)],
            language=["ru", "kk", "en"][i % 3],
            context=CONTEXTS[templates[i % len(templates)]],
        )
        for i in range(args.count)
    )
    ids = list(
        Notification.objects.filter(event_key__startswith=f"bench:{run}:").values_list(
            "pk", flat=True
        )
    )
    expected = {services.message_id_for(row) for row in Notification.objects.filter(pk__in=ids)}
    loop_rate = _bare_loop(sink, Notification.objects.filter(pk__in=ids), services)
    with sink.lock:
        sink.messages.clear()
    warm_up = Notification.objects.create(
        event_key=f"bench:{run}:warm-up",
        recipient="warm-up@example.kz",
        template=templates[0],
        language="ru",
        context=CONTEXTS[templates[0]],
    )
    env = {**os.environ, "EMAIL_URL": sink.url, "CELERY_TASK_DEFAULT_QUEUE": queue}
    worker = subprocess.Popen(
        [str(ROOT / ".venv/bin/celery"), "-A", "dreame_service", "worker", "--pool=solo",
         "--concurrency=1", "-Q", queue, "--without-gossip", "--without-mingle",
         "--without-heartbeat", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        app.conf.task_default_queue = queue
        app.conf.task_always_eager = False
        services.enqueue_notification(notification_id=warm_up.pk)
        while not Notification.objects.filter(pk=warm_up.pk, status="sent").exists():
            if worker.poll() is not None:
                print(worker.stderr.read().decode()[-3000:], file=sys.stderr)
                return 1
            time.sleep(0.05)
        started = time.monotonic()
        for pk in ids:
            services.enqueue_notification(notification_id=pk)
        for pk in ids[::10]:  # redeliveries / sweeper races: must not double-send
            services.enqueue_notification(notification_id=pk)
        published = time.monotonic() - started
        rows = Notification.objects.filter(pk__in=ids)
        while rows.filter(status="sent").count() < len(ids):
            if worker.poll() is not None:
                print(worker.stderr.read().decode()[-3000:], file=sys.stderr)
                return 1
            time.sleep(0.02)
        elapsed = time.monotonic() - started
        time.sleep(1.0)  # let any duplicate land before counting
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        sink.stop()

    received = [m["Message-ID"] for m in sink.messages if m["Message-ID"] in expected]
    message_ids = Counter(received)
    duplicates = sum(n - 1 for n in message_ids.values())
    lost = len(expected - set(message_ids))
    statuses = Counter(rows.values_list("status", flat=True))
    worker_rate = len(ids) / elapsed
    print(f"notifications: {len(ids)} (+{len(ids[::10])} duplicate publishes)")
    print(f"bare loop:     {loop_rate:.0f} e-mails/s (smtplib, one connection, pre-rendered)")
    print(f"published in:  {published:.2f} s")
    print(f"all sent in:   {elapsed:.2f} s  ->  {worker_rate:.0f} e-mails/s, one worker")
    print(f"ratio:         {worker_rate / loop_rate:.2f} of the bare loop")
    print(f"smtp received: {len(received)}, duplicates: {duplicates}, lost: {lost}")
    print(f"rows:          {dict(statuses)}")
    Notification.objects.filter(pk__in=[*ids, warm_up.pk]).delete()
    ok = len(received) == len(ids) and duplicates == 0 and lost == 0
    return 0 if ok else 1


def _bare_loop(sink, notifications, services) -> float:
    """What the SMTP part alone costs: the same messages, rendered first (not timed), sent
    by a plain loop over one smtplib connection; timed from connect to QUIT."""
    rendered = []
    for notification in notifications:
        message = services.build_message(notification)
        raw = message.message(policy=email.policy.SMTP).as_bytes()
        rendered.append((message.from_email, message.recipients(), raw))
    started = time.monotonic()
    with smtplib.SMTP(sink.host, sink.port) as smtp:
        for from_email, recipients, raw in rendered:
            smtp.sendmail(from_email, recipients, raw)
    elapsed = time.monotonic() - started
    sink.wait_for(len(rendered), timeout=30)
    return len(rendered) / elapsed


def _create_database_if_missing(url: str) -> None:
    name = url.rsplit("/", 1)[-1]
    if not url.startswith("postgres") or not name:
        return
    exists = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{name}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)


if __name__ == "__main__":
    sys.exit(main())
