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


@shared_task(name="repairs.store_statement_pdf")
def store_statement_pdf_task(statement_id: int, version: int, language: str) -> str | None:
    """A big statement's PDF, made once and kept (repairs.statements.pdf)."""
    from repairs.models import Statement
    from repairs.statements.pdf import store_statement_pdf

    statement = Statement.objects.select_related("service_center").filter(pk=statement_id).first()
    if statement is None:
        return None
    return store_statement_pdf(statement=statement, version=version, language=language)
