"""The claim form in the browser: filling it in on a page, a receipt to upload, and the
checks every customer page passes (no sideways scroll, no axe violations)."""

import datetime
import io

from django.utils import timezone
from PIL import Image

from conftest import assert_no_horizontal_scroll, axe_violations, save_screenshot


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 480), (235, 235, 228)).save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def check_page(page, screenshot: str | None = None) -> None:
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    if screenshot:
        save_screenshot(page, screenshot)


def fill_claim_form(page, *, receipt: dict) -> None:
    purchase = timezone.localdate() - datetime.timedelta(days=40)
    page.fill("[name=full_name]", "Айгерим Нурлановна Сатпаева")
    page.fill("[name=email]", "aigerim@example.kz")
    page.fill("[name=phone]", "+7 701 234 56 78")
    page.check("[name=whatsapp_same_as_phone]")
    page.select_option("[name=region]", "Алматы")
    page.fill("[name=city]", "Алматы")
    page.fill("[name=postal_code]", "050000")
    page.fill("[name=address]", "ул. Абая, д. 10, кв. 5")
    page.select_option("[name=product_model]", label="DREAME L20 Ultra")
    page.fill("[name=serial_number]", "R2353A0012345")
    page.fill("[name=purchase_date]", purchase.isoformat())
    page.fill("[name=seller]", "Technodom")
    page.set_input_files("[name=receipt]", receipt)
    page.fill("[name=fault_description]", "Робот не заряжается от базы, индикатор мигает красным.")
    page.check("[name=consent]")


RECEIPT = {"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": b""}
