"""Warranty policy arithmetic: pure Python, no ORM, the check date is always an argument.

The verdict from the purchase date is preliminary; the intake act records the final one.
"""

import calendar
import datetime
from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

RETURN_REFUND = "return_refund"
REPLACE_OR_REFUND = "replace_or_refund"
FREE_REPAIR = "free_repair"
PAID_REPAIR = "paid_repair"

MAX_PURCHASE_AGE_YEARS = 10


class Policy(Protocol):
    """What the verdict needs from a policy; `claims.WarrantyPolicy` rows fit."""

    return_days: int
    replace_days: int
    repair_months: int


class RepairTerm(Protocol):
    """What the warranty's end needs from a policy: its free-repair months (read only)."""

    @property
    def repair_months(self) -> int: ...


@dataclass(frozen=True)
class Assessment:
    verdict: str
    days_since_purchase: int
    return_until: datetime.date
    replace_until: datetime.date
    repair_until: datetime.date


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the month's end (Feb 29 + 12 months = Feb 28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def validate_purchase_date(purchase_date: datetime.date, on: datetime.date) -> None:
    if purchase_date > on:
        raise ValidationError(
            _("The purchase date cannot be in the future."), code="purchase_in_future"
        )
    if purchase_date < add_months(on, -12 * MAX_PURCHASE_AGE_YEARS):
        raise ValidationError(
            _("The purchase date cannot be more than %(years)d years ago."),
            code="purchase_too_old",
            params={"years": MAX_PURCHASE_AGE_YEARS},
        )


def assess(purchase_date: datetime.date, on: datetime.date, policy: Policy) -> Assessment:
    """The preliminary verdict for a product bought on `purchase_date`, checked on `on`."""
    validate_purchase_date(purchase_date, on)
    days = (on - purchase_date).days
    return_until = purchase_date + datetime.timedelta(days=policy.return_days)
    replace_until = purchase_date + datetime.timedelta(days=policy.replace_days)
    repair_until = add_months(purchase_date, policy.repair_months)
    if days <= policy.return_days:
        verdict = RETURN_REFUND
    elif days <= policy.replace_days:
        verdict = REPLACE_OR_REFUND
    elif on <= repair_until:
        verdict = FREE_REPAIR
    else:
        verdict = PAID_REPAIR
    return Assessment(verdict, days, return_until, replace_until, repair_until)


def extended_warranty_end(
    *,
    purchase_date: datetime.date,
    policy: RepairTerm,
    claim_date: datetime.date,
    returned_date: datetime.date,
) -> datetime.date:
    """Kazakh law extends the warranty by the days the product could not be used:
    from the claim to the product's return to the customer."""
    days_without_product = max((returned_date - claim_date).days, 0)
    return add_months(purchase_date, policy.repair_months) + datetime.timedelta(
        days=days_without_product
    )


def warranty_end_after_return(
    *,
    purchase_date: datetime.date,
    policy: RepairTerm,
    claim_date: datetime.date,
    returned_date: datetime.date,
) -> datetime.date | None:
    """The new warranty end the customer is told when the product comes back, or None.

    None when the warranty had already ended on the day of the claim (a paid repair of an
    old product): there is nothing to extend, and a date in the past would only confuse.
    """
    if claim_date > add_months(purchase_date, policy.repair_months):
        return None
    return extended_warranty_end(
        purchase_date=purchase_date,
        policy=policy,
        claim_date=claim_date,
        returned_date=returned_date,
    )
