"""Support's /admin/statements/ and the center's /service/statements/: what they show, who
may see them, the XLSX and the printable page agreeing with the lines, and fixed query counts."""

import datetime
import re
from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from dreame_service.kit.formats import format_kzt
from repairs.models import Statement, StatementLine
from repairs.statements.kept import version_of
from repairs.statements.pdf import INLINE_LINES
from repairs.statements.selectors import LINES_PER_PAGE
from repairs.statements.services import prepare_statement
from repairs.tasks import store_statement_pdf_task
from repairs.tests.factories import SupportUserFactory, TechnicianFactory, UserFactory
from repairs.tests.statements.builders import MONTH, in_october, quick_warranty_orders

pytestmark = pytest.mark.django_db
ADMIN = "/admin/statements/"


@pytest.fixture
def technician():
    return TechnicianFactory()


@pytest.fixture
def support_user():
    return SupportUserFactory()


@pytest.fixture
def support(support_user):
    client = Client()
    client.force_login(support_user)
    return client


@pytest.fixture
def tech_client(technician):
    client = Client()
    client.force_login(technician.user)
    return client


def october_statement(technician, count=3) -> Statement:
    quick_warranty_orders(center=technician.service_center, count=count, finished=in_october(10))
    return prepare_statement(service_center=technician.service_center, month=MONTH)


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_support_prepares_a_month_from_the_list_page(support, technician):
    quick_warranty_orders(center=technician.service_center, count=2, finished=in_october(10))

    response = support.post(
        f"{ADMIN}prepare/",
        {"service_center": technician.service_center.pk, "month": "2026-10"},
        follow=True,
    )

    statement = Statement.objects.get()
    assert response.redirect_chain[-1][0] == f"{ADMIN}{statement.pk}/"
    text = page_text(response)
    assert "25 000 ₸" in text  # 2 × (10 000 + 2 500)
    assert "Щётка &lt;b&gt;" in text  # escaped


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("10/2026", "Введите месяц в виде ГГГГ-ММ."),
        ("9999-12", "Введите месяц между 2020 и 2100 годами."),
        ("", "Обязательное поле."),
    ],
)
def test_a_bad_month_is_answered_with_a_message_and_the_form_kept(
    support, technician, typed, message
):
    response = support.post(
        f"{ADMIN}prepare/", {"service_center": technician.service_center.pk, "month": typed}
    )
    assert response.status_code == 400
    assert message in page_text(response)
    if typed:
        assert f'value="{typed}"' in page_text(response)
    assert not Statement.objects.exists()


def test_the_totals_are_the_same_on_the_page_the_print_and_the_xlsx(support, technician):
    statement = october_statement(technician)
    lines = list(statement.lines.all())
    total = sum(line.total for line in lines)
    assert total == 37500

    for url in (f"{ADMIN}{statement.pk}/", f"{ADMIN}{statement.pk}/print/"):
        text = page_text(support.get(url))
        assert 'data-total="total">37 500 ₸' in text
        assert 'data-total="parts">30 000 ₸' in text
        assert 'data-total="labour">7 500 ₸' in text

    response = support.get(f"{ADMIN}{statement.pk}/statement.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "Заказ")
    line_rows = rows[header + 1 : header + 1 + len(lines)]
    assert sum(row[6] for row in line_rows) == total
    sums = {row[0]: row[6] for row in rows[header + 1 + len(lines) :] if row and row[0]}
    assert sums["Всего"] == 37500
    assert sums["Запчасти"] == 30000
    assert sums["Работа"] == 7500


def test_support_disputes_a_line_with_a_reason_and_it_leaves_the_total(
    support, support_user, technician
):
    statement = october_statement(technician)
    line = statement.lines.filter(kind="labour").first()

    empty = support.post(f"{ADMIN}{statement.pk}/lines/{line.pk}/dispute/", {"reason": " "})
    assert empty.status_code == 400
    assert "Напишите" in page_text(empty)
    response = support.post(
        f"{ADMIN}{statement.pk}/lines/{line.pk}/dispute/",
        {"reason": "Нет акта <работ>"},
        follow=True,
    )

    text = page_text(response)
    assert 'data-total="total">35 000 ₸' in text
    assert "Нет акта &lt;работ&gt;" in text  # on the line and in the history
    assert statement.events.filter(action="disputed", by=support_user).exists()
    line.refresh_from_db()
    assert line.state == StatementLine.State.DISPUTED


def test_support_approves_and_the_page_offers_no_more_changes(support, technician):
    statement = october_statement(technician)
    text = page_text(support.post(f"{ADMIN}{statement.pk}/approve/", follow=True))
    statement.refresh_from_db()
    assert statement.is_approved and statement.total == 37500
    assert "/dispute/" not in text and "/approve/" not in text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ""),
        ("get", "{pk}/"),
        ("get", "{pk}/print/"),
        ("get", "{pk}/statement.xlsx"),
        ("get", "{pk}/statement.pdf"),
        ("post", "prepare/"),
        ("post", "{pk}/approve/"),
        ("post", "{pk}/prepare/"),
        ("post", "{pk}/lines/{line}/dispute/"),
    ],
)
def test_staff_without_the_permission_get_403(technician, method, path):
    statement = october_statement(technician)
    line = statement.lines.first()
    client = Client()
    client.force_login(UserFactory(is_staff=True))
    url = ADMIN + path.format(pk=statement.pk, line=line.pk)
    response = getattr(client, method)(url, {"reason": "x"} if method == "post" else {})
    assert response.status_code == 403
    statement.refresh_from_db()
    assert not statement.is_approved
    assert not statement.lines.filter(state="disputed").exists()


