"""The warranty policy arithmetic: pure, no database, every boundary of the Kazakh rules."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from claims import warranty
from claims.warranty import (
    FREE_REPAIR,
    PAID_REPAIR,
    REPLACE_OR_REFUND,
    RETURN_REFUND,
    add_months,
    assess,
    extended_warranty_end,
)

D = datetime.date


@dataclass(frozen=True)
class Policy:
    """Kazakhstan's policy as seeded: 15 days / 30 days / 12 months."""

    return_days: int = 15
    replace_days: int = 30
    repair_months: int = 12


KZ = Policy()


@pytest.mark.parametrize(
    ("purchase_date", "on", "verdict"),
    [
        # purchase today
        (D(2026, 3, 10), D(2026, 3, 10), RETURN_REFUND),
        (D(2026, 3, 10), D(2026, 3, 11), RETURN_REFUND),
        # 15 / 16 days
        (D(2026, 3, 1), D(2026, 3, 16), RETURN_REFUND),
        (D(2026, 3, 1), D(2026, 3, 17), REPLACE_OR_REFUND),
        # 30 / 31 days
        (D(2026, 3, 1), D(2026, 3, 31), REPLACE_OR_REFUND),
        (D(2026, 3, 1), D(2026, 4, 1), FREE_REPAIR),
        # 15/16 and 30/31 across a month end and a leap February
        (D(2024, 2, 20), D(2024, 3, 6), RETURN_REFUND),
        (D(2024, 2, 20), D(2024, 3, 7), REPLACE_OR_REFUND),
        (D(2024, 2, 20), D(2024, 3, 21), REPLACE_OR_REFUND),
        (D(2024, 2, 20), D(2024, 3, 22), FREE_REPAIR),
        (D(2025, 2, 20), D(2025, 3, 22), REPLACE_OR_REFUND),
        (D(2025, 2, 20), D(2025, 3, 23), FREE_REPAIR),
        # 30/31 across New Year
        (D(2025, 12, 15), D(2026, 1, 14), REPLACE_OR_REFUND),
        (D(2025, 12, 15), D(2026, 1, 15), FREE_REPAIR),
        # 12-month anniversary: the day of is still free, the day after is paid
        (D(2025, 3, 10), D(2026, 3, 9), FREE_REPAIR),
        (D(2025, 3, 10), D(2026, 3, 10), FREE_REPAIR),
        (D(2025, 3, 10), D(2026, 3, 11), PAID_REPAIR),
        # month-end purchases: +12 months keeps the day
        (D(2025, 1, 31), D(2026, 1, 31), FREE_REPAIR),
        (D(2025, 1, 31), D(2026, 2, 1), PAID_REPAIR),
        # Feb 29 + 12 months = Feb 28 of the next year
        (D(2024, 2, 29), D(2025, 2, 28), FREE_REPAIR),
        (D(2024, 2, 29), D(2025, 3, 1), PAID_REPAIR),
        # a purchase on Feb 28 of a year before a leap year: anniversary is Feb 28, not Feb 29
        (D(2023, 2, 28), D(2024, 2, 28), FREE_REPAIR),
        (D(2023, 2, 28), D(2024, 2, 29), PAID_REPAIR),
        # a purchase on Mar 1 before a leap day: the 365 days do not reach the anniversary
        (D(2023, 3, 1), D(2024, 2, 29), FREE_REPAIR),
        (D(2023, 3, 1), D(2024, 3, 1), FREE_REPAIR),
        (D(2023, 3, 1), D(2024, 3, 2), PAID_REPAIR),
        # long ago, but within the 10-year limit
        (D(2018, 6, 1), D(2026, 3, 10), PAID_REPAIR),
    ],
)
def test_it_gives_the_verdict_of_the_kazakh_policy(purchase_date, on, verdict):
    assert assess(purchase_date, on, KZ).verdict == verdict


@pytest.mark.parametrize(
    ("purchase_date", "return_until", "replace_until", "repair_until"),
    [
        (D(2026, 3, 1), D(2026, 3, 16), D(2026, 3, 31), D(2027, 3, 1)),
        (D(2024, 2, 29), D(2024, 3, 15), D(2024, 3, 30), D(2025, 2, 28)),
        (D(2025, 12, 31), D(2026, 1, 15), D(2026, 1, 30), D(2026, 12, 31)),
    ],
)
def test_it_reports_the_deadlines_that_apply(
    purchase_date, return_until, replace_until, repair_until
):
    result = assess(purchase_date, purchase_date, KZ)

    assert result.return_until == return_until
    assert result.replace_until == replace_until
    assert result.repair_until == repair_until
    assert result.days_since_purchase == 0


def test_it_counts_the_days_since_purchase():
    assert assess(D(2026, 1, 1), D(2026, 3, 1), KZ).days_since_purchase == 59


def test_it_follows_the_policy_data_not_constants():
    generous = Policy(return_days=7, replace_days=14, repair_months=24)

    assert assess(D(2026, 1, 1), D(2026, 1, 8), generous).verdict == RETURN_REFUND
    assert assess(D(2026, 1, 1), D(2026, 1, 9), generous).verdict == REPLACE_OR_REFUND
    assert assess(D(2026, 1, 1), D(2026, 1, 16), generous).verdict == FREE_REPAIR
    assert assess(D(2024, 1, 1), D(2026, 1, 1), generous).verdict == FREE_REPAIR
    assert assess(D(2024, 1, 1), D(2026, 1, 2), generous).verdict == PAID_REPAIR


