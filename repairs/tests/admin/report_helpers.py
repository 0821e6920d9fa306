"""Reports' test helpers: a long table made cheaply, and reading a report the way people
read it (the page's table, the CSV, the XLSX)."""

import csv
import html
import io
import re

from openpyxl import load_workbook

from claims.models import Claim
from claims.tests.factories import ClaimFactory
from repairs import rollups


def claims_of_many_models(count: int) -> list[str]:
    """`count` claims this month, each of its own model: «Claims and repair orders per
    month» gets one row per model, in the models' order. Written in one INSERT, which fires
    no saves: the reports' month is marked as a bulk load must (repairs.rollups)."""
    models = [f"DREAME Test {number:04d}" for number in range(1, count + 1)]
    claims = Claim.objects.bulk_create(ClaimFactory.build(product_model=model) for model in models)
    rollups.mark_changed([claims[0].submitted_at])
    return models


def page_rows(page: str) -> list[list[str]]:
    table = re.search(r'<table class="report-table">.*?<tbody>(.*?)</tbody>', page, re.S)
    assert table, "the page has no table"
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]
        for cells in (
            re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
        )
    ]


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_bytes(response) -> bytes:
    """The workbook as the browser saves it: it is streamed in chunks."""
    assert response.streaming, "the XLSX is sent in chunks"
    return b"".join(response.streaming_content)


def xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(xlsx_bytes(response)), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]
