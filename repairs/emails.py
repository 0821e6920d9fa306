"""The repair order's e-mails: what each one says is decided here, sending is the outbox's job."""

from django.conf import settings

from claims.emails import claim_context
from notifications.services import queue_email


def order_context(order) -> dict:
    """A snapshot of what the e-mail shows; JSON-serialisable, no internal notes."""
    context = claim_context(order.claim)
    context.update(
        {
            "order_number": order.display_number,
            "order_status": order.status,
            "intake_date": order.intake_date.isoformat() if order.intake_date else "",
            "quote_amount": str(order.quote_amount) if order.quote_amount is not None else "",
            "service_center_name": order.service_center.name,
            "service_center_phone": str(order.service_center.phone),
            "status_url": order_status_url(order),
        }
    )
    return context


def order_status_url(order) -> str:
    if not order.intake_date:
        return f"{settings.SITE_URL}/partners/repair-status/"
    return (
        f"{settings.SITE_URL}/partners/repair-status/"
        f"?order_number={order.order_number}&intake_date={order.intake_date.isoformat()}"
    )


def queue_order_email(*, order, event: str, status_event) -> None:
    context = order_context(order)
    context["public_note"] = status_event.public_note
    queue_email(
        event_key=f"order:{order.order_number}:{event}:{status_event.pk}",
        recipient=order.claim.email,
        template=event,
        language=order.claim.language,
        context=context,
    )
