"""A customer with a stub, on a 360 px phone, in Debian's Chromium."""

from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from conftest import assert_no_horizontal_scroll, axe_violations, save_screenshot
from repairs.models import OrderStatus
from repairs.tests.factories import ServiceCenterFactory
from repairs.tests.status_lookup import filled_order, stub_query

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("fresh_status_rate_limit"),
]

URL = "/partners/repair-status/"


def test_the_stubs_qr_link_opens_the_status(phone_page, live_server):
    order = filled_order(to=OrderStatus.AWAITING_APPROVAL)
    page = phone_page
    page.goto(f"{live_server.url}{URL}?{urlencode(stub_query(order))}")
    expect(page.locator(".status-current")).to_have_text(
        "Сервисный центр ждёт вашего решения по стоимости ремонта."
    )
    expect(page.locator(".status-amount")).to_have_text("45 000 ₸")
    expect(page.locator("ol.timeline > li")).to_have_count(5)
    assert_no_horizontal_scroll(page)
    save_screenshot(page, "status_result_phone")
    assert axe_violations(page) == []


def test_typing_the_stub_by_hand_in_either_date_format_finds_the_order(phone_page, live_server):
    order = filled_order(to=OrderStatus.IN_REPAIR)
    page = phone_page
    day = order.intake_date
    typed_number = f"{order.order_number[:5].lower()} {order.order_number[5:].lower()}"

    # The date picker (what choosing a day in it submits).
    page.goto(f"{live_server.url}/partners/")
    page.get_by_role("link", name="Узнать статус ремонта").click()
    page.get_by_label("Номер заказа").fill(typed_number)
    page.keyboard.press("Tab")  # focus order: the number, then the date
    expect(page.get_by_label("Дата приёма")).to_be_focused()
    page.get_by_label("Дата приёма").fill(day.isoformat())
    page.get_by_role("button", name="Проверить статус").click()
    expect(page.locator(".status-current")).to_have_text("Ваше изделие ремонтируют.")

    # A browser without a date picker shows a plain text box: both typed formats work.
    for typed_date in (day.strftime("%d.%m.%Y"), day.isoformat()):
        page.goto(f"{live_server.url}{URL}")
        page.eval_on_selector("#id_intake_date", "el => { el.type = 'text'; }")
        page.get_by_label("Номер заказа").fill(order.display_number)
        page.get_by_label("Дата приёма").fill(typed_date)
        page.get_by_label("Дата приёма").press("Enter")
        expect(page.locator(".status-current")).to_have_text("Ваше изделие ремонтируют.")


def test_a_wrong_date_gets_the_miss_message(phone_page, live_server):
    order = filled_order()
    page = phone_page
    page.goto(f"{live_server.url}{URL}")
    page.get_by_label("Номер заказа").fill(order.display_number)
    page.get_by_label("Дата приёма").fill("2020-02-29")
    page.get_by_role("button", name="Проверить статус").click()
    expect(page.get_by_role("alert")).to_contain_text("Ничего не найдено")
    expect(page.get_by_role("alert")).to_contain_text("Проверьте оба значения на талоне")
    # The form keeps what was typed, ready to be corrected.
    expect(page.get_by_label("Номер заказа")).to_have_value(order.display_number)
    expect(page.get_by_label("Дата приёма")).to_have_value("2020-02-29")
    assert_no_horizontal_scroll(page)
    save_screenshot(page, "status_miss_phone")
    assert axe_violations(page) == []


def test_the_status_in_kazakh(phone_page, live_server):
    order = filled_order(to=OrderStatus.SHIPPED)
    page = phone_page
    page.goto(f"{live_server.url}{URL}?{urlencode(stub_query(order))}")
    page.get_by_label("Язык").select_option("kk")
    page.locator(".lang-switch button").click()
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.locator("h1")).to_have_text("Жөндеу мәртебесі")
    expect(page.locator(".status-current")).to_have_text("Өніміңіз сізге кері жолда.")
    expect(page.locator(".tracking-number a")).to_contain_text("1098765432")
    assert_no_horizontal_scroll(page)
    save_screenshot(page, "status_kk_phone")
    assert axe_violations(page) == []


def test_the_partners_page_on_a_phone(phone_page, live_server):
    ServiceCenterFactory(
        name="DREAME Сервис Астана",
        city="Астана",
        postal_address="010000, г. Астана, ул. Кенесары, 40, офис 12",
        phone="+77172550011",
        working_hours="Пн–Сб 10:00–19:00",
    )
    ServiceCenterFactory(name="DREAME Сервис Алматы", city="Алматы")
    page = phone_page
    page.goto(f"{live_server.url}/partners/")
    expect(page.locator(".center-card")).to_have_count(2)
    assert_no_horizontal_scroll(page)
    save_screenshot(page, "partners_phone")
    assert axe_violations(page) == []
