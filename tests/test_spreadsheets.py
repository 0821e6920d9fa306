"""The formula guard every CSV and XLSX of the portal shares: text a spreadsheet would run
stays text; numbers and ordinary words are written as they are."""

import io

import pytest
from openpyxl import load_workbook
from xlsxwriter import Workbook

from dreame_service.kit.spreadsheets import XLSX_OPTIONS, csv_value, looks_like_formula, write_row

RUNS = [
    '=HYPERLINK("http://evil.example/","Нажмите")',
    "=1+1",
    "+7 701 234 56 78",  # Excel reads «+…» as a formula too
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",  # a tab or a carriage return before it hides it from a quick look
    "\r=1+1",
]
STAYS = ["DREAME L20 Ultra", "Алматы", "03.2026", "", " =1+1", "a=b", "—", "'=1+1"]
NUMBERS = [0, 5, -5, -2.5, 33.3, None]


@pytest.mark.parametrize("text", RUNS)
def test_it_marks_text_a_spreadsheet_would_run(text):
    assert looks_like_formula(text)
    assert csv_value(text) == "'" + text


@pytest.mark.parametrize("text", STAYS)
def test_it_leaves_ordinary_text_as_it_is(text):
    assert not looks_like_formula(text)
    assert csv_value(text) == text


@pytest.mark.parametrize("number", NUMBERS)
def test_it_leaves_numbers_untouched_even_negative_ones(number):
    assert not looks_like_formula(number)
    assert csv_value(number) == ("" if number is None else number)


def read_back(write) -> list:
    """The first row of a workbook XlsxWriter wrote with the portal's options, as openpyxl
    (and Excel) reads it: its cells, types included."""
    buffer = io.BytesIO()
    book = Workbook(buffer, {**XLSX_OPTIONS, "in_memory": True})
    write(book.add_worksheet())
    book.close()
    (row, *_rest) = load_workbook(buffer).active.iter_rows()
    return list(row)


def as_stored(text: str) -> str:
    """XlsxWriter stores a carriage return as «_x000D_», which Excel reads back as one and
    openpyxl leaves as it is."""
    return text.replace("\r", "_x000D_")


def test_it_writes_text_that_would_run_as_text_and_numbers_as_numbers():
    row = read_back(lambda sheet: write_row(sheet, 0, [*RUNS, "{=1+1}", "DREAME", -5, 33.3]))

    texts = [as_stored(text) for text in [*RUNS, "{=1+1}", "DREAME"]]
    assert [cell.value for cell in row[: len(RUNS) + 2]] == texts
    assert {cell.data_type for cell in row[: len(RUNS) + 2]} == {"s"}  # none a formula
    assert [cell.value for cell in row[len(RUNS) + 2 :]] == [-5, 33.3]
    assert [cell.data_type for cell in row[len(RUNS) + 2 :]] == ["n", "n"]


def test_the_options_keep_text_text_even_through_a_sheets_generic_write():
    texts = [*RUNS, "{=1+1}", "007", "http://evil.example/"]
    row = read_back(lambda sheet: sheet.write_row(0, 0, texts))

    assert [(cell.value, cell.data_type) for cell in row] == [(as_stored(t), "s") for t in texts]


def test_an_empty_value_is_an_empty_cell():
    row = read_back(lambda sheet: write_row(sheet, 0, ["a", None, "", 0]))

    assert [cell.value for cell in row] == ["a", None, None, 0]
