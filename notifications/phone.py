"""The phone outbox: WhatsApp and SMS rows beside the e-mails, with the same guarantees.

Flow: a domain service calls `queue_phone_message` inside its transaction; after commit the
row is published to Celery; `send_phone_message` claims it with a conditional UPDATE and
calls the provider once. What the provider reports later (webhooks) moves the row forward
only. A WhatsApp message that fails, or is not delivered within WHATSAPP_FALLBACK_MINUTES,
gets one SMS row (`fallback_of`) when the customer chose SMS too.
"""

import datetime
import functools
import logging
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from notifications import phone_texts, providers
from notifications.models import (
    InboundPhoneMessage,
    PhoneMessage,
    PhoneStatusEvent,
    WebhookDelivery,
)
from notifications.services import SendLater, full_context, retry_delay

logger = logging.getLogger(__name__)
Status = PhoneMessage.Status
Channel = PhoneMessage.Channel

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
# How far along a message is; a report never moves a row back (webhooks come in any
# order). `read` without `delivered` is fine: it jumps.
PROGRESS: dict[str, int] = {
    Status.PENDING: 0,
    Status.SENDING: 1,
    Status.UNKNOWN: 1,
    Status.SENT: 2,
    Status.DELIVERED: 3,
    Status.READ: 4,
}
TRACKER_PREFIX = "dreame-phone:"
WEBHOOK_KEEP_DAYS = 30


# --- Writing ----------------------------------------------------------------------------


def channel_configured(channel: str) -> bool:
    if channel == Channel.WHATSAPP:
        return providers.whatsapp_enabled()
    return providers.sms_enabled()


def queue_phone_message(
    *,
    channel: str,
    event_key: str,
    recipient: str,
    template: str,
    language: str,
    context: dict,
    fallback_recipient: str = "",
    fallback_of: PhoneMessage | None = None,
) -> PhoneMessage:
    """Write the row in the caller's transaction; publish it after commit. A second call
    for the same (event, recipient, channel) returns the existing row and sends nothing."""
    message, created = PhoneMessage.objects.get_or_create(
        event_key=event_key,
        recipient=recipient,
        channel=channel,
        defaults={
            "template": template,
            "language": language,
            "context": context,
            "fallback_recipient": fallback_recipient,
            "fallback_of": fallback_of,
        },
    )
    if created:
        transaction.on_commit(lambda: enqueue_phone_message(message_id=message.pk))
    return message


def queue_customer_phone_news(
    *,
    event_key: str,
    template: str,
    language: str,
    context: dict,
    whatsapp: str = "",
    sms: str = "",
) -> PhoneMessage | None:
    """The news of one event to the customer's phone, on the channels they chose
    (`whatsapp`/`sms`: the numbers they consented to, "" for no): WhatsApp with SMS as its
    fallback, or SMS alone. Only events of `phone_texts.PHONE_EVENTS`, only configured
    channels."""
    if template not in phone_texts.PHONE_EVENTS:
        return None
    whatsapp = whatsapp if whatsapp and providers.whatsapp_enabled() else ""
    sms = sms if sms and providers.sms_enabled() else ""
    if not (whatsapp or sms):
        return None
    return queue_phone_message(
        channel=Channel.WHATSAPP if whatsapp else Channel.SMS,
        recipient=whatsapp or sms,
        fallback_recipient=sms if whatsapp else "",
        event_key=event_key,
        template=template,
        language=language,
        context=context,
    )


def enqueue_phone_message(*, message_id: int, countdown: float | None = None) -> bool:
    """Publish the send task; with the broker down the row stays pending for the sweeper."""
    from notifications.tasks import send_phone_task

    try:
        send_phone_task.apply_async(
            args=(message_id,),
            countdown=countdown,  # type: ignore[arg-type]  # None: no delay
            retry=False,
        )
    except Exception:
        logger.exception("Could not enqueue phone message %s; the sweeper will retry", message_id)
        return False
    return True


# --- Sending ----------------------------------------------------------------------------


def sms_window_open(now: datetime.datetime) -> datetime.datetime | None:
    """None when an SMS may go now (SMS_SEND_HOURS, Almaty time), else when it may."""
    start, end = (int(part) for part in settings.SMS_SEND_HOURS.split("-"))
    if start <= 0 and end >= 24:
        return None
    local = now.astimezone(ALMATY)
    if start <= local.hour < end:
        return None
    opens = local.replace(hour=start, minute=0, second=0, microsecond=0)
    if local.hour >= end:
        opens += datetime.timedelta(days=1)
    return opens


def tracker_for(message: PhoneMessage) -> str:
    return f"{TRACKER_PREFIX}{message.pk}"


