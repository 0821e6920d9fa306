"""A customer walks in with no claim: the technician fills the walk-in page on a phone and
on a counter tablet, the customer signs on the screen, and the act shows the signature."""

import datetime
import io

import pypdf
import pypdfium2
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from claims.models import Channel, Claim
from conftest import (
    _device_page,
    assert_no_horizontal_scroll,
    axe_violations,
    save_screenshot,
)
from repairs.models import IntakeAct
from repairs.tests.factories import TechnicianFactory
from repairs.tests.workbench.browser import log_in
from repairs.tests.workbench.test_browser_intake import save_sheet

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

URL = "/service/walk-in/"
ROBOT = "DREAME L20 Ultra"


@pytest.fixture
def counter_tablet(browser, live_server):
    """A portrait tablet at the counter (800×1280), in Russian."""
    context, page = _device_page(browser, width=800, height=1280)
    yield page
    context.close()


def fill_the_customer_and_the_product(page, *, email: str) -> None:
    """The claim form's fields (by name, as claims' browser tests fill them)."""
    page.fill("[name=full_name]", "Айгерим <b>Сатпаева</b>")
    page.fill("[name=email]", email)
    page.fill("[name=phone]", "+7 701 234 56 78")
    page.select_option("[name=region]", "Алматы")
    page.fill("[name=city]", "Алматы")
    page.fill("[name=postal_code]", "050000")
    page.fill("[name=address]", "ул. Абая, 10, кв. 5")
    page.select_option("[name=product_model]", label=ROBOT)
    page.fill("[name=serial_number]", "R2216-0042-KZ")
    purchase = timezone.localdate() - datetime.timedelta(days=40)
    page.fill("[name=purchase_date]", purchase.isoformat())
    page.fill("[name=seller]", "Technodom")
    page.get_by_label("Почему нет чека").fill("Потерян")
    page.fill("[name=fault_description]", "Не заряжается от базы.")
    page.get_by_label("Гарантийный талон приложен").check()
    page.get_by_label("На гарантийном талоне есть печать продавца").check()
    # No receipt: the act's rule asks why the warranty still applies.
    page.get_by_label("Почему решение отличается").fill("Талон с печатью продавца, чек потерян")


