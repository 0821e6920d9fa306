"""Celery tasks of repairs: thin, they call services."""

from celery import shared_task

from repairs import reminders, rollups


@shared_task(name="repairs.send_reminders")
def send_order_reminders() -> dict:
    return reminders.queue_due_order_reminders()


@shared_task(name="repairs.refresh_report_rollups")
def refresh_report_rollups() -> int:
    """The reports' months changed since the last run, rolled up again (repairs.rollups)."""
    return len(rollups.refresh_stale_months())
