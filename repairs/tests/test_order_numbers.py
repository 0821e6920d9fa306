"""Order numbers: pure, no database. Printed on paper, read out by phone, typed back in."""

import math

import pytest

from repairs import order_numbers
from repairs.order_numbers import ALPHABET, LENGTH, RANDOM_BITS, display, generate, normalize


def test_the_alphabet_has_no_ambiguous_letters():
    assert len(ALPHABET) == len(set(ALPHABET)) == 32
    assert not set("ILOU") & set(ALPHABET)
    assert ALPHABET.upper() == ALPHABET


def test_a_number_has_ten_symbols_and_at_least_40_bits_of_randomness():
    number = generate()

    assert len(number) == LENGTH == 10
    assert set(number) <= set(ALPHABET)
    assert RANDOM_BITS >= 40
    # the symbols can carry every bit drawn, so no randomness is thrown away
    assert LENGTH * math.log2(len(ALPHABET)) >= RANDOM_BITS


def test_it_draws_exactly_random_bits_from_the_source():
    asked = []

    def randbits(k):
        asked.append(k)
        return 0

    generate(randbits=randbits)

    assert asked == [RANDOM_BITS]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0000000000"),
        (1, "0000000001"),
        (31, "000000000Z"),
        (32, "0000000010"),
        (2**RANDOM_BITS - 1, "ZZZZZZZZZZ"),
    ],
)
def test_it_is_deterministic_given_the_random_bits(value, expected):
    assert generate(randbits=lambda _k: value) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "7KQ2M9XW4D",
        "7kq2m9xw4d",
        "7KQ2M-9XW4D",
        " 7kq2m - 9xw4d ",
        "7-K-Q-2-M-9-X-W-4-D",
        "7KQ2M\t9XW4D",
        "7kq2m_9xw4d",
        "7KQ2M.9XW4D",
    ],
)
def test_normalize_ignores_case_spaces_and_dashes(raw):
    assert normalize(raw) == "7KQ2M9XW4D"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("I0000-00000", "1000000000"),
        ("i0000-00000", "1000000000"),
        ("L0000-00000", "1000000000"),
        ("l0000-00000", "1000000000"),
        ("OOOOO-OOOOO", "0000000000"),
        ("o1234-5678z", "012345678Z"),
    ],
)
def test_normalize_maps_lookalikes_as_crockford_prescribes(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "7KQ2M9XW4",  # one short
        "7KQ2M9XW4DA",  # one long
        "7KQ2M9XW4U",  # U is not in the alphabet
        "7KQ2M9XW4!",
        "7KQ2M/9XW4D",
        "7KQ2M9XW4Д",  # Cyrillic look-alike
        "７KQ2M9XW4D",  # fullwidth digit
        "' OR 1=1 --",
        "-" * 40,
        "7KQ2M9XW4D" * 1000,
        None,
        12345678901,
        b"7KQ2M9XW4D",
        ["7KQ2M9XW4D"],
    ],
)
def test_normalize_refuses_what_cannot_be_an_order_number(raw):
    assert normalize(raw) is None


def test_display_groups_the_number_in_two_fives():
    assert display("7KQ2M9XW4D") == "7KQ2M-9XW4D"


def test_a_generated_number_round_trips_through_display_and_normalize():
    for _ in range(200):
        number = generate()
        assert normalize(display(number)) == number
        assert normalize(display(number).lower()) == number


def test_two_thousand_numbers_are_unique_and_not_a_sequence():
    numbers = [generate() for _ in range(2000)]

    assert len(set(numbers)) == 2000
    # a sequence would share its leading symbols; random numbers use most first symbols
    assert len({number[0] for number in numbers}) >= 28
    assert numbers != sorted(numbers)


def test_the_module_uses_a_cryptographic_source_by_default():
    assert generate.__defaults__[0] is order_numbers.secrets.randbits
