"""The statement pages in Debian's Chromium: support's list, statement and printable sheet,
and the center's list and statement, at 1280 and 360 px: axe-core clean (WCAG 2.2 AA),
nothing blocked by the CSP, no sideways scrolling; a screenshot of each."""

import datetime

import pytest
from django.test import Client
from playwright.sync_api import expect

from conftest import _device_page, assert_no_horizontal_scroll, axe_violations, save_screenshot
from repairs.models import WorkLine
from repairs.statements.services import (
    approve_statement,
    dispute_statement_line,
    prepare_statement,
)
from repairs.tests.factories import SupportUserFactory, TechnicianFactory
from repairs.tests.statements.builders import MONTH, in_october, quick_warranty_orders

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def logged_in_page(browser, live_server, user, *, width: int):
    context, page = _device_page(browser, width=width, height=800)
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context, page


@pytest.fixture
def statements():
    """October approved with a disputed line; November a draft with a correction."""
    technician = TechnicianFactory()
    support = SupportUserFactory()
    center = technician.service_center
    quick_warranty_orders(center=center, count=4, finished=in_october(10))
    october = prepare_statement(service_center=center, month=MONTH)
    dispute_statement_line(
        line=october.lines.filter(kind="labour").first(),
        by=support,
        reason="Нет акта выполненных работ",
    )
    approve_statement(statement=october, by=support)
    WorkLine.objects.filter(pk=october.lines.filter(kind="part").first().work_line_id).update(
        unit_price=12500
    )
    november = prepare_statement(service_center=center, month=datetime.date(2026, 11, 1))
    return technician, support, october, november


@pytest.mark.parametrize("width", [1280, 360])
def test_supports_statement_pages_pass_axe(browser, live_server, statements, width):
    _technician, support, october, november = statements
    context, page = logged_in_page(browser, live_server, support, width=width)
    failures = {}
    try:
        for name, path in {
            "list": "/admin/statements/",
            "approved": f"/admin/statements/{october.pk}/",
            "draft": f"/admin/statements/{november.pk}/",
            "print": f"/admin/statements/{october.pk}/print/",
        }.items():
            page.goto(f"{live_server.url}{path}")
            expect(page.locator("main, #content").first).to_be_visible()
            save_screenshot(page, f"admin-statement-{name}-{width}")
            assert_no_horizontal_scroll(page)
            if violations := axe_violations(page):
                failures[name] = violations
        page.goto(f"{live_server.url}/admin/statements/{october.pk}/")
        expect(page.locator("[data-total=total]")).to_have_text("47 500 ₸")
        expect(page.locator("#content")).to_contain_text("Нет акта выполненных работ")
    finally:
        context.close()
    assert failures == {}


def test_support_disputes_a_line_in_the_browser(browser, live_server, statements):
    _technician, support, _october, november = statements
    context, page = logged_in_page(browser, live_server, support, width=1280)
    try:
        page.goto(f"{live_server.url}/admin/statements/{november.pk}/")
        expect(page.locator("[data-total=total]")).to_have_text("2 500 ₸")
        row = page.locator("tr.line-correction").first
        row.get_by_label("Почему оспорена").fill("Цена выше прайса")
        row.get_by_role("button", name="Оспорить").click()
        expect(page.locator("[data-total=total]")).to_have_text("0 ₸")
        expect(page.locator("#content")).to_contain_text("Цена выше прайса")
        save_screenshot(page, "admin-statement-disputed")
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_the_centers_statement_pages_pass_axe_and_fit(browser, live_server, statements, width):
    technician, _support, october, _november = statements
    context, page = logged_in_page(browser, live_server, technician.user, width=width)
    failures = {}
    try:
        for name, path in {
            "list": "/service/statements/",
            "statement": f"/service/statements/{october.pk}/",
        }.items():
            page.goto(f"{live_server.url}{path}")
            expect(page.locator("main")).to_be_visible()
            save_screenshot(page, f"workbench-statement-{name}-{width}")
            assert_no_horizontal_scroll(page)
            if violations := axe_violations(page):
                failures[name] = violations
        expect(page.locator("[data-total=total]")).to_have_text("47 500 ₸")
    finally:
        context.close()
    assert failures == {}
