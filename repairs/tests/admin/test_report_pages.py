"""A long report at /admin/reports/: the table a page of 100 rows at a time with links that
keep the filters, the chart and the downloads with every row, the XLSX streamed from a
temporary file that does not stay on the disk."""

import html
import io
import os
import re
import tempfile
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from claims.tests.factories import ClaimFactory
from repairs.admin.report_views import XLSX
from repairs.admin.reports import REPORTS
from repairs.tests.admin.report_helpers import (
    claims_of_many_models,
    csv_rows,
    page_rows,
    xlsx_bytes,
    xlsx_rows,
)
from repairs.tests.factories import SupportUserFactory

pytestmark = pytest.mark.django_db
SLUG = "claims-orders"  # (month, model, region, claims, orders): a row per model here


@pytest.fixture
def support():
    client = Client()
    client.force_login(SupportUserFactory())
    return client


@pytest.fixture
def filters():
    """The period and a region, as support chose them in the form."""
    month = f"{timezone.localdate():%Y-%m}"
    return {"start": month, "end": month, "region": "Алматы"}


def get(client, **params):
    return client.get(f"/admin/reports/{SLUG}/?{urlencode(params)}")


def pages_nav(page: str) -> str:
    nav = re.search(r'<nav class="table-pages"[^>]*>.*?</nav>', page, re.S)
    assert nav, "the page has no pages' links"
    return nav.group(0)


def test_page_two_shows_rows_101_to_200_and_its_links_keep_the_filters(support, filters):
    models = claims_of_many_models(250)

    page = get(support, **filters, page=2).content.decode()

    assert [row[1] for row in page_rows(page)] == models[100:200]
    text = html.unescape(page)
    assert "Строки 101–200 из 250. В CSV и XLSX — все строки." in text
    nav = pages_nav(page)
    assert 'aria-label="Страницы таблицы"' in nav
    assert re.findall(r'<a [^>]*aria-current="page"[^>]*>(\d+)</a>', nav) == ["2"]
    kept = html.escape(urlencode(filters))
    links = re.findall(r'href="([^"]+)"', nav)
    assert links == [f"?{kept}&amp;page={n}#report-rows" for n in (1, 1, 2, 3, 3)]
    assert re.findall(r"<a [^>]*>([^<]+)</a>", nav) == [
        "Предыдущая страница",
        "1",
        "2",
        "3",
        "Следующая страница",
    ]
    # The downloads hold every row whatever the page: no page in their links.
    assert f'href="?{kept}&amp;format=csv"' in page
    assert f'href="?{kept}&amp;format=xlsx"' in page
    # The chart counts every row: 250 claims this month, not the page's 100.
    chart = re.search(r'<svg class="report-chart report-chart-wide".*?</svg>', page, re.S)
    assert chart and "Заявки: 250</title>" in chart.group(0)


def test_a_long_table_elides_the_middle_pages_to_fit_a_phone(support, filters):
    claims_of_many_models(1001)  # 11 pages

    nav = pages_nav(get(support, **filters, page=6).content.decode())

    numbers = re.findall(r">(\d+|…)</", nav)
    assert numbers == ["1", "…", "5", "6", "7", "…", "11"]


@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        ("abc", "Строки 1–100 из 250."),
        ("", "Строки 1–100 из 250."),
        ("1.5", "Строки 1–100 из 250."),
        ("9" * 5000, "Строки 1–100 из 250."),  # too long for a number
        ("999", "Строки 201–250 из 250."),
        ("0", "Строки 201–250 из 250."),
        ("-1", "Строки 201–250 из 250."),
    ],
)
def test_a_bad_page_number_gets_the_first_or_the_last_page(support, filters, asked, shown):
    claims_of_many_models(250)

    response = get(support, **filters, page=asked)

    assert response.status_code == 200
    assert shown in html.unescape(response.content.decode())


def test_a_table_of_one_page_has_no_pages_links(support, filters):
    claims_of_many_models(100)

    page = get(support, **filters).content.decode()

    assert len(page_rows(page)) == 100
    assert 'class="table-pages"' not in page and "Строки 1–100" not in html.unescape(page)


# The page's own queries: the session, the user, the user's own and their groups'
# permissions (the check), the centers of the filter's list; the report's, its selector's.
PAGE_QUERIES = 5


def test_a_page_of_a_long_table_reads_the_same_queries_as_before(
    support, filters, django_assert_max_num_queries
):
    claims_of_many_models(250)
    with django_assert_max_num_queries(PAGE_QUERIES + REPORTS[SLUG].queries):
        response = get(support, **filters, page=3)
    assert len(page_rows(response.content.decode())) == 50


def test_the_xlsx_is_streamed_from_a_nameless_temporary_file_with_every_row(
    support, filters, tmp_path, monkeypatch
):
    models = claims_of_many_models(250)
    # Every temporary file of the download (ours and XlsxWriter's) is made here, and ours is
    # kept an eye on (the real one is made).
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    made = []

    def temporary_file(*args, **kwargs):
        made.append(real_temporary_file(*args, **kwargs))
        return made[-1]

    real_temporary_file = tempfile.TemporaryFile
    monkeypatch.setattr(tempfile, "TemporaryFile", temporary_file)

    response = get(support, **filters, format="xlsx")

    assert response["Content-Type"] == XLSX
    month = filters["start"]
    assert response["Content-Disposition"] == (
        f'attachment; filename="{SLUG}_{month}_{month}.xlsx"'
    )
    (sent,) = made
    assert not sent.closed and os.fstat(sent.fileno()).st_nlink == 0  # no name on the disk
    assert list(tmp_path.iterdir()) == []  # no temporary sheet of XlsxWriter's is left
    chunks = list(response.streaming_content)
    assert len(chunks) > 1 and int(response["Content-Length"]) == sum(map(len, chunks))
    assert sent.closed  # the download's end closes it, and the disk space comes back

    in_xlsx = xlsx_rows(get(support, **filters, format="xlsx"))
    in_csv = csv_rows(get(support, **filters, format="csv"))
    assert [row[1] for row in in_xlsx[1:]] == models
    assert [[str(value) for value in row] for row in in_xlsx] == in_csv
    assert list(tmp_path.iterdir()) == []


def test_a_model_name_typed_as_a_formula_stays_text_on_every_page_and_download(support, filters):
    ClaimFactory(product_model="+7 701 234 56 78")  # Excel runs «+…» as well as «=…»

    in_csv = csv_rows(get(support, **filters, format="csv"))
    sheet = load_workbook(io.BytesIO(xlsx_bytes(get(support, **filters, format="xlsx")))).active

    assert in_csv[1][1] == "'+7 701 234 56 78"
    assert (sheet["B2"].value, sheet["B2"].data_type) == ("+7 701 234 56 78", "s")
    assert [row[1] for row in page_rows(get(support, **filters).content.decode())] == [
        "+7 701 234 56 78"
    ]
