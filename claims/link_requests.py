"""Writes for "Get my link again" (`/my/`): a row in the request, the links sent by a worker.

The request writes one `LinkRequest` for every contact alike (one INSERT) and publishes its
id after the commit; it never looks the contact up, so a known and an unknown contact cost
it the same queries and the same time, with the broker up or down. The worker claims the
row by deleting it and sends in that same transaction; the sweep (beat) answers the rows
whose task never arrived. Nothing is sent within the request, nothing is lost, and no
contact is kept once answered.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims import services
from claims.models import LinkRequest

logger = logging.getLogger(__name__)

# Rows one sweep answers at most; the next sweep takes the rest.
SWEEP_BATCH = 500


def request_links(*, contact: str) -> LinkRequest:
    """Queue the links of the claims `contact` names (none, if it names none)."""
    link_request = LinkRequest.objects.create(contact=contact)
    transaction.on_commit(lambda: publish_link_request(link_request_id=link_request.pk))
    return link_request


def publish_link_request(*, link_request_id: int) -> bool:
    """Hand the row to a worker; with the broker down it waits for the sweep.

    Never raises: it runs in the customer's request after the commit.
    """
    from claims.tasks import answer_link_request_task

    try:
        answer_link_request_task.apply_async(args=(link_request_id,), retry=False)
    except Exception:
        logger.warning("Could not publish link request %s; the sweep answers it", link_request_id)
        return False
    return True


@transaction.atomic
def answer_link_request(*, link_request_id: int) -> bool:
    """Send the links one request asked for, once; True when this call sent them.

    The transaction whose DELETE removed the row sends; a duplicate task, a redelivery or
    the sweep deletes nothing and returns. If sending fails, the deletion rolls back with
    it and the row waits for the next sweep.
    """
    contact = (
        LinkRequest.objects.filter(pk=link_request_id).values_list("contact", flat=True).first()
    )
    if contact is None:
        return False
    deleted, _ = LinkRequest.objects.filter(pk=link_request_id).delete()
    if deleted != 1:
        return False  # another worker got there first
    services.send_links_again(contact=contact)
    return True


def sweep_link_requests(*, now: datetime.datetime | None = None) -> dict:
    """Answer the requests the broker never got: older than the outbox's sweep age.

    One failing row is logged and left for the next sweep; it does not stop the others.
    """
    now = now or timezone.now()
    due_before = now - datetime.timedelta(seconds=settings.OUTBOX_SWEEP_AGE_SECONDS)
    due = list(
        LinkRequest.objects.filter(requested_at__lte=due_before)
        .order_by("requested_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    answered = 0
    for link_request_id in due:
        try:
            answered += answer_link_request(link_request_id=link_request_id)
        except Exception:
            logger.exception("Link request %s could not be answered; it waits", link_request_id)
    return {"answered": answered}