def test_anonymous_is_sent_to_the_admin_login(technician):
    statement = october_statement(technician)
    response = Client().get(f"{ADMIN}{statement.pk}/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_center_sees_its_own_statements_read_only(tech_client, technician):
    statement = october_statement(technician)
    other = october_statement(TechnicianFactory())

    listing = page_text(tech_client.get("/service/statements/"))
    assert f"/service/statements/{statement.pk}/" in listing
    assert f"/service/statements/{other.pk}/" not in listing
    page = page_text(tech_client.get(f"/service/statements/{statement.pk}/"))
    assert 'data-total="total">37 500 ₸' in page
    assert '<form method="post" action="/admin' not in page and "/dispute/" not in page
    xlsx = tech_client.get(f"/service/statements/{statement.pk}/statement.xlsx")
    assert xlsx.status_code == 200
    for path in ("", "print/", "statement.xlsx"):
        assert tech_client.get(f"/service/statements/{other.pk}/{path}").status_code == 404


def test_a_technician_cannot_open_supports_statements(tech_client, technician):
    statement = october_statement(technician)
    response = tech_client.get(f"{ADMIN}{statement.pk}/")
    assert response.status_code in (302, 403)  # not staff: the admin's login


# --- Fixed query counts: 3 orders cost what 30 do ------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_the_admin_statement_page_costs_the_same_whatever_its_size(
    support, technician, count, django_assert_max_num_queries
):
    statement = october_statement(technician, count=count)
    support.get(f"{ADMIN}{statement.pk}/")  # warm the session's caches
    # session, user, its own and its groups' permissions, the statement with its center and
    # approver, its lines' count, a page of them with the statements they correct, the sums,
    # its history with its users.
    with django_assert_max_num_queries(9):
        response = support.get(f"{ADMIN}{statement.pk}/")
    assert response.content.decode().count('class="line-form"') == 2 * count


@pytest.mark.parametrize("count", [3, 30])
def test_the_admin_list_costs_the_same_whatever_its_size(
    support, count, django_assert_max_num_queries
):
    for month in range(1, count + 1):
        Statement.objects.create(
            service_center=TechnicianFactory().service_center,
            month=datetime.date(2020 + month // 12, month % 12 + 1, 1),
            prepared_at=in_october(1),
        )
    support.get(ADMIN)
    # session, user, its own and its groups' permissions, count, the centers of the prepare
    # form, one page of statements with their centers and sums.
    with django_assert_max_num_queries(7):
        response = support.get(ADMIN)
    assert response.content.decode().count(f'href="{ADMIN}') >= count


@pytest.mark.parametrize("count", [3, 30])
def test_the_workbench_statement_page_costs_the_same_whatever_its_size(
    tech_client, technician, count, django_assert_max_num_queries
):
    statement = october_statement(technician, count=count)
    tech_client.get(f"/service/statements/{statement.pk}/")
    # session, user, its own and its groups' permissions, technician with its center, the
    # statement, its lines' count, a page of them with the statements they correct, the sums.
    with django_assert_max_num_queries(9):
        response = tech_client.get(f"/service/statements/{statement.pk}/")
    assert response.content.decode().count('id="line-') == 2 * count


def test_the_admin_index_and_the_queue_link_to_the_statements(support, tech_client):
    assert 'href="/admin/statements/"' in support.get("/admin/").content.decode()
    assert 'href="/service/statements/"' in tech_client.get("/service/").content.decode()


def test_the_pdf_holds_the_lines_and_the_total(support, tech_client, technician):
    import pypdf

    statement = october_statement(technician)
    for client, url in (
        (support, f"{ADMIN}{statement.pk}/statement.pdf"),
        (tech_client, f"/service/statements/{statement.pk}/statement.pdf"),
    ):
        response = client.get(url)
        assert response["Content-Type"] == "application/pdf"
        reader = pypdf.PdfReader(BytesIO(b"".join(response.streaming_content)))
        text = " ".join(page.extract_text() for page in reader.pages)
        assert "Гарантийный отчёт" in text
        assert "37 500 ₸" in text
        assert "Щётка <b>" in text
    other = october_statement(TechnicianFactory())
    assert tech_client.get(f"/service/statements/{other.pk}/statement.pdf").status_code == 404


def test_text_that_looks_like_a_formula_stays_text_in_the_xlsx(support, technician):
    statement = october_statement(technician, count=1)
    statement.lines.filter(kind="part").update(
        description='=HYPERLINK("http://evil.example","x")', part_number="=1+1"
    )
    response = support.get(f"{ADMIN}{statement.pk}/statement.xlsx")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value]
    risky = [cell for cell in cells if str(cell.value).startswith("=")]
    assert {cell.value for cell in risky} == {'=HYPERLINK("http://evil.example","x")', "=1+1"}
    assert all(cell.data_type == "s" for cell in risky)


