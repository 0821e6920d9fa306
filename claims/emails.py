"""The claim's e-mails: what each one says is decided here, sending is the outbox's job."""

from django.conf import settings
from django.urls import reverse

from notifications.services import queue_email


def claim_context(claim) -> dict:
    """A snapshot of what the e-mail shows; JSON-serialisable, no internal notes."""
    return {
        "claim_number": claim.number,
        "full_name": claim.full_name,
        "product_model": claim.product_model,
        "verdict": claim.verdict,
        "purchase_date": claim.purchase_date.isoformat(),
        "submitted_date": claim.submitted_date.isoformat(),
        "site_url": settings.SITE_URL,
    }


def queue_claim_email(*, claim, event: str, status_event) -> None:
    context = claim_context(claim)
    context["public_note"] = status_event.public_note
    if event == "claim_approved":
        center = claim.repair_order.service_center
        context["service_center"] = {
            "name": center.name,
            "city": center.city,
            "postal_address": center.postal_address,
            "phone": str(center.phone),
            "email": center.email,
            "whatsapp": str(center.whatsapp or ""),
            "working_hours": center.working_hours,
        }
        context["order_number"] = claim.repair_order.display_number
    queue_email(
        event_key=f"claim:{claim.number}:{event}:{status_event.pk}",
        recipient=claim.email,
        template=event,
        language=claim.language,
        context=context,
    )


def queue_staff_new_claim(*, claim, status_event) -> None:
    context = claim_context(claim)
    context["admin_path"] = reverse("admin:claims_claim_change", args=[claim.pk])
    queue_email(
        event_key=f"claim:{claim.number}:staff_new_claim:{status_event.pk}",
        recipient=settings.SUPPORT_EMAIL,
        template="staff_new_claim",
        language=settings.LANGUAGE_CODE,
        context=context,
    )
