"""The support mailbox over IMAP (DESIGN §8): each message kept once, then handed on.

`fetch_support_mail` reads the unseen messages once (the command and beat's task call it):

1. the raw bytes, peeked (BODY.PEEK[] leaves the message unseen);
2. a row per Message-ID (unique: two pollers at once, or a crash before step 3, find the
   row there and store nothing twice), with the raw .eml in the private storage;
3. only after that row is committed, the message is marked \\Seen in the mailbox;
4. every stored row still `received` is handed to settings.SUPPORT_MAIL_HANDLERS (claims
   files it), each row claimed first so that only one poller hands it on.

A message that cannot be read, is too large or answers by itself (an out-of-office, a
bounce) is kept aside with the reason and its raw bytes; nothing is ever answered.
"""

import functools
import hashlib
import logging
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from imapclient import IMAPClient

from notifications.mail_parsing import ParsedMail, hashed_message_id, parse_message
from notifications.models import InboundEmail

logger = logging.getLogger(__name__)

SEEN = b"\\Seen"
BATCH = 50  # messages fetched per IMAP round trip


@dataclass(frozen=True)
class MailboxConfig:
    host: str
    port: int
    username: str
    password: str
    folder: str
    use_ssl: bool


def mailbox_config(url: str) -> MailboxConfig:
    """`imaps://user:password@host:993/INBOX` (or `imap://` for a loopback test server)."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise ImproperlyConfigured("SUPPORT_IMAP_URL must look like imaps://user:pass@host/INBOX")
    use_ssl = parts.scheme == "imaps"
    return MailboxConfig(
        host=parts.hostname,
        port=parts.port or (993 if use_ssl else 143),
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        use_ssl=use_ssl,
    )


@contextmanager
def connect(config: MailboxConfig) -> Iterator[IMAPClient]:
    client = IMAPClient(
        config.host,
        port=config.port,
        ssl=config.use_ssl,
        ssl_context=ssl.create_default_context() if config.use_ssl else None,
        timeout=settings.SUPPORT_IMAP_TIMEOUT_SECONDS,
    )
    try:
        client.login(config.username, config.password)
        client.select_folder(config.folder)
        yield client
    finally:
        try:
            client.logout()
        except Exception:  # the connection may already be gone; nothing left to do
            logger.debug("IMAP logout failed", exc_info=True)


def fetch_support_mail(*, url: str | None = None) -> dict:
    """Read the mailbox once; counts for the command's summary line and beat's log."""
    counts = {"fetched": 0, "stored": 0, "duplicates": 0}
    config = mailbox_config(url or settings.SUPPORT_IMAP_URL)
    with connect(config) as client:
        uids = sorted(client.search(["UNSEEN"]))
        for start in range(0, len(uids), BATCH):
            _fetch_batch(client, uids[start : start + BATCH], counts)
    counts.update(hand_on_received())
    return counts


def _fetch_batch(client: IMAPClient, uids: list[int], counts: dict) -> None:
    limit = settings.SUPPORT_MAIL_MAX_BYTES
    sizes = client.fetch(uids, ["RFC822.SIZE"])
    small = [uid for uid in uids if sizes.get(uid, {}).get(b"RFC822.SIZE", 0) <= limit]
    large = [uid for uid in uids if uid not in small and uid in sizes]
    done = []
    if small:
        for uid, data in client.fetch(small, ["BODY.PEEK[]"]).items():
            raw = data.get(b"BODY[]")
            if isinstance(raw, bytes):
                counts["fetched"] += 1
                _count(counts, store_message(raw=raw))
                done.append(uid)
    if large:
        # Only the headers come down: who sent what, kept aside with the size.
        for uid, data in client.fetch(large, ["BODY.PEEK[HEADER]"]).items():
            header = data.get(b"BODY[HEADER]")
            if isinstance(header, bytes):
                counts["fetched"] += 1
                size = sizes[uid][b"RFC822.SIZE"]
                _count(counts, store_message(raw=header, too_large_size=size))
                done.append(uid)
    if done:
        # After the rows are committed: a crash before this line re-reads the messages
        # next time, and their Message-IDs are already taken (no duplicate).
        client.add_flags(done, [SEEN])


def _count(counts: dict, stored: InboundEmail | None) -> None:
    counts["stored" if stored is not None else "duplicates"] += 1


def store_message(*, raw: bytes, too_large_size: int = 0) -> InboundEmail | None:
    """Keep one message (its raw bytes and what was read in it), once per Message-ID;
    None when it is already kept. A message too large has only its headers in `raw`."""
    parsed = parse_message(raw)
    if too_large_size:
        parsed.aside_reason = InboundEmail.Aside.TOO_LARGE
        parsed.aside_detail = f"{too_large_size} > {settings.SUPPORT_MAIL_MAX_BYTES} bytes"
        parsed.text = parsed.reply_text = ""
        parsed.attachments = []
    if InboundEmail.objects.filter(message_id=parsed.message_id).exists():
        return None
    name = default_storage.save(_raw_name(raw), ContentFile(raw))
    try:
        with transaction.atomic():
            fields = _row_fields(parsed, raw=name, size=too_large_size or len(raw))
            return InboundEmail.objects.create(**fields)
    except IntegrityError:
        # Another poller stored it between our check and our insert.
        default_storage.delete(name)
        return None


def _raw_name(raw: bytes) -> str:
    now = timezone.now()
    return f"mail/{now:%Y/%m}/{hashlib.sha256(raw).hexdigest()[:32]}.eml"


def _row_fields(parsed: ParsedMail, *, raw: str, size: int) -> dict:
    state = InboundEmail.State.ASIDE if parsed.aside_reason else InboundEmail.State.RECEIVED
    return {
        "message_id": parsed.message_id,
        "raw": raw,
        "raw_size": size,
        "sender": parsed.sender,
        "sender_name": parsed.sender_name,
        "subject": parsed.subject,
        "sent_at": parsed.sent_at,
        "in_reply_to": parsed.in_reply_to,
        "references": parsed.references,
        "text": parsed.text,
        "reply_text": parsed.reply_text,
        "attachments": [attachment.describe() for attachment in parsed.attachments],
        "state": state,
        "aside": parsed.aside_reason,
        "reason": parsed.aside_detail,
        "handled_at": timezone.now() if parsed.aside_reason else None,
    }


def reread(inbound: InboundEmail) -> ParsedMail:
    """The message read again from its raw bytes (for its attachments' contents)."""
    if not inbound.raw:
        return ParsedMail(message_id=inbound.message_id)
    with inbound.raw.open("rb") as handle:
        raw = handle.read()
    return parse_message(raw) if raw else ParsedMail(message_id=hashed_message_id(raw))


# --- Handing on ---------------------------------------------------------------------------


@functools.cache
def _handlers() -> list[Callable[[InboundEmail], None]]:
    """The outbox knows no app: settings.SUPPORT_MAIL_HANDLERS (dotted paths) name who
    files a message; each sets the row's state (filed, draft or aside) and saves it."""
    return [import_string(path) for path in settings.SUPPORT_MAIL_HANDLERS]


def hand_on_received() -> dict:
    """Hand every stored, not yet handled message on (also those a crash left behind)."""
    handed = 0
    pks = InboundEmail.objects.filter(state=InboundEmail.State.RECEIVED).order_by("pk")
    for pk in list(pks.values_list("pk", flat=True)):
        handed += hand_on(pk=pk)
    return {"handed": handed}


def hand_on(*, pk: int) -> bool:
    """One message to the handlers, in one transaction with its row claimed: a second
    poller skips the locked row, and finds it handled once the first commits."""
    try:
        with transaction.atomic():
            inbound = (
                InboundEmail.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, state=InboundEmail.State.RECEIVED)
                .first()
            )
            if inbound is None:
                return False
            for handler in _handlers():
                handler(inbound)
            if inbound.state == InboundEmail.State.RECEIVED:  # nobody took it
                inbound.state = InboundEmail.State.DRAFT
                inbound.save(update_fields=["state"])
            return True
    except Exception as error:
        # Never a crash of the poll, never a message lost: support sees it aside.
        logger.exception("E-mail %s could not be filed", pk)
        InboundEmail.objects.filter(pk=pk, state=InboundEmail.State.RECEIVED).update(
            state=InboundEmail.State.ASIDE,
            aside=InboundEmail.Aside.NOT_FILED,
            reason=f"{type(error).__name__}: {error}"[:2000],
            handled_at=timezone.now(),
        )
        return False


def is_configured() -> bool:
    return bool(settings.SUPPORT_IMAP_URL)
