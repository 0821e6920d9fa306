"""Text people typed stays text in a spreadsheet (OWASP: CSV injection).

A model name from the claim form or a line's description typed as «=HYPERLINK(…)» must not
run in support's or the accountant's Excel. One rule, here, for every CSV and XLSX the
portal writes: the reports' downloads and the centers' statements. Imports no openpyxl:
a workbook's cell is only read and marked.
"""

from typing import Any, Protocol

# A spreadsheet reads a cell starting with one of these as a formula (Excel takes "+", "-"
# and "@" as well as "="; a leading tab or carriage return hides one from a quick look).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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


class _Cell(Protocol):
    value: Any
    data_type: str


def keep_as_text[CellT: _Cell](cell: CellT) -> CellT:
    """An openpyxl cell (a sheet's or a write-only one) whose text would run, stored as
    text: openpyxl writes a string starting with "=" as a formula unless told otherwise."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
    return cell
