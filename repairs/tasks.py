"""Celery tasks of repairs: thin, they call services."""

from celery import shared_task

from repairs import reminders


@shared_task(name="repairs.send_reminders")
def send_order_reminders() -> dict:
    return reminders.queue_due_order_reminders()
