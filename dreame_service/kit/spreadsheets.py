"""Text people typed stays text in a spreadsheet (OWASP: CSV injection).

A model name from the claim form or a line's description typed as «=HYPERLINK(…)» must not
run in support's or the accountant's Excel. One rule, here, for every CSV and XLSX the
portal writes: the reports' downloads and the centers' statements. Imports no spreadsheet
library: the XLSX writers (XlsxWriter) take its options and write their rows through it.
"""

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

# A spreadsheet reads a cell starting with one of these as a formula (Excel takes "+", "-"
# and "@" as well as "="; a leading tab or carriage return hides one from a quick look).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Every XlsxWriter workbook the portal writes: a string is never turned into a formula
# («=…», «{=…}»), a number («007») or a link, even through a worksheet's generic write().
XLSX_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


def looks_like_formula(value: object) -> bool:
    """Text a spreadsheet would run; numbers (negative ones too) are never formulas."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_value(value: object) -> object:
    """A CSV field: nothing for None; text that would run gets a leading apostrophe, which
    Excel and LibreOffice read as "this is text"; anything else as it is."""
    if value is None:
        return ""
    if looks_like_formula(value):
        return f"'{value}"
    return value


class _Sheet(Protocol):
    """The part of an XlsxWriter worksheet a row is written with."""

    def write_number(self, row: int, col: int, number: float, cell_format: Any = None) -> int: ...

    def write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> int: ...


def write_row(
    sheet: _Sheet, row: int, values: Sequence[object], formats: Mapping[int, Any] | None = None
) -> None:
    """A row of an XLSX sheet (row and columns counted from 0): numbers as numbers, so they
    can be summed again; None and "" as an empty cell; anything else as text, «=…» too, by
    construction (a string cell is never read as a formula). `formats`: a column's format."""
    for col, value in enumerate(values):
        cell_format = formats.get(col) if formats else None
        if isinstance(value, int | float):
            sheet.write_number(row, col, value, cell_format)
        elif value is not None and (text := str(value)):
            sheet.write_string(row, col, text, cell_format)
