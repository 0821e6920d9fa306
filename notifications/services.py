"""The e-mail outbox: write a row with the state change, send it at most once per event.

Flow: a domain service calls `queue_email` inside its transaction; after commit the row is
published to Celery; `send_notification` (run by the task) claims the row with a
conditional UPDATE, renders it in the customer's language and hands it to SMTP. The
sweeper republishes rows the broker never got and recovers rows a dead worker left behind.
"""

import datetime
import email.policy
import functools
import hashlib
import logging
import re
import smtplib
import socket
from collections.abc import Callable

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from notifications.models import Notification

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
    if attachments:
        Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING).update(
            attachments=attachments, updated_at=timezone.now()
        )
    enqueue_notification(notification_id=notification_id)


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


def send_notification(*, notification_id: int) -> bool:
    """Send one outbox row if nobody else is; True when this call delivered it.

    Raises `SendLater` on a transient failure below the attempt limit.
    """
    # Claim first: a duplicate task, a redelivery or the sweeper may race us. Only the
    # caller whose UPDATE matched a pending row sends; everyone else returns.
    claimed = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING
    ).update(
        status=Notification.Status.SENDING,
        attempts=F("attempts") + 1,
        updated_at=timezone.now(),
    )
    if claimed != 1:
        return False
    notification = Notification.objects.get(pk=notification_id)
    try:
        message = build_message(notification)
        message.send(fail_silently=False)
    except TRANSIENT_ERRORS as error:
        return _attempt_failed(notification=notification, error=error)
    except Exception as error:
        # Not curable by waiting (a broken template, bad data): straight to support.
        logger.exception("Notification %s cannot be rendered or sent", notification.pk)
        _mark(notification, status=Notification.Status.FAILED, last_error=repr(error))
        return False
    # The window: if we die right here, the server has the e-mail but the row says
    # "sending"; see docs/decisions.md. The sweeper resends it after the stale time.
    _mark(notification, status=Notification.Status.SENT, last_error="", sent_at=timezone.now())
    return True


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
