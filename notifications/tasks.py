"""Celery tasks of the outbox: thin, they take ids and call services; retries live here."""

from celery import shared_task
from celery.signals import worker_process_shutdown, worker_shutdown
from django.conf import settings

from notifications import mailbox, phone, services


# acks_late + reject_on_worker_lost (settings): a worker killed mid-send gets the task
# redelivered; the row's "sending" claim then keeps the redelivery from sending again.
# The attempt limit is counted on the row (the sweeper and support's retry add attempts
# too), so Celery's own retry counter is unlimited.
@shared_task(bind=True, name="notifications.send_email", acks_late=True, max_retries=None)
def send_email_task(self, notification_id: int) -> None:
    try:
        services.send_notification(
            notification_id=notification_id,
            batch_size=settings.OUTBOX_BATCH_SIZE,
            # A worker keeps a connection for the marks; a task run in a web request does not.
            unwaited_marks=not self.request.is_eager,
        )
    except services.SendLater as later:
        # If the broker is gone too, retry() rejects the message; the row stays pending
        # with its next attempt time and the sweeper republishes it.
        raise self.retry(countdown=later.countdown, exc=later) from later


@shared_task(bind=True, name="notifications.send_phone", acks_late=True, max_retries=None)
def send_phone_task(self, message_id: int) -> None:
    # The same claim as the e-mails'; a redelivery finds the row no longer pending.
    try:
        phone.send_phone_message(message_id=message_id)
    except services.SendLater as later:
        raise self.retry(countdown=later.countdown, exc=later) from later


@shared_task(name="notifications.process_webhook", acks_late=True)
def process_webhook_task(delivery_id: int) -> None:
    phone.process_webhook(delivery_id=delivery_id)


@shared_task(name="notifications.phone_fallback")
def phone_fallback() -> int:
    return phone.fall_back_silent_whatsapp()


@shared_task(name="notifications.sweep_outbox")
def sweep_outbox() -> dict:
    return {**services.sweep_outbox(), **phone.sweep_phone_outbox()}


@shared_task(name="notifications.fetch_support_mail")
def fetch_support_mail() -> dict:
    # Two runs at once are harmless (mailbox: one row per Message-ID, rows claimed).
    if not mailbox.is_configured():
        return {"configured": False}
    return mailbox.fetch_support_mail()


@worker_shutdown.connect
@worker_process_shutdown.connect
def close_mail_connection(**_kwargs) -> None:
    # The outbox keeps an SMTP connection (and one for its marks) open per worker process;
    # say QUIT and close them on the way out.
    services.close_mail_connection()
