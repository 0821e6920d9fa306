"""Smoke test in a real browser: a phone user finds the repair-status page from the home page."""

import re

import pytest
from playwright.sync_api import expect

from conftest import assert_no_horizontal_scroll, axe_violations, save_screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_it_leads_from_the_home_page_to_repair_status_on_a_phone(phone_page, live_server):
    page = phone_page
    page.goto(f"{live_server.url}/")

    # Russian is the default language: the «Партнеры» tab and its «Статус ремонта» link.
    nav = page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="Партнеры", exact=True)).to_be_visible()
    status_link = nav.get_by_role("link", name="Статус ремонта")
    expect(status_link).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    save_screenshot(page, "home_phone")

    status_link.click()

    expect(page).to_have_url(re.compile(r"/partners/repair-status/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Статус ремонта")
    assert_no_horizontal_scroll(page)
