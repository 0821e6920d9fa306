"""The e-mail outbox: write a row with the state change, send it at most once per event.

Flow: a domain service calls `queue_email` inside its transaction; after commit the row is
published to Celery; `send_notification` (run by the task) claims the row, and with it up
to a batch of other due rows, with one conditional UPDATE, renders each in the customer's
language and hands them to SMTP over the worker's one kept-open connection. The sweeper
republishes rows the broker never got and recovers rows a dead worker left behind.
"""

import contextlib
import datetime
import email.policy
import functools
import hashlib
import logging
import os
import re
import smtplib
import socket
from collections.abc import Callable

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import connection, transaction
from django.db.models import F
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from notifications import wire
from notifications.models import Notification
from notifications.sent_marks import SentMarks

logger = logging.getLogger(__name__)

# What a retry can cure: the SMTP server or the network. Anything else (a template bug)
# fails the row at once so support sees it instead of a retry storm.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError, ConnectionError, socket.timeout)


class SendLater(Exception):  # noqa: N818 - a signal to the task, not an error
    """The attempt failed on something transient; the task should retry after `countdown`."""

    def __init__(self, *, countdown: float, error: str):
        super().__init__(error)
        self.countdown = countdown


def event_key(*, subject: str, reference: str, event: str, status_event_id: int) -> str:
    """The outbox's name for one e-mail about one step, e.g. `claim:CL-7KQ2M9XW:claim_approved:42`.

    The one place the format is written: services key their e-mails with it and reminders
    look for the key they would write. The StatusEvent id makes a state entered again (a
    second request for information) a new e-mail rather than a duplicate.
    """
    return f"{event_key_prefix(subject=subject, reference=reference)}{event}:{status_event_id}"


def event_key_prefix(*, subject: str, reference: str) -> str:
    """What every event key about one claim or order starts with: `order:7KQ2M9XW4D:`."""
    return f"{subject}:{reference}:"


# The headers a caller may add to its e-mail: the conversation's, nothing that could
# change who gets it or who it seems to come from.
THREAD_HEADERS = ("In-Reply-To", "References")


def queue_email(
    *,
    event_key: str,
    recipient: str,
    template: str,
    language: str,
    context: dict,
    attachments: list[dict] | None = None,
    attach_after_commit: Callable[[], list[dict]] | None = None,
    headers: dict[str, str] | None = None,
) -> Notification:
    """Write the outbox row in the caller's transaction; hand it to Celery after commit.

    A second call for the same (event, recipient) returns the existing row and sends nothing.
    `attach_after_commit` makes a slow attachment (a PDF to render) after the commit,
    outside the caller's locks, and only then is the row handed to Celery. `headers`: the
    thread's In-Reply-To and References (THREAD_HEADERS), for an answer to an e-mail.
    """
    unknown = set(headers or {}) - set(THREAD_HEADERS)
    if unknown:
        raise ValueError(f"The outbox sets no such header: {sorted(unknown)}")
    notification, created = Notification.objects.get_or_create(
        event_key=event_key,
        recipient=recipient,
        defaults={
            "message_id": message_id_of(event_key=event_key, recipient=recipient),
            "template": template,
            "language": language,
            "context": context,
            "attachments": attachments or [],
            "headers": headers or {},
            # A row waiting for its attachments is not due yet, so no other task's batch
            # sends it without them; `_attach_then_enqueue` makes it due.
            **({"next_attempt_at": _attach_hold()} if attach_after_commit else {}),
        },
    )
    if created and attach_after_commit is None:
        transaction.on_commit(lambda: enqueue_notification(notification_id=notification.pk))
    elif created:
        transaction.on_commit(
            lambda: _attach_then_enqueue(notification.pk, make_attachments=attach_after_commit)
        )
    return notification


