"""The customer's choice of news on the phone, in Chromium on a 360 px phone: ticked on the
claim form, changed on «Мой ремонт»; both pages fit the screen and pass axe (WCAG 2.2 AA)."""

import pytest
from django.core.cache import cache

from claims.models import ChannelConsent, Claim, ProductModel, WarrantyPolicy
from claims.tests.browser_claim import RECEIPT, check_page, fill_claim_form, jpeg_bytes
from repairs.tests.my_repair.helpers import my_path

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def seeded():
    WarrantyPolicy.objects.get_or_create(country="KZ")
    ProductModel.objects.get_or_create(name="DREAME L20 Ultra")
    cache.clear()


def test_the_customer_asks_for_whatsapp_news_then_switches_to_sms(phone_page, live_server):
    page = phone_page
    page.goto(f"{live_server.url}/claims/new/")
    fill_claim_form(page, receipt={**RECEIPT, "buffer": jpeg_bytes()})
    whatsapp = page.get_by_label("Присылать новости по этой заявке в WhatsApp", exact=False)
    sms = page.get_by_label("Присылать новости по этой заявке по SMS", exact=False)
    assert not whatsapp.is_checked() and not sms.is_checked()
    whatsapp.check()
    whatsapp.scroll_into_view_if_needed()
    check_page(page, "claim_form_phone_news")
    page.click("[data-submit]")
    page.wait_for_url("**/claims/submitted/**")

    claim = Claim.objects.get()
    assert (claim.notify_whatsapp, claim.notify_sms) == (True, False)

    page.goto(f"{live_server.url}{my_path(claim)}")
    news = page.locator("section", has=page.get_by_role("heading", name="Новости на телефон"))
    assert news.get_by_label(
        "Присылать новости по этой заявке в WhatsApp", exact=False
    ).is_checked()
    news.get_by_label("Присылать новости по этой заявке в WhatsApp", exact=False).uncheck()
    news.get_by_label("Присылать новости по этой заявке по SMS", exact=False).check()
    news.scroll_into_view_if_needed()
    check_page(page, "my_repair_phone_news")
    news.get_by_role("button", name="Сохранить выбор").click()

    page.get_by_text("Сохранено: будем присылать новости так, как вы выбрали.").wait_for()
    check_page(page)
    claim.refresh_from_db()
    assert (claim.notify_whatsapp, claim.notify_sms) == (False, True)
    assert list(ChannelConsent.objects.order_by("pk").values_list("channel", "given", "where")) == [
        ("whatsapp", True, "claim_form"),
        ("whatsapp", False, "my_repair"),
        ("sms", True, "my_repair"),
    ]
