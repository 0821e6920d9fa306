import logging

from django.db import transaction

from notifications.models import Notification

logger = logging.getLogger(__name__)


def queue_email(
    *, event_key: str, recipient: str, template: str, language: str, context: dict
) -> Notification:
    """Write the outbox row in the caller's transaction; hand it to Celery after commit.

    A second call for the same (event, recipient) returns the existing row and sends nothing.
    """
    notification, created = Notification.objects.get_or_create(
        event_key=event_key,
        recipient=recipient,
        defaults={"template": template, "language": language, "context": context},
    )
    if created:
        transaction.on_commit(lambda: enqueue_notification(notification_id=notification.pk))
    return notification


def enqueue_notification(*, notification_id: int) -> None:
    """Publish the send task; if the broker is down the row stays pending for the sweeper."""
    from notifications.tasks import send_email_task

    try:
        send_email_task.apply_async(args=[notification_id], retry=False)
    except Exception:
        logger.exception(
            "Could not enqueue notification %s; the sweeper will retry", notification_id
        )
