"""Every admin page support uses, in Debian's Chromium on a 1280×800 office screen, with the
demo data: no axe-core violation (WCAG 2.2 AA), nothing blocked by the CSP, no sideways
scrolling, and a screenshot of each for people to look at; the claim page on a phone too."""

import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import expect

from claims.mail_replies import EMAIL_REPLY
from claims.models import Claim, ClaimStatus, ProductModel
from claims.services import record_status_event
from conftest import (
    assert_no_horizontal_scroll,
    axe_violations,
    office_page_for,
    save_screenshot,
)
from notifications.models import Notification
from repairs.models import RepairOrder, ServiceCenter

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def support_pages() -> dict[str, str]:
    """name -> the page's address, over the demo data."""
    claim = Claim.objects.filter(status=ClaimStatus.SUBMITTED).order_by("pk").first()
    order = RepairOrder.objects.order_by("pk").first()
    center = ServiceCenter.objects.order_by("pk").first()
    product = ProductModel.objects.order_by("pk").first()
    return {
        "index": "/admin/",
        "claims": "/admin/claims/claim/",
        # A filter and a search with several matches: the list, not one claim's page.
        "claims-filtered": "/admin/claims/claim/?status__exact=approved&q=example.com",
        "claim": f"/admin/claims/claim/{claim.pk}/change/",
        "claim-register": "/admin/claims/claim/add/",  # a claim that came by e-mail or phone
        "orders": "/admin/repairs/repairorder/",
        "orders-filtered": "/admin/repairs/repairorder/?status__exact=received",
        "order": f"/admin/repairs/repairorder/{order.pk}/change/",
        "centers": "/admin/repairs/servicecenter/",
        "center": f"/admin/repairs/servicecenter/{center.pk}/change/",
        "notifications": "/admin/notifications/notification/",
        "notifications-filtered": (
            "/admin/notifications/notification/?template__exact=claim_received"
        ),
        "products": "/admin/claims/productmodel/",
        "product": f"/admin/claims/productmodel/{product.pk}/change/",
    }


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())
    assert Notification.objects.exists()
    # The customer of the claim page wrote an e-mail: it shows above the answer form.
    claim = Claim.objects.filter(status=ClaimStatus.SUBMITTED).order_by("pk").first()
    record_status_event(
        claim=claim,
        transition=EMAIL_REPLY,
        from_status=claim.status,
        to_status=claim.status,
        by_customer=True,
        internal_note="Здравствуйте! Когда курьер заберёт пылесос? Я дома после 18:00.",
        note_params={
            "message_id": "<CAF-demo-reply@mail.gmail.com>",
            "references": "",
            "subject": f"Re: Заявка {claim.number} принята",
        },
    )
    return User.objects.get(username="support")


def test_every_page_support_uses_passes_axe_at_1280_px(browser, live_server, demo):
    context, page = office_page_for(browser, live_server, user=demo)
    failures = {}
    try:
        for name, path in support_pages().items():
            page.goto(f"{live_server.url}{path}")
            expect(page.locator("#content")).to_be_visible()
            assert page.url == f"{live_server.url}{path}", f"{name} was redirected"
            save_screenshot(page, f"admin-page-{name}")
            assert_no_horizontal_scroll(page)
            if violations := axe_violations(page):
                failures[name] = violations
    finally:
        context.close()

    assert failures == {}


def test_the_claim_page_reads_russian_throughout_and_fits_a_phone(browser, live_server, demo):
    claim = Claim.objects.filter(status=ClaimStatus.SUBMITTED).order_by("pk").first()
    # A browser in another time zone than the office's: the admin's note about it shows.
    context = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="ru-RU", timezone_id="Europe/London"
    )
    from django.test import Client

    client = Client()
    client.force_login(demo)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/admin/claims/claim/{claim.pk}/change/")
        today = page.locator(".datetimeshortcuts a", has_text="Сегодня")
        expect(today).to_have_attribute(
            "aria-label", re.compile(r"^Сегодня \(\d\d\.\d\d\.\d{4}\)$")
        )
        note = page.locator(".timezonewarning").first
        expect(note).to_contain_text("Время вводится по часовому поясу Asia/Almaty")
        expect(note).not_to_contain_text("Note")
        # The «History» button leads to the case's history on this page.
        expect(page.locator(".object-tools a.historylink")).to_have_attribute("href", "#history")
        expect(page.locator("#history")).to_contain_text("Заявка подана")
        save_screenshot(page, "admin-page-claim-360")
        assert_no_horizontal_scroll(page)
    finally:
        context.close()


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (360, 780)])
def test_support_answers_the_customers_email_from_the_claim_page(
    browser, live_server, demo, width, height
):
    claim = Claim.objects.filter(status=ClaimStatus.SUBMITTED).order_by("pk").first()
    context, page = office_page_for(browser, live_server, user=demo)
    page.set_viewport_size({"width": width, "height": height})
    try:
        page.goto(f"{live_server.url}/admin/claims/claim/{claim.pk}/change/")
        card = page.locator("#answer")
        expect(card.get_by_role("heading")).to_have_text("Ответить клиенту по e-mail")
        expect(card.locator(".triage-mail-in-awaiting")).to_contain_text("Когда курьер заберёт")
        expect(card.locator(".triage-awaiting")).to_have_text("Ждёт ответа")
        card.scroll_into_view_if_needed()
        save_screenshot(page, f"admin-claim-answer-{width}")
        assert_no_horizontal_scroll(page)
        assert axe_violations(page) == []

        card.get_by_label("Ваш ответ").fill("Добрый день! Курьер приедет завтра после 18:00.")
        card.get_by_role("button", name="Отправить ответ").click()

        expect(page.locator(".messagelist")).to_contain_text(f"Ответ отправляется на {claim.email}")
        expect(card.locator(".triage-answered")).to_have_text("отвечено")
        expect(page.locator("#history")).to_contain_text("Поддержка ответила по e-mail")
        assert_no_horizontal_scroll(page)
        assert axe_violations(page) == []
    finally:
        context.close()
    assert (
        Notification.objects.filter(template="support_answer", recipient=claim.email).count() == 1
    )
