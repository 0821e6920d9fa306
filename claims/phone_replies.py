"""A customer's own WhatsApp message lands in their claim's history, for support.

The outbox keeps each inbound message once and hands it here
(settings.OUTBOX_INBOUND_HANDLERS): claims knows whose number it is, the outbox does not.
"""

import logging

from django.db.models import Exists, OuterRef

from claims.mail_replies import EMAIL_REPLY
from claims.models import ENDED_STATES, Claim, StatusEvent
from claims.services import record_status_event

logger = logging.getLogger(__name__)
WHATSAPP_REPLY = "whatsapp_reply"
MAX_TEXT = 4000
# What a customer writes to us that waits for an answer: WhatsApp messages and e-mails.
CUSTOMER_MESSAGES = (WHATSAPP_REPLY, EMAIL_REPLY)


def claim_for_whatsapp(number: str) -> Claim | None:
    """The customer's newest claim still going on, else their newest one."""
    claims = Claim.objects.filter(whatsapp=number).order_by("-submitted_at", "-pk")
    return claims.exclude(status__in=ENDED_STATES).first() or claims.first()


def file_whatsapp_reply(inbound) -> StatusEvent | None:
    """A history row by the customer with what they wrote (staff-only: an internal note).
    It counts as unanswered until support writes anything after it (`unanswered_replies`)."""
    claim = claim_for_whatsapp(inbound.sender)
    if claim is None:
        logger.info("WhatsApp message %s from a number no claim has", inbound.pk)
        return None
    return record_status_event(
        claim=claim,
        transition=WHATSAPP_REPLY,
        from_status=claim.status,
        to_status=claim.status,
        by_customer=True,
        internal_note=inbound.text[:MAX_TEXT],
    )


def unanswered_replies(claims, *, transitions=CUSTOMER_MESSAGES):
    """The claims among `claims` with a customer's message (of `transitions`: WhatsApp,
    e-mail or both) that no staff row has followed."""
    staff_after = StatusEvent.objects.filter(
        claim=OuterRef("claim"), by__isnull=False, created_at__gt=OuterRef("created_at")
    )
    replies = StatusEvent.objects.filter(
        claim=OuterRef("pk"), transition__in=list(transitions)
    ).exclude(Exists(staff_after))
    return claims.filter(Exists(replies))