def _attach_then_enqueue(notification_id: int, *, make_attachments) -> None:
    """The row waits, pending, until its attachments exist. If they cannot be made (logged),
    or this never runs (the process died right after the commit), the e-mail still goes
    without them: the sweeper sends every forgotten pending row."""
    try:
        attachments = make_attachments()
    except Exception:
        logger.exception("Attachments of notification %s could not be made", notification_id)
        attachments = []
    now = timezone.now()
    Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING).update(
        **({"attachments": attachments} if attachments else {}),
        updated_at=now,
        next_attempt_at=now,
    )
    enqueue_notification(notification_id=notification_id)


def _attach_hold() -> datetime.datetime:
    # If the attachments are never made (the process died), the sweeper sends the row this
    # long plus its sweep age after the commit.
    return timezone.now() + datetime.timedelta(seconds=settings.OUTBOX_ATTACH_HOLD_SECONDS)


def existing_event_keys(*, keys) -> set[str]:
    """Which of these event keys the outbox already holds (for any recipient)."""
    return set(
        Notification.objects.filter(event_key__in=list(keys)).values_list("event_key", flat=True)
    )


def enqueue_notification(*, notification_id: int, countdown: float | None = None) -> bool:
    """Publish the send task; if the broker is down the row stays pending for the sweeper.

    Never raises: it runs in the customer's request after the commit. The broker settings
    (no publish retry, no connect-retry loop, 1 s socket timeouts) keep a dead broker cheap.
    """
    from notifications.tasks import send_email_task

    try:
        send_email_task.apply_async(
            args=(notification_id,),
            countdown=countdown,  # type: ignore[arg-type]  # None is Celery's own default: no delay
            retry=False,
        )
    except Exception:
        logger.exception(
            "Could not enqueue notification %s; the sweeper will retry", notification_id
        )
        return False
    return True


def message_id_for(notification: Notification) -> str:
    """The same row always gets the same Message-ID, so a repeat is recognisable."""
    return notification.message_id or message_id_of(
        event_key=notification.event_key, recipient=notification.recipient
    )


def message_id_of(*, event_key: str, recipient: str) -> str:
    """The one place the Message-ID is made (also the 0006 migration's backfill, which
    repeats this line: a migration must not import code that may change)."""
    digest = hashlib.sha256(f"{event_key}|{recipient}".encode()).hexdigest()
    return f"<{digest[:32]}@{settings.OUTBOX_MESSAGE_ID_DOMAIN}>"


@functools.cache
def _render_time_context() -> list[Callable[[dict], dict]]:
    """The outbox's extension point (settings.OUTBOX_RENDER_CONTEXT, dotted paths): what an
    e-mail shows but its outbox row must not keep, made when it is rendered. The outbox
    knows no app; the project's settings name who adds to its e-mails."""
    return [import_string(path) for path in settings.OUTBOX_RENDER_CONTEXT]


def full_context(context: dict) -> dict:
    """The stored snapshot plus what is made when the e-mail is rendered."""
    context = dict(context)
    for function in _render_time_context():
        context.update(function(context))
    return context


def render_email(*, template: str, language: str, context: dict) -> tuple[str, str, str]:
    """Subject, plain-text body and HTML body of one e-mail, in the given language."""
    context = {
        **full_context(context),
        "support_email": settings.SUPPORT_EMAIL,
        "support_phone": settings.SUPPORT_PHONE,
        "site_url": settings.SITE_URL,
    }
    with translation.override(language):
        subject = _render_plain(f"emails/{template}_subject.txt", context)
        text = _render_plain(f"emails/{template}_body.txt", context)
        html = render_to_string(f"emails/{template}_body.html", context)
    # A header cannot hold a newline; templates end with one, translators may add more.
    text = re.sub(r"\n[ \t]*(\n[ \t]*)+\n", "\n\n", text)  # tags leave blank lines behind
    return " ".join(subject.split()), text.strip() + "\n", html


def _render_plain(name: str, context: dict) -> str:
    # Plain text is not HTML: a name like «Ким & Ко» must arrive as typed, not as «&amp;».
    # The DjangoTemplates backend's wrapper holds the engine's Template, which renders a
    # Context; the stubs type get_template() as the engine-neutral protocol.
    template = get_template(name).template  # type: ignore[attr-defined]
    return template.render(Context(context, autoescape=False))


