"""The repair order's e-mails: what each one says is decided here, sending is the outbox's job."""

from functools import partial

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from claims.emails import claim_context, customer_context, queue_claim_email, queue_customer_news
from dreame_service.kit import formats
from notifications.services import event_key, queue_email
from repairs import codes, documents, selectors
from repairs.models import Resolution, WorkLine, line_snapshot, line_totals


def center_context(center, *, language: str) -> dict:
    """The center's contacts as the e-mail's snapshot keeps them: its words (name, city,
    address, hours) in the e-mail's language."""
    with translation.override(language):
        return {
            "name": center.name,
            "city": center.city,
            "postal_address": center.postal_address,
            "phone": str(center.phone),
            "email": center.email,
            "whatsapp": str(center.whatsapp or ""),
            "working_hours": center.working_hours,
        }


def order_context(order) -> dict:
    """A snapshot of what the customer's e-mail shows; JSON-serialisable, no internal notes."""
    context = customer_context(order.claim)
    context.update(
        {
            "order_number": order.display_number,
            "order_status": order.status,
            "resolution": order.resolution,
            "intake_date": order.intake_date.isoformat() if order.intake_date else "",
            "quote_amount": str(order.quote_amount) if order.quote_amount is not None else "",
            "service_center_name": center_name(order.service_center, order.claim.language),
            "service_center_phone": str(order.service_center.phone),
            "status_url": order_status_url(order),
        }
    )
    return context


def center_name(center, language: str) -> str:
    with translation.override(language):
        return center.name


def order_status_url(order) -> str:
    """The stub's link (the same the QR code holds); the bare page before intake."""
    if not order.intake_date:
        return f"{settings.SITE_URL}{codes.STATUS_PATH}"
    return codes.status_link(
        site_url=settings.SITE_URL,
        order_number=order.order_number,
        intake_date=order.intake_date,
    )


def warranty_end_date(order, shipment) -> str:
    """The extended warranty end as an ISO string for the e-mail snapshot, or "": from the
    day the product counts as back (its delivery, else the day `shipment` went back)."""
    end = selectors.warranty_end_for(
        order=order,
        returned_at=order.returned_at,
        shipped_at=shipment.created_at if shipment else None,
    )
    return end.isoformat() if end else ""


def order_event_key(*, order, event: str, status_event_id: int) -> str:
    return event_key(
        subject="order",
        reference=order.order_number,
        event=event,
        status_event_id=status_event_id,
    )


def queue_approval_email(*, order, status_event) -> None:
    """The claim is approved: where to send the product, and the new order's number."""
    queue_claim_email(
        claim=order.claim,
        event="claim_approved",
        status_event=status_event,
        extra_context={
            "service_center": center_context(order.service_center, language=order.claim.language),
            "order_number": order.display_number,
        },
    )


def queue_center_email(*, order, status_event) -> None:
    """The claim is approved: the service center learns a product is coming, whose, and
    what to do when it arrives."""
    claim = order.claim
    _queue_to_center(
        order=order,
        template="center_new_order",
        status_event_id=status_event.pk,
        context={
            "phone": str(claim.phone),
            "city": claim.city,
            "serial_number": claim.serial_number,
            "fault_description": claim.fault_description,
            "service_center": center_context(order.service_center, language=settings.LANGUAGE_CODE),
        },
    )


def _lines_context(order, stage: str) -> dict[str, object]:
    """An order's lines and their sum as the e-mail's snapshot keeps them (strings: JSON)."""
    lines = list(WorkLine.objects.filter(repair_order=order, stage=stage))
    return {"lines": line_snapshot(lines), "lines_total": str(line_totals(lines).total)}


def queue_order_email(*, order, event: str, status_event) -> None:
    context = order_context(order)
    context["public_note"] = status_event.public_note
    if event in ("shipment_reminder", "order_reassigned"):
        context["service_center"] = center_context(
            order.service_center, language=order.claim.language
        )
    if event in ("shipped_back", "delivered"):
        shipment = order.shipments.filter(direction="outbound").first()
        # Shipped back, the product is still on its way, so the ship date stands in for the
        # return date; the "delivered" e-mail gives the final figure.
        context["warranty_end_date"] = warranty_end_date(order, shipment)
    if event in ("quote_sent", "quote_reminder"):
        # The quote line by line: what each part and the labour cost (DESIGN §9).
        context.update(_lines_context(order, WorkLine.Stage.ESTIMATE))
    if event == "repair_finished" and order.resolution in (
        Resolution.PAID_REPAIR,
        Resolution.WARRANTY_REPAIR,
    ):
        # What was done, line by line. A warranty customer pays nothing: DREAME's prices
        # for the center stay out of his e-mail (the template shows no price then).
        context.update(_lines_context(order, WorkLine.Stage.DONE))
    if event == "repair_finished":
        # What was done (or which unit goes back), and for a paid repair what to pay: the
        # quote the customer accepted, the only price the order knows.
        context["work_done"] = order.work_done
        context["replacement_serial"] = order.replacement_serial
    if event == "shipped_back":
        context["carrier"] = shipment.carrier if shipment else ""
        context["tracking_number"] = shipment.tracking_number if shipment else ""
    queue_customer_news(
        claim=order.claim,
        event_key=order_event_key(order=order, event=event, status_event_id=status_event.pk),
        template=event,
        context=context,
        # The intake e-mail carries the act's PDF, rendered after the intake's commit.
        attach_after_commit=(
            partial(documents.store_act_pdf, order_pk=order.pk)
            if event == "product_received"
            else None
        ),
    )


def queue_center_quote_email(*, order, consent) -> None:
    """The customer answered the quote online: the center starts the repair or ships back,
    knowing which parts and labour the answer covers."""
    _queue_to_center(
        order=order,
        template="center_quote_decided",
        status_event_id=consent.status_event_id,
        context={
            "service_center_name": center_name(order.service_center, settings.LANGUAGE_CODE),
            "accepted": consent.decision == "accepted",
            "quote_display": formats.format_kzt(consent.amount),
            "wording": consent.wording,
            "decided_at": formats.format_datetime(consent.decided_at),
            # The lines as the customer answered them (the consent's snapshot, not today's
            # estimate); their total is the amount answered, the lines' sum by construction.
            "lines": consent.lines,
            "lines_total": str(consent.amount),
        },
    )


def _queue_to_center(*, order, template: str, status_event_id: int, context: dict) -> None:
    """An e-mail to the order's service center, in the site's language (Russian) like
    support's, with a link to the order on the workbench."""
    queue_email(
        event_key=order_event_key(order=order, event=template, status_event_id=status_event_id),
        recipient=order.service_center.email,
        template=template,
        language=settings.LANGUAGE_CODE,
        context={
            **claim_context(order.claim),
            "order_number": order.display_number,
            "workbench_url": settings.SITE_URL + reverse("workbench:order", args=[order.pk]),
            **context,
        },
    )
