"""The claim's e-mails: what each one says is decided here, sending is the outbox's job.

Each e-mail gets a JSON snapshot of what it shows, taken in the transaction of the state
change: the e-mail tells what was true at that moment, even if it is sent an hour later.
Dates are ISO strings (templates print them as ДД.ММ.ГГГГ); no internal notes.
"""

from django.conf import settings
from django.urls import reverse

from claims.links import my_url
from claims.models import Claim
from claims.signing import supplement_url
from notifications.phone import queue_customer_phone_news
from notifications.services import event_key, queue_email


def claim_context(claim) -> dict:
    """A snapshot of what the e-mail shows; JSON-serialisable, no internal notes."""
    return {
        "claim_number": claim.number,
        "full_name": claim.full_name,
        "product_model": claim.product_model,
        "verdict": claim.verdict,
        "purchase_date": claim.purchase_date.isoformat(),
        "submitted_date": claim.submitted_date.isoformat(),
        "response_due_date": claim.response_due_date.isoformat(),
        "site_url": settings.SITE_URL,
        # A counter claim's product is already at the center: no "wait, then send it".
        "channel": claim.channel,
    }


def customer_context(claim) -> dict:
    """What every e-mail to the customer shows: the claim, and their personal link (made
    when the e-mail is rendered, see `links_at_render`)."""
    return {**claim_context(claim), "personal_link": True}


def links_at_render(context: dict) -> dict:
    """The claim's links an e-mail asks for, signed now: its outbox row keeps only the ask
    (`personal_link`, `supplement_link`), so a copy of the database opens no case."""
    if not (context.get("personal_link") or context.get("supplement_link")):
        return {}
    claim = Claim.objects.filter(number=context.get("claim_number")).first()
    if claim is None:
        return {}
    links = {}
    if context.get("personal_link"):
        links["my_url"] = my_url(claim)
    if context.get("supplement_link"):
        links["supplement_url"] = supplement_url(claim)
    return links


def claim_event_key(*, claim, event: str, status_event_id: int) -> str:
    return event_key(
        subject="claim", reference=claim.number, event=event, status_event_id=status_event_id
    )


def queue_claim_email(*, claim, event: str, status_event, extra_context=None) -> None:
    """Queue one e-mail to the customer; `extra_context` adds what only a caller knows."""
    context = customer_context(claim)
    context["public_note"] = status_event.public_note
    if event in ("claim_info_requested", "claim_info_reminder"):
        context["public_note"] = status_event.public_note or claim.info_request
        context["supplement_link"] = True
    if event == "claim_rejected":
        context["public_note"] = status_event.public_note or claim.rejection_reason
    context.update(extra_context or {})
    queue_customer_news(
        claim=claim,
        event_key=claim_event_key(claim=claim, event=event, status_event_id=status_event.pk),
        template=event,
        context=context,
    )


def queue_customer_news(*, claim, event_key: str, template: str, context: dict, **email_options):
    """Every e-mail to the customer goes through here: the e-mail (the written record of
    every step) and, for the events of `phone_texts.PHONE_EVENTS`, the same news to the
    phone on the channels the customer chose (DESIGN §7), in the same transaction."""
    queue_email(
        event_key=event_key,
        recipient=claim.email,
        template=template,
        language=claim.language,
        context=context,
        **email_options,
    )
    queue_customer_phone_news(
        event_key=event_key,
        template=template,
        language=claim.language,
        context=context,
        whatsapp=claim.whatsapp.as_e164 if claim.notify_whatsapp and claim.whatsapp else "",
        sms=claim.phone.as_e164 if claim.notify_sms and claim.phone else "",
    )


def attachment_context(attachment) -> dict:
    """A file the customer added, for support's e-mail: its kind, its type (from the
    generated name's extension, claims.uploads) and the permission-checked link to it."""
    extension = attachment.file.name.rsplit(".", 1)[-1] if "." in attachment.file.name else ""
    return {
        "kind": attachment.kind,
        "type": extension.upper(),
        "url": settings.SITE_URL + reverse("claims:attachment", args=[attachment.pk]),
    }


def queue_staff_email(*, claim, event: str, status_event, extra_context=None) -> None:
    """To support (in the site's default language): a new claim, a customer's supplement;
    `extra_context` adds what only a caller knows."""
    context = claim_context(claim)
    context.update(
        {
            "email": claim.email,
            "phone": str(claim.phone),
            "city": claim.city,
            "serial_number": claim.serial_number,
            "seller": claim.seller,
            "fault_description": claim.fault_description,
            "supplement_text": status_event.public_note,
            "admin_url": settings.SITE_URL + reverse("admin:claims_claim_change", args=[claim.pk]),
        }
    )
    context.update(extra_context or {})
    queue_email(
        event_key=claim_event_key(claim=claim, event=event, status_event_id=status_event.pk),
        recipient=settings.SUPPORT_EMAIL,
        template=event,
        language=settings.LANGUAGE_CODE,
        context=context,
    )
