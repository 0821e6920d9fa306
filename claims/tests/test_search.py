"""The admin's one search box: what each typed term can mean. Pure parsing, no database."""

import pytest

from claims.search import MAX_LENGTH, MIN_NAME_LENGTH, parse


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("8 701 234 56 78", id="leading_8_with_spaces"),
        pytest.param("+7 (701) 234-56-78", id="plus_7_brackets_dashes"),
        pytest.param("87012345678", id="leading_8_run_together"),
        pytest.param("7012345678", id="ten_digits"),
        pytest.param("8 (701) 234-56-78", id="leading_8_brackets"),
        pytest.param("+77012345678", id="e164"),
        pytest.param("77012345678", id="country_code_without_plus"),
        pytest.param("\u00a08\u00a0701 234 56 78\t", id="pasted_with_no_break_spaces"),
    ],
)
def test_it_reads_a_phone_in_any_spelling_as_e164(raw):
    assert parse(raw).phone == "+77012345678"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("+7 916 123 45 67", id="russian_mobile"),
        pytest.param("234 56 78", id="no_area_code"),
        pytest.param("2345678", id="a_fragment"),
        pytest.param("SN 87012345678", id="digits_inside_a_serial_number"),
        pytest.param("aigerim@example.kz", id="an_email"),
    ],
)
def test_it_reads_no_phone_where_there_is_none(raw):
    assert parse(raw).phone is None


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("CL-7KQ2M9XW", id="canonical"),
        pytest.param("cl-7kq2m9xw", id="lower_case"),
        pytest.param("CL7KQ2M9XW", id="no_dash"),
        pytest.param("7KQ2M9XW", id="no_prefix"),
        pytest.param("7kq2m9xw", id="no_prefix_lower_case"),
        pytest.param(" cl 7kq2 m9xw ", id="spaces"),
    ],
)
def test_it_reads_a_claim_number_with_or_without_its_prefix(raw):
    assert parse(raw).claim_number == "CL-7KQ2M9XW"


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        pytest.param("CL-T000000I", "CL-T0000001", id="capital_i_for_one"),
        pytest.param("cl-tooooool", "CL-T0000001", id="o_for_zero_l_for_one"),
    ],
)
def test_it_forgives_crockford_look_alikes_in_a_claim_number(raw, number):
    assert parse(raw).claim_number == number


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("CL-7KQ2M9X", id="one_symbol_short"),
        pytest.param("CL-7KQ2M9XWZ", id="one_symbol_too_many"),
        pytest.param("CL-7KQ2M9XU", id="u_is_not_crockford"),
        pytest.param("Айгерим", id="a_name"),
    ],
)
def test_it_reads_no_claim_number_where_there_is_none(raw):
    assert parse(raw).claim_number is None


def test_it_reads_an_email_as_typed():
    readings = parse("  Aigerim.S@Example.KZ ")

    assert readings.email == "Aigerim.S@Example.KZ"
    assert readings.name is None
    assert readings.phone is None


def test_it_reads_a_serial_number_and_not_a_name_from_letters_and_digits():
    readings = parse("R2235A1234567")

    assert readings.serial_number == "R2235A1234567"
    assert readings.name is None


@pytest.mark.parametrize(
    "raw",
    ["Сатпаева", "айгерим сатпаева", "Сатпаева-Ким", "O'Neil", "А. Ким"],
)
def test_it_reads_a_name(raw):
    assert parse(raw).name == raw


def test_a_name_shorter_than_three_letters_is_not_searched_as_a_name():
    assert MIN_NAME_LENGTH == 3
    assert parse("Ли").name is None
    assert parse("Ким").name == "Ким"


def test_text_with_spaces_and_digits_is_neither_a_serial_number_nor_a_name():
    readings = parse("ул. Абая 10")

    assert readings.serial_number is None
    assert readings.name is None


@pytest.mark.parametrize("raw", ["", "   ", "\t\r\n", "\u200b"])
def test_an_empty_term_searches_for_nothing(raw):
    assert parse(raw) is None


def test_a_paste_longer_than_any_number_or_name_searches_for_nothing():
    assert parse("8" * (MAX_LENGTH + 1)) is None
    assert parse("Айгерим " * 20) is None


@pytest.mark.parametrize("raw", ["aigerim", "aigerim@", "aigerim.s@exam", "example.kz", "айгерим"])
def test_it_reads_a_part_of_an_email(raw):
    assert parse(raw).email_part == raw


@pytest.mark.parametrize("raw", ["87012345678", "ул. Абая 10", "a@b@c", "ab"])
def test_digits_text_with_spaces_or_two_ats_are_no_part_of_an_email(raw):
    assert parse(raw).email_part is None
