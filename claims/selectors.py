"""Reads on claims used by more than one view (and by repairs)."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from claims import duplicates, warranty
from claims.models import AttachmentKind, Claim, ProductModel, WarrantyPolicy
from notifications.models import Notification, PhoneMessage
from notifications.services import event_key_prefix


def active_product_models() -> list[ProductModel]:
    return list(ProductModel.objects.filter(is_active=True).only("pk", "name"))


def claim_for_number(*, number: str) -> Claim | None:
    return Claim.objects.filter(number=number).first()


def recent_duplicate_claim(*, data: Mapping[str, Any]) -> Claim | None:
    """The same claim (claims.duplicates) filed in the last few minutes."""
    keys = duplicates.recent_keys(data=data, now=timezone.now())
    return Claim.objects.filter(duplicate_key__in=keys).only("pk", "number").first()


def warranty_policy() -> WarrantyPolicy | None:
    """The warranty policy in force here (settings.WARRANTY_COUNTRY): the one lookup.
    None only before the reference data is loaded."""
    return WarrantyPolicy.objects.filter(country=settings.WARRANTY_COUNTRY).first()


def _case_keys(claim: Claim, order_number: str) -> Q:
    """The outbox's event keys of this claim and of its order (`event_key_prefix`)."""
    keys = Q(event_key__startswith=event_key_prefix(subject="claim", reference=claim.number))
    if order_number:
        keys |= Q(event_key__startswith=event_key_prefix(subject="order", reference=order_number))
    return keys


def claim_emails(*, claim: Claim, order_number: str = "") -> list[Notification]:
    """The outbox rows of this claim and of its order, oldest first: one query.

    The outbox names each e-mail's event key (`notifications.services.event_key`); the
    `notification_key_prefix` index serves the prefix search.
    """
    return list(
        Notification.objects.filter(_case_keys(claim, order_number))
        .only(
            "event_key",
            "template",
            "language",
            "context",
            "recipient",
            "status",
            "sent_at",
            "created_at",
        )
        .order_by("created_at", "pk")
    )


def first_customer_email(*, claim: Claim) -> Notification | None:
    """Our first e-mail to the customer about this claim (its receipt): the root of the
    conversation an answer joins when the customer has not written yet."""
    return (
        Notification.objects.filter(_case_keys(claim, ""), recipient__iexact=claim.email)
        .only("event_key", "recipient")
        .order_by("created_at", "pk")
        .first()
    )


def claim_phone_messages(*, claim: Claim, order_number: str = "") -> list[PhoneMessage]:
    """The WhatsApp and SMS rows of this claim and of its order, oldest first: one query
    (the `phone_message_key_prefix` index serves the prefix search, as for the e-mails)."""
    return list(
        PhoneMessage.objects.filter(_case_keys(claim, order_number))
        .only("template", "channel", "recipient", "status", "last_error", "sent_at", "created_at")
        .order_by("created_at", "pk")
    )


def claim_assessment(*, claim: Claim) -> warranty.Assessment | None:
    """The policy's dates for this claim (return, replacement, free repair until), as of
    the day it was filed: one query for the policy. None without a policy or a date."""
    policy = warranty_policy()
    if policy is None:
        return None
    try:
        return warranty.assess(claim.purchase_date, claim.submitted_date, policy)
    except ValidationError:  # a purchase date after the claim: nothing sensible to show
        return None


# Stored names carry the extension of the type read from the content (claims.uploads);
# these are the ones a browser shows as an image (HEIC it does not).
BROWSER_IMAGES = (".jpg", ".png", ".webp")


@dataclass(frozen=True)
class ClaimFile:
    url: str  # the permission-checked view, never the storage
    is_image: bool
    is_pdf: bool
    is_receipt: bool
    uploaded_at: datetime.datetime | None


def _claim_file(
    name: str | None, *, url: str, is_receipt: bool, uploaded_at: datetime.datetime | None = None
) -> ClaimFile:
    extension = name.rsplit(".", 1)[-1].lower() if name and "." in name else ""
    return ClaimFile(
        url=url,
        is_image=f".{extension}" in BROWSER_IMAGES,
        is_pdf=extension == "pdf",
        is_receipt=is_receipt,
        uploaded_at=uploaded_at,
    )


def claim_files(*, claim: Claim) -> list[ClaimFile]:
    """The receipt, then the files the customer added (`attachments`, prefetched): a
    receipt sent again is a receipt too, with the day it came."""
    files = []
    if claim.receipt:
        files.append(
            _claim_file(
                claim.receipt.name,
                url=reverse("claims:receipt", args=[claim.pk]),
                is_receipt=True,
            )
        )
    for attachment in claim.attachments.all():
        files.append(
            _claim_file(
                attachment.file.name,
                url=reverse("claims:attachment", args=[attachment.pk]),
                is_receipt=attachment.kind == AttachmentKind.RECEIPT,
                uploaded_at=attachment.uploaded_at,
            )
        )
    return files
