"""A technician at the counter: the intake act on a tablet, its print, and a phone at the bench."""

import io

import pypdf
import pypdfium2
import pytest
import zxingcpp
from django.conf import settings
from PIL import Image, ImageOps
from playwright.sync_api import expect

from claims.models import ProductModel
from conftest import SCREENSHOTS, assert_no_horizontal_scroll, axe_violations, save_screenshot
from repairs import codes
from repairs.models import IntakeAct, OrderStatus, RepairOrder
from repairs.tests.factories import TechnicianFactory, make_order
from repairs.tests.workbench.browser import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROBOT = "DREAME L20 Ultra"


@pytest.fixture
def photos(tmp_path):
    """Two small photos as a tablet camera would save them."""
    paths = []
    for name, color in (("front.jpg", "#b33"), ("label.jpg", "#36c")):
        path = tmp_path / name
        Image.new("RGB", (640, 480), color).save(path, format="JPEG", quality=80)
        paths.append(str(path))
    return paths


def waiting_order(technician):
    return make_order(
        technician=technician,
        product=ProductModel.objects.get(name=ROBOT),
        product_model=ROBOT,
        serial_number="R2216-0042-KZ",
        full_name="Айгерим Сатпаева",
    )


def save_sheet(pdf_page, name: str) -> None:
    """The printed page as people see it on paper: the whole A4 sheet, margins and all,
    framed so its edges show (a screenshot of print media has no page and no margins)."""
    sheet = pdf_page.render(scale=110 / 72).to_pil()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ImageOps.expand(sheet, border=1, fill="#888").save(SCREENSHOTS / f"{name}.png")


def test_a_technician_writes_the_intake_act_with_two_photos_and_prints_it(
    tablet_page, live_server, photos
):
    technician = TechnicianFactory(user__first_name="Даурен", user__last_name="Касымов")
    order = waiting_order(technician)
    page = tablet_page
    log_in(page, live_server.url, technician, then=f"/service/orders/{order.pk}/receive/")

    expect(page.get_by_role("heading", level=1)).to_contain_text(order.display_number)
    page.get_by_label("Чек приложен").check()
    page.get_by_label("Гарантийный талон приложен").check()
    page.get_by_label("На гарантийном талоне есть печать продавца").check()
    page.get_by_label("Робот-пылесос").check()
    page.get_by_label("Базовая станция").check()
    page.get_by_label("Основная щётка").check()
    page.get_by_label("Царапины").check()
    page.get_by_label("Состояние словами").fill("Царапина 2 см на крышке")
    # A serial that differs from the claim's: the warning appears while typing.
    warning = page.locator("[data-serial-warning]")
    expect(warning).to_be_hidden()
    page.get_by_role("textbox", name="Серийный номер на изделии").fill("R2216-0043-KZ")
    expect(warning).to_be_visible()
    page.get_by_label("Я проверил(а): серийный номер на изделии отличается").check()
    page.get_by_label("Неисправность, выявленная при приёмке").fill(
        "Не заряжается: окислены контакты базы"
    )
    expect(page.get_by_label("Бесплатный гарантийный ремонт")).to_be_checked()
    page.get_by_label("Фото изделия").set_input_files(photos)
    expect(page.locator("[data-photo-list]")).to_contain_text("2 / 8")
    expect(page.get_by_role("button", name="Выбрать фото заново")).to_be_visible()
    page.get_by_label("Комментарий для клиента").fill("Приняли, начинаем диагностику.")
    save_screenshot(page, "workbench_intake_tablet")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Принять изделие и выдать талон").click()

    page.wait_for_url(f"{live_server.url}/service/orders/{order.pk}/act/")
    expect(page.get_by_role("status")).to_contain_text(f"Заказ {order.display_number} принят")
    act = IntakeAct.objects.get(repair_order=order)
    assert act.photos.count() == 2
    assert act.serial_number == "R2216-0043-KZ"
    order = RepairOrder.objects.get(pk=order.pk)
    assert order.status == OrderStatus.RECEIVED
    sheet = page.locator(".act-sheet")
    expect(sheet).to_contain_text(order.intake_date.strftime("%d.%m.%Y"))
    expect(sheet).to_contain_text("в заявке: R2216-0042-KZ")
    expect(
        page.get_by_role("img", name="Фото 2 из 2: изделие при приёмке, в полном размере")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Печать")).to_be_visible()
    assert axe_violations(page) == []

    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Печать")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()

    # What the browser prints: one A4 page, and its codes scan.
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    printed = pypdfium2.PdfDocument(pdf)[0]
    save_sheet(printed, "workbench_act_print")
    image = printed.render(scale=300 / 72).to_pil()
    found = {code.format: code.text for code in zxingcpp.read_barcodes(image)}
    assert found[zxingcpp.BarcodeFormat.QRCode] == codes.status_link(
        site_url=settings.SITE_URL,
        order_number=order.order_number,
        intake_date=order.intake_date,
    )
    assert found[zxingcpp.BarcodeFormat.Code128] == order.order_number


def test_the_intake_form_on_a_phone_keeps_what_was_typed_after_a_refusal(phone_page, live_server):
    technician = TechnicianFactory()
    order = waiting_order(technician)
    page = phone_page
    log_in(page, live_server.url, technician, then=f"/service/orders/{order.pk}/receive/")
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []

    page.get_by_label("Состояние словами").fill("Трещина корпуса")
    page.get_by_label("Платный ремонт").check()
    page.get_by_role("button", name="Принять изделие и выдать талон").click()

    problems = page.get_by_role("alert")
    expect(problems).to_contain_text("Проверьте, пожалуйста, форму")
    expect(page.locator("#id_verdict_reason_error")).to_contain_text(
        "Решение отличается от предварительного"
    )
    expect(page.get_by_label("Состояние словами")).to_have_value("Трещина корпуса")
    expect(page.get_by_label("Платный ремонт")).to_be_checked()
    expect(page.get_by_text("фото не сохраняются")).to_be_visible()
    expect(page.get_by_role("button", name="Выбрать фото заново")).to_be_hidden()
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    save_screenshot(page, "workbench_intake_phone_refused")
    assert not IntakeAct.objects.exists()
