"""Benchmark: `fetch_support_mail` over 1,000 messages in a loopback Dovecot.

Not a test. Needs PostgreSQL and Debian's Dovecot (`apt-get install dovecot-imapd`):

    .venv/bin/python bench/bench_fetch_support_mail.py --count 1000

It creates the throw-away database `dreame_bench_mail`, migrates it, makes 200 claims
with an e-mail of ours each, starts a Dovecot of its own (notifications/tests/imap.py)
and APPENDs the messages: a mix of the test fixtures (notifications/tests/mail/) with a
Message-ID each — Gmail replies matched by their thread headers, Outlook replies in
windows-1251 matched by the claim number in the subject, new koi8-r messages (drafts),
replies with three attachments each (a PNG, a PDF, a zip: the upload checks run) and
out-of-office answers. It then times one run of the command, checks every message was
kept once and filed once, and times a second run that finds nothing new.
"""

import argparse
import io
import sys
import tempfile
import time
from collections import Counter

from _common import PY, bench_env, fresh_database, run, setup_django

DB = "dreame_bench_mail"
MIX = [  # (fixture, share of the messages)
    ("gmail_reply.eml", 60),
    ("outlook_reply.eml", 20),
    ("new_koi8r.eml", 10),
    ("attachments_reply.eml", 5),
    ("autoreply.eml", 5),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    media = tempfile.mkdtemp(prefix="dreame-bench-mail-")
    env = bench_env(DB, DJANGO_SETTINGS_MODULE="dreame_service.settings", PRIVATE_MEDIA_ROOT=media)
    fresh_database(DB, env)
    run([PY, "manage.py", "migrate", "--verbosity", "0"], env)
    setup_django(env)

    from django.core.management import call_command

    from claims.models import StatusEvent
    from claims.tests.factories import ClaimFactory
    from claims.tests.mail import eml, our_email
    from notifications.models import InboundEmail
    from notifications.tests.imap import running_dovecot

    claims = ClaimFactory.create_batch(200)
    refs = [our_email(claim).message_id for claim in claims]
    messages = []
    kinds = [name for name, share in MIX for _ in range(share)]
    for n in range(args.count):
        name, claim = kinds[n % len(kinds)], claims[n % len(claims)]
        raw = eml(name, claim=claim.number, sender=claim.email, ref=refs[n % len(claims)])
        messages.append(_with_message_id(raw, f"<bench-{n:05d}@mail.example.kz>"))

    with running_dovecot() as server:
        started = time.monotonic()
        server.append(*messages)
        appended = time.monotonic() - started
        out = io.StringIO()
        started = time.monotonic()
        call_command("fetch_support_mail", url=server.url, stdout=out)
        first = time.monotonic() - started
        started = time.monotonic()
        call_command("fetch_support_mail", url=server.url, stdout=io.StringIO())
        second = time.monotonic() - started
        unseen = server.unseen()

    states = Counter(InboundEmail.objects.values_list("state", flat=True))
    replies = StatusEvent.objects.filter(transition="email_reply").count()
    size = sum(len(m) for m in messages)
    print(f"messages:      {args.count} ({size / 1e6:.1f} MB), appended in {appended:.1f} s")
    print(f"first run:     {first:.2f} s  ->  {args.count / first:.0f} messages/s")
    print(f"               {out.getvalue().strip()}")
    print(f"second run:    {second:.2f} s (nothing new)")
    print(f"rows: {dict(states)}; history rows: {replies}; unseen left: {unseen}")
    not_filed = {"new_koi8r.eml", "autoreply.eml"}  # drafts, set aside
    expected_filed = sum(1 for n in range(args.count) if kinds[n % len(kinds)] not in not_filed)
    ok = (
        sum(states.values()) == args.count
        and replies == expected_filed == states.get("filed", 0)
        and unseen == 0
    )
    return 0 if ok else 1


def _with_message_id(raw: bytes, message_id: str) -> bytes:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"message-id:")]
    return b"\r\n".join([f"Message-ID: {message_id}".encode(), *lines]) + b"\r\n\r\n" + body


if __name__ == "__main__":
    sys.exit(main())
