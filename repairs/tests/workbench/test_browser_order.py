"""A technician moves orders through the order page's buttons, in Debian's Chromium:
a counter tablet (1024×768) and a phone at the bench (360 px)."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from claims import warranty
from claims.models import WarrantyPolicy
from conftest import assert_no_horizontal_scroll, axe_violations, save_screenshot
from notifications.models import Notification
from repairs.models import OrderStatus, RepairOrder, Resolution
from repairs.tests.factories import TechnicianFactory, make_order, with_final_verdict
from repairs.tests.workbench.browser import log_in, step

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

S = OrderStatus


@pytest.fixture(autouse=True)
def seeded():
    # transaction=True flushes what the data migration seeded: put back the policy.
    WarrantyPolicy.objects.get_or_create(country="KZ")
    cache.clear()


@pytest.fixture
def technician(db):
    return TechnicianFactory(
        user__first_name="Даурен",
        user__last_name="Касымов",
        service_center__name="DREAME Сервис Алматы",
        service_center__phone="+77272500500",
    )


def received_order(technician, **claim) -> RepairOrder:
    """An order just received, from a claim filed 20 days ago for a product bought 100 days ago."""
    today = timezone.localdate()
    order = make_order(
        status=S.RECEIVED,
        technician=technician,
        full_name="Айгерим Сатпаева",
        phone="+77012345678",
        whatsapp="+77012345678",
        purchase_date=today - datetime.timedelta(days=100),
        submitted_at=timezone.now() - datetime.timedelta(days=20),
        **claim,
    )
    return order


def expected_warranty_end(order) -> datetime.date:
    return warranty.warranty_end_after_return(
        purchase_date=order.claim.purchase_date,
        policy=WarrantyPolicy.objects.get(country="KZ"),
        claim_date=order.claim.submitted_date,
        returned_date=timezone.localdate(),
    )


def test_a_repair_from_diagnostics_to_the_return_on_a_tablet(tablet_page, live_server, technician):
    order = received_order(technician)
    page = tablet_page
    log_in(page, live_server.url, technician, then=f"/service/orders/{order.pk}/")
    expect(page.locator(".badge").first).to_have_text("Принято сервисным центром")
    expect(page.get_by_role("link", name="Позвонить +7 701 234 56 78")).to_have_attribute(
        "href", "tel:+77012345678"
    )

    step(
        page,
        "start_diagnostics",
        "Начать диагностику",
        note="Диагностика началась",
        done="Диагностика начата. Статус заказа теперь «Диагностика»",
    )
    # A free warranty repair: the repair, or stopping it; the other remedies say why not.
    expect(page.locator("form[data-step]")).to_have_count(2)
    expect(page.locator('form[data-step="ship_back"]')).to_have_count(0)
    expect(page.locator(".steps-refused")).to_contain_text("Деньги возвращают только")
    assert_no_horizontal_scroll(page)
    save_screenshot(page, "workbench_order_tablet")
    assert axe_violations(page) == []

    step(
        page, "start_repair", "Начать гарантийный ремонт", fault="Не заряжается", done="«В ремонте»"
    )
    expect(page.locator(".order-facts")).to_contain_text("Не заряжается")
    expect(page.locator(".history-list")).to_contain_text("Неисправность: Не заряжается")
    step(
        page,
        "complete",
        "Ремонт завершён",
        fields={"Выполненные работы": "Заменена плата зарядки"},
        lines=[{"Описание": "Плата зарядки", "Цена за единицу, ₸": "8 000"}],
        done="Клиент получит об этом письмо.",
    )

    end = expected_warranty_end(order).strftime("%d.%m.%Y")
    ship_back = page.locator('form[data-step="ship_back"]')
    expect(ship_back.locator(".warranty-preview")).to_contain_text(end)
    step(
        page,
        "ship_back",
        "Отправить клиенту",
        fields={"Перевозчик": "CDEK", "Трек-номер": "1234567890"},
        done="«Отправлено обратно»",
    )
    expect(page.locator(".tracking-number").last).to_contain_text("1234567890")
    expect(page.locator(".history-list")).to_contain_text("Диагностика началась")

    page.get_by_role("link", name="Распечатать лист возврата").click()
    expect(page.get_by_role("heading", name="Лист возврата")).to_be_visible()
    slip = page.locator(".slip")
    expect(slip).to_contain_text(order.display_number)
    expect(slip).to_contain_text("Заменена плата зарядки")
    expect(slip).to_contain_text(end)
    expect(slip).to_contain_text("CDEK")
    expect(slip.locator(".tracking-number")).to_have_text("1234567890")
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Печать")).to_be_hidden()
    save_screenshot(page, "workbench_return_slip")
    printed = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page(?![a-z])", printed)) == 1  # one sheet of A4

    mails = Notification.objects.filter(recipient=order.claim.email)
    assert mails.filter(template="repair_finished").count() == 1
    shipped = mails.get(template="shipped_back")
    assert shipped.context["warranty_end_date"] == expected_warranty_end(order).isoformat()
    assert shipped.context["tracking_number"] == "1234567890"


def test_a_declined_quote_goes_back_unrepaired_on_a_phone(phone_page, live_server, technician):
    order = received_order(technician)
    page = phone_page
    log_in(page, live_server.url, technician, then=f"/service/orders/{order.pk}/")

    step(page, "start_diagnostics", "Начать диагностику", done="«Диагностика»")
    assert_no_horizontal_scroll(page)
    save_screenshot(page, "workbench_order_phone")
    assert axe_violations(page) == []

    # Damage by the user found in diagnostics: the verdict becomes a paid repair first.
    verdict = page.locator(".verdict-change")
    verdict.locator("summary").click()
    verdict.get_by_label("Новое итоговое решение").select_option("paid_repair")
    verdict.get_by_label("Почему меняется решение").fill("Следы залития на плате")
    save_screenshot(page, "workbench_verdict_change_phone")
    verdict.get_by_role("button", name="Изменить решение").click()
    expect(page.locator(".notice-ok")).to_contain_text("Итоговое решение изменено")
    assert axe_violations(page) == []

    step(
        page,
        "send_quote",
        "Отправить стоимость ремонта",
        fields={"Комментарий к стоимости": "Замена главной платы"},
        lines=[
            {"Описание": "Главная плата", "Цена за единицу, ₸": "39 000"},
            {"Описание": "Замена платы", "Цена за единицу, ₸": "6 000"},
        ],
        fault="Следы жидкости",
        done="Клиент получит об этом письмо.",
    )
    expect(page.locator(".order-facts")).to_contain_text("45 000 ₸")
    step(
        page,
        "decline_quote",
        "Клиент отказался от платного ремонта",
        ticks=["Подтверждаю: клиент отказался от платного ремонта"],
        note="Клиент отказался по телефону",
        done="«Готово к отправке обратно»",
    )
    assert_no_horizontal_scroll(page)
    step(
        page,
        "ship_back",
        "Отправить клиенту",
        fields={"Перевозчик": "Казпочта", "Трек-номер": "RR123456785KZ"},
        done="«Отправлено обратно»",
    )
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []

    page.get_by_role("link", name="Распечатать лист возврата").click()
    expect(page.locator(".slip")).to_contain_text("Возвращено без ремонта")
    expect(page.locator(".slip .tracking-number")).to_have_text("RR123456785KZ")
    assert_no_horizontal_scroll(page)

    order.refresh_from_db()
    assert (order.status, order.resolution) == (S.SHIPPED, Resolution.UNREPAIRED)
    mails = Notification.objects.filter(recipient=order.claim.email)
    assert mails.filter(template="quote_sent").count() == 1
    assert mails.filter(template="repair_finished").count() == 0
    assert mails.get(template="shipped_back").context["warranty_end_date"]


def test_a_replacement_unit_is_recorded_and_printed_on_the_slip(
    tablet_page, live_server, technician
):
    # The act's receipt showed a purchase 20 days back: a new unit is among the remedies.
    order = with_final_verdict(received_order(technician), "replace_or_refund")
    page = tablet_page
    log_in(page, live_server.url, technician, then=f"/service/orders/{order.pk}/")

    step(page, "start_diagnostics", "Начать диагностику", done="«Диагностика»")
    step(
        page,
        "resolve_replacement",
        "Заменить на новое устройство",
        fields={"Серийный номер нового устройства": "L20U-NEW-0001"},
        fault="Не включается",
        done="Клиент получит об этом письмо.",
    )
    expect(page.locator(".order-facts")).to_contain_text("L20U-NEW-0001")
    step(
        page,
        "ship_back",
        "Отправить клиенту",
        fields={"Перевозчик": "CDEK", "Трек-номер": "9876543210"},
        done="«Отправлено обратно»",
    )

    page.get_by_role("link", name="Распечатать лист возврата").click()
    slip = page.locator(".slip")
    expect(slip).to_contain_text("Замена")
    expect(slip.locator(".slip-new-serial")).to_have_text("L20U-NEW-0001")

    order.refresh_from_db()
    assert (order.resolution, order.replacement_serial) == (Resolution.REPLACEMENT, "L20U-NEW-0001")
    mails = Notification.objects.filter(recipient=order.claim.email)
    assert mails.filter(template="repair_finished").count() == 1
    assert mails.get(template="shipped_back").context["warranty_end_date"]


def test_a_second_tab_showing_an_old_state_is_told_the_order_changed(
    tablet_page, live_server, technician
):
    order = received_order(technician)
    page = tablet_page
    log_in(page, live_server.url, technician, then=f"/service/orders/{order.pk}/")
    other_tab = page.context.new_page()
    other_tab.goto(page.url)

    step(page, "start_diagnostics", "Начать диагностику", done="«Диагностика»")
    other_tab.locator('form[data-step="start_diagnostics"]').get_by_role("button").click()

    expect(other_tab.locator(".notice-error")).to_contain_text("Заказ тем временем изменился")
    assert order.status_events.filter(transition="start_diagnostics").count() == 1
