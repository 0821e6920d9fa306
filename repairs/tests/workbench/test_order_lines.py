"""Itemised work through the screens (issue 22): the technician types the estimate's lines on
the order page and the quote is their sum; the customer reads them on «Мой ремонт» and in
the e-mail (ru, kk); a changed estimate asks again; the finished repair records its lines;
the order pages, support's page and the slip show them, in the same queries for 3 or 30."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from repairs.models import LineData, OrderStatus, RepairOrder, WorkLine
from repairs.services import work_lines
from repairs.tests.factories import (
    SupportUserFactory,
    make_order,
    quote_lines,
    step,
    with_final_verdict,
)
from repairs.tests.my_repair.helpers import my_path
from repairs.tests.test_customer_words import sent
from repairs.tests.workbench.pages import line, lines_data, page, post_step, reloaded, url
from tests.pages import visible_text

pytestmark = pytest.mark.django_db
S = OrderStatus


def paid_order(technician, *, language="ru", status=S.DIAGNOSTICS):
    order = make_order(status=S.DIAGNOSTICS, technician=technician, language=language)
    order = with_final_verdict(order, "paid_repair")
    if status != S.DIAGNOSTICS:
        order = step(order, "send_quote", by=technician.user, lines=quote_lines(38500))
    if status == S.IN_REPAIR:
        order = step(order, "accept_quote", by=technician.user)
    return order


def text_of(html: str) -> str:
    return " ".join(visible_text(html).split())


# --- The quote typed as lines ------------------------------------------------------------------


def test_the_quote_is_the_sum_of_the_lines_typed_on_the_order_page(technician, tech_client):
    order = paid_order(technician)
    html = page(tech_client, order)
    assert 'name="send_quote-lines-TOTAL_FORMS"' in html
    assert "Смета по строкам" in html

    response = post_step(
        tech_client,
        order,
        "send_quote",
        lines=[
            line("Плата управления", "12 500", part_number="DR-PCB-01"),
            line("Щётка", "1 500", quantity="2"),
            line("Работа", "6 000", kind="labour"),
        ],
        follow=True,
    )

    assert response.status_code == 200
    order = reloaded(order)
    assert (order.status, order.quote_amount) == (S.AWAITING_APPROVAL, 21500)
    saved = order.work_lines.filter(stage=WorkLine.Stage.ESTIMATE)
    assert [(w.description, w.part_number, w.quantity, w.total) for w in saved] == [
        ("Плата управления", "DR-PCB-01", 1, 12500),
        ("Щётка", "", 2, 3000),
        ("Работа", "", 1, 6000),
    ]
    assert order.status_events.filter(transition="send_quote").count() == 1
    # The order page then shows them with the sums.
    shown = text_of(response.content.decode())
    assert "Плата управления DR-PCB-01 · запчасть 1 × 12 500 ₸ 12 500 ₸" in shown
    assert "Щётка · запчасть 2 × 1 500 ₸ 3 000 ₸" in shown
    assert "Запчасти 15 500 ₸ Работа 6 000 ₸ Всего 21 500 ₸" in shown


def test_a_bad_line_shows_the_form_again_with_everything_typed(technician, tech_client):
    order = paid_order(technician)
    response = post_step(
        tech_client,
        order,
        "send_quote",
        lines=[line("Плата <b>управления</b>", "12 500"), line("Работа", "сорок", kind="labour")],
        description="Срочно",
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Укажите стоимость в целых тенге, только цифрами." in html
    assert "Проверьте строки: ошибки указаны рядом с ними." in html
    assert 'value="Плата &lt;b&gt;управления&lt;/b&gt;"' in html  # kept, escaped
    assert 'value="сорок"' in html
    assert "Срочно</textarea>" in html
    assert reloaded(order).status == S.DIAGNOSTICS
    assert not WorkLine.objects.exists()


def test_more_lines_adds_blank_rows_and_keeps_what_was_typed(technician, tech_client):
    order = paid_order(technician)
    data = {
        "transition": "send_quote",
        "from_status": order.status,
        "more_lines": "1",
        "send_quote-description": "Комментарий",
        **lines_data("send_quote", [line("Плата", "12 500")], spare=2),
    }
    response = tech_client.post(url(order), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Плата"' in html and 'value="12 500"' in html
    assert "Комментарий</textarea>" in html
    assert 'name="send_quote-lines-TOTAL_FORMS" value="6"' in html  # 1 typed + 2 + 3 more
    assert "errorlist" not in html  # not a failed step: nothing checked yet
    assert reloaded(order).status == S.DIAGNOSTICS


# --- The customer reads the lines --------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ru", ["Плата управления (DR-PCB-01): 1 × 33 500 ₸ = 33 500 ₸", "Итого: 38 500 ₸"]),
        ("kk", ["Плата управления (DR-PCB-01): 1 × 33 500 ₸ = 33 500 ₸", "Барлығы: 38 500 ₸"]),
    ],
)
def test_the_quote_email_lists_the_lines(language, words, technician):
    paid_order(technician, language=language, status=S.AWAITING_APPROVAL)
    _subject, text, html = sent("quote_sent")
    for word in words:
        assert word in text
    assert "- Работа: 1 × 5 000 ₸ = 5 000 ₸" in text
    assert "33 500 ₸ = 33 500 ₸" in html and "38 500 ₸" in html


@pytest.mark.parametrize(
    ("language", "covers", "total"),
    [("ru", "Что входит в стоимость", "Всего"), ("kk", "Бағаға не кіреді", "Барлығы")],
)
def test_my_repair_shows_the_quote_line_by_line(language, covers, total, technician, client):
    order = paid_order(technician, language=language, status=S.AWAITING_APPROVAL)
    html = client.get(my_path(order), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    shown = text_of(html)
    assert f"{covers} " in shown
    assert "Плата управления DR-PCB-01 1 × 33 500 ₸ 33 500 ₸" in shown
    assert f"{total} 38 500 ₸" in shown
    # The consent's wording names the lines too: what is recorded is what was shown.
    assert "Плата управления 1 × 33 500 ₸; Работа 1 × 5 000 ₸" in shown


# --- A changed estimate asks again -------------------------------------------------------------


def test_changing_the_estimate_after_acceptance_asks_the_customer_again(technician, tech_client):
    order = paid_order(technician, status=S.IN_REPAIR)
    html = page(tech_client, order)
    assert 'data-step="revise_quote"' in html
    # The form starts from the accepted estimate.
    assert 'name="revise_quote-lines-0-description" value="Плата управления"' in html
    before = Notification.objects.filter(template="quote_sent").count()

    post_step(
        tech_client,
        order,
        "revise_quote",
        lines=[line("Плата управления", "33 500"), line("Датчик", "9 000")],
        note="Нашли ещё неисправный датчик",
    )

    order = reloaded(order)
    assert (order.status, order.quote_amount) == (S.AWAITING_APPROVAL, 42500)
    assert Notification.objects.filter(template="quote_sent").count() == before + 1
    _subject, text, _html = sent("quote_sent")
    assert "- Датчик: 1 × 9 000 ₸ = 9 000 ₸" in text and "Итого: 42 500 ₸" in text
    assert "Нашли ещё неисправный датчик" in text


# --- The repair finished, with its lines --------------------------------------------------------


def test_a_warranty_repair_finishes_with_its_lines_and_the_customer_sees_no_price(
    technician, tech_client
):
    order = make_order(status=S.IN_REPAIR, technician=technician)
    post_step(
        tech_client,
        order,
        "complete",
        work_done="Заменён аккумулятор",
        lines=[line("Аккумулятор", "18 000", part_number="BAT-52"), line("Работа", "4 000")],
    )
    order = reloaded(order)
    assert order.status == S.READY_FOR_RETURN
    assert [w.unit_price for w in order.work_lines.filter(stage="done")] == [18000, 4000]
    _subject, text, html = sent("repair_finished")
    assert "- Аккумулятор (BAT-52), 1 шт." in text
    assert "По гарантии — 0 ₸." in text
    assert "18 000" not in text and "18 000" not in html  # DREAME's price, not the customer's


def test_a_paid_repairs_done_lines_start_from_the_estimate_and_the_email_prices_them(
    technician, tech_client
):
    order = paid_order(technician, status=S.IN_REPAIR)
    html = page(tech_client, order)
    assert 'name="complete-lines-0-description" value="Плата управления"' in html
    assert 'name="complete-lines-0-unit_price" value="33500"' in html

    post_step(
        tech_client,
        order,
        "complete",
        work_done="Заменена плата",
        lines=[line("Плата управления", "33 500"), line("Работа", "5 000", kind="labour")],
    )
    _subject, text, _html = sent("repair_finished")
    assert "- Плата управления: 1 × 33 500 ₸ = 33 500 ₸" in text
    assert "Итого: 38 500 ₸" in text


# --- The same queries for 3 lines or 30 ------------------------------------------------------


def with_lines(order, count: int):
    lines = [
        LineData(
            kind="part", description=f"Деталь {n}", quantity=Decimal(1), unit_price=Decimal(100)
        )
        for n in range(count)
    ]
    work_lines.set_estimate_lines(order=order, lines=lines)
    work_lines.set_done_lines(order=order, lines=lines)
    return RepairOrder.objects.get(pk=order.pk)


def counted(client, path) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_order_pages_cost_the_same_with_3_or_30_lines(technician, tech_client):
    # The workbench's page: its queries are listed in test_order_page; the lines are one
    # prefetch (13). Support's page: the same reads, one prefetch for the lines.
    support = Client()
    support.force_login(SupportUserFactory())
    few = with_lines(make_order(status=S.IN_REPAIR, technician=technician), 3)
    many = with_lines(make_order(status=S.IN_REPAIR, technician=technician), 30)
    tech_client.get(url(few))
    support.get(f"/admin/repairs/repairorder/{few.pk}/change/")
    for client, path in (
        (tech_client, url),
        (support, lambda order: f"/admin/repairs/repairorder/{order.pk}/change/"),
    ):
        (n_few, html_few), (n_many, html_many) = (
            counted(client, path(few)),
            counted(client, path(many)),
        )
        assert n_few == n_many
        assert html_few.count("<tr data-line>") == 6 and html_many.count("<tr data-line>") == 60
        assert re.search(r"data-lines-total><strong>3 000 ₸", html_many)


def test_my_repair_costs_the_same_with_3_or_30_lines(technician, client):
    # Rendered, not from the cache: 1 the link (the claim's id, language and order), 2 the
    # claim joined with its order, center, act and rating, 3 its history, 4 the answers to
    # quotes, 5 the estimate's lines, 6 the parcels; then the session's few.
    few = with_lines(paid_order(technician, status=S.AWAITING_APPROVAL), 3)
    many = with_lines(paid_order(technician, status=S.AWAITING_APPROVAL), 30)
    client.get(my_path(few))
    cache.clear()
    n_few, html_few = counted(client, my_path(few))
    n_many, html_many = counted(client, my_path(many))
    assert n_few == n_many <= 8
    assert html_few.count("<tr data-line>") == 3 and html_many.count("<tr data-line>") == 30
