"""The shelf label and who has the order, in Debian's Chromium: the label printed on its
58×40 mm page and its barcode read back, the order page's «Взять себе» on a phone and an
office screen."""

import io

import pypdf
import pypdfium2
import pytest
import zxingcpp
from django.core.cache import cache
from PIL import Image, ImageOps
from playwright.sync_api import expect

from claims.models import WarrantyPolicy
from conftest import (
    SCREENSHOTS,
    _device_page,
    assert_no_horizontal_scroll,
    axe_violations,
    save_screenshot,
)
from repairs import codes
from repairs.models import OrderStatus, RepairOrder
from repairs.tests.factories import TechnicianFactory, make_order
from repairs.tests.workbench.browser import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MM_PER_PT = 25.4 / 72


@pytest.fixture(autouse=True)
def seeded():
    WarrantyPolicy.objects.get_or_create(country="KZ")
    cache.clear()


@pytest.fixture
def technician(db):
    return TechnicianFactory(user__first_name="Даурен", user__last_name="Касымов")


def received(technician):
    return make_order(
        status=OrderStatus.RECEIVED,
        technician=technician,
        full_name="Айгерим Нурлановна Сатпаева",
        product_model="DREAME L10s Ultra Gen 2",
    )


def label_path(order) -> str:
    return f"/service/orders/{order.pk}/label/"


@pytest.mark.parametrize(("width", "height"), [(360, 780), (1280, 800)])
def test_the_label_page_fits_the_screen_and_is_accessible(
    browser, live_server, technician, width, height
):
    order = received(technician)
    context, page = _device_page(browser, width=width, height=height)
    try:
        log_in(page, live_server.url, technician, then=label_path(order))
        label = page.locator("[data-label]")
        expect(label).to_contain_text(order.display_number)
        expect(label).to_contain_text("Сатпаева")
        expect(label).not_to_contain_text("Айгерим")
        expect(page.get_by_role("button", name="Печать")).to_be_visible()
        expect(page.get_by_role("link", name=f"← Заказ {order.display_number}")).to_be_visible()
        # On screen the label has its real size: 58 × 40 mm at CSS's 96 px to the inch.
        box = label.bounding_box()
        assert box["width"] == pytest.approx(58 / 25.4 * 96, abs=1)
        assert box["height"] == pytest.approx(40 / 25.4 * 96, abs=1)
        assert_no_horizontal_scroll(page)
        assert axe_violations(page) == []
        save_screenshot(page, f"workbench_label_{width}")
    finally:
        context.close()


def test_the_label_prints_on_one_58_by_40_mm_page_and_its_barcode_scans(
    browser, live_server, technician
):
    order = received(technician)
    # A thermal label printer's 203 dpi: a CSS px is 203/96 device pixels, so each bar of
    # 2 printer dots is 2 pixels of the screenshot, as the printer would burn it.
    context = browser.new_context(
        viewport={"width": 800, "height": 600}, device_scale_factor=203 / 96, locale="ru-RU"
    )
    page = context.new_page()
    try:
        log_in(page, live_server.url, technician, then=label_path(order))
        page.emulate_media(media="print")
        expect(page.get_by_role("button", name="Печать")).to_be_hidden()
        expect(page.get_by_role("heading", level=1)).to_be_hidden()

        shot = page.locator("[data-label]").screenshot()
        image = Image.open(io.BytesIO(shot))
        assert image.width == pytest.approx(58 / 25.4 * 203, abs=3)
        assert image.height == pytest.approx(40 / 25.4 * 203, abs=3)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        ImageOps.expand(image, border=1, fill="#888").save(
            SCREENSHOTS / "workbench_label_203dpi.png"
        )
        [barcode] = zxingcpp.read_barcodes(image)
        assert barcode.format == zxingcpp.BarcodeFormat.Code128
        assert barcode.text == order.order_number

        # What the browser sends to the printer: one page of exactly 58 × 40 mm.
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
        assert len(pages) == 1
        box = pages[0].mediabox
        assert float(box.width) * MM_PER_PT == pytest.approx(58, abs=0.5)
        assert float(box.height) * MM_PER_PT == pytest.approx(40, abs=0.5)
        printed = pypdfium2.PdfDocument(pdf)[0].render(scale=203 / 72).to_pil()
        found = {code.format: code.text for code in zxingcpp.read_barcodes(printed)}
        assert found[zxingcpp.BarcodeFormat.Code128] == order.order_number
    finally:
        context.close()


def test_the_act_page_after_intake_leads_to_the_label(tablet_page, live_server, technician):
    order = received(technician)
    page = tablet_page
    log_in(page, live_server.url, technician, then=f"/service/orders/{order.pk}/act/")
    page.get_by_role("link", name="Печать наклейки").click()
    page.wait_for_url(f"{live_server.url}{label_path(order)}")
    expect(page.locator("[data-label-number]")).to_have_text(order.display_number)
    assert pytest.approx(0.25, abs=0.001) == codes.LABEL_BAR_MM


@pytest.mark.parametrize(("width", "height"), [(360, 780), (1280, 800)])
def test_a_technician_takes_an_order_on_its_page(browser, live_server, technician, width, height):
    colleague = TechnicianFactory(
        service_center=technician.service_center,
        user__first_name="Алия",
        user__last_name="Ермекова",
    )
    order = make_order(status=OrderStatus.AWAITING_SHIPMENT, technician=technician)
    context, page = _device_page(browser, width=width, height=height)
    try:
        log_in(page, live_server.url, technician, then=f"/service/orders/{order.pk}/")
        expect(page.locator("[data-owner]")).to_have_text("Ответственный: Не назначен")
        assert_no_horizontal_scroll(page)
        assert axe_violations(page) == []

        page.get_by_role("button", name="Взять себе").click()

        expect(page.locator(".notice-ok")).to_have_text("Теперь заказ ваш.")
        expect(page.locator("[data-owner]")).to_have_text("Ответственный: Касымов Д.")
        expect(page.locator(".history-card")).to_contain_text("не назначен → Касымов Д.")
        page.get_by_label("Передать технику центра").select_option(label="Ермекова А.")
        page.get_by_role("button", name="Передать", exact=True).click()
        expect(page.locator(".notice-ok")).to_have_text("Заказ передан: Ермекова А.")
        expect(page.locator("[data-owner]")).to_have_text("Ответственный: Ермекова А.")
        assert RepairOrder.objects.get(pk=order.pk).technician == colleague
        assert_no_horizontal_scroll(page)
        assert axe_violations(page) == []
        page.locator(".owner-card").scroll_into_view_if_needed()
        save_screenshot(page, f"workbench_order_owner_{width}")
    finally:
        context.close()


def test_the_mine_tab_on_a_phone(phone_page, live_server, technician):
    order = received(technician)
    page = phone_page
    log_in(page, live_server.url, technician, then="/service/?status=mine")
    expect(page.locator("a[aria-current=page]")).to_contain_text("Мои")
    expect(page.get_by_role("link", name=order.display_number)).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    save_screenshot(page, "workbench_queue_mine_phone")