class OutboxEmail(EmailMultiAlternatives):
    def message(self, *, policy=email.policy.default):
        # Python 3.12.1 loses the space where it folds a header between two encoded words,
        # so a long Cyrillic subject would read "одобрена:куда". Folding only at RFC 5322's
        # hard limit keeps the subject in one encoded word; mail clients accept that.
        return super().message(policy=policy.clone(max_line_length=998))


def build_message(notification: Notification) -> EmailMultiAlternatives:
    subject, text, html = render_email(
        template=notification.template,
        language=notification.language,
        context=notification.context,
    )
    message = OutboxEmail(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        reply_to=[settings.SUPPORT_EMAIL],
        headers={
            **{
                name: notification.headers[name]
                for name in THREAD_HEADERS
                if name in notification.headers
            },
            "Message-ID": message_id_for(notification),
            "Content-Language": notification.language,
        },
    )
    message.attach_alternative(html, "text/html")
    for attachment in notification.attachments:
        # From the private storage, read at send time: the row stays small.
        with default_storage.open(attachment["name"], "rb") as handle:
            message.attach(attachment["filename"], handle.read(), attachment["mimetype"])
    return message


def retry_delay(*, attempts: int) -> float:
    """Exponential backoff: base, 2×base, 4×base … capped."""
    exponent = max(attempts - 1, 0)
    return min(settings.OUTBOX_RETRY_BASE_SECONDS * 2**exponent, settings.OUTBOX_RETRY_MAX_SECONDS)


def send_notification(
    *, notification_id: int, batch_size: int = 1, unwaited_marks: bool = False
) -> bool:
    """Send one outbox row if nobody else is; True when this call delivered it.

    With `batch_size` above 1 (the task's OUTBOX_BATCH_SIZE) other due rows go with it over
    the same connection, so a worker's later tasks for them find nothing left to do; while a
    whole batch was due, the next one is claimed in the same call (up to
    OUTBOX_BATCHES_PER_TASK), without a task's overhead between them. Each
    e-mail is rendered while the server still digests the one before it, and each row is
    marked sent as soon as the server has accepted it.
    `unwaited_marks`: the worker's choice (sent_marks.py).
    Raises `SendLater` on a transient failure of that row below the attempt limit.
    """
    # Claim first: a duplicate task, a redelivery or the sweeper may race us. Only the
    # caller whose UPDATE moved a row from pending sends it; everyone else leaves it.
    todo = _claim_batch(notification_id=notification_id, batch_size=batch_size)
    more_batches = settings.OUTBOX_BATCHES_PER_TASK - 1 if len(todo) == batch_size > 1 else 0
    sent: list[int] = []
    stop: tuple[Notification, Exception] | None = None  # a transient failure ends the batch
    in_flight: Notification | None = None  # handed to the server, its answer not read yet
    _marks.unwaited = unwaited_marks
    try:
        while stop is None:
            if not todo and more_batches:
                # The next batch, claimed while the server reads the last one's last e-mail.
                todo = _claim_batch(notification_id=None, batch_size=batch_size)
                more_batches = more_batches - 1 if len(todo) == batch_size else 0
            if not todo:
                break
            notification = todo.pop(0)
            try:
                message = _mail.prepare(build_message(notification))
            except TRANSIENT_ERRORS as error:  # the attachments' storage
                stop = (notification, error)
                break
            except Exception as error:
                _failed_for_good(notification, error=error)
                continue
            taken = None
            if in_flight is not None:
                took, stop = _answer(in_flight)
                taken, in_flight = (in_flight if took else None), None
                if stop is not None:
                    todo.insert(0, notification)
                    break
            try:
                _mail.start(message)
                in_flight = notification
            except TRANSIENT_ERRORS as error:
                stop = (notification, error)
            except Exception as error:  # an address Django refuses to put on the wire
                _failed_for_good(notification, error=error)
            finally:
                if taken is not None:
                    # Marked once the next e-mail is on its way: the UPDATE's round trip
                    # overlaps the server's reading of it.
                    _mark_sent(taken, sent=sent)
        if in_flight is not None:
            took, failure = _answer(in_flight)
            if took:
                _mark_sent(in_flight, sent=sent)
            in_flight = None
            if failure is not None:
                if stop is not None:
                    todo.insert(0, stop[0])  # not sent for another reason; give it back untried
                stop = failure
    finally:
        if in_flight is not None and _answer(in_flight)[0]:  # something unexpected: still
            _mark_sent(in_flight, sent=sent)  # record what reached the server
        _marks.wait()
        _marks.unwaited = False
    if stop is not None:
        _release(todo, error=stop[1])
        _retry_later(stop[0], error=stop[1], own=stop[0].pk == notification_id)
    return notification_id in sent


