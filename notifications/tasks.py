from celery import shared_task


@shared_task(name="notifications.send_email", acks_late=True)
def send_email_task(notification_id: int) -> None:
    """Placeholder until the sender lands: the row stays pending."""
