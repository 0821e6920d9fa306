"""A statement as an XLSX workbook (XlsxWriter): the lines, then the totals, numbers as
numbers so DREAME's accountants can sum them again."""

from io import BytesIO

from django.conf import settings
from django.http import FileResponse
from django.utils import translation
from django.utils.translation import gettext as _
from xlsxwriter import Workbook

from dreame_service.kit.formats import format_date
from dreame_service.kit.spreadsheets import XLSX_OPTIONS, write_row
from repairs.models import Statement, StatementLine
from repairs.statements import kept
from repairs.statements.selectors import statement_document

MONEY = "#,##0"
WIDTHS = (14, 14, 40, 16, 10, 16, 16, 14, 40)  # columns A to I
PRICE, AMOUNT = 5, 6  # the columns «Unit price, KZT» and «Amount, KZT» (from 0)


def statement_filename(statement: Statement) -> str:
    return f"statement-{statement.service_center_id}-{statement.month:%Y-%m}.xlsx"


def statement_xlsx(statement: Statement, lines, totals) -> bytes:
    buffer = BytesIO()
    # XLSX_OPTIONS and write_row: a description typed as «=HYPERLINK(...)» stays text and
    # never runs in the accountant's Excel.
    book = Workbook(buffer, {**XLSX_OPTIONS, "in_memory": True})
    money = book.add_format({"num_format": MONEY})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet(f"{statement.month:%Y-%m}")
    heading = [
        [_("Warranty statement"), statement.service_center.name],
        [_("Month"), f"{statement.month:%m.%Y}"],
        [_("State"), statement.get_state_display()],
    ]
    if statement.approved_at:
        heading.append([_("Approved at"), format_date(statement.approved_at.date())])
    for row, texts in enumerate(heading):
        write_row(sheet, row, texts)
    row = len(heading) + 1  # an empty row before the table
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
    write_row(sheet, row, header, dict.fromkeys(range(len(header)), bold))
    for line in lines:
        row += 1
        values: list[object] = [
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
        write_row(sheet, row, values, {PRICE: money, AMOUNT: money})
    row += 1  # an empty row before the totals
    for label, amount in (
        (_("Parts"), totals.parts),
        (_("Labour"), totals.labour),
        (_("Total"), totals.total),
        (_("Disputed, not included"), totals.disputed),
    ):
        row += 1
        write_row(sheet, row, [label, None, None, None, None, None, int(amount)], {AMOUNT: money})
    for column, width in enumerate(WIDTHS):
        sheet.set_column(column, column, width)
    book.close()
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


def xlsx_response(statement: Statement) -> FileResponse:
    """The statement's workbook as a download (support's and the center's alike), made once
    per version and language and kept (repairs.statements.kept)."""

    def make() -> bytes:
        document = statement_document(statement)
        return statement_xlsx(statement, document["lines"], document["totals"])

    name = kept.keep(
        statement,
        version=kept.version_of(statement),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        extension="xlsx",
        make=make,
    )
    return kept.download(
        name,
        filename=statement_filename(statement),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
