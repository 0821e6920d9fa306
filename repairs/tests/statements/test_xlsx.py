"""A statement's XLSX as XlsxWriter writes it: the layout accountants sum again (the bold
header, amounts as numbers in the tenge format, the totals) and typed text kept as text."""

from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from repairs.statements.services import prepare_statement
from repairs.tests.factories import SupportUserFactory, TechnicianFactory
from repairs.tests.statements.builders import MONTH, in_october, quick_warranty_orders

pytestmark = pytest.mark.django_db


def statement_sheet(*, description: str = ""):
    technician = TechnicianFactory()
    quick_warranty_orders(center=technician.service_center, count=2, finished=in_october(10))
    statement = prepare_statement(service_center=technician.service_center, month=MONTH)
    if description:
        statement.lines.filter(kind="part").update(description=description)
    client = Client()
    client.force_login(SupportUserFactory())
    response = client.get(f"/admin/statements/{statement.pk}/statement.xlsx")
    assert response["Content-Disposition"] == (
        f'attachment; filename="statement-{technician.service_center.pk}-2026-10.xlsx"'
    )
    return load_workbook(BytesIO(b"".join(response.streaming_content))).active


def test_the_statement_keeps_its_header_tenge_format_totals_and_widths():
    sheet = statement_sheet()
    rows = list(sheet.iter_rows())
    header = next(row for row in rows if row[0].value == "Заказ")
    start = header[0].row

    assert sheet.title == "2026-10"
    assert rows[0][0].value == "Гарантийный отчёт"
    assert all(cell.font.bold for cell in header if cell.value)
    lines = rows[start : start + 4]  # two orders, a part and labour each
    assert all(row[6].data_type == "n" and row[6].number_format == "#,##0" for row in lines)
    assert all(row[5].number_format == "#,##0" for row in lines)
    totals = {row[0].value: row[6] for row in rows[start + 4 :] if row[0].value}
    assert totals["Всего"].value == 25000 and totals["Всего"].number_format == "#,##0"
    assert sheet.column_dimensions["C"].width == pytest.approx(40, abs=1)


def test_a_description_typed_as_a_formula_stays_text():
    sheet = statement_sheet(description="@SUM(A1:A2)")

    typed = [cell for row in sheet.iter_rows() for cell in row if cell.value == "@SUM(A1:A2)"]
    assert len(typed) == 2 and {cell.data_type for cell in typed} == {"s"}
