"""A file over the upload limit is caught in the browser, before anything is sent: the server
would refuse the whole request (413) and the customer would lose everything typed."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from claims import signing
from claims.models import Claim, ClaimStatus, ProductModel, WarrantyPolicy
from claims.tests.browser_claim import RECEIPT, check_page, fill_claim_form, jpeg_bytes
from claims.tests.factories import ClaimFactory

TOO_BIG_RU = "Файл слишком большой: допускается не более 10 МБ."
TOO_BIG_KK = "Файл тым үлкен: ең көбі 10 МБ."


@pytest.fixture
def seeded():
    # transaction=True flushes the rows the data migration seeded: put back what the form needs.
    WarrantyPolicy.objects.get_or_create(country="KZ")
    for name in ["DREAME L20 Ultra", "DREAME Z30", "DREAME H14 Pro"]:
        ProductModel.objects.get_or_create(name=name)
    cache.clear()


@pytest.fixture
def eleven_megabytes(tmp_path):
    """A photo's worth of JPEG header, padded to 11 MB: the whole request limit on its own."""
    path = tmp_path / "IMG_2042.jpg"
    with path.open("wb") as file:
        file.write(jpeg_bytes())
        file.write(b"\0" * (11 * 1024 * 1024 - file.tell()))
    return path


def posts(page) -> list:
    sent = []
    page.on("request", lambda request: sent.append(request) if request.method == "POST" else None)
    return sent


def receipt_error(page):
    return page.locator("#id_receipt_size_error")


@pytest.mark.usefixtures("seeded")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.browser
def test_a_too_big_receipt_is_refused_before_sending_and_the_form_kept(
    phone_page, live_server, eleven_megabytes
):
    page = phone_page
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server.url}/claims/new/")
    form_url = page.url
    sent = posts(page)

    fill_claim_form(page, receipt=str(eleven_megabytes))
    # Shown as soon as the file is chosen, where the server shows a field's errors.
    assert receipt_error(page).inner_text() == TOO_BIG_RU

    page.click("[data-submit]")

    assert receipt_error(page).inner_text() == TOO_BIG_RU
    assert page.locator(".field-invalid #id_receipt_size_error").count() == 1
    receipt = page.locator("#id_receipt")
    assert receipt.get_attribute("aria-invalid") == "true"
    assert "id_receipt_size_error" in receipt.get_attribute("aria-describedby").split()
    assert page.evaluate("document.activeElement.id") == "id_receipt"
    assert page.locator("[role=alert] #id_receipt_size_error").count() == 1
    # The button is at the bottom of a long form: the field and its message come into view.
    box = receipt_error(page).bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 800
    assert sent == [] and page.url == form_url
    assert page.input_value("[name=full_name]") == "Айгерим Нурлановна Сатпаева"
    assert page.input_value("[name=serial_number]") == "R2353A0012345"
    assert page.input_value("[name=fault_description]").startswith("Робот не заряжается")
    assert page.is_checked("[name=consent]")
    assert page.locator("[data-submit]").is_enabled()
    check_page(page, "claim_file_too_big")

    page.set_input_files("[name=receipt]", {**RECEIPT, "buffer": jpeg_bytes()})
    assert receipt_error(page).count() == 0
    assert receipt.get_attribute("aria-invalid") is None
    assert "id_receipt_size_error" not in (receipt.get_attribute("aria-describedby") or "")
    assert page.locator(".field-invalid").count() == 0
    page.click("[data-submit]")

    page.wait_for_url("**/claims/submitted/**")
    claim = Claim.objects.get()
    assert claim.full_name == "Айгерим Нурлановна Сатпаева"
    assert claim.receipt.name.endswith(".jpg")
    assert len(sent) == 1


@pytest.mark.usefixtures("seeded")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.browser
def test_the_supplement_form_says_it_in_kazakh(phone_page, live_server, eleven_megabytes):
    claim = ClaimFactory(info_request="Чекті толық суретке түсіріп жіберіңіз.")
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.NEEDS_INFO)
    page = phone_page
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "kk", "url": live_server.url}]
    )
    page.goto(live_server.url + f"/claims/supplement/{signing.supplement_token(claim)}/")
    assert page.locator("html").get_attribute("lang") == "kk"
    sent = posts(page)

    page.fill("[name=text]", "Чекті қайта жіберемін.")
    page.set_input_files("[name=receipt]", str(eleven_megabytes))
    page.click("[data-submit]")

    assert receipt_error(page).inner_text() == TOO_BIG_KK
    assert page.evaluate("document.activeElement.id") == "id_receipt"
    assert sent == []
    assert page.input_value("[name=text]") == "Чекті қайта жіберемін."
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.NEEDS_INFO


@pytest.mark.usefixtures("seeded")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.browser
def test_files_over_the_request_limit_together_are_refused_too(
    phone_page, live_server, settings, tmp_path
):
    # A server configured to take less at once than one file may weigh.
    settings.REQUEST_MAX_BYTES = 2 * 1024 * 1024
    path = tmp_path / "receipt.jpg"
    path.write_bytes(jpeg_bytes() + b"\0" * (3 * 1024 * 1024))
    page = phone_page
    page.goto(f"{live_server.url}/claims/new/")
    sent = posts(page)

    fill_claim_form(page, receipt=str(path))
    page.click("[data-submit]")

    assert receipt_error(page).is_visible()
    assert sent == [] and Claim.objects.count() == 0


@pytest.mark.django_db
def test_the_browser_is_given_the_servers_own_words_and_limits(client):
    cache.clear()
    page = client.get("/claims/new/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    attribute = re.search(r'data-too-large-message="([^"]+)"', page)[1]
    assert attribute == TOO_BIG_RU
    assert f'data-max-bytes="{settings.UPLOAD_MAX_BYTES}"' in page
    assert f'data-request-max-bytes="{settings.REQUEST_MAX_BYTES}"' in page

    # Just over the per-file limit, still under the request limit: the form's own refusal.
    too_big = SimpleUploadedFile(
        "receipt.jpg", b"\xff\xd8\xff" + b"\0" * settings.UPLOAD_MAX_BYTES, "image/jpeg"
    )
    response = client.post("/claims/new/", {"receipt": too_big}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert response.context["form"].errors["receipt"] == [attribute]
