"""Support's e-mails without a claim in Debian's Chromium: the list and a draft's page pass
axe-core (WCAG 2.2 AA) with nothing blocked by the CSP, fit 1280 px and a 360 px phone,
and filing the draft to a claim takes support to the claim's history."""

import pytest
from playwright.sync_api import expect

from claims.tests.factories import ClaimFactory
from claims.tests.mail import eml
from conftest import assert_no_horizontal_scroll, axe_violations, office_page_for, save_screenshot
from notifications import mailbox
from repairs.tests.factories import SupportUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def drafts():
    for name in ("new_koi8r.eml", "html_only.eml"):
        mailbox.store_message(raw=eml(name))
    mailbox.hand_on_received()


def test_a_draft_is_read_and_filed_in_the_browser(browser, live_server):
    drafts()
    claim = ClaimFactory()
    context, page = office_page_for(browser, live_server, user=SupportUserFactory())
    try:
        page.goto(f"{live_server.url}/admin/notifications/inboundemail/?state__exact=draft")
        expect(page.get_by_text("Пылесос не заряжается")).to_be_visible()
        save_screenshot(page, "admin-mail-drafts")
        assert_no_horizontal_scroll(page)
        assert axe_violations(page) == []

        page.get_by_role("link", name="Пылесос не заряжается").click()
        expect(page.get_by_role("heading", name="Пылесос не заряжается", level=1)).to_be_visible()
        save_screenshot(page, "admin-mail-draft")
        assert_no_horizontal_scroll(page)
        assert axe_violations(page) == []
        page.set_viewport_size({"width": 360, "height": 780})
        save_screenshot(page, "admin-mail-draft-phone")
        assert_no_horizontal_scroll(page)

        page.set_viewport_size({"width": 1280, "height": 800})
        page.get_by_label("Номер заявки").fill(claim.number)
        page.get_by_role("button", name="Подшить к этой заявке").click()
        expect(page.get_by_text(f"Письмо подшито к заявке {claim.number}.")).to_be_visible()
        history = page.locator("#history")
        expect(history.get_by_text("Письмо от клиента")).to_be_visible()
        expect(history.get_by_text("перестал заряжаться")).to_be_visible()
    finally:
        context.close()
