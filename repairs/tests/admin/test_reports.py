"""/admin/reports/: a month of work made through the services, read back the way people
read it — the page's table, the CSV and the XLSX give the same figures; the filters; the
permission; a fixed number of queries per report whatever the data."""

import datetime
import html
import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone, translation
from openpyxl import load_workbook

from claims.models import Claim, ProductCategory
from claims.tests.factories import ClaimFactory, claim_step
from repairs.admin.report_views import REPORTS_PERMISSION
from repairs.admin.reports import REPORTS, percentile_cont
from repairs.models import FaultCategory, OrderStatus, RepairOrder
from repairs.services import customer
from repairs.tests.admin.report_helpers import csv_rows, page_rows, xlsx_bytes, xlsx_rows
from repairs.tests.factories import (
    STEP_VALUES,
    ServiceCenterFactory,
    SupportUserFactory,
    TechnicianFactory,
    UserFactory,
    fit_verdict,
    make_order,
    run_step,
)

pytestmark = pytest.mark.django_db
L20 = "DREAME L20 Ultra"
H12 = "DREAME H12 Pro"


def url(slug: str, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/admin/reports/{slug}/" + (f"?{query}" if query else "")


@pytest.fixture
def support():
    client = Client()
    client.force_login(SupportUserFactory())
    return client


@pytest.fixture
def month_of_work():
    """Two centers' month: claims, orders through the steps, returns, a fault, quotes
    answered online, a replacement, a refund, ratings, replies in time, late and overdue."""
    today = timezone.localdate()
    almaty = TechnicianFactory(service_center=ServiceCenterFactory(name="Алматы Сервис"))
    astana = TechnicianFactory(
        service_center=ServiceCenterFactory(name="Астана Сервис", city="Астана")
    )
    category = ProductCategory.objects.create(code="robots", name="Роботы-пылесосы")
    fault = FaultCategory.objects.create(
        product_category=category, code="no-charge", name="Не заряжается", name_kk="Зарядталмайды"
    )

    def order(technician, status, **claim_fields):
        return make_order(
            status=status, center=technician.service_center, by=technician.user, **claim_fields
        )

    delivered = [
        order(almaty, OrderStatus.DELIVERED, product_model=L20),
        order(almaty, OrderStatus.DELIVERED, product_model=L20),
        order(astana, OrderStatus.DELIVERED, product_model=H12, region="Астана"),
    ]
    customer.rate_service(order=delivered[0], score=5)
    customer.rate_service(order=delivered[1], score=2)
    customer.rate_service(order=delivered[2], score=4)
    RepairOrder.objects.filter(pk=delivered[0].pk).update(fault_category=fault)
    for accept in (True, False):
        quoted = order(almaty, OrderStatus.AWAITING_APPROVAL, product_model=L20)
        customer.decide_quote(
            order=quoted,
            accept=accept,
            amount_shown=quoted.quote_amount,
            wording="Я согласен на платный ремонт.",
            language="ru",
            client_address="10.0.0.7",
        )
    for step in ("resolve_replacement", "resolve_refund"):
        diagnosed = fit_verdict(order(astana, OrderStatus.DIAGNOSTICS, product_model=H12), [step])
        values = {**STEP_VALUES, "new_serial": "SN-NEW-0001"}
        run_step(step, diagnosed, astana.user, values=values)
    # Claims still with support: one overdue, one answered late, one waiting in time.
    ClaimFactory(product_model=L20, response_due_date=today - datetime.timedelta(days=1))
    late = ClaimFactory(product_model=L20, response_due_date=today - datetime.timedelta(days=1))
    claim_step(late, "request_info", by=SupportUserFactory(), message="Фото чека")
    ClaimFactory(product_model=H12, region="Астана")
    return {"almaty": almaty.service_center, "astana": astana.service_center, "fault": fault}


# --- Reading the three forms of a table ------------------------------------------------


def same(page_cell: str, csv_cell: str, xlsx_cell) -> bool:
    """The page writes 33,3 and — (Russian); the CSV 33.3 and nothing; the XLSX numbers."""
    page_value = "" if page_cell == "—" else page_cell.replace(",", ".").replace("\xa0", "")
    if isinstance(xlsx_cell, int | float):  # a number in the sheet: 50.0 is read back as 50
        return float(page_value) == float(csv_cell) == xlsx_cell
    xlsx_value = "" if xlsx_cell is None else xlsx_cell
    return page_value == csv_cell == xlsx_value


@pytest.mark.parametrize("slug", list(REPORTS))
def test_the_page_the_csv_and_the_xlsx_hold_the_same_figures(support, month_of_work, slug):
    page = support.get(url(slug)).content.decode()
    as_csv = support.get(url(slug, format="csv"))
    as_xlsx = support.get(url(slug, format="xlsx"))
    assert as_csv["Content-Type"].startswith("text/csv")
    assert "attachment" in as_xlsx["Content-Disposition"]
    on_page, in_csv, in_xlsx = page_rows(page), csv_rows(as_csv), xlsx_rows(as_xlsx)
    with translation.override("ru"):
        assert in_csv[0] == [str(c) for c in REPORTS[slug].columns] == list(in_xlsx[0])
    assert on_page, "a month of work leaves rows in every report"
    assert len(on_page) == len(in_csv) - 1 == len(in_xlsx) - 1
    for shown, written, stored in zip(on_page, in_csv[1:], in_xlsx[1:], strict=True):
        assert all(map(same, shown, written, stored)), (shown, written, stored)
    assert '<svg class="report-chart report-chart-wide"' in page and "<title id=" in page


def test_the_figures_are_the_month_of_work(support, month_of_work):
    def rows(slug, **params):
        return csv_rows(support.get(url(slug, format="csv", **params)))[1:]

    claims = rows("claims-orders")  # month, model, region, claims, orders
    assert sum(int(row[3]) for row in claims) == 3 + 2 + 2 + 3
    assert sum(int(row[4]) for row in claims) == 3 + 2 + 2
    assert {(row[1], row[2]) for row in claims} == {
        (L20, "Алматы"),
        (H12, "Алматы"),
        (H12, "Астана"),
    }
    assert ["DREAME L20 Ultra", "Не заряжается", "1", "16.7"] in rows("faults")  # 1 of 6 claims
    assert rows("quotes")[0][1:4] == ["1", "1", "50.0"]
    assert rows("replacements-refunds") == [
        [H12, "3", "1", "1", "66.7"],
        [L20, "4", "0", "0", "0.0"],
    ]
    ratings = {row[0]: row[1:3] for row in rows("ratings")}
    assert ratings == {"Алматы Сервис": ["2", "3.5"], "Астана Сервис": ["1", "4.0"]}
    (month,) = rows("late-replies")
    # 10 claims: 7 approved and one asked a question late, all that day; one overdue.
    assert month[1:5] == ["10", "7", "1", "1"]
    returns = {row[0]: row[1] for row in rows("return-days")}
    assert returns == {"Алматы Сервис": "2", "Астана Сервис": "1"}


def test_the_filters_narrow_every_report(support, month_of_work):
    astana = month_of_work["astana"].pk
    ratings = csv_rows(support.get(url("ratings", format="csv", center=astana)))[1:]
    assert [row[0] for row in ratings] == ["Астана Сервис"]
    by_model = csv_rows(support.get(url("claims-orders", format="csv", model="dreame h12 pro")))
    assert {row[1] for row in by_model[1:]} == {H12}
    by_region = csv_rows(support.get(url("replacements-refunds", format="csv", region="Астана")))
    assert [row[0] for row in by_region[1:]] == [H12]
    next_year = timezone.localdate().year + 1
    page = support.get(url("quotes", start=f"{next_year}-01", end=f"{next_year}-02"))
    assert "Ничего нет за этот период с этими фильтрами." in page.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "март"}, "Введите месяц как ГГГГ-ММ или ММ.ГГГГ"),
        ({"start": "2026-13"}, "Введите месяц как ГГГГ-ММ или ММ.ГГГГ"),
        ({"start": "2026-05", "end": "2026-02"}, "Первый месяц позже последнего."),
        ({"start": "2001-01", "end": "2026-02"}, "Период длиннее 60 месяцев."),
        ({"center": "abc"}, "Выберите корректный вариант"),
        ({"region": "<b>Марс</b>"}, "Выберите корректный вариант"),
        ({"format": "pdf"}, "Скачать можно CSV или XLSX."),
    ],
)
def test_bad_filters_get_a_message_and_keep_what_was_typed(support, params, message):
    response = support.get(url("ratings", **params))
    page = response.content.decode()
    assert response.status_code == 200
    assert message in html.unescape(page)
    assert '<table class="report-table">' not in page
    if "start" in params:
        assert f'value="{params["start"]}"' in page
    assert "<b>Марс</b>" not in page