def send_phone_message(*, message_id: int, now: datetime.datetime | None = None) -> bool:
    """Send one row if nobody else is; True when the provider took it.

    Raises `SendLater` on a transient failure below the attempt limit.
    """
    now = now or timezone.now()
    message = PhoneMessage.objects.filter(pk=message_id, status=Status.PENDING).first()
    if message is None:
        return False
    if message.channel == Channel.SMS:
        opens = sms_window_open(now)
        if opens is not None:
            # Outside the hours for service SMS: it waits; the sweeper sends it when due.
            PhoneMessage.objects.filter(pk=message_id, status=Status.PENDING).update(
                next_attempt_at=opens, updated_at=now
            )
            return False
    # Claim first: a duplicate task, a redelivery or the sweeper may race us.
    claimed = PhoneMessage.objects.filter(pk=message_id, status=Status.PENDING).update(
        status=Status.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    if claimed != 1:
        return False
    message.refresh_from_db()
    try:
        provider_id = _call_provider(message)
    except providers.ProviderError as error:
        return _provider_failed(message, error)
    except Exception as error:
        # Not curable by waiting (a text that cannot be made, bad data): to support.
        logger.exception("Phone message %s cannot be made or sent", message.pk)
        _fail(message, error=repr(error))
        return False
    # If a webhook was quicker than this answer and moved the row on, keep its status.
    fields = {"provider_message_id": provider_id, "last_error": "", "sent_at": timezone.now()}
    if not _mark(message, status=Status.SENT, **fields):
        PhoneMessage.objects.filter(pk=message.pk).update(
            provider_message_id=provider_id, updated_at=timezone.now()
        )
    return True


def _call_provider(message: PhoneMessage) -> str:
    if not channel_configured(message.channel):
        raise providers.ProviderError(
            providers.Outcome.PERMANENT, f"The {message.channel} channel is not configured"
        )
    context = full_context(message.context)
    if message.channel == Channel.WHATSAPP:
        template = phone_texts.whatsapp_template(
            template=message.template, language=message.language, context=context
        )
        return providers.send_whatsapp(
            to=message.recipient, template=template, tracker=tracker_for(message)
        )
    text = phone_texts.sms_text(
        template=message.template, language=message.language, context=context
    )
    return providers.send_sms(to=message.recipient, text=text, message_id=message.pk)


def _provider_failed(message: PhoneMessage, error: providers.ProviderError) -> bool:
    text = str(error)[:2000]
    if error.outcome is providers.Outcome.AMBIGUOUS:
        # It may be on the customer's phone already and the API has no idempotency key:
        # never resend; the webhook settles it, the fallback covers a silent one.
        logger.warning("Phone message %s outcome unknown: %s", message.pk, text)
        _mark(message, status=Status.UNKNOWN, last_error=text, sent_at=timezone.now())
        return False
    if error.outcome is providers.Outcome.PERMANENT or (
        message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    ):
        logger.error("Phone message %s failed: %s", message.pk, text)
        _fail(message, error=text)
        return False
    countdown = retry_delay(attempts=message.attempts)
    logger.warning("Phone message %s attempt %s failed: %s", message.pk, message.attempts, text)
    _mark(
        message,
        status=Status.PENDING,
        last_error=text,
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=countdown),
    )
    raise SendLater(countdown=countdown, error=text)


def _mark(message: PhoneMessage, **fields) -> bool:
    # Only the claimer moves a row out of "sending".
    return bool(
        PhoneMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
            updated_at=timezone.now(), **fields
        )
    )


@transaction.atomic
def _fail(message: PhoneMessage, *, error: str) -> None:
    if _mark(message, status=Status.FAILED, last_error=error):
        queue_fallback(message)


# --- Fallback ---------------------------------------------------------------------------


def queue_fallback(message: PhoneMessage) -> PhoneMessage | None:
    """The SMS a failed or silent WhatsApp message falls back to, once: the unique
    (event, recipient, channel) row is the guard against repeated webhooks and sweeps."""
    if message.channel != Channel.WHATSAPP or not message.fallback_recipient:
        return None
    if not providers.sms_enabled():
        return None
    return queue_phone_message(
        channel=Channel.SMS,
        event_key=message.event_key,
        recipient=message.fallback_recipient,
        template=message.template,
        language=message.language,
        context=message.context,
        fallback_of=message,
    )


