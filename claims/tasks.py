"""Celery tasks of claims: thin, they call services."""

from celery import shared_task

from claims import reminders


@shared_task(name="claims.send_reminders")
def send_claim_reminders() -> dict:
    return reminders.queue_due_claim_reminders()
