"""Writes on claims. Every state change of a claim goes through one function here."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims import emails, warranty
from claims.models import Claim, ClaimAttachment, WarrantyPolicy
from repairs import order_numbers
from repairs.models import ServiceCenter
from repairs.services import check_transition_permission, create_repair_order, record_status_event

CLAIM_NUMBER_PREFIX = "CL-"
CLAIM_NUMBER_ATTEMPTS = 5


def get_policy(*, country: str = "") -> WarrantyPolicy:
    return WarrantyPolicy.objects.get(country=country or settings.WARRANTY_COUNTRY)


def _lock(claim: Claim) -> Claim:
    # Lock first: two support agents may triage the same claim at once.
    return Claim.objects.select_for_update().get(pk=claim.pk)


def submit_claim(*, data: dict, receipt=None, language: str = "ru", policy=None) -> Claim:
    """Save a customer's claim with its preliminary verdict and queue its e-mails.

    `data` holds the claim form's cleaned fields (names as on Claim). A claim is saved
    even when the broker or SMTP is down: the e-mails wait in the outbox.
    """
    policy = policy or get_policy()
    submitted_at = timezone.now()
    today = timezone.localdate(submitted_at)
    assessment = warranty.assess(data["purchase_date"], today, policy)
    for _attempt in range(CLAIM_NUMBER_ATTEMPTS):
        claim = Claim(
            **data,
            number=CLAIM_NUMBER_PREFIX + order_numbers.generate()[:8],
            verdict=assessment.verdict,
            language=language,
            submitted_at=submitted_at,
            response_due_date=today + datetime.timedelta(days=policy.response_days),
        )
        if receipt is not None:
            claim.receipt = receipt
        try:
            with transaction.atomic():
                claim.save()
                event = record_status_event(
                    claim=claim, transition="submit", from_status="", to_status=claim.status
                )
                emails.queue_claim_email(claim=claim, event="claim_received", status_event=event)
                emails.queue_staff_email(claim=claim, event="staff_new_claim", status_event=event)
            return claim
        except IntegrityError:
            if not Claim.objects.filter(number=claim.number).exists():
                raise
    raise RuntimeError("Could not draw a free claim number")


def _move_claim(
    *, claim: Claim, transition: str, by, public_note: str = "", **kwargs
) -> tuple[Claim, object]:
    """Lock, check, transition, save, log: the path every claim change takes.

    Runs inside the caller's transaction; returns the locked claim and its StatusEvent.
    """
    claim = _lock(claim)
    method = getattr(claim, transition)
    check_transition_permission(method, by)
    from_status = claim.status
    method(**kwargs)
    claim.save()
    event = record_status_event(
        claim=claim,
        transition=transition,
        from_status=from_status,
        to_status=claim.status,
        by=by,
        public_note=public_note,
    )
    return claim, event


@transaction.atomic
def request_claim_info(*, claim: Claim, message: str, by) -> Claim:
    claim, event = _move_claim(
        claim=claim, transition="request_info", by=by, public_note=message, message=message
    )
    emails.queue_claim_email(claim=claim, event="claim_info_requested", status_event=event)
    return claim


@transaction.atomic
def supplement_claim(*, claim: Claim, text: str, attachment=None) -> Claim:
    """The customer answers a request for information through the signed link.

    A file is kept beside the receipt, never instead of it; support is told by e-mail.
    """
    claim, event = _move_claim(
        claim=claim, transition="supplement", by=None, public_note=text, text=text
    )
    if attachment is not None:
        ClaimAttachment.objects.create(claim=claim, file=attachment)
    emails.queue_staff_email(claim=claim, event="staff_claim_supplemented", status_event=event)
    return claim


@transaction.atomic
def approve_claim(*, claim: Claim, service_center: ServiceCenter, by):
    """Assign a service center: opens the repair order and e-mails the center's contacts."""
    if not service_center.is_active:
        raise ValidationError(
            _("This service center does not accept repairs now."), code="inactive_center"
        )
    claim, event = _move_claim(claim=claim, transition="approve", by=by)
    order = create_repair_order(claim=claim, service_center=service_center, by=by)
    emails.queue_claim_email(claim=claim, event="claim_approved", status_event=event)
    return order


@transaction.atomic
def reject_claim(*, claim: Claim, reason: str, by) -> Claim:
    claim, event = _move_claim(
        claim=claim, transition="reject", by=by, public_note=reason, reason=reason
    )
    emails.queue_claim_email(claim=claim, event="claim_rejected", status_event=event)
    return claim


@transaction.atomic
def withdraw_claim(*, claim: Claim, by=None) -> Claim:
    claim, _event = _move_claim(claim=claim, transition="withdraw", by=by)
    return claim