def fall_back_silent_whatsapp(*, now: datetime.datetime | None = None) -> int:
    """Beat: WhatsApp messages with an SMS fallback and no `delivered`/`read` within
    WHATSAPP_FALLBACK_MINUTES of being sent (or failed without their SMS yet) get it."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.WHATSAPP_FALLBACK_MINUTES)
    candidates = (
        PhoneMessage.objects.filter(channel=Channel.WHATSAPP)
        .exclude(fallback_recipient="")
        .filter(
            Q(status__in=[Status.SENT, Status.UNKNOWN], sent_at__lt=cutoff)
            | Q(status=Status.FAILED)
        )
        .exclude(fallbacks__isnull=False)
        .order_by("pk")[:500]
    )
    queued = 0
    for message in candidates:
        with transaction.atomic():
            queued += queue_fallback(message) is not None
    return queued


# --- Webhooks ---------------------------------------------------------------------------


def record_status(
    message: PhoneMessage,
    *,
    status: str,
    occurred_at: datetime.datetime | None = None,
    error: str = "",
) -> bool:
    """Keep a reported status once and move the row forward only; True when new."""
    if status not in PROGRESS and status != Status.FAILED:
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():
                PhoneStatusEvent.objects.create(
                    message=message, status=status, occurred_at=occurred_at, error=error
                )
        except IntegrityError:
            return False  # a repeated webhook
        rows = PhoneMessage.objects.filter(pk=message.pk)
        if status == Status.FAILED:
            # A failure after delivery is not news for the customer.
            failed = rows.exclude(status__in=[Status.DELIVERED, Status.READ, Status.FAILED]).update(
                status=Status.FAILED, last_error=error[:2000], updated_at=timezone.now()
            )
            if failed:
                message.refresh_from_db()
                queue_fallback(message)
        else:
            behind = [s for s, rank in PROGRESS.items() if rank < PROGRESS[status]]
            # A report is proof it went out, even for a row whose answer was lost.
            rows.filter(status__in=behind, sent_at__isnull=True).update(sent_at=timezone.now())
            rows.filter(status__in=behind).update(status=status, updated_at=timezone.now())
    return True


def _from_timestamp(value) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromtimestamp(int(value), tz=datetime.UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _whatsapp_message(status: dict) -> PhoneMessage | None:
    tracker = str(status.get("biz_opaque_callback_data") or "")
    if tracker.startswith(TRACKER_PREFIX) and tracker[len(TRACKER_PREFIX) :].isdigit():
        found = PhoneMessage.objects.filter(
            pk=int(tracker[len(TRACKER_PREFIX) :]), channel=Channel.WHATSAPP
        ).first()
        if found is not None:
            if not found.provider_message_id and status.get("id"):
                # An `unknown` row learns the id its lost answer carried.
                PhoneMessage.objects.filter(pk=found.pk, provider_message_id="").update(
                    provider_message_id=str(status["id"])
                )
            return found
    if status.get("id"):
        return PhoneMessage.objects.filter(
            channel=Channel.WHATSAPP, provider_message_id=str(status["id"])
        ).first()
    return None


def process_whatsapp_payload(payload: dict) -> None:
    """Statuses and customers' messages of one Cloud API webhook POST."""
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            if change.get("field") == "template_category_update":
                # Meta moved a template to another category (marketing is billed as such).
                logger.warning("WhatsApp template category changed: %s", value)
            for status in value.get("statuses") or []:
                message = _whatsapp_message(status)
                if message is None:
                    logger.info("WhatsApp status for an unknown message %s", status.get("id"))
                    continue
                errors = status.get("errors") or []
                error = "; ".join(
                    f"{e.get('code')}: {e.get('title') or e.get('message') or ''}" for e in errors
                )
                record_status(
                    message,
                    status=str(status.get("status", "")),
                    occurred_at=_from_timestamp(status.get("timestamp")),
                    error=error,
                )
            for inbound in value.get("messages") or []:
                _receive_whatsapp_message(inbound)


# SMSC.kz delivery statuses: 0 handed to the operator, 1 delivered, 2 read; 3 expired,
# 20 undeliverable, 22 wrong number, 23 forbidden, 24 no money, 25 unreachable number.
SMSC_STATUSES = {"0": Status.SENT, "1": Status.DELIVERED, "2": Status.READ}
SMSC_FAILED = frozenset({"3", "20", "22", "23", "24", "25"})


def process_sms_payload(payload: dict) -> None:
    """One SMSC.kz delivery report: our row's id (passed as `id` when sending), status."""
    message_id = str(payload.get("id", ""))
    if not message_id.isdigit():
        return
    message = PhoneMessage.objects.filter(pk=int(message_id), channel=Channel.SMS).first()
    if message is None:
        return
    code = str(payload.get("status", ""))
    if code in SMSC_STATUSES:
        record_status(
            message, status=SMSC_STATUSES[code], occurred_at=_from_timestamp(payload.get("ts"))
        )
    elif code in SMSC_FAILED:
        record_status(
            message, status=Status.FAILED, error=f"SMSC status {code}, err {payload.get('err', '')}"
        )


