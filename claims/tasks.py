"""Celery tasks of claims: thin, they call services."""

from celery import shared_task

from claims import link_requests, reminders, services


@shared_task(name="claims.send_reminders")
def send_claim_reminders() -> dict:
    return reminders.queue_due_claim_reminders()


@shared_task(name="claims.answer_link_request", ignore_result=True)
def answer_link_request_task(link_request_id: int) -> None:
    link_requests.answer_link_request(link_request_id=link_request_id)


@shared_task(name="claims.sweep_link_requests")
def sweep_link_requests() -> dict:
    return link_requests.sweep_link_requests()


# Only for the messages published before the request began to write a LinkRequest row
# (they carry the contact itself); nothing publishes it any more.
@shared_task(name="claims.send_links_again", ignore_result=True)
def send_links_again(contact: str) -> None:
    services.send_links_again(contact=contact)
