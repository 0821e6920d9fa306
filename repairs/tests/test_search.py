"""The workbench's search box: pure parsing, no database."""

import dataclasses

import pytest

from claims import claim_numbers
from repairs import order_numbers
from repairs.search import MAX_LENGTH, Query, parse_query


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("8 701 234 56 78", id="leading_8_with_spaces"),
        pytest.param("87012345678", id="leading_8_run_together"),
        pytest.param("8 (701) 234-56-78", id="leading_8_with_brackets"),
        pytest.param("+77012345678", id="e164"),
        pytest.param("+7 (701) 234 56 78", id="plus_7_with_brackets"),
        pytest.param("7 701 234 56 78", id="country_code_without_plus"),
        pytest.param("701-234-5678", id="ten_digits_with_dashes"),
        pytest.param("7012345678", id="ten_digits_run_together"),
        pytest.param("(701) 234-56-78", id="ten_digits_with_brackets"),
        pytest.param("\u00a08\u00a0701\u00a0234 56 78\r\n", id="pasted_with_no_break_spaces"),
    ],
)
def test_it_reads_a_kazakhstan_phone_typed_in_any_spelling(raw):
    assert parse_query(raw).phone == "+77012345678"


def test_it_reads_a_landline_phone_too():
    assert parse_query("8 727 355 00 00").phone == "+77273550000"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("+7 916 123 45 67", id="russian_mobile_sharing_plus_7"),
        pytest.param("+49 30 1234567", id="german"),
        pytest.param("701 234 56 78 99", id="two_digits_too_many"),
        pytest.param("234 56 78", id="no_area_code"),
        pytest.param("+", id="a_plus_alone"),
        pytest.param("()--", id="punctuation_alone"),
        pytest.param("SN 87012345678", id="digits_inside_a_serial_number"),
        pytest.param("87012345678 ext 12", id="with_an_extension"),
    ],
)
def test_it_finds_no_phone_in_what_is_not_a_kazakhstan_number(raw):
    assert parse_query(raw).phone is None


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("CL-7KQ2M9XW", id="canonical"),
        pytest.param("cl-7kq2m9xw", id="lowercase"),
        pytest.param("CL7KQ2M9XW", id="missing_dash"),
        pytest.param("cl 7kq2 m9xw", id="spaces"),
        pytest.param("  CL-7KQ2M9XW\t", id="scanner_tab"),
    ],
)
def test_it_reads_a_claim_number_in_any_case_and_spacing(raw):
    assert parse_query(raw).claim_number == "CL-7KQ2M9XW"


def test_it_reads_look_alike_letters_in_a_claim_number_as_digits():
    assert parse_query("CL-OIL23456").claim_number == "CL-01123456"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("CL-7KQ2M9X", id="seven_symbols"),
        pytest.param("CL-7KQ2M9XWZ", id="nine_symbols"),
        pytest.param("CL-7KQ2M9XU", id="u_is_not_crockford"),
        pytest.param("XL-7KQ2M9XW", id="other_prefix"),
    ],
)
def test_it_finds_no_claim_number_in_a_wrong_one(raw):
    assert parse_query(raw).claim_number is None


def test_it_reads_a_claim_number_typed_without_its_prefix_as_support_does():
    # One rule for the workbench and the admin (claims.search): the `CL-` is often left out.
    assert parse_query("7kq2m9xw").claim_number == "CL-7KQ2M9XW"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("7KQ2M9XW4D", id="canonical"),
        pytest.param("7KQ2M-9XW4D", id="as_printed"),
        pytest.param("7kq2m 9xw4d", id="read_out_in_lowercase"),
    ],
)
def test_it_reads_an_order_number_as_printed_or_typed(raw):
    assert parse_query(raw).order_number == "7KQ2M9XW4D"


def test_it_reads_back_a_freshly_issued_claim_number_typed_in_lowercase():
    number = claim_numbers.generate()

    assert parse_query(number.lower()).claim_number == number


def test_it_reads_back_a_freshly_issued_order_number_as_printed():
    number = order_numbers.generate()

    assert parse_query(order_numbers.display(number)).order_number == number


def test_ten_digits_are_read_both_as_a_phone_and_as_an_order_number():
    query = parse_query("7012345678")

    assert query.phone == "+77012345678"
    assert query.order_number == "7012345678"


def test_a_claim_number_also_yields_the_order_number_it_could_be_misread_from():
    # CL + 8 symbols is 10 Crockford symbols with L read as 1: the lookup simply finds no order
    query = parse_query("CL-7KQ2M9XW")

    assert query.claim_number == "CL-7KQ2M9XW"
    assert query.order_number == "C17KQ2M9XW"


def test_it_keeps_a_serial_number_as_text_with_no_other_reading():
    assert parse_query("  R2235-0012AB  ") == Query(text="R2235-0012AB")


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("' OR 1=1; --", id="sql"),
        pytest.param("<script>alert(1)</script>", id="script_tag"),
        pytest.param("🔧 пылесос", id="emoji_and_cyrillic"),
        pytest.param("%_\\", id="like_wildcards"),
    ],
)
def test_it_passes_junk_on_as_plain_text_only(raw):
    # the ORM binds it as a parameter and templates escape it; nothing here tries to
    assert parse_query(raw) == Query(text=raw)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("", id="empty"),
        pytest.param(" \t\r\n", id="whitespace"),
        pytest.param("\x00\u200b", id="invisible_characters"),
        pytest.param("x" * (MAX_LENGTH + 1), id="one_over_the_limit"),
        pytest.param(("8 701 234 56 78 " * 32)[:500], id="500_characters"),
        pytest.param("9" * 100_000, id="a_huge_paste"),
    ],
)
def test_it_searches_for_nothing_in_empty_or_absurdly_long_input(raw):
    assert parse_query(raw) == Query()


def test_it_keeps_text_up_to_the_limit():
    assert parse_query("x" * MAX_LENGTH).text == "x" * MAX_LENGTH


def test_it_turns_control_characters_into_single_spaces():
    assert parse_query("R2235\x00\t\n 0012").text == "R2235 0012"


@pytest.mark.parametrize(
    "raw", ["\ud800", "+" * 100, "(" * 50, "8" * 99, "CL-" * 33, "\u202e8701", "٨٧٠١٢٣٤٥٦٧٨"]
)
def test_it_never_raises(raw):
    assert isinstance(parse_query(raw), Query)


def test_a_query_cannot_be_changed():
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse_query("7012345678").phone = "+70000000000"
