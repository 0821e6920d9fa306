"""A statement as an XLSX workbook (openpyxl): the lines, then the totals, numbers as numbers
so DREAME's accountants can sum them again."""

from io import BytesIO

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from dreame_service.kit.formats import format_date
from dreame_service.kit.spreadsheets import keep_as_text
from repairs.models import Statement, StatementLine
from repairs.statements.selectors import statement_document

MONEY = "#,##0"


def statement_filename(statement: Statement) -> str:
    return f"statement-{statement.service_center_id}-{statement.month:%Y-%m}.xlsx"


def _as_text(sheet) -> None:
    """The last row's text typed by people stays text: a description «=HYPERLINK(...)» must
    not run in the accountant's Excel."""
    for cell in sheet[sheet.max_row]:
        keep_as_text(cell)


def statement_xlsx(statement: Statement, lines, totals) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{statement.month:%Y-%m}"
    sheet.append([_("Warranty statement"), statement.service_center.name])
    _as_text(sheet)
    sheet.append([_("Month"), f"{statement.month:%m.%Y}"])
    sheet.append([_("State"), statement.get_state_display()])
    if statement.approved_at:
        sheet.append([_("Approved at"), format_date(statement.approved_at.date())])
    sheet.append([])
    header = [
        _("Order"),
        _("Kind"),
        _("Description"),
        _("Part number"),
        _("Quantity"),
        _("Unit price, KZT"),
        _("Amount, KZT"),
        _("State"),
        _("Note"),
    ]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for line in lines:
        sheet.append(
            [
                line.order_number,
                line.get_kind_display(),
                line.description,
                line.part_number,
                float(line.quantity),
                int(line.unit_price),
                int(line.total),
                line.get_state_display(),
                _note(line),
            ]
        )
        _as_text(sheet)
        sheet.cell(row=sheet.max_row, column=6).number_format = MONEY
        sheet.cell(row=sheet.max_row, column=7).number_format = MONEY
    sheet.append([])
    for label, amount in (
        (_("Parts"), totals.parts),
        (_("Labour"), totals.labour),
        (_("Total"), totals.total),
        (_("Disputed, not included"), totals.disputed),
    ):
        sheet.append([label, None, None, None, None, None, int(amount)])
        sheet.cell(row=sheet.max_row, column=7).number_format = MONEY
    for column, width in zip("ABCDEFGHI", (14, 14, 40, 16, 10, 16, 16, 14, 40), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _note(line: StatementLine) -> str:
    notes = []
    if line.is_correction:
        notes.append(correction_note(line))
    if line.is_disputed:
        notes.append(line.dispute_reason)
    return "; ".join(notes)


def correction_note(line: StatementLine) -> str:
    if line.corrects is None:
        return _("Correction: added after the order was stated")
    return _("Correction of the statement for %(month)s") % {
        "month": f"{line.corrects.statement.month:%m.%Y}"
    }


def xlsx_response(statement: Statement) -> HttpResponse:
    """The statement's workbook as a download (support's and the center's alike)."""
    document = statement_document(statement)
    response = HttpResponse(
        statement_xlsx(statement, document["lines"], document["totals"]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{statement_filename(statement)}"'
    return response
