"""A support agent triages claims from each claim's page in admin, in Debian's Chromium on a
1280×800 office screen: approve with the suggested center in two clicks, request
information, reject; the e-mails land in the outbox."""

import datetime
import io
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from claims import services as claim_services
from claims.models import Claim, ClaimStatus, WarrantyPolicy
from conftest import AXE_JS, axe_violations, office_page_for, save_screenshot
from notifications.models import Notification
from repairs.models import RepairOrder
from repairs.tests.admin.browser_login import log_in
from repairs.tests.factories import ServiceCenterFactory, SupportUserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The admin's own markup (header, sidebar, its form) is Django's; what we check strictly is
# ours: the workspace and the correction form's heading.
OURS = "#triage, .triage-correct-title"


@pytest.fixture(autouse=True)
def seeded():
    # transaction=True flushes what the data migration seeded: put back the policy.
    WarrantyPolicy.objects.get_or_create(country="KZ")
    cache.clear()


@pytest.fixture
def office_page(browser, live_server):
    """A 1280×800 office screen, in Russian like the agents'."""
    context, page = office_page_for(browser, live_server)
    yield page
    context.close()


def receipt_photo() -> SimpleUploadedFile:
    """A photo of a till receipt: lines of print on paper."""
    image = Image.new("RGB", (480, 640), (236, 234, 226))
    draw = ImageDraw.Draw(image)
    for row in range(14):
        width = 360 if row % 4 else 220
        draw.rectangle((60, 60 + row * 38, 60 + width, 72 + row * 38), fill=(70, 70, 70))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    return SimpleUploadedFile("receipt.jpg", buffer.getvalue(), content_type="image/jpeg")


def file_claim(**fields):
    """A claim filed the way customers file them (history row, e-mails), bought 100 days ago."""
    data = {
        "full_name": "Айгерим Сатпаева",
        "email": "aigerim@example.kz",
        "phone": "+77012345678",
        "whatsapp": "+77012345678",
        "region": "Алматы",
        "city": "Алматы",
        "address": "ул. Абая, д. 10, кв. 5",
        "postal_code": "050000",
        "product_model": "DREAME L20 Ultra",
        "serial_number": "L20U2405K0001",
        "purchase_date": timezone.localdate() - datetime.timedelta(days=100),
        "seller": "Technodom",
        "fault_description": "Робот перестал заряжаться от базы, индикатор мигает красным.",
        **fields,
    }
    receipt = receipt_photo()
    receipt.name = "7f3c0a.jpg"  # the form stores uploads under a generated name
    return claim_services.submit_claim(data=data, receipt=receipt)