def _answer(notification: Notification) -> tuple[bool, tuple[Notification, Exception] | None]:
    """Read the server's answer to the e-mail in flight: whether it took it, and the
    transient failure if that is how it ended (the rest of the batch would fail the same
    way). An e-mail the server will never take fails for good here."""
    try:
        _mail.finish()
    except TRANSIENT_ERRORS as error:
        return False, (notification, error)
    except Exception as error:
        _failed_for_good(notification, error=error)
        return False, None
    return True, None


def _failed_for_good(notification: Notification, *, error: Exception) -> None:
    # Not curable by waiting (a broken template, bad data): straight to support.
    logger.error("Notification %s cannot be rendered or sent", notification.pk, exc_info=error)
    _mark(notification, status=Notification.Status.FAILED, last_error=repr(error))


def _claim_batch(*, notification_id: int | None, batch_size: int) -> list[Notification]:
    """Move the given row (if pending) and up to a batch of other due rows to "sending" in
    one statement, and return them as they now are, the given row first.

    `status = pending` is checked again on each row by the UPDATE itself, so two workers
    never both claim a row; on PostgreSQL SKIP LOCKED lets them take disjoint batches
    without waiting on each other. A row in its backoff pause, or waiting for its
    attachments, is not due and stays for its own task.
    """
    table = connection.ops.quote_name(Notification._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    skip_locked = (
        " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    )
    pending, sending = Notification.Status.PENDING, Notification.Status.SENDING
    params: list[object]
    if notification_id is None:  # due rows only, earliest first: read in the due index's order
        which, order, params = "next_attempt_at <= %s", "next_attempt_at", [now]
    else:  # the task's own row first, whatever its next attempt time (a retry's task is due)
        others = " OR next_attempt_at <= %s" if batch_size > 1 else ""
        which = f"(id = %s{others})"
        order = "CASE WHEN id = %s THEN 0 ELSE 1 END, next_attempt_at"
        params = [notification_id, *([now] if others else []), notification_id]
    # MATERIALIZED: picked once. As a plain `id IN (SELECT … LIMIT …)` PostgreSQL may
    # rescan the subquery for each row it updates (a nested loop on a small table), and each
    # rescan skips the rows this statement has just taken: the batch then has no limit.
    sql = (
        f"WITH picked AS MATERIALIZED ("
        f"SELECT id FROM {table} WHERE status = %s AND {which} "
        f"ORDER BY {order} LIMIT %s{skip_locked}) "
        f"UPDATE {table} SET status = %s, attempts = attempts + 1, updated_at = %s "
        f"WHERE status = %s AND id IN (SELECT id FROM picked) RETURNING *"
    )
    params = [pending, *params, batch_size, sending, now, pending]
    batch = list(Notification.objects.raw(sql, params))
    batch.sort(key=lambda row: (row.pk != notification_id, row.next_attempt_at, row.pk))
    return batch


def _mark_sent(notification: Notification, *, sent: list[int]) -> None:
    # The window: if the worker dies between the server's answer and this UPDATE, the server
    # has the e-mail but the row says "sending"; see docs/decisions.md. The sweeper resends
    # it after the stale time. The UPDATE is not waited for (sent_marks.py).
    _marks.mark(notification.pk)
    sent.append(notification.pk)


def _release(notifications: list[Notification], *, error: Exception) -> None:
    """Give back rows this batch claimed but never tried: the attempt does not count, and
    they wait the first backoff step, as the server seems down, before their retry."""
    if not notifications:
        return
    countdown = retry_delay(attempts=1)
    ids = [notification.pk for notification in notifications]
    Notification.objects.filter(pk__in=ids, status=Notification.Status.SENDING).update(
        status=Notification.Status.PENDING,
        attempts=F("attempts") - 1,
        updated_at=timezone.now(),
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=countdown),
    )
    logger.warning("Released %s notifications untried after %r", len(ids), error)
    for pk in ids:
        enqueue_notification(notification_id=pk, countdown=countdown)


def _retry_later(notification: Notification, *, error: Exception, own: bool) -> None:
    # The task's own row goes back to Celery's retry; another row of the batch gets its
    # retry published here, since its own task has run (or will find it pending and due).
    try:
        _attempt_failed(notification=notification, error=error)
    except SendLater as later:
        if own:
            raise
        enqueue_notification(notification_id=notification.pk, countdown=later.countdown)


class _KeptConnection:
    """The worker process's one connection to the mail server, kept open across e-mails
    and tasks, with at most one e-mail in flight.

    `start` hands the server an e-mail (MAIL, RCPT, DATA and the content, as smtplib's
    sendmail does) without waiting for its answer; `finish` reads it. The caller renders
    the next e-mail in between, while the server digests this one: the two run on two
    cores, in one thread. Closed after any error and reopened for the next e-mail; a change
    of the MAILERS setting (tests) opens a new one; the worker closes it when it stops
    (tasks.py).
    """

    def __init__(self):
        self.backend = None
        self.key = ""
        self.pid = 0
        self.in_flight = False

    @staticmethod
    def prepare(message: EmailMultiAlternatives) -> tuple[EmailMultiAlternatives, bytes]:
        # What Django's SMTP backend would send, built in a quarter of its time (wire.py);
        # its address checks are in `start`.
        return message, wire.wire_bytes(message)

    def start(self, prepared: tuple[EmailMultiAlternatives, bytes]) -> None:
        message, raw = prepared
        backend, reused = self._backend()
        smtp = getattr(backend, "connection", None)
        if not isinstance(smtp, smtplib.SMTP):  # the tests' in-memory backend, development's file
            backend.send_messages([message])
            return
        try:
            sender = backend.prep_address(message.from_email)
            recipients = [backend.prep_address(address) for address in message.recipients()]
            try:
                _mail_from(smtp, sender)
            except (smtplib.SMTPServerDisconnected, OSError):
                if not reused:
                    raise
                # The kept connection died while idle (the server's timeout, a restart).
                # The server has nothing of this e-mail yet: a new connection may try it.
                self._close()
                backend, _reused = self._backend()
                smtp = backend.connection
                _mail_from(smtp, sender)
            for recipient in recipients:
                code, reply = smtp.rcpt(recipient)
                if code not in (250, 251):  # one recipient per row: refused is not sent
                    raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
            code, reply = smtp.docmd("data")
            if code != 354:
                raise smtplib.SMTPDataError(code, reply)
            smtp.send(_dot_stuffed(raw))
        except BaseException:
            self._close()
            raise
        self.in_flight = True

    def finish(self) -> None:
        """The server's answer to the e-mail in flight: returns if it took it, else raises."""
        if not self.in_flight:
            return
        self.in_flight = False
        try:
            code, reply = self.backend.connection.getreply()
            if code != 250:
                raise smtplib.SMTPDataError(code, reply)
        except BaseException:
            self._close()
            raise

    def _backend(self):
        """The open backend, and whether its connection was already open (kept)."""
        key = repr(mailers.settings.get("default"))
        if self.pid != os.getpid():  # a forked pool child: the socket is the parent's
            self.backend = None
        elif key != self.key:
            self._close()
        if self.backend is None:
            self.backend, self.key, self.pid = mailers.default, key, os.getpid()
        opened = self.backend.open()  # False while the connection is open
        return self.backend, opened is False

    def _close(self) -> None:
        backend, self.backend, self.in_flight = self.backend, None, False
        if backend is not None:
            # If the server is gone already, the socket is closed either way.
            with contextlib.suppress(*TRANSIENT_ERRORS):
                backend.close()

    def close(self) -> None:
        if self.pid == os.getpid():
            self._close()


def _mail_from(smtp: smtplib.SMTP, sender: str) -> None:
    smtp.ehlo_or_helo_if_needed()
    code, reply = smtp.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)


