"""Money and dates as Kazakhstan writes them: one owner, used by pages and e-mails alike."""

import datetime
from decimal import Decimal

import phonenumbers
import pytest
from phonenumber_field.phonenumber import PhoneNumber

from dreame_service.kit import formats
from dreame_service.kit.formats import format_date, format_kzt, format_phone


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


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("+77273550101", "+7 727 355 01 01"),
        ("+7 727 355 0101", "+7 727 355 01 01"),
        ("8 (727) 355-01-01", "+7 727 355 01 01"),
        ("+77172123456", "+7 717 212 34 56"),
        ("+77015554433", "+7 701 555 44 33"),
        ("+7 727 355 00 00", "+7 727 355 00 00"),
        ("+12025550123", "+1 202 555 0123"),
        ("+819012345678", "+81 90 1234 5678"),
        ("call us", "call us"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_writes_phones_as_people_in_kazakhstan_do(value, shown):
    assert format_phone(value) == shown


def test_it_writes_a_stored_phone_number_the_same_way():
    assert format_phone(phonenumbers.parse("+77273550101")) == "+7 727 355 01 01"
    assert format_phone(PhoneNumber.from_string("+77273550101")) == "+7 727 355 01 01"


# --- Addresses: the region is left out where it is the city ---------------------------


@pytest.mark.parametrize(
    ("region", "city", "expected"),
    [
        ("Алматы", "Алматы", "050059, Алматы, мкр. Самал-2"),
        ("Алматы", "г. Алматы", "050059, г. Алматы, мкр. Самал-2"),
        ("Астана", "астана", "050059, астана, мкр. Самал-2"),
        ("Алматинская область", "Конаев", "050059, Алматинская область, Конаев, мкр. Самал-2"),
        ("", "Алматы", "050059, Алматы, мкр. Самал-2"),
    ],
)
def test_an_address_names_a_city_that_is_its_own_region_once(region, city, expected):
    address = formats.format_address(
        postal_code="050059", region=region, city=city, street="мкр. Самал-2"
    )

    assert address == expected


@pytest.mark.parametrize(
    ("region", "city", "expected"),
    [
        ("Астана", "Астана", "Астана"),
        ("Алматинская область", "Конаев", "Конаев, Алматинская область"),
    ],
)
def test_a_place_names_a_city_that_is_its_own_region_once(region, city, expected):
    assert formats.format_place(city=city, region=region) == expected


@pytest.mark.parametrize(
    ("name", "city", "expected"),
    [
        ("DREAME Сервис Алматы", "Алматы", "DREAME Сервис Алматы"),
        ("Сервис-центр на Абая", "Алматы", "Сервис-центр на Абая, Алматы"),
    ],
)
def test_a_centers_name_is_followed_by_its_city_unless_it_says_it(name, city, expected):
    assert formats.format_center(name=name, city=city) == expected