@pytest.mark.parametrize(
    ("purchase_date", "on"),
    [
        (D(2026, 3, 11), D(2026, 3, 10)),
        (D(2027, 1, 1), D(2026, 3, 10)),
    ],
)
def test_a_purchase_in_the_future_is_refused(purchase_date, on):
    with pytest.raises(ValidationError) as excinfo:
        assess(purchase_date, on, KZ)

    assert excinfo.value.code == "purchase_in_future"
    with translation.override("en"):
        english = excinfo.value.messages[0]
    with translation.override("ru"):
        russian = excinfo.value.messages[0]
    assert english == "The purchase date cannot be in the future."
    assert russian != english  # the customer reads it in their language


@pytest.mark.parametrize(
    ("purchase_date", "on"),
    [
        (D(2016, 3, 9), D(2026, 3, 10)),
        (D(1990, 1, 1), D(2026, 3, 10)),
        # 10 years before Feb 28, 2025 is Feb 28, 2015: the day before is too old
        (D(2015, 2, 27), D(2025, 2, 28)),
    ],
)
def test_a_purchase_more_than_ten_years_back_is_refused(purchase_date, on):
    with pytest.raises(ValidationError) as excinfo:
        assess(purchase_date, on, KZ)

    assert excinfo.value.code == "purchase_too_old"
    assert excinfo.value.params == {"years": 10}
    with translation.override("en"):
        english = excinfo.value.messages[0]
    with translation.override("kk"):
        kazakh = excinfo.value.messages[0]
    assert english == "The purchase date cannot be more than 10 years ago."
    assert "10" in kazakh
    assert kazakh != english


@pytest.mark.parametrize(
    ("purchase_date", "on"),
    [
        (D(2016, 3, 10), D(2026, 3, 10)),
        # ten years back from a leap day is Feb 28 (2016 + 10 = 2026 is no leap year)
        (D(2014, 2, 28), D(2024, 2, 29)),
    ],
)
def test_exactly_ten_years_back_is_accepted(purchase_date, on):
    assert assess(purchase_date, on, KZ).verdict == PAID_REPAIR


def test_validate_purchase_date_accepts_today():
    warranty.validate_purchase_date(D(2026, 3, 10), D(2026, 3, 10))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 15), 0, D(2026, 1, 15)),
        (D(2026, 1, 15), 1, D(2026, 2, 15)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 12, 31), 1, D(2027, 1, 31)),
        (D(2026, 11, 30), 2, D(2027, 1, 30)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2025, 2, 28), 12, D(2026, 2, 28)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 1, 15), -1, D(2025, 12, 15)),
        (D(2026, 3, 10), -120, D(2016, 3, 10)),
        (D(2024, 2, 29), -120, D(2014, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("purchase_date", "claim_date", "returned_date", "expected"),
    [
        # 20 days without the product push the end from 2026-03-01 to 2026-03-21
        (D(2025, 3, 1), D(2025, 10, 1), D(2025, 10, 21), D(2026, 3, 21)),
        # returned the same day: no extension
        (D(2025, 3, 1), D(2025, 10, 1), D(2025, 10, 1), D(2026, 3, 1)),
        # a leap-day purchase: the base end is Feb 28
        (D(2024, 2, 29), D(2024, 6, 1), D(2024, 6, 11), D(2025, 3, 10)),
        # dates given the wrong way round never shorten the warranty
        (D(2025, 3, 1), D(2025, 10, 21), D(2025, 10, 1), D(2026, 3, 1)),
    ],
)
def test_extended_warranty_end_adds_the_days_without_the_product(
    purchase_date, claim_date, returned_date, expected
):
    result = extended_warranty_end(
        purchase_date=purchase_date,
        policy=KZ,
        claim_date=claim_date,
        returned_date=returned_date,
    )

    assert result == expected


@pytest.mark.parametrize(
    ("purchase_date", "claim_date", "returned_date", "new_end"),
    [
        # 20 days without the product add 20 days to the 12 months
        (D(2025, 3, 10), D(2025, 9, 1), D(2025, 9, 21), D(2026, 3, 30)),
        # returned the same day: nothing to add
        (D(2025, 3, 10), D(2025, 9, 1), D(2025, 9, 1), D(2026, 3, 10)),
        # a claim on the warranty's last day still extends it
        (D(2025, 3, 10), D(2026, 3, 10), D(2026, 3, 20), D(2026, 3, 20)),
        # a claim the day after: the warranty had ended, nothing to extend
        (D(2025, 3, 10), D(2026, 3, 11), D(2026, 3, 20), None),
        # Feb 29 + 12 months = Feb 28, then the days without the product
        (D(2024, 2, 29), D(2024, 12, 1), D(2024, 12, 11), D(2025, 3, 10)),
    ],
)
def test_the_new_warranty_end_after_a_return(purchase_date, claim_date, returned_date, new_end):
    assert (
        warranty.warranty_end_after_return(
            purchase_date=purchase_date,
            policy=KZ,
            claim_date=claim_date,
            returned_date=returned_date,
        )
        == new_end
    )