def test_a_big_month_is_shown_a_page_of_lines_at_a_time_with_the_whole_months_totals(
    support, tech_client, technician
):
    count = LINES_PER_PAGE // 2 + 10  # two lines each: a full page and 20 lines more
    statement = october_statement(technician, count=count)
    last = statement.lines.order_by("-position").first()

    first_page = page_text(support.get(f"{ADMIN}{statement.pk}/"))
    assert first_page.count('id="line-') == LINES_PER_PAGE
    assert 'aria-label="Страницы таблицы"' in first_page
    whole = f'data-total="total">{format_kzt(count * 12_500)}'  # not the page's sum
    for url in (f"{ADMIN}{statement.pk}/?page=2", f"/service/statements/{statement.pk}/?page=2"):
        client = support if url.startswith(ADMIN) else tech_client
        second = page_text(client.get(url))
        assert second.count('id="line-') == 20, url
        assert f'id="line-{last.pk}"' in second, url
        assert whole in second, url
    # A dispute on the second page comes back to that page, at the line.
    response = support.post(
        f"{ADMIN}{statement.pk}/lines/{last.pk}/dispute/", {"reason": "Нет фото"}
    )
    assert response["Location"] == f"{ADMIN}{statement.pk}/?page=2#line-{last.pk}"
    # The print and the downloads hold every line.
    assert page_text(support.get(f"{ADMIN}{statement.pk}/print/")).count('id="line-') == 2 * count


def test_a_big_statements_pdf_is_made_by_a_worker_once_and_kept_until_the_next_change(
    support, technician, private_media, django_capture_on_commit_callbacks
):
    import pypdf

    statement = october_statement(technician, count=INLINE_LINES // 2 + 1)  # 2 lines each
    url = f"{ADMIN}{statement.pk}/statement.pdf"
    with django_capture_on_commit_callbacks() as published:
        first = support.get(url)
        again = support.get(url)  # a second click asks no second worker
    assert (first.status_code, first["Retry-After"]) == (202, "60")
    assert "Скачайте его снова через минуту" in first.content.decode()
    assert again.status_code == 202 and len(published) == 1
    # What the worker does (the task's body; the broker is not the point here).
    version = version_of(statement)
    assert store_statement_pdf_task(statement.pk, version, "ru")

    ready = support.get(url)
    assert ready.status_code == 200
    text = pypdf.PdfReader(BytesIO(b"".join(ready.streaming_content))).pages[0].extract_text()
    assert "Гарантийный отчёт" in text
    # A dispute changes the statement: the kept PDF is not served for it, and a new one
    # replaces it.
    line = statement.lines.first()
    support.post(f"{ADMIN}{statement.pk}/lines/{line.pk}/dispute/", {"reason": "Нет фото"})
    assert support.get(url).status_code == 202
    assert store_statement_pdf_task(statement.pk, version, "ru") is None  # too old: nothing
    newer = version_of(statement)
    assert store_statement_pdf_task(statement.pk, newer, "ru")
    assert private_media.joinpath(f"statements/{statement.pk}/{newer}-ru.pdf").exists()
    assert not private_media.joinpath(f"statements/{statement.pk}/{version}-ru.pdf").exists()


def test_the_kept_print_page_follows_every_change_of_the_statement(support, technician):
    statement = october_statement(technician)
    url = f"{ADMIN}{statement.pk}/print/"
    assert "Нет фото" not in page_text(support.get(url))
    line = statement.lines.first()

    support.post(f"{ADMIN}{statement.pk}/lines/{line.pk}/dispute/", {"reason": "Нет фото"})

    assert "Нет фото" in page_text(support.get(url))
