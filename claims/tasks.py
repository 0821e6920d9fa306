"""Celery tasks of claims: thin, they call services."""

import logging

from celery import shared_task

from claims import reminders, services

logger = logging.getLogger(__name__)


@shared_task(name="claims.send_reminders")
def send_claim_reminders() -> dict:
    return reminders.queue_due_claim_reminders()


@shared_task(name="claims.send_links_again", ignore_result=True)
def send_links_again(contact: str) -> None:
    services.send_links_again(contact=contact)


def send_links_again_later(*, contact: str) -> None:
    """Off the customer's request, which then takes as long for a known contact as for an
    unknown one. With the broker down it is done at once: slower, never lost."""
    try:
        send_links_again.apply_async(args=[contact], retry=False)
    except Exception:
        logger.warning("Broker unreachable: links sent within the request", exc_info=True)
        services.send_links_again(contact=contact)
