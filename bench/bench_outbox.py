"""Benchmark: one Celery worker delivers N queued e-mails to a loopback SMTP server.

Not a test. Needs PostgreSQL and Redis, like production; it creates the database if it
is missing:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dreame_bench \\
    REDIS_URL=redis://127.0.0.1:6379/3 SECRET_KEY=bench \\
    .venv/bin/python bench/bench_outbox.py --count 1000

It migrates the database, writes N pending outbox rows and starts a loopback SMTP server
(the tests' aiosmtpd sink, which parses every message it receives) in a process of its own,
as a mail server would be. First it times a bare Python loop that sends the same N messages
(rendered beforehand, outside the timing) over one smtplib connection (connect,
N x MAIL/RCPT/DATA, QUIT). Then it publishes the N tasks plus a duplicate of every tenth
one, and only then starts one worker (`--pool=solo --concurrency=1`) on that queue: the
worker delivers e-mails that are already queued, as the issue asks, and its rate is taken
between the first and the last e-mail's `sent_at` (its boot is not timed). It counts
duplicates (a Message-ID received twice) and lost rows (queued, never received), and prints
both rates, their ratio (issue 23: >= 0.8) and the CPU time each process used per e-mail.
"""

import argparse
import email.policy
import json
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
    from django.db.models import Max, Min

    from dreame_service.celery import app
    from notifications import services
    from notifications.models import Notification
    from notifications.tests.samples import CONTEXTS

    if not settings.REDIS_URL or "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        print("Set DATABASE_URL (PostgreSQL) and REDIS_URL.", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0)
    run = uuid.uuid4().hex[:8]
    queue = f"bench-outbox-{run}"
    sink = _SinkProcess()
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
    rows = Notification.objects.filter(event_key__startswith=f"bench:{run}:")
    ids = list(rows.values_list("pk", flat=True))
    expected = {services.message_id_for(row) for row in rows}
    loop_rate, loop_sink_cpu = _bare_loop(sink, rows, services)
    sink.clear()
    env = {**os.environ, "EMAIL_URL": sink.url, "CELERY_TASK_DEFAULT_QUEUE": queue}
    app.conf.task_default_queue = queue
    app.conf.task_always_eager = False
    for pk in ids:
        services.enqueue_notification(notification_id=pk)
    for pk in ids[::10]:  # redeliveries / sweeper races: must not double-send
        services.enqueue_notification(notification_id=pk)
    sink_cpu_before = sink.cpu_seconds()
    worker = subprocess.Popen(
        [str(ROOT / ".venv/bin/celery"), "-A", "dreame_service", "worker", "--pool=solo",
         "--concurrency=1", "-Q", queue, "--without-gossip", "--without-mingle",
         "--without-heartbeat", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        while rows.filter(status="sent").count() < len(ids):
            if worker.poll() is not None:
                print(worker.stderr.read().decode()[-3000:], file=sys.stderr)
                return 1
            time.sleep(0.1)
        worker_cpu = _cpu_seconds(worker.pid)
        sink_cpu = sink.cpu_seconds() - sink_cpu_before
        time.sleep(1.0)  # let any duplicate land before counting
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        received = sink.stop()

    first, last = rows.aggregate(first=Min("sent_at"), last=Max("sent_at")).values()
    worker_rate = (len(ids) - 1) / (last - first).total_seconds()
    message_ids = Counter(mid for mid in received if mid in expected)
    duplicates = sum(n - 1 for n in message_ids.values())
    lost = len(expected - set(message_ids))
    statuses = Counter(rows.values_list("status", flat=True))
    per_email = 1000 / len(ids)
    print(f"notifications: {len(ids)} (+{len(ids[::10])} duplicate publishes, queued first)")
    print(f"bare loop:     {loop_rate:.0f} e-mails/s (smtplib, one connection, pre-rendered)")
    print(f"one worker:    {worker_rate:.0f} e-mails/s (first to last sent_at)")
    print(f"ratio:         {worker_rate / loop_rate:.2f} of the bare loop")
    print(
        f"cpu per e-mail: server {loop_sink_cpu * per_email:.2f} ms in the loop, "
        f"{sink_cpu * per_email:.2f} ms with the worker; worker {worker_cpu * per_email:.2f} ms "
        "(with its boot)"
    )
    print(f"smtp received: {len(message_ids)}, duplicates: {duplicates}, lost: {lost}")
    print(f"rows:          {dict(statuses)}")
    rows.delete()
    ok = len(message_ids) == len(ids) and duplicates == 0 and lost == 0
    return 0 if ok else 1


def _bare_loop(sink, notifications, services) -> tuple[float, float]:
    """What the SMTP part alone costs: the same messages, rendered first (not timed), sent
    by a plain loop over one smtplib connection; timed from connect to QUIT. Returns its
    rate and the server's CPU seconds."""
    rendered = []
    for notification in notifications:
        message = services.build_message(notification)
        raw = message.message(policy=email.policy.SMTP).as_bytes()
        rendered.append((message.from_email, message.recipients(), raw))
    cpu_before = sink.cpu_seconds()
    started = time.monotonic()
    with smtplib.SMTP(sink.host, sink.port) as smtp:
        for from_email, recipients, raw in rendered:
            smtp.sendmail(from_email, recipients, raw)
    elapsed = time.monotonic() - started
    return len(rendered) / elapsed, sink.cpu_seconds() - cpu_before


class _SinkProcess:
    """The tests' SMTP sink in a process of its own; asked over a pipe what it received."""

    SCRIPT = (
        "import json, logging, sys\n"
        "from notifications.tests.smtp import SmtpSink\n"
        "logging.getLogger('mail.log').setLevel(logging.WARNING)\n"
        "sink = SmtpSink().start()\n"
        "print(sink.port, flush=True)\n"
        "for line in sys.stdin:\n"
        "    if line.strip() == 'clear':\n"
        "        sink.messages.clear(); print('ok', flush=True)\n"
        "    else:\n"
        "        print(json.dumps([m['Message-ID'] for m in sink.messages]), flush=True)\n"
        "        sink.stop(); break\n"
    )

    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-c", self.SCRIPT],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.host, self.port = "127.0.0.1", int(self.process.stdout.readline())
        self.url = f"smtp://{self.host}:{self.port}"

    def clear(self) -> None:
        self.process.stdin.write("clear\n")
        self.process.stdin.flush()
        self.process.stdout.readline()

    def cpu_seconds(self) -> float:
        return _cpu_seconds(self.process.pid)

    def stop(self) -> list[str]:
        self.process.stdin.write("stop\n")
        self.process.stdin.flush()
        received = json.loads(self.process.stdout.readline())
        self.process.wait(timeout=30)
        return received


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
