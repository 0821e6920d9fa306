"""Benchmark: one Celery worker sends N queued WhatsApp messages and SMS to the loopback
provider (a fake Cloud API and SMSC.kz gateway over real HTTP, notifications/tests/loopback.py).

Not a test. Needs PostgreSQL and Redis, like production; it creates the database if it
is missing:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dreame_bench \\
    REDIS_URL=redis://127.0.0.1:6379/3 SECRET_KEY=bench \\
    .venv/bin/python bench/bench_phone_outbox.py --count 1000

It migrates the database, writes N pending phone rows (three in four WhatsApp, one in four
SMS, languages ru/kk/en), starts one worker (`--pool=solo --concurrency=1`) on a queue of
its own pointed at the loopback provider, publishes the N tasks plus a duplicate of every
tenth one, and waits for every row to be sent. It then checks the provider got exactly N
requests, one per row (WhatsApp by `biz_opaque_callback_data`, SMS by `id`), and prints
the throughput.
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
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dreame_service.settings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()

    import django
    from bench_outbox import _create_database_if_missing

    _create_database_if_missing(os.environ.get("DATABASE_URL", ""))
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from dreame_service.celery import app
    from notifications import phone
    from notifications.models import PhoneMessage
    from notifications.tests.loopback import LoopbackProvider
    from notifications.tests.samples import CUSTOMER

    if not settings.REDIS_URL or "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        print("Set DATABASE_URL (PostgreSQL) and REDIS_URL.", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0)
    run = uuid.uuid4().hex[:8]
    queue = f"bench-phone-{run}"
    provider = LoopbackProvider().start()
    PhoneMessage.objects.bulk_create(
        PhoneMessage(
            channel="sms" if i % 4 == 3 else "whatsapp",
            event_key=f"bench:{run}:{i}",
            recipient=f"+7701{i:07d}",
            template="claim_received",
            language=["ru", "kk", "en"][i % 3],
            context=CUSTOMER,
        )
        for i in range(args.count)
    )
    rows = PhoneMessage.objects.filter(event_key__startswith=f"bench:{run}:")
    ids = list(rows.values_list("pk", flat=True))
    env = {
        **os.environ,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "WHATSAPP_API_URL": provider.whatsapp_url,
        "WHATSAPP_PHONE_NUMBER_ID": "109876543210",
        "WHATSAPP_ACCESS_TOKEN": "bench-token",
        "SMS_API_URL": provider.url,
        "SMS_LOGIN": "bench",
        "SMS_PASSWORD": "bench",
        "SMS_SEND_HOURS": "00-24",
    }
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
            phone.enqueue_phone_message(message_id=pk)
        for pk in ids[::10]:  # redeliveries / sweeper races: must not double-send
            phone.enqueue_phone_message(message_id=pk)
        published = time.monotonic() - started
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
        provider.stop()

    requests = list(provider.requests)
    per_row = Counter(
        r.body.get("biz_opaque_callback_data") if r.provider == "whatsapp" else r.body.get("id")
        for r in requests
    )
    duplicates = sum(n - 1 for n in per_row.values())
    channels = Counter(r.provider for r in requests)
    statuses = Counter(rows.values_list("status", flat=True))
    print(f"phone messages: {len(ids)} (+{len(ids[::10])} duplicate publishes)")
    print(f"published in:   {published:.2f} s")
    print(f"all sent in:    {elapsed:.2f} s  ->  {len(ids) / elapsed:.0f} messages/s, one worker")
    print(f"provider got:   {dict(channels)}, duplicates: {duplicates}, rows: {dict(statuses)}")
    rows.delete()
    ok = len(requests) == len(ids) and duplicates == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