_LINE_STARTING_WITH_A_DOT = re.compile(rb"^\.", re.MULTILINE)


def _dot_stuffed(raw: bytes) -> bytes:
    """The content as smtplib's data() puts it on the wire: a line's leading dot doubled,
    the end marked by a line holding one dot (RFC 5321 4.5.2)."""
    content = _LINE_STARTING_WITH_A_DOT.sub(b"..", raw)
    if not content.endswith(b"\r\n"):
        content += b"\r\n"
    return content + b".\r\n"


_mail = _KeptConnection()
_marks = SentMarks()


def close_mail_connection() -> None:
    """Say QUIT to the mail server and close the marks' connection; the worker calls this
    when it stops."""
    _mail.close()
    _marks.close()


def _attempt_failed(*, notification: Notification, error: Exception) -> bool:
    text = f"{type(error).__name__}: {error}"[:2000]
    if notification.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        logger.error("Notification %s failed for good: %s", notification.pk, text)
        _mark(notification, status=Notification.Status.FAILED, last_error=text)
        return False
    logger.warning(
        "Notification %s attempt %s failed: %s", notification.pk, notification.attempts, text
    )
    countdown = retry_delay(attempts=notification.attempts)
    _mark(
        notification,
        status=Notification.Status.PENDING,
        last_error=text,
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=countdown),
    )
    raise SendLater(countdown=countdown, error=text)


