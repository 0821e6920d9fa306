"""Reads on claims used by the public views."""

import datetime

from django.utils import timezone

from claims.models import Claim, ProductModel

# A second identical claim this soon after the first is the same claim sent twice.
DUPLICATE_WINDOW = datetime.timedelta(minutes=10)


def active_product_models() -> list[ProductModel]:
    return list(ProductModel.objects.filter(is_active=True).only("pk", "name"))


def claim_for_number(*, number: str) -> Claim | None:
    return Claim.objects.filter(number=number).first()


def recent_duplicate_claim(*, data: dict) -> Claim | None:
    """The claim with the same contacts, product and text sent in the last few minutes."""
    return (
        Claim.objects.filter(
            email=data["email"],
            phone=data["phone"],
            serial_number=data["serial_number"],
            fault_description=data["fault_description"],
            submitted_at__gte=timezone.now() - DUPLICATE_WINDOW,
        )
        .only("pk", "number")
        .first()
    )