def our_violations(page) -> list[dict]:
    """axe-core's violations whose elements are inside our own template blocks."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text())  # not a <script>: the CSP refuses inline ones
    return page.evaluate(
        """async (ours) => {
            const result = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
            return result.violations.map(v => ({id: v.id, help: v.help,
                nodes: v.nodes.map(n => n.target[0]).filter(t => {
                    const el = document.querySelector(t);
                    return el && el.closest(ours);
                })})).filter(v => v.nodes.length);
        }""",
        OURS,
    )


def test_an_agent_triages_three_claims_from_their_pages(office_page, live_server):
    page = office_page
    agent = SupportUserFactory(first_name="Динара", last_name="Ахметова")
    center = ServiceCenterFactory(
        name="DREAME Сервис Алматы",
        city="Алматы",
        postal_address="050010, г. Алматы, ул. Жибек Жолы, 50",
        email="almaty@service.kz",
    )
    ServiceCenterFactory(
        name="DREAME Сервис Астана", city="Астана", postal_address="010000, г. Астана"
    )
    first = file_claim()
    second = file_claim(
        full_name="Ерлан Жакупов", email="erlan@example.kz", phone="+77015550101", whatsapp=""
    )
    third = file_claim(
        full_name="Марат Ким", email="marat@example.kz", phone="+77015550102", whatsapp=""
    )
    page_of = {
        claim.pk: f"/admin/claims/claim/{claim.pk}/change/" for claim in (first, second, third)
    }

    # The customer calls and gives the phone as people say it: Enter opens the one claim.
    log_in(page, live_server.url, agent, then="/admin/claims/claim/")
    page.locator("#searchbar").fill("8 (701) 234-56-78")
    page.locator("#searchbar").press("Enter")
    expect(page).to_have_url(re.compile(re.escape(f"{live_server.url}{page_of[first.pk]}")))

    # The claim at a glance: status, verdict with its dates, the reply clock, the files.
    head = page.locator(".triage-head")
    expect(head).to_contain_text("Подана")
    expect(head).to_contain_text("Бесплатный гарантийный ремонт")
    expect(head).to_contain_text("осталось 10 дн.")
    expect(page.locator(".triage-thumb")).to_be_visible()

    violations = axe_violations(page)
    print("axe on the claim page (admin and ours):", violations)
    assert our_violations(page) == []

    # Approve: two clicks from the claim page, the suggested center already chosen.
    page.get_by_text("Одобрить", exact=True).click()
    suggested = page.get_by_role("radio", name="DREAME Сервис Алматы")
    expect(suggested).to_be_checked()
    assert our_violations(page) == []  # the open form too
    page.evaluate("document.fonts.ready")
    save_screenshot(page, "admin_claim_triage")
    page.get_by_role("button", name="Подтвердить одобрение").click()

    order = RepairOrder.objects.get(claim=first)
    expect(page.locator(".messagelist .success")).to_contain_text(
        f"Заявка {first.number} одобрена: заказ на ремонт {order.display_number}"
    )
    expect(page.locator(".triage-order")).to_contain_text(order.display_number)
    expect(page.locator(".triage-head")).not_to_contain_text("Ответить до")
    assert order.service_center == center
    approved = Notification.objects.get(recipient="aigerim@example.kz", template="claim_approved")
    assert approved.context["service_center"]["postal_address"] == center.postal_address
    assert Notification.objects.filter(
        recipient="almaty@service.kz", template="center_new_order"
    ).exists()
    expect(page.locator(".triage-emails")).to_contain_text("almaty@service.kz")
    assert our_violations(page) == []
    save_screenshot(page, "admin_claim_approved")

    # The second claim: what is missing goes into the customer's e-mail.
    page.goto(f"{live_server.url}{page_of[second.pk]}")
    page.get_by_text("Запросить информацию", exact=True).click()
    page.get_by_label("Какой информации не хватает").fill("Пришлите фото гарантийного талона.")
    page.get_by_role("button", name="Отправить запрос").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Запрошена информация")
    # Read afresh, not refresh_from_db(): django-fsm lifts the status field's protection
    # for the whole class while it refreshes, which races the live server's thread.
    second = Claim.objects.get(pk=second.pk)
    assert second.status == ClaimStatus.NEEDS_INFO
    request = Notification.objects.get(
        recipient="erlan@example.kz", template="claim_info_requested"
    )
    assert request.context["public_note"] == "Пришлите фото гарантийного талона."

    # The third: the reason goes into the customer's e-mail.
    page.goto(f"{live_server.url}{page_of[third.pk]}")
    page.get_by_text("Отклонить", exact=True).click()
    page.get_by_label("Причина отказа").fill("Товар куплен не в Казахстане.")
    page.get_by_role("button", name="Отклонить заявку").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Отклонена")
    third = Claim.objects.get(pk=third.pk)
    assert third.status == ClaimStatus.REJECTED
    rejection = Notification.objects.get(recipient="marat@example.kz", template="claim_rejected")
    assert rejection.context["public_note"] == "Товар куплен не в Казахстане."

    # The dashboard counts the day: three new claims, one waiting for the customer.
    page.goto(f"{live_server.url}/admin/")
    new_today = page.locator(".dash-figure", has_text="за сегодня")
    expect(new_today.locator(".dash-number")).to_have_text("3")
    waiting = page.locator(".dash-figure", has_text="информации от клиента")
    expect(waiting.locator(".dash-number")).to_have_text("1")
