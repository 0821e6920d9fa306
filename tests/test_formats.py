"""Money and dates as Kazakhstan writes them: one owner, used by pages and e-mails alike."""

import datetime
from decimal import Decimal

import pytest

from dreame_service.kit.formats import format_date, format_kzt


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (45000, "45 000 ₸"),
        (Decimal("38500"), "38 500 ₸"),
        ("1250000", "1 250 000 ₸"),
        (999, "999 ₸"),
        (Decimal("45000.40"), "45 000 ₸"),
        ("", ""),
        ("not money", ""),
        (None, ""),
    ],
)
def test_it_writes_whole_tenge_in_groups_of_three(amount, shown):
    assert format_kzt(amount) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (datetime.date(2026, 3, 5), "05.03.2026"),
        ("2026-11-25", "25.11.2026"),
        ("2026-11-25T10:00:00+05:00", "25.11.2026"),
        ("25.11.2026", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_it_writes_dates_as_day_month_year(value, shown):
    assert format_date(value) == shown
