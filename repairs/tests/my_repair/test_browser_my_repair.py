"""«Мой ремонт» on a 360×800 phone in Debian's Chromium, from the approval e-mail's link to
the rating, in Russian and in Kazakh; every state passes axe-core and fits the screen."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from playwright.sync_api import expect

from claims.tests.factories import ClaimFactory, claim_step
from conftest import (
    CHROMIUM,
    assert_no_horizontal_scroll,
    axe_violations,
    require,
    save_screenshot,
    watch_csp,
)
from notifications.models import Notification
from notifications.services import full_context
from repairs.models import OrderStatus, QuoteConsent, RepairOrder, ServiceRating
from repairs.tests.factories import (
    SupportUserFactory,
    TechnicianFactory,
    advance_order,
    fit_verdict,
    make_order,
)
from repairs.tests.my_repair.helpers import my_path

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
KAZPOST_PAGE = "https://post.kz/mail/search/track/{}/detail"


def _phone(browser, *, javascript: bool = True):
    require(CHROMIUM.exists(), f"needs Chromium at {CHROMIUM}")
    context = browser.new_context(
        viewport={"width": 360, "height": 800},
        device_scale_factor=1,
        locale="ru-RU",
        java_script_enabled=javascript,
    )
    watch_csp(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.fixture
def phone(browser, live_server):
    context, page = _phone(browser)
    yield page
    context.close()


def _approval_link(order) -> str:
    """The personal link, as the customer finds it in the approval e-mail."""
    mail = Notification.objects.get(template="claim_approved", recipient=order.claim.email)
    return urlsplit(full_context(mail.context)["my_url"]).path


def _status(order) -> str:
    return RepairOrder.objects.values_list("status", flat=True).get(pk=order.pk)


def _check(page, screenshot: str) -> None:
    assert_no_horizontal_scroll(page)
    save_screenshot(page, screenshot)
    assert axe_violations(page) == []


def test_in_russian_the_customer_sends_accepts_and_rates(phone, live_server):
    technician = TechnicianFactory()
    order = make_order(status=OrderStatus.AWAITING_SHIPMENT, technician=technician)
    page = phone
    page.goto(f"{live_server.url}{_approval_link(order)}")
    expect(page.get_by_role("heading", name="Мой ремонт", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Куда отправить изделие")).to_be_visible()
    expect(page.locator(".my-address")).to_have_text(order.service_center.postal_address)
    _check(page, "my_repair_awaiting_shipment_phone")

    page.get_by_label("Перевозчик").fill("Казпочта")
    page.get_by_label("Трек-номер").fill("rr 123 456 785 kz")
    page.get_by_role("button", name="Сохранить трек-номер").click()
    expect(page.get_by_role("status").first).to_contain_text("посылк")
    assert _status(order) == OrderStatus.IN_TRANSIT
    tracked = page.get_by_role("link", name="RR123456785KZ (страница отслеживания перевозчика")
    expect(tracked).to_have_attribute("href", KAZPOST_PAGE.format("RR123456785KZ"))
    expect(tracked).to_have_attribute("target", "_blank")
    _check(page, "my_repair_in_transit_phone")

    # A typo found later: corrected while the parcel is on its way.
    page.get_by_text("Исправить трек-номер").click()
    page.get_by_label("Трек-номер").fill("RR987654326KZ")
    _check(page, "my_repair_correct_parcel_phone")
    page.get_by_role("button", name="Сохранить исправленный номер").click()
    expect(page.get_by_role("status").first).to_contain_text("ждёт посылку с этим номером")
    expect(page.locator(".tracking-number a")).to_have_attribute(
        "href", KAZPOST_PAGE.format("RR987654326KZ")
    )

    # The technician's queue shows the parcel on its way.
    desk = Client()
    desk.force_login(technician.user)
    queue = desk.get("/service/", {"status": "in_transit"}).content.decode()
    assert order.display_number in queue

    # The parcel arrives; diagnostics finds a paid repair: the price waits for the customer.
    order = advance_order(order, ["receive", "start_diagnostics"], by=technician.user)
    order = advance_order(fit_verdict(order, ["send_quote"]), ["send_quote"], by=technician.user)
    page.reload()
    expect(page.locator(".status-amount")).to_have_text("25 000 ₸")
    expect(page.locator("#wording-accept")).to_contain_text("Я согласен(на) на платный ремонт")
    _check(page, "my_repair_quote_phone")
    page.get_by_role("button", name="Принять стоимость").click()
    expect(page.get_by_role("status").first).to_be_visible()
    assert _status(order) == OrderStatus.IN_REPAIR
    assert QuoteConsent.objects.get(repair_order=order).decision == "accepted"
    assert Notification.objects.filter(
        template="center_quote_decided", recipient=order.service_center.email
    ).exists()
    expect(page.get_by_role("heading", name="Ваш ответ по стоимости")).to_be_visible()

    advance_order(order, ["complete", "ship_back", "confirm_delivery"], by=technician.user)
    page.reload()
    warranty = page.locator(".status-warranty")
    expect(warranty).to_contain_text("Гарантия продлена")
    expect(warranty.locator("strong")).to_have_text(re.compile(r"^\d{2}\.\d{2}\.\d{4}$"))
    expect(page.locator(".tracking-number a")).to_contain_text("1234567890")
    _check(page, "my_repair_delivered_phone")
    page.get_by_label("5", exact=True).check()
    page.get_by_label("Комментарий (необязательно)").fill("Спасибо, всё работает!")
    page.get_by_role("button", name="Отправить оценку").click()
    expect(page.get_by_role("status").first).to_be_visible()
    rating = ServiceRating.objects.get(repair_order=order)
    assert (rating.score, rating.comment) == (5, "Спасибо, всё работает!")
    _check(page, "my_repair_rated_phone")


def test_in_kazakh_the_customer_declines_the_price(phone, live_server):
    technician = TechnicianFactory()
    order = make_order(status=OrderStatus.AWAITING_APPROVAL, technician=technician)
    page = phone
    page.goto(f"{live_server.url}{_approval_link(order)}")
    page.locator("#lang-select").select_option("kk")
    page.locator("#lang-form button").click()
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.get_by_role("heading", name="Менің жөндеуім", exact=True)).to_be_visible()
    expect(page.locator(".status-amount")).to_have_text("25 000 ₸")
    _check(page, "my_repair_quote_phone_kk")
    decline = page.locator("form.my-decision").nth(1)
    decline.get_by_role("button").click()  # not ticked: asked again, nothing changes
    expect(decline.locator(".errorlist")).to_be_visible()
    assert _status(order) == OrderStatus.AWAITING_APPROVAL
    decline = page.locator("form.my-decision").nth(1)
    decline.get_by_label("Иә, мен ақылы жөндеуден бас тартамын", exact=False).check()
    decline.get_by_role("button").click()
    expect(page.get_by_role("status").first).to_be_visible()
    assert _status(order) == OrderStatus.READY_FOR_RETURN
    consent = QuoteConsent.objects.get(repair_order=order)
    assert consent.decision == "declined" and consent.language == "kk"
    _check(page, "my_repair_declined_phone_kk")


def test_without_javascript_the_parcel_form_works(browser, live_server):
    order = make_order(status=OrderStatus.AWAITING_SHIPMENT)
    context, page = _phone(browser, javascript=False)
    try:
        page.goto(f"{live_server.url}{my_path(order)}")
        page.get_by_label("Перевозчик").fill("CDEK")
        page.get_by_label("Трек-номер").fill("1234567890")
        page.get_by_role("button", name="Сохранить трек-номер").click()
        expect(page.locator(".tracking-number a")).to_contain_text("1234567890")
    finally:
        context.close()
    assert _status(order) == OrderStatus.IN_TRANSIT


def _every_state():
    """One case in each state «Мой ремонт» shows: the claim's, then the order's."""
    support = SupportUserFactory()
    submitted = ClaimFactory()
    needs_info = claim_step(
        ClaimFactory(), "request_info", by=support, message="Пришлите фото чека"
    )
    rejected = claim_step(ClaimFactory(), "reject", by=support, reason="Не наш товар")
    yield "submitted", submitted
    yield "needs_info", needs_info
    yield "rejected", rejected
    technician = TechnicianFactory()
    for status in OrderStatus.values:
        yield status, make_order(status=status, technician=technician)


def test_every_state_passes_axe_and_fits_a_phone(phone, live_server):
    page = phone
    for name, case in _every_state():
        page.goto(f"{live_server.url}{my_path(case)}")
        expect(page.locator(".status-current")).not_to_be_empty()
        assert_no_horizontal_scroll(page)
        assert axe_violations(page) == [], name
        if name in ("submitted", "needs_info", "rejected"):
            save_screenshot(page, f"my_repair_claim_{name}_phone")


def test_get_my_link_again_from_the_status_page(phone, live_server, eager_celery):
    claim = ClaimFactory(email="aigerim@example.kz")
    page = phone
    page.goto(f"{live_server.url}/partners/repair-status/")
    page.get_by_role("link", name="Получить ссылку снова").click()
    _check(page, "my_repair_ask_link_phone")
    page.get_by_label("Эл. почта или телефон из заявки").fill("aigerim@example.kz")
    page.get_by_role("button", name="Отправить ссылку").click()
    expect(page.get_by_role("heading", name="Проверьте почту")).to_be_visible()
    _check(page, "my_repair_link_sent_phone")
    assert Notification.objects.filter(template="my_link", recipient=claim.email).exists()


def test_a_too_big_file_for_support_is_caught_before_sending(phone, live_server, tmp_path):
    support = SupportUserFactory()
    claim = claim_step(ClaimFactory(), "request_info", by=support, message="Пришлите фото чека")
    big = tmp_path / "IMG_2042.jpg"
    big.write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * (11 * 1024 * 1024))
    page = phone
    page.goto(f"{live_server.url}{my_path(claim)}")
    sent = []
    page.on("request", lambda request: sent.append(request) if request.method == "POST" else None)
    page.get_by_label("Ваш ответ").fill("Чек во вложении")
    page.locator("#id_receipt").set_input_files(str(big))
    page.get_by_role("button", name="Отправить", exact=True).click()
    expect(page.locator("#id_receipt_size_error")).to_have_text(
        "Файл слишком большой: допускается не более 10 МБ."
    )
    assert sent == []
    expect(page.get_by_label("Ваш ответ")).to_have_value("Чек во вложении")
    assert axe_violations(page) == []
