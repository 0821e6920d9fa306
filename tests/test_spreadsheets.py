"""The formula guard every CSV and XLSX of the portal shares: text a spreadsheet would run
stays text; numbers and ordinary words are written as they are."""

import io

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from dreame_service.kit.spreadsheets import csv_value, keep_as_text, looks_like_formula

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


def test_it_keeps_a_sheets_cell_and_a_write_only_cell_as_text_in_the_file():
    book = Workbook()
    sheet = book.active
    sheet.append([*RUNS, "DREAME", -5, 33.3])
    for cell in sheet[1]:
        keep_as_text(cell)
    stream = Workbook(write_only=True)
    streamed = stream.create_sheet()
    streamed.append([keep_as_text(WriteOnlyCell(streamed, value=value)) for value in RUNS])

    for workbook in (book, stream):
        buffer = io.BytesIO()
        workbook.save(buffer)
        (row, *_rest) = load_workbook(buffer).active.iter_rows()
        # XML stores a carriage return as a line feed; the text is otherwise the same.
        assert [cell.value for cell in row[: len(RUNS)]] == [t.replace("\r", "\n") for t in RUNS]
        assert {cell.data_type for cell in row[: len(RUNS)]} == {"s"}  # none a formula
    assert [cell.value for cell in sheet[1][len(RUNS) :]] == ["DREAME", -5, 33.3]
    assert [cell.data_type for cell in sheet[1][len(RUNS) :]] == ["s", "n", "n"]
