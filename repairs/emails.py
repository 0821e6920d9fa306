"""The repair order's e-mails: what each one says is decided here, sending is the outbox's job."""

from django.conf import settings
from django.utils import timezone

from claims import warranty
from claims.emails import center_context, claim_context
from claims.models import WarrantyPolicy
from notifications.services import queue_email


def order_context(order) -> dict:
    """A snapshot of what the e-mail shows; JSON-serialisable, no internal notes."""
    context = claim_context(order.claim)
    context.update(
        {
            "order_number": order.display_number,
            "order_status": order.status,
            "resolution": order.resolution,
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


def warranty_end_date(order, *, returned_date) -> str:
    """The warranty's end, extended by the days from the claim to the product's return.

    Empty when there is no policy or the extended warranty has already ended (a paid
    repair of an old product): an end date in the past would only confuse.
    """
    policy = WarrantyPolicy.objects.filter(country=settings.WARRANTY_COUNTRY).first()
    if policy is None:
        return ""
    end = warranty.extended_warranty_end(
        purchase_date=order.claim.purchase_date,
        policy=policy,
        claim_date=order.claim.submitted_date,
        returned_date=returned_date,
    )
    return end.isoformat() if end >= returned_date else ""


def queue_order_email(*, order, event: str, status_event) -> None:
    context = order_context(order)
    context["public_note"] = status_event.public_note
    if event == "shipment_reminder":
        context["service_center"] = center_context(order.service_center)
    if event == "shipped_back":
        shipment = order.shipments.filter(direction="outbound").first()
        context["carrier"] = shipment.carrier if shipment else ""
        context["tracking_number"] = shipment.tracking_number if shipment else ""
        # Conservative: the product is still on its way, so the ship date stands in for
        # the return date; the "delivered" e-mail gives the final figure.
        context["warranty_end_date"] = warranty_end_date(order, returned_date=timezone.localdate())
    if event == "delivered":
        returned = timezone.localdate(order.returned_at) if order.returned_at else None
        context["warranty_end_date"] = warranty_end_date(
            order, returned_date=returned or timezone.localdate()
        )
    queue_email(
        event_key=f"order:{order.order_number}:{event}:{status_event.pk}",
        recipient=order.claim.email,
        template=event,
        language=order.claim.language,
        context=context,
    )
