"""The answer to support's request on a 360 px phone: several files in one field, without
sideways scroll or axe findings; too many files caught before sending, a disguised one
refused by the server with the text kept, then three files kept for support."""

import pytest
from django.core.cache import cache

from claims import signing
from claims.models import Claim, ClaimStatus, WarrantyPolicy
from claims.tests.browser_claim import check_page, jpeg_bytes

REQUEST = "Пришлите фото серийного номера и чек целиком"


@pytest.fixture
def claim_needing_info():
    # transaction=True flushes the seeded rows: put back what the page needs.
    WarrantyPolicy.objects.get_or_create(country="KZ")
    cache.clear()
    from claims.tests.factories import ClaimFactory

    claim = ClaimFactory(info_request=REQUEST)
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.NEEDS_INFO)
    return claim


def photos(count: int, *, start: int = 1) -> list[dict]:
    return [
        {"name": f"IMG_{n}.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
        for n in range(start, start + count)
    ]


def posts(page) -> list:
    sent = []
    page.on("request", lambda request: sent.append(request) if request.method == "POST" else None)
    return sent


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.browser
def test_a_customer_answers_with_three_photos_on_a_phone(
    phone_page, live_server, claim_needing_info
):
    claim = claim_needing_info
    page = phone_page
    page.goto(f"{live_server.url}/claims/supplement/{signing.supplement_token(claim)}/")
    assert page.locator(".info-request").inner_text() == REQUEST
    assert page.locator("label[for=id_attached_files]").inner_text() == "Файлы (фото, документы)"
    check_page(page, "supplement_form_phone")
    sent = posts(page)

    # Six files: caught in the browser, in the server's words, nothing sent.
    page.fill("[name=text]", "Серийный номер на фото, чек целиком — PDF")
    page.set_input_files("[name=attached_files]", photos(6))
    page.click("[data-submit]")
    assert (
        page.locator("#id_attached_files_size_error").inner_text()
        == "Можно отправить не более 5 файлов за раз."
    )
    assert page.evaluate("document.activeElement.id") == "id_attached_files"
    assert sent == []
    check_page(page, "supplement_too_many_files_phone")

    # A disguised file among them: the server refuses the whole answer and names it.
    disguised = {"name": "scan.jpg", "mimeType": "image/jpeg", "buffer": b"MZ" + b"\0" * 300}
    page.set_input_files("[name=attached_files]", [*photos(2), disguised])
    assert page.locator("#id_attached_files_size_error").count() == 0
    page.click("[data-submit]")
    page.wait_for_load_state()
    assert "«scan.jpg»: Такой тип файла не принимается." in page.locator(".errorlist").inner_text()
    assert page.input_value("[name=text]") == "Серийный номер на фото, чек целиком — PDF"
    assert page.locator(".file-again").is_visible()
    assert claim.attachments.count() == 0
    check_page(page, "supplement_bad_file_phone")

    page.set_input_files("[name=attached_files]", photos(3))
    page.click("[data-submit]")
    page.wait_for_url("**/claims/supplement/done/")
    check_page(page, "supplement_done_phone")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.attachments.count() == 3
    assert claim.supplement_text == "Серийный номер на фото, чек целиком — PDF"