def receive_webhook(*, provider: str, payload: dict) -> WebhookDelivery:
    """Keep the POST (the view answers 200 right after); work it through after commit."""
    delivery = WebhookDelivery.objects.create(provider=provider, payload=payload)
    transaction.on_commit(lambda: enqueue_webhook(delivery_id=delivery.pk))
    return delivery


def enqueue_webhook(*, delivery_id: int) -> bool:
    from notifications.tasks import process_webhook_task

    try:
        process_webhook_task.apply_async(args=(delivery_id,), retry=False)
    except Exception:
        logger.exception("Could not enqueue webhook %s; the sweeper will do it", delivery_id)
        return False
    return True


def process_webhook(*, delivery_id: int) -> bool:
    """Work one kept POST through, once (the row is locked; processing is idempotent)."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .filter(pk=delivery_id, processed_at__isnull=True)
            .first()
        )
        if delivery is None:
            return False
        try:
            with transaction.atomic():
                if delivery.provider == WebhookDelivery.Provider.WHATSAPP:
                    process_whatsapp_payload(delivery.payload)
                else:
                    process_sms_payload(delivery.payload)
        except (AttributeError, TypeError, ValueError, KeyError):
            # A body of a shape we do not know: kept for reading, never a retry loop.
            logger.exception("Webhook %s could not be read; kept, not retried", delivery_id)
        delivery.processed_at = timezone.now()
        delivery.save(update_fields=["processed_at"])
    return True


# --- Customers' replies -----------------------------------------------------------------


@functools.cache
def _inbound_handlers() -> list[Callable[..., None]]:
    """The outbox knows no app: settings.OUTBOX_INBOUND_HANDLERS (dotted paths) name who
    files a customer's message."""
    return [import_string(path) for path in settings.OUTBOX_INBOUND_HANDLERS]


def _receive_whatsapp_message(inbound: dict) -> None:
    provider_id = str(inbound.get("id") or "")
    sender = str(inbound.get("from") or "")
    if not provider_id or not sender:
        return
    kind = inbound.get("type")
    if kind == "text":
        text = str((inbound.get("text") or {}).get("body", ""))
    elif kind == "button":
        text = str((inbound.get("button") or {}).get("text", ""))
    else:
        text = f"[{kind}]"
    try:
        with transaction.atomic():
            received = InboundPhoneMessage.objects.create(
                channel=Channel.WHATSAPP,
                provider_message_id=provider_id,
                sender=sender if sender.startswith("+") else f"+{sender}",
                text=text,
            )
    except IntegrityError:
        return  # a repeated webhook
    for handler in _inbound_handlers():
        handler(received)


# --- Sweeping ---------------------------------------------------------------------------


def sweep_phone_outbox(*, now: datetime.datetime | None = None) -> dict:
    """Publish forgotten pending rows (and SMS whose window opened), mark rows a dead
    worker left in "sending" as `unknown` (never resent: the request may have gone out),
    and work through webhook POSTs whose task was lost."""
    now = now or timezone.now()
    sweep_age = datetime.timedelta(seconds=settings.OUTBOX_SWEEP_AGE_SECONDS)
    stale = now - datetime.timedelta(seconds=settings.OUTBOX_SENDING_STALE_SECONDS)
    orphaned = PhoneMessage.objects.filter(status=Status.SENDING, updated_at__lt=stale).update(
        status=Status.UNKNOWN,
        updated_at=now,
        sent_at=now,
        last_error="The worker stopped while sending; not resent (see the provider's report).",
    )
    due = list(
        PhoneMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=now - sweep_age)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:1000]
    )
    published = sum(enqueue_phone_message(message_id=pk) for pk in due)
    webhooks = list(
        WebhookDelivery.objects.filter(processed_at__isnull=True, received_at__lte=now - sweep_age)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    for pk in webhooks:
        enqueue_webhook(delivery_id=pk)
    # Worked-through POSTs are kept a while for reading, then go.
    WebhookDelivery.objects.filter(
        processed_at__lt=now - datetime.timedelta(days=WEBHOOK_KEEP_DAYS)
    ).delete()
    return {
        "phone_orphaned": orphaned,
        "phone_due": len(due),
        "phone_published": published,
        "webhooks": len(webhooks),
    }


@transaction.atomic
def retry_phone_message(*, message: PhoneMessage) -> bool:
    """Support's "retry" on a failed message: a fresh set of attempts. Never for `unknown`
    (it may be on the customer's phone): support reads its status first."""
    reset = PhoneMessage.objects.filter(pk=message.pk, status=Status.FAILED).update(
        status=Status.PENDING,
        attempts=0,
        updated_at=timezone.now(),
        next_attempt_at=timezone.now(),
    )
    if reset:
        transaction.on_commit(lambda: enqueue_phone_message(message_id=message.pk))
    return bool(reset)