def _mark(notification: Notification, **fields) -> None:
    # Only the claimer moves a row out of "sending", so no lost update is possible here.
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
        updated_at=timezone.now(), **fields
    )


def sweep_outbox(*, now: datetime.datetime | None = None) -> dict:
    """Republish forgotten rows and recover rows a dead worker left in "sending".

    "Forgotten" means due for longer than the sweep age: the broker was down at commit, or
    a retry's publish was lost. A row in its backoff pause is not due yet. Returns counts
    for the beat log; the conditional claim keeps a republished row from sending twice.
    """
    now = now or timezone.now()
    stale_sending = now - datetime.timedelta(seconds=settings.OUTBOX_SENDING_STALE_SECONDS)
    recovered = Notification.objects.filter(
        status=Notification.Status.SENDING, updated_at__lt=stale_sending
    ).update(status=Notification.Status.PENDING, updated_at=now, next_attempt_at=now - _sweep_age())
    if recovered:
        logger.warning("Recovered %s notifications left in sending by a dead worker", recovered)
    due = list(
        Notification.objects.filter(
            status=Notification.Status.PENDING, next_attempt_at__lte=now - _sweep_age()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:1000]
    )
    published = sum(enqueue_notification(notification_id=pk) for pk in due)
    return {"recovered": recovered, "due": len(due), "published": published}


def _sweep_age() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.OUTBOX_SWEEP_AGE_SECONDS)


@transaction.atomic
def retry_notification(*, notification: Notification) -> bool:
    """Support's "retry" on a failed e-mail: a fresh set of attempts, sent after commit."""
    reset = Notification.objects.filter(
        pk=notification.pk, status=Notification.Status.FAILED
    ).update(
        status=Notification.Status.PENDING,
        attempts=0,
        updated_at=timezone.now(),
        next_attempt_at=timezone.now(),
    )
    if reset:
        transaction.on_commit(lambda: enqueue_notification(notification_id=notification.pk))
    return bool(reset)
