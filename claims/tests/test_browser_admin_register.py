"""Support registers a claim that came by phone, in Debian's Chromium: on a 1280 px office
screen and on a 360 px phone, axe-clean (WCAG 2.2 AA), nothing blocked by the CSP, no
sideways scrolling, with and without errors; screenshots for people to look at."""

import pytest
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import expect

from claims.models import Channel, Claim
from claims.tests.browser_claim import RECEIPT, fill_claim_form, jpeg_bytes
from conftest import (
    assert_no_horizontal_scroll,
    axe_violations,
    office_page_for,
    save_screenshot,
    watch_csp,
)
from notifications.models import Notification
from repairs.tests.factories import SupportUserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ADD = "/admin/claims/claim/add/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the form tokens (claims.submissions)


@pytest.fixture
def agent():
    return SupportUserFactory(first_name="Анна", last_name="Иванова")


def phone_page_for(browser, live_server, *, user):
    """A 360×780 phone screen in Russian, signed in as `user`, its CSP watched."""
    context = browser.new_context(
        viewport={"width": 360, "height": 780}, device_scale_factor=1, locale="ru-RU"
    )
    watch_csp(context)
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def test_the_register_page_passes_axe_at_1280_px_also_with_errors(browser, live_server, agent):
    context, page = office_page_for(browser, live_server, user=agent)
    try:
        page.goto(f"{live_server.url}{ADD}")
        expect(page.locator("h1")).to_have_text("Зарегистрировать заявку")
        assert_no_horizontal_scroll(page)
        assert axe_violations(page) == []
        save_screenshot(page, "admin-register-claim")

        # Sent without a receipt and without the reason: refused, in Russian, typed kept.
        page.fill("[name=full_name]", "Ерлан Садыков")
        page.locator("[data-submit]").click()
        expect(page.locator(".errornote")).to_be_visible()
        expect(page.locator(".field-receipt_missing_reason")).to_contain_text(
            "Приложите чек или напишите, почему его нет."
        )
        expect(page.locator("[name=full_name]")).to_have_value("Ерлан Садыков")
        assert_no_horizontal_scroll(page)
        assert axe_violations(page) == []
        save_screenshot(page, "admin-register-claim-errors")
    finally:
        context.close()


def test_support_registers_a_phone_claim_on_a_360_px_screen(browser, live_server, agent):
    context, page = phone_page_for(browser, live_server, user=agent)
    try:
        page.goto(f"{live_server.url}{ADD}")
        assert_no_horizontal_scroll(page)
        assert axe_violations(page) == []
        save_screenshot(page, "admin-register-claim-360")

        fill_claim_form(page, receipt={**RECEIPT, "buffer": jpeg_bytes()})
        page.select_option("[name=language]", "kk")
        page.locator("[data-submit]").click()

        expect(page.locator(".messagelist")).to_contain_text("зарегистрирована")
        claim = Claim.objects.get()
        assert (claim.channel, claim.registered_by, claim.language) == (Channel.PHONE, agent, "kk")
        expect(page.locator("#history")).to_contain_text(
            "Заявка зарегистрирована поддержкой (звонок)"
        )
        assert Notification.objects.filter(template="claim_received").count() == 1
        assert_no_horizontal_scroll(page)
        save_screenshot(page, "admin-register-claim-done-360")
    finally:
        context.close()
