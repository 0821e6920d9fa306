"""The customer's whole path in Chromium on a 360 px phone screen: form, upload, confirmation,
Kazakh, a refused file and the supplement link. Each page is checked with axe (WCAG 2.2 AA)."""

import pytest
from django.core.cache import cache

from claims import signing
from claims.models import Claim, ClaimStatus, ProductModel, WarrantyPolicy
from claims.tests.browser_claim import RECEIPT, check_page, fill_claim_form, jpeg_bytes
from claims.tests.factories import ClaimFactory

# serialized_rollback puts the migrations' seed rows back for the tests that run after these.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def seeded():
    # transaction=True flushes the rows the data migration seeded: put back what the form needs.
    WarrantyPolicy.objects.get_or_create(country="KZ")
    for name in ["DREAME L20 Ultra", "DREAME Z30", "DREAME H14 Pro"]:
        ProductModel.objects.get_or_create(name=name)
    cache.clear()


def test_a_customer_files_a_claim_on_a_phone(phone_page, live_server):
    page = phone_page
    page.goto(f"{live_server.url}/claims/new/")
    assert page.locator("h1").inner_text() == "Подать гарантийную заявку"
    check_page(page, "claim_form_phone")

    fill_claim_form(page, receipt={**RECEIPT, "buffer": jpeg_bytes()})
    page.click("[data-submit]")

    page.wait_for_url("**/claims/submitted/**")
    claim = Claim.objects.get()
    assert page.locator("[data-claim-number]").inner_text() == claim.number
    assert "Спасибо, ваша заявка принята" in page.content()
    # 40 days after purchase: free repair under the 12-month warranty.
    assert "Товар на гарантии (12 месяцев с даты покупки)" in page.content()
    assert claim.receipt.name.endswith(".jpg") and claim.language == "ru"
    check_page(page, "claim_confirmation_phone")


def test_a_customer_files_a_claim_in_kazakh(phone_page, live_server):
    page = phone_page
    page.goto(f"{live_server.url}/")
    page.select_option("#lang-select", "kk")
    page.click(".lang-switch button")
    page.wait_for_selector("html[lang=kk]")
    page.get_by_role("link", name="Өтінім беру").first.click()

    page.wait_for_url("**/claims/new/")
    assert page.locator("h1").inner_text() == "Кепілдік өтінімін беру"
    check_page(page, "claim_form_kk_phone")

    fill_claim_form(page, receipt={**RECEIPT, "buffer": jpeg_bytes()})
    page.click("[data-submit]")

    page.wait_for_url("**/claims/submitted/**")
    assert "Рақмет, өтініміңіз қабылданды" in page.content()
    assert Claim.objects.get().language == "kk"
    check_page(page)


def test_a_disguised_file_is_refused_next_to_the_field_and_the_form_kept(phone_page, live_server):
    page = phone_page
    page.goto(f"{live_server.url}/claims/new/")
    disguised = {**RECEIPT, "buffer": b"<html><script>alert(1)</script></html>"}
    fill_claim_form(page, receipt=disguised)
    page.click("[data-submit]")

    error = page.locator("#id_receipt_error")
    error.wait_for()
    assert "Такой тип файла не принимается" in error.inner_text()
    assert page.locator("#id_receipt").get_attribute("aria-invalid") == "true"
    assert "выберите его, пожалуйста, ещё раз" in page.content()
    assert page.input_value("[name=full_name]") == "Айгерим Нурлановна Сатпаева"
    assert page.input_value("[name=serial_number]") == "R2353A0012345"
    assert page.is_checked("[name=consent]")
    assert Claim.objects.count() == 0
    check_page(page, "claim_upload_error_phone")


def test_the_supplement_link_lets_the_customer_add_information(phone_page, live_server):
    claim = ClaimFactory(info_request="Пришлите, пожалуйста, фото чека целиком.")
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.NEEDS_INFO)
    page = phone_page

    page.goto(live_server.url + f"/claims/supplement/{signing.supplement_token(claim)}/")
    assert "Пришлите, пожалуйста, фото чека целиком." in page.content()
    page.fill("[name=text]", "Прикладываю чек целиком.")
    page.set_input_files("[name=receipt]", {**RECEIPT, "buffer": jpeg_bytes()})
    check_page(page, "claim_supplement_phone")
    page.click("[data-submit]")

    page.wait_for_url("**/claims/supplement/done/")
    assert "Спасибо, мы получили информацию" in page.content()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.supplement_text == "Прикладываю чек целиком."
    check_page(page)


def test_the_warranty_page_reads_well_on_a_phone(phone_page, live_server):
    page = phone_page
    page.goto(f"{live_server.url}/warranty/")

    table = page.inner_text(".policy-table")
    assert "15" in table and "30" in table and "12" in table  # from the KZ policy row
    assert page.locator(".steps > li").count() == 6
    check_page(page, "claim_warranty_phone")


def test_after_back_the_whatsapp_field_follows_the_restored_tick(phone_page, live_server):
    """The browser puts back what was ticked after the form's script ran: the WhatsApp
    number must stay hidden while «the same as the phone» is ticked."""
    page = phone_page
    page.goto(f"{live_server.url}/claims/new/")
    page.fill("[name=phone]", "+7 701 234 56 78")
    page.check("[name=whatsapp_same_as_phone]")
    assert page.locator("[data-whatsapp]").is_hidden()

    page.goto(f"{live_server.url}/warranty/")
    page.go_back()
    page.wait_for_load_state("load")

    assert page.locator("[name=whatsapp_same_as_phone]").is_checked()
    assert page.locator("[data-whatsapp]").is_hidden()