def test_a_month_typed_as_support_writes_it_is_understood(support, month_of_work):
    month = f"{timezone.localdate():%m.%Y}"
    rows = csv_rows(support.get(url("quotes", format="csv", start=month, end=month)))
    assert rows[1][0] == month


def test_staff_without_the_permission_get_403(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/reports/").status_code == 403
    assert client.get(url("ratings")).status_code == 403
    assert client.get(url("ratings", format="csv")).status_code == 403
    assert 'href="/admin/reports/"' not in client.get("/admin/").content.decode()


def test_a_technician_is_sent_to_the_login(client):
    client.force_login(TechnicianFactory().user)
    response = client.get(url("ratings", format="xlsx"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_support_has_the_permission_and_the_index_lists_every_report(support):
    page = support.get("/admin/reports/").content.decode()
    for slug in REPORTS:
        assert f'href="/admin/reports/{slug}/"' in page
    assert "Отчёты" in page
    assert Permission.objects.filter(
        codename=REPORTS_PERMISSION.split(".")[1], group__name="support"
    ).exists()
    assert support.get("/admin/reports/nothing/").status_code == 404


def test_the_admin_index_links_the_reports(support):
    assert 'href="/admin/reports/"' in support.get("/admin/").content.decode()


# The page's own queries: the session, the user, the user's own and their groups'
# permissions (the check), the centers of the filter's list. The report's are its `queries`.
PAGE_QUERIES = 5


@pytest.mark.parametrize("slug", list(REPORTS))
def test_each_report_reads_a_fixed_number_of_queries(
    support, month_of_work, slug, django_assert_max_num_queries
):
    budget = PAGE_QUERIES + REPORTS[slug].queries
    with django_assert_max_num_queries(budget):
        support.get(url(slug))
    # Twice the data, the same queries.
    make_order(status=OrderStatus.DELIVERED, center=month_of_work["almaty"])
    with django_assert_max_num_queries(budget):
        support.get(url(slug))
    with django_assert_max_num_queries(budget - 1):  # no list of centers in a download
        support.get(url(slug, format="xlsx"))


def test_the_percentiles_are_postgresqls_percentile_cont_of_the_counted_days():
    assert percentile_cont([(day, 1) for day in range(1, 11)], 0.9) == pytest.approx(9.1)
    assert percentile_cont([(3, 1)], 0.9) == 3.0
    # 2 × 4 days, 1 × 10 days: as if the rows were 4, 4, 10.
    assert percentile_cont([(4, 2), (10, 1)], 0.5) == 4.0
    assert percentile_cont([(4, 2), (10, 1)], 0.9) == pytest.approx(8.8)


def test_the_chart_names_itself_and_escapes_its_words(support):
    center = ServiceCenterFactory(name="<script>alert(1)</script>")
    order = make_order(status=OrderStatus.DELIVERED, center=center)
    customer.rate_service(order=order, score=3)
    page = support.get(url("ratings")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert (
        'role="img"' in page
        and 'aria-labelledby="chart-ratings-640-title chart-ratings-640-desc"' in page
    )
    assert "style=" not in re.search(r"<svg.*</svg>", page, re.S).group(0)
    assert page.count('<svg class="report-chart') == 2  # the office's and the phone's


def test_days_to_return_give_the_median_the_90th_percentile_and_the_histogram(support):
    """The same figures on PostgreSQL (percentile_cont) and SQLite (computed here)."""
    center = ServiceCenterFactory(name="Караганда Сервис")
    for days in (3, 10, 40):
        order = make_order(status=OrderStatus.DELIVERED, center=center)
        Claim.objects.filter(pk=order.claim_id).update(
            submitted_at=order.returned_at - datetime.timedelta(days=days)
        )
    (row,) = csv_rows(support.get(url("return-days", format="csv")))[1:]
    # center, returns, median, p90 (10 + 0.8 × 30), then 0–7, 8–14, 15–21, 22–30, 31–45, …
    assert row == ["Караганда Сервис", "3", "10.0", "34.0", "1", "1", "0", "0", "1", "0", "0"]
    page = support.get(url("return-days")).content.decode()
    assert (page_rows(page)) == [
        ["Караганда Сервис", "3", "10,0", "34,0", "1", "1", "0", "0", "1", "0", "0"]
    ]


def test_a_model_name_typed_as_a_formula_stays_text_in_the_csv_and_the_xlsx(support):
    # The model's name is free text from the claim form: a spreadsheet must not run it.
    formula = '=HYPERLINK("http://evil.example/","Нажмите")'
    ClaimFactory(product_model=formula)

    csv_cells = [
        cell for row in csv_rows(support.get(url("claims-orders", format="csv"))) for cell in row
    ]
    workbook = load_workbook(
        io.BytesIO(xlsx_bytes(support.get(url("claims-orders", format="xlsx"))))
    )
    xlsx_cells = [cell for row in workbook.active.iter_rows() for cell in row]

    assert "'" + formula in csv_cells and formula not in csv_cells
    typed = [cell for cell in xlsx_cells if cell.value == formula]
    assert typed and all(cell.data_type == "s" for cell in typed)
