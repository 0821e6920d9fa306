"""Tracking numbers: pure, no database. Typed by customers and technicians, linked to the
carrier's page wherever they are shown."""

import pytest
from django.core.exceptions import ValidationError

from repairs import tracking
from repairs.tracking import is_valid_s10, normalize, s10_check_digit, s10_number, tracking_url


@pytest.mark.parametrize(
    ("serial", "check"),
    [
        ("47312482", 9),  # the usual example of the standard: AA473124829GB
        ("12345678", 5),
        ("00000000", 5),  # 11 - 0 = 11 → 5
        ("00000001", 4),
        ("00000008", 0),  # 11 - 56 % 11 = 10 → 0
    ],
)
def test_the_s10_check_digit_follows_the_upu_weights(serial, check):
    assert s10_check_digit(serial) == check


def test_a_number_made_by_s10_number_is_valid():
    assert s10_number("RR", 48211000, "KZ") == "RR482110006KZ"
    assert all(is_valid_s10(s10_number("EE", n, "KZ")) for n in range(0, 10**8, 999_983))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("RR123456785KZ", "RR123456785KZ"),
        ("rr123456785kz", "RR123456785KZ"),  # lower case
        ("  RR 1234 5678 5 KZ ", "RR123456785KZ"),  # spaces, as printed in groups
        ("rr-123-456-785-kz", "RR123456785KZ"),  # dashes
        ("RR\u00a0123456785–KZ", "RR123456785KZ"),  # a no-break space, an en dash
    ],
)
def test_a_kazpost_number_is_kept_in_its_barcode_spelling(typed, stored):
    parcel = normalize(carrier="Казпочта", tracking_number=typed)
    assert parcel == tracking.Parcel(carrier="Казпочта", tracking_number=stored)


@pytest.mark.parametrize("carrier", ["Казпочта", "казпочта", "Kazpost", " KAZPOST ", "Қазпошта"])
def test_every_spelling_of_kazpost_is_checked_and_the_name_stays_as_typed(carrier):
    assert normalize(carrier=carrier, tracking_number="rr123456785kz").carrier == carrier.strip()
    with pytest.raises(ValidationError):
        normalize(carrier=carrier, tracking_number="RR123456789KZ")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("RR123456789KZ", "bad_check_digit"),  # the 9 should be a 5
        ("RR123456758KZ", "bad_check_digit"),  # two digits swapped
        ("RR12345678KZ", "not_s10"),  # a digit missing
        ("123456785", "not_s10"),
        ("RR1KZ", "not_s10"),
    ],
)
def test_a_kazpost_number_that_is_no_valid_s10_is_refused_with_the_reason(typed, code):
    with pytest.raises(ValidationError) as error:
        normalize(carrier="Kazpost", tracking_number=typed)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("carrier", "typed", "stored"),
    [
        ("CDEK", "10 9876-5432", "1098765432"),
        ("сдэк", "cd 1234-567", "CD1234567"),
        ("DHL", "12 3456 7890", "1234567890"),
        ("Pony Express", "pe-12 34", "PE1234"),
        ("Exline", "ex 001", "EX001"),
        ("Alem-Tat", "at-1", "AT1"),
        # An unknown carrier's format may have its own dashes: only case and spaces.
        ("Курьер Иван", "ab-12  cd", "AB-12 CD"),
        # …but an S10 number is one whoever carries it, and its check digit is not ours to
        # judge for another carrier (EMS partners, marketplaces).
        ("Another Post", "rr 123 456 789 kz", "RR123456789KZ"),
    ],
)
def test_other_carriers_are_only_tidied_never_refused(carrier, typed, stored):
    assert normalize(carrier=carrier, tracking_number=typed).tracking_number == stored


def test_normalizing_twice_changes_nothing():
    once = normalize(carrier="Kazpost", tracking_number="rr 123-456-785 kz")
    assert normalize(carrier=once.carrier, tracking_number=once.tracking_number) == once


@pytest.mark.parametrize(
    ("carrier", "number", "url"),
    [
        ("Казпочта", "RR123456785KZ", "https://post.kz/mail/search/track/RR123456785KZ/detail"),
        ("kazpost", "RR123456785KZ", "https://post.kz/mail/search/track/RR123456785KZ/detail"),
        ("CDEK", "1098765432", "https://www.cdek.kz/ru/tracking?order_id=1098765432"),
        ("СДЭК", "1098765432", "https://www.cdek.kz/ru/tracking?order_id=1098765432"),
        (
            "DHL",
            "1234567890",
            "https://www.dhl.com/kz-ru/home/tracking.html?tracking-id=1234567890&submit=1",
        ),
        # No public page that opens a parcel from a link: the number is shown unlinked.
        ("Pony Express", "PE1234", ""),
        ("Exline", "EX001", ""),
        ("Alem-Tat", "AT1", ""),
        ("Курьер Иван", "AB-12", ""),
        ("CDEK", "", ""),
    ],
)
def test_the_carriers_public_page_is_linked_where_there_is_one(carrier, number, url):
    assert tracking_url(carrier=carrier, tracking_number=number) == url


def test_a_number_cannot_escape_its_place_in_the_url():
    url = tracking_url(carrier="CDEK", tracking_number="1&order_id=2/../x y")
    assert url == "https://www.cdek.kz/ru/tracking?order_id=1%26order_id%3D2%2F..%2Fx%20y"


def test_every_offered_carrier_is_found_by_its_name():
    assert [tracking.find_carrier(name) for name in tracking.CARRIER_NAMES] == list(
        tracking.CARRIERS
    )
