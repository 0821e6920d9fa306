"""The queue in Debian's Chromium: a counter tablet with a barcode scanner, and a phone."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from claims.models import StatusEvent
from conftest import assert_no_horizontal_scroll, axe_violations, save_screenshot
from repairs.models import OrderStatus, RepairOrder
from repairs.tests.factories import TechnicianFactory, make_order
from repairs.tests.workbench.browser import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

S = OrderStatus
SEARCH_LABEL = "Номер заказа, номер заявки, телефон или серийный номер"


@pytest.fixture
def technician(db):
    return TechnicianFactory(
        user__first_name="Даурен",
        user__last_name="Касымов",
        service_center__name="DREAME Сервис Алматы",
    )


@pytest.fixture
def busy_center(technician):
    """A morning's queue: parcels expected, one received, two repairs, one of them late."""
    orders = [
        make_order(technician=technician, product_model="DREAME L20 Ultra", city="Алматы"),
        make_order(
            technician=technician, product_model="DREAME Z30", city="Қонаев", phone="+77017234511"
        ),
        make_order(status=S.IN_TRANSIT, technician=technician, city="Талдыкорган"),
        make_order(status=S.RECEIVED, technician=technician, product_model="DREAME H14 Pro"),
        make_order(status=S.IN_REPAIR, technician=technician, product_model="DREAME X40 Ultra"),
        make_order(status=S.IN_REPAIR, technician=technician, city="Усть-Каменогорск"),
    ]
    for order, days in [(orders[0], 9), (orders[4], 3), (orders[5], 14)]:
        then = timezone.now() - datetime.timedelta(days=days)
        StatusEvent.objects.filter(claim_id=order.claim_id, to_status=order.status).update(
            created_at=then
        )
        RepairOrder.objects.filter(pk=order.pk).update(state_entered_at=then)
    return orders


def test_a_scanned_order_number_and_enter_open_the_order(
    tablet_page, live_server, technician, busy_center
):
    page = tablet_page
    wanted = busy_center[3]
    log_in(page, live_server.url, technician)

    search = page.get_by_label(SEARCH_LABEL)
    expect(search).to_be_focused()
    # A scanner types into whatever has the focus and ends with Enter.
    page.keyboard.type(wanted.order_number)
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/service/orders/{wanted.pk}/")


def test_the_queue_on_a_tablet(tablet_page, live_server, technician, busy_center):
    page = tablet_page
    log_in(page, live_server.url, technician)
    page.goto(f"{live_server.url}/service/?status={S.AWAITING_SHIPMENT}")

    expect(page.locator(".queue-tabs a[aria-current=page]")).to_have_text(
        re.compile(r"Ждём отправки\s+2")
    )
    expect(page.locator(".queue-row")).to_have_count(2)
    expect(page.locator(".queue-overdue")).to_have_count(0)  # waits on the customer
    expect(page.get_by_role("link", name="Составить акт приёмки")).to_have_count(2)
    save_screenshot(page, "workbench_queue_tablet")
    assert axe_violations(page) == []


def test_the_queue_and_a_search_on_a_phone(phone_page, live_server, technician, busy_center):
    page = phone_page
    log_in(page, live_server.url, technician)
    page.goto(f"{live_server.url}/service/?status={S.IN_REPAIR}")
    expect(page.locator(".queue-row")).to_have_count(2)
    expect(page.locator(".queue-row.is-overdue .queue-days")).to_have_text("14")
    expect(page.locator(".queue-overdue")).to_have_text("Просрочено")
    assert_no_horizontal_scroll(page)
    save_screenshot(page, "workbench_queue_phone")
    assert axe_violations(page) == []

    # A phone with one order opens it, as the hint under the box promises.
    page.get_by_label(SEARCH_LABEL).fill("8 701 723 45 11")
    page.get_by_role("button", name="Найти").click()
    expect(page).to_have_url(f"{live_server.url}/service/orders/{busy_center[1].pk}/")

    # The other orders share one phone: their list.
    page.goto(f"{live_server.url}/service/")
    page.get_by_label(SEARCH_LABEL).fill("8 701 234 56 78")
    page.get_by_role("button", name="Найти").click()
    expect(page.locator("h1")).to_have_text("Результаты поиска")
    expect(page.locator(".queue-number")).to_have_count(len(busy_center) - 1)
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []

    page.get_by_label(SEARCH_LABEL).fill("нет такого")
    page.get_by_label(SEARCH_LABEL).press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("По запросу «нет такого» ничего не найдено.")
    assert axe_violations(page) == []

    # What was typed stays in the box, selected, so the next scan replaces it.
    expect(page.get_by_label(SEARCH_LABEL)).to_have_value("нет такого")
    expect(page.get_by_label(SEARCH_LABEL)).to_be_focused()
    page.keyboard.type(busy_center[4].order_number)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/service/orders/{busy_center[4].pk}/")
