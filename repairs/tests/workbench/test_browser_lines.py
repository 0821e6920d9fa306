"""The estimate typed line by line at the bench on a 360 px phone, and the customer's quote
card on «Мой ремонт», in Debian's Chromium: no sideways scrolling, axe-core clean."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from claims.models import WarrantyPolicy
from conftest import assert_no_horizontal_scroll, axe_violations, save_screenshot
from repairs.models import OrderStatus, RepairOrder
from repairs.tests.factories import (
    TechnicianFactory,
    make_order,
    quote_lines,
    step,
    with_final_verdict,
)
from repairs.tests.my_repair.helpers import my_path
from repairs.tests.workbench.browser import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

S = OrderStatus


@pytest.fixture(autouse=True)
def seeded():
    WarrantyPolicy.objects.get_or_create(country="KZ")
    cache.clear()


@pytest.fixture
def technician(db):
    return TechnicianFactory(user__first_name="Даурен", user__last_name="Касымов")


def paid_order(technician):
    order = make_order(status=S.DIAGNOSTICS, technician=technician)
    return with_final_verdict(order, "paid_repair")


def test_the_estimate_is_typed_line_by_line_on_a_phone(phone_page, live_server, technician):
    order = paid_order(technician)
    page = phone_page
    log_in(page, live_server.url, technician, then=f"/service/orders/{order.pk}/")
    form = page.locator('form[data-step="send_quote"]')
    rows = form.locator("fieldset.work-line")
    expect(rows).to_have_count(3)

    rows.nth(0).get_by_label("Описание").fill("Плата управления")
    rows.nth(0).get_by_label("Артикул").fill("DR-PCB-01")
    rows.nth(0).get_by_label("Цена за единицу, ₸").fill("12 500")
    form.get_by_role("button", name="Ещё строки").click()  # a normal submit: nothing saved
    form = page.locator('form[data-step="send_quote"]')
    rows = form.locator("fieldset.work-line")
    expect(rows).to_have_count(6)
    expect(rows.nth(0).get_by_label("Описание")).to_have_value("Плата управления")

    rows.nth(1).get_by_label("Вид").select_option(label="работа")
    rows.nth(1).get_by_label("Описание").fill("Замена платы")
    rows.nth(1).get_by_label("Цена за единицу, ₸").fill("6000")
    rows.nth(2).get_by_label("Описание").fill("Щётка")
    rows.nth(2).get_by_label("Количество").fill("2")
    rows.nth(2).get_by_label("Цена за единицу, ₸").fill("сорок")
    form.get_by_role("button", name="Отправить стоимость ремонта").click()

    # A bad price: the form again, everything typed kept, the error beside the line.
    form = page.locator('form[data-step="send_quote"]')
    expect(form.locator(".notice-error")).to_contain_text("Проверьте строки")
    expect(
        form.locator("fieldset.work-line").nth(2).get_by_label("Цена за единицу, ₸")
    ).to_have_value("сорок")
    assert_no_horizontal_scroll(page)
    form.scroll_into_view_if_needed()
    save_screenshot(page, "workbench_quote_lines_phone")
    assert axe_violations(page) == []

    form.locator("fieldset.work-line").nth(2).get_by_label("Цена за единицу, ₸").fill("1 500")
    form.get_by_label("Категория неисправности").select_option(index=1)  # diagnostics ends here
    form.get_by_role("button", name="Отправить стоимость ремонта").click()
    expect(page.locator(".notice-ok")).to_contain_text("Стоимость ремонта отправлена клиенту")
    expect(page.locator('[data-lines-table="estimate"] [data-lines-total]')).to_have_text(
        "21 500 ₸"
    )
    assert RepairOrder.objects.get(pk=order.pk).quote_amount == 21500
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []


def test_the_customer_reads_the_quote_line_by_line_on_a_phone(phone_page, live_server, technician):
    order = step(paid_order(technician), "send_quote", by=technician.user, lines=quote_lines(38500))
    page = phone_page
    page.goto(f"{live_server.url}{my_path(order)}")
    card = page.locator(".status-quote")
    expect(card.locator("tr[data-line]")).to_have_count(2)
    expect(card.locator("[data-lines-total]")).to_have_text("38 500 ₸")
    expect(card).to_contain_text("Плата управления")
    assert_no_horizontal_scroll(page)
    card.scroll_into_view_if_needed()
    save_screenshot(page, "my_repair_quote_lines_phone")
    assert axe_violations(page) == []