def sign(page, *, touch: bool) -> None:
    """Draw a signature on the pad as a finger (touch pointer events) or a mouse would."""
    canvas = page.locator("[data-signature-canvas]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    points = [(0.1, 0.7), (0.25, 0.2), (0.4, 0.8), (0.55, 0.3), (0.7, 0.75), (0.9, 0.4)]
    xy = [(box["x"] + box["width"] * px, box["y"] + box["height"] * py) for px, py in points]
    if touch:
        # A finger: Chromium's own touch input (DevTools protocol), which the page receives
        # as pointer events of type "touch", as on a phone.
        cdp = page.context.new_cdp_session(page)
        cdp.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
        touches = [("touchStart", xy[0]), *(("touchMove", p) for p in xy[1:])]
        for kind, (x, y) in touches:
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    else:
        page.mouse.move(*xy[0])
        page.mouse.down()
        for point in xy[1:]:
            page.mouse.move(*point, steps=4)
        page.mouse.up()


def test_a_walk_in_on_the_counter_tablet_signed_with_the_mouse(counter_tablet, live_server):
    technician = TechnicianFactory(user__first_name="Даурен", user__last_name="Касымов")
    page = counter_tablet
    log_in(page, live_server.url, technician)
    page.get_by_role("link", name="Принять без заявки (клиент пришёл сам)").click()
    expect(page).to_have_url(f"{live_server.url}{URL}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Принять без заявки (клиент пришёл сам)"
    )

    fill_the_customer_and_the_product(page, email="aigerim@example.kz")
    page.get_by_label("Царапины").check()
    page.get_by_label("Неисправность, выявленная при приёмке").fill("Не заряжается")
    expect(page.get_by_role("img", name="Подпись клиента")).to_be_visible()
    expect(page.locator("[data-signature-status]")).to_have_text("Ещё не подписано")
    sign(page, touch=False)
    expect(page.locator("[data-signature-status]")).to_have_text("Подписано")
    page.get_by_label(
        "Клиент согласен на обработку персональных данных для рассмотрения этой заявки."
    ).check()
    assert_no_horizontal_scroll(page)
    save_screenshot(page, "workbench_walk_in_tablet")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Зарегистрировать, принять и выдать корешок").click()

    page.wait_for_url(f"{live_server.url}/service/orders/*/act/")
    claim = Claim.objects.get()
    assert claim.channel == Channel.COUNTER
    assert claim.full_name == "Айгерим <b>Сатпаева</b>"
    act = IntakeAct.objects.get()
    assert act.signature and not act.received_by_post
    sheet = page.locator(".act-sheet")
    expect(sheet).to_contain_text("Сдал клиент: Айгерим <b>Сатпаева</b>")  # shown, not markup
    signature = page.get_by_role("img", name="Подпись клиента")
    expect(signature).to_be_visible()
    width = signature.evaluate("image => image.naturalWidth")
    assert width > 100  # the drawn PNG decoded in the browser
    save_screenshot(page, "workbench_walk_in_act_tablet")
    assert axe_violations(page) == []

    # Printed: still one A4 page, the signature on the customer's line.
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    save_sheet(pypdfium2.PdfDocument(pdf)[0], "workbench_walk_in_act_print")


def test_a_walk_in_on_a_phone_signed_with_a_finger_after_a_refusal(phone_page, live_server):
    technician = TechnicianFactory()
    page = phone_page
    log_in(page, live_server.url, technician, then=URL)
    assert_no_horizontal_scroll(page)

    fill_the_customer_and_the_product(page, email="not-an-email")
    sign(page, touch=True)
    expect(page.locator("[data-signature-status]")).to_have_text("Подписано")
    page.get_by_role("button", name="Зарегистрировать, принять и выдать корешок").click()

    # Refused (the e-mail, the consent): in Russian, with what was typed, and the signature.
    expect(page.locator("#form-problems")).to_contain_text("Проверьте, пожалуйста, форму")
    expect(page.get_by_label("Почему нет чека")).to_have_value("Потерян")
    expect(page.locator("[data-signature-status]")).to_have_text("Подписано")
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    save_screenshot(page, "workbench_walk_in_phone_refused")

    page.fill("[name=email]", "aigerim.phone@example.kz")
    page.locator("[data-signature-clear]").click()
    expect(page.locator("[data-signature-status]")).to_have_text("Ещё не подписано")
    sign(page, touch=True)
    page.get_by_label(
        "Клиент согласен на обработку персональных данных для рассмотрения этой заявки."
    ).check()
    page.get_by_role("button", name="Зарегистрировать, принять и выдать корешок").click()

    page.wait_for_url(f"{live_server.url}/service/orders/*/act/")
    assert IntakeAct.objects.get().signature
    expect(page.get_by_role("img", name="Подпись клиента")).to_be_visible()
    assert_no_horizontal_scroll(page)
    save_screenshot(page, "workbench_walk_in_act_phone")


@pytest.mark.parametrize(
    ("language", "heading", "clear"),
    [
        ("kk", "Өтінімсіз қабылдау (клиент өзі келді)", "Тазалау"),
        ("en", "Receive without a claim (the customer came in person)", "Clear"),
    ],
)
def test_the_walk_in_page_in_kazakh_and_english(phone_page, live_server, language, heading, clear):
    page = phone_page
    log_in(page, live_server.url, TechnicianFactory(), then=URL)
    page.locator("#lang-select").select_option(language)
    page.locator(".lang-switch button").click()

    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("[data-signature-clear]")).to_have_text(clear)
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    save_screenshot(page, f"workbench_walk_in_{language}_phone")
