"""Benchmark: one Celery worker delivers N queued e-mails to a loopback SMTP server.

Not a test. Needs PostgreSQL and Redis, like production; it creates the database if it
is missing:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dreame_bench \\
    REDIS_URL=redis://127.0.0.1:6379/3 SECRET_KEY=bench \\
    .venv/bin/python bench/bench_outbox.py --count 1000

It migrates the database, writes N pending outbox rows, starts one worker
(`--pool=solo --concurrency=1`) on a queue of its own, publishes the N tasks plus a
duplicate of every tenth one, and waits for every row to be sent. It then checks the
SMTP server got exactly N messages with N distinct Message-IDs, and prints the throughput.
"""

import argparse
import os
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
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        time.sleep(1.0)  # let any duplicate land before counting
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        sink.stop()

    message_ids = Counter(m["Message-ID"] for m in sink.messages)
    duplicates = sum(n - 1 for n in message_ids.values())
    statuses = Counter(rows.values_list("status", flat=True))
    print(f"notifications: {len(ids)} (+{len(ids[::10])} duplicate publishes)")
    print(f"published in:  {published:.2f} s")
    print(f"all sent in:   {elapsed:.2f} s  ->  {len(ids) / elapsed:.0f} e-mails/s, one worker")
    print(f"smtp received: {len(sink.messages)}, duplicates: {duplicates}, rows: {dict(statuses)}")
    Notification.objects.filter(pk__in=ids).delete()
    ok = len(sink.messages) == len(ids) and duplicates == 0
    return 0 if ok else 1


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
