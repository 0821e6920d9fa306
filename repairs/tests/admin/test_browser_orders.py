"""Support's repair-order page and its printable act, in Debian's Chromium on a 1280×800 office
screen: the page's own styles apply and nothing is blocked by the site's CSP."""

import pytest
from django.core.cache import cache

from claims.models import WarrantyPolicy
from conftest import AXE_JS, office_page_for, require, save_screenshot
from repairs.models import OrderStatus
from repairs.tests.factories import (
    SupportUserFactory,
    TechnicianFactory,
    make_order,
    quote_lines,
    run_step,
    step,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def seeded():
    # transaction=True flushes what the data migration seeded: put back the policy.
    WarrantyPolicy.objects.get_or_create(country="KZ")
    cache.clear()


@pytest.fixture
def office_page(browser, live_server):
    """Support's office screen, logged in."""
    user = SupportUserFactory(first_name="Динара", last_name="Ахметова")
    context, page = office_page_for(browser, live_server, user=user)
    yield page
    context.close()


@pytest.fixture
def order():
    """Received with a serial that differs from the claim's, and a price sent."""
    technician = TechnicianFactory(
        user__first_name="Даурен",
        user__last_name="Касымов",
        service_center__name="DREAME Сервис Алматы",
    )
    order = make_order(
        status=OrderStatus.IN_TRANSIT,
        technician=technician,
        full_name="Айгерим Сатпаева",
        phone="+77012345678",
        product_model="DREAME L20 Ultra",
        serial_number="R2216-0042-KZ",
    )
    order = step(
        order,
        "receive",
        by=technician.user,
        act_data={
            "serial_number": "R2216-0099-KZ",
            "completeness": "Робот-пылесос, базовая станция",
            "accessories": ["Робот-пылесос", "Базовая станция"],
            "condition": "Царапина на крышке",
            "condition_marks": ["scratches"],
            "has_receipt": True,
            "has_warranty_card": True,
            "fault_found": "Окислены контакты базы",
            "final_verdict": "paid_repair",
        },
    )
    order = run_step("start_diagnostics", order, technician.user)
    quote = {"lines": quote_lines(25000), "description": "Замена контактной группы базы"}
    return step(order, "send_quote", by=technician.user, **quote)


def style_of(page, selector: str, prop: str) -> str:
    return page.locator(selector).first.evaluate(
        "(element, prop) => getComputedStyle(element).getPropertyValue(prop)", prop
    )


def our_violations(page, ours: str) -> list:
    """axe-core's WCAG A/AA violations inside `ours` (the rest is Django's own markup)."""
    require(AXE_JS.exists(), "needs axe-core: npm ci")
    page.evaluate(AXE_JS.read_text())  # not a <script>: the CSP refuses inline ones
    return page.evaluate(
        """async (ours) => (await axe.run({include: [[ours]]}, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})).violations
            .map(v => ({id: v.id, nodes: v.nodes.map(n => n.target[0])}))""",
        ours,
    )


def test_the_order_page_shows_the_case_in_its_own_styles(office_page, live_server, order):
    page = office_page

    page.goto(f"{live_server.url}/admin/repairs/repairorder/{order.pk}/change/")

    save_screenshot(page, "admin_order_page")
    facts = page.locator(".order-facts").first
    assert "25 000" in facts.inner_text()  # the repair's facts, from the shared partial
    assert style_of(page, ".order-facts", "display") == "grid"
    warning = page.locator(".order-card .warn")
    assert warning.inner_text() == "отличается от заявки"
    # The shared partials' classes are the admin's colours: a warning apart, a quiet note.
    quiet = style_of(page, ".order-facts dt", "color")
    assert style_of(page, ".order-card .warn", "color") != style_of(page, ".order-card dd", "color")
    assert style_of(page, ".order-card .muted", "color") == quiet
    assert our_violations(page, ".order-admin") == []
    assert page.evaluate("window.__cspBlocked") == []


def test_the_printed_act_is_styled_by_its_linked_stylesheet(office_page, live_server, order):
    page = office_page

    page.goto(f"{live_server.url}/admin/repairs/repairorder/{order.pk}/act/?lang=ru")

    save_screenshot(page, "admin_act_print")
    # The act's table is ruled and its sheet has a border: act.css applies, not blocked.
    assert style_of(page, ".act-fields td", "border-top-style") == "solid"
    assert style_of(page, ".act-fields td", "border-top-width") == "1px"
    assert style_of(page, ".act-sheet", "max-width") != "none"
    assert page.locator(".stub-number").inner_text() == order.display_number
    assert page.evaluate("window.__cspBlocked") == []
    assert our_violations(page, ".act-sheet") == []
