"""The reports' XLSX as XlsxWriter writes it: what people typed stays text, whatever it
starts with; counts stay numbers; the workbook holds what the CSV holds."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from claims.tests.factories import ClaimFactory
from dreame_service.kit.spreadsheets import csv_value
from repairs.tests.admin.report_helpers import csv_rows, xlsx_bytes
from repairs.tests.factories import SupportUserFactory

pytestmark = pytest.mark.django_db
URL = "/admin/reports/claims-orders/"
TYPED = [
    '=HYPERLINK("http://evil.example/","Нажмите")',
    "+7 701 234 56 78",
    "-2+3",
    "@SUM(A1:A2)",
    "{=1+1}",  # an array formula where a spreadsheet takes strings as formulas
    "http://evil.example/",
    "007",
    "DREAME L20 Ultra",
]


@pytest.fixture
def support():
    client = Client()
    client.force_login(SupportUserFactory())
    return client


def test_model_names_typed_as_formulas_stay_text_and_counts_stay_numbers(support):
    for model in TYPED:
        ClaimFactory(product_model=model)

    workbook = load_workbook(io.BytesIO(xlsx_bytes(support.get(URL, {"format": "xlsx"}))))
    header, *rows = workbook.active.iter_rows()

    assert [cell.value for cell in header][1] == "Модель"
    assert sorted(row[1].value for row in rows) == sorted(TYPED)
    assert {row[1].data_type for row in rows} == {"s"}  # not one a formula, a number, a link
    assert {(row[3].data_type, row[4].data_type) for row in rows} == {("n", "n")}
    assert sum(row[3].value for row in rows) == len(TYPED)


def test_the_xlsx_holds_what_the_csv_holds(support):
    for model in TYPED:
        ClaimFactory(product_model=model)

    in_csv = csv_rows(support.get(URL, {"format": "csv"}))
    workbook = load_workbook(io.BytesIO(xlsx_bytes(support.get(URL, {"format": "xlsx"}))))
    in_xlsx = [list(row) for row in workbook.active.iter_rows(values_only=True)]

    # The CSV marks text that would run with an apostrophe; the workbook stores it as text.
    assert [[str(csv_value(value)) for value in row] for row in in_xlsx] == in_csv
    assert len(in_xlsx) == len(TYPED) + 1
