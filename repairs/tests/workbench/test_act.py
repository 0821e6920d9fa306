"""The printable intake act with its stub, its PDF and its photos, for the center's eyes only."""

import io

import pypdf
import pypdfium2
import pytest
import zxingcpp
from django.conf import settings
from django.utils.html import escape
from PIL import Image

from claims.models import ProductModel
from conftest import require
from dreame_service.kit.formats import format_phone
from repairs import codes, documents
from repairs.models import IntakeAct, IntakePhoto, OrderStatus
from repairs.tests.factories import make_order, step
from tests.pages import jpeg

pytestmark = pytest.mark.django_db

LONG = "Очень длинное описание неисправности, которое клиент написал подробно. "


@pytest.fixture
def needs_pdf():
    # Fails in CI (.ci/run installs Pango), skips on a machine without it.
    reason = documents.pdf_unavailable_reason()
    require(not reason, reason)


def received(technician, *, photos=0, **act):
    """An order received through the service, as the intake form does it."""
    order = make_order(
        technician=technician,
        product=ProductModel.objects.get(name="DREAME L20 Ultra"),
        product_model="DREAME L20 Ultra",
        serial_number="R2216-0042-KZ",
        full_name="Айгерим Нурлановна Сатпаева",
        phone="+77012345678",
        fault_description="Не заряжается от базы, мигает красный индикатор.",
    )
    act_data = {
        "serial_number": "R2216-0042-KZ",
        "completeness": "в комплекте: Робот-пылесос, Базовая станция; нет: Швабры (мопы)",
        "accessories": ["Робот-пылесос", "Базовая станция"],
        "condition": "Царапина на крышке",
        "condition_marks": ["scratches", "cracks"],
        "has_receipt": True,
        "has_warranty_card": True,
        "is_warranty_card_stamped": True,
        "fault_found": "Не заряжается: окислены контакты базы",
        "final_verdict": "free_repair",
        **act,
    }
    return step(
        order,
        "receive",
        by=technician.user,
        act_data=act_data,
        photos=[jpeg() for _ in range(photos)],
    )


def act_url(order, suffix="act/") -> str:
    return f"/service/orders/{order.pk}/{suffix}"


def page_1(pdf: bytes, *, dpi=300) -> Image.Image:
    document = pypdfium2.PdfDocument(pdf)
    return document[0].render(scale=dpi / 72).to_pil()


def pdf_pages(pdf: bytes) -> list:
    return pypdf.PdfReader(io.BytesIO(pdf)).pages


# --- The print page ------------------------------------------------------------------


def test_the_act_page_shows_the_act_and_the_stub(tech_client, technician):
    order = received(technician)

    response = tech_client.get(act_url(order))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count(order.display_number) >= 3  # title, stub, page heading
    assert order.intake_date.strftime("%d.%m.%Y") in html
    assert format_phone(order.service_center.phone) in html  # for status calls, as people write it
    assert f"{settings.SITE_URL}/partners/repair-status/" in html
    status_link = codes.status_link(
        site_url=settings.SITE_URL, order_number=order.order_number, intake_date=order.intake_date
    )
    assert f'href="{escape(status_link)}"' in html  # the stub's QR link, clickable on screen
    assert "Айгерим Нурлановна Сатпаева" in html
    assert format_phone(order.claim.phone) in html
    assert "R2216-0042-KZ" in html
    assert "нет: Швабры (мопы)" in html
    assert "Царапины, Трещины. Царапина на крышке" in html
    assert "Не заряжается от базы, мигает красный индикатор." in html
    assert "Не заряжается: окислены контакты базы" in html
    assert "Бесплатный гарантийный ремонт" in html
    assert 'class="act-cut"' in html and "✂" in html
    assert html.count("<svg") == 2  # the Code128 barcode and the QR code
    assert f'href="/service/orders/{order.pk}/act.pdf?lang=ru"' in html
    assert "Акт приёма" in html


@pytest.mark.parametrize(
    ("found", "noted"), [("R2216 0042 kz", False), ("R22160042KZ", False), ("R2216-0043-KZ", True)]
)
def test_the_act_notes_a_serial_only_when_it_is_another_one(tech_client, technician, found, noted):
    order = received(technician, serial_number=found)
    html = tech_client.get(act_url(order)).content.decode()
    assert ("(в заявке: R2216-0042-KZ)" in html) is noted


def test_the_act_prints_in_kazakh_on_request(tech_client, technician):
    order = received(technician)

    html = tech_client.get(act_url(order), {"lang": "kk"}).content.decode()

    assert 'class="act-sheet" lang="kk"' in html
    assert "Тегін кепілдік жөндеу" in html  # the verdict in Kazakh
    assert '<option value="kk" lang="kk" selected>' in html
    assert f'href="/service/orders/{order.pk}/act.pdf?lang=kk"' in html


def test_an_unknown_language_prints_the_act_in_russian(tech_client, technician):
    order = received(technician)

    html = tech_client.get(act_url(order), {"lang": "de"}).content.decode()

    assert 'class="act-sheet" lang="ru"' in html
    assert "Бесплатный гарантийный ремонт" in html


def test_the_act_page_shows_the_photos_as_thumbnails(tech_client, technician):
    order = received(technician, photos=2)

    html = tech_client.get(act_url(order)).content.decode()

    for photo in IntakePhoto.objects.all():
        assert f'<img src="/service/photos/{photo.pk}/"' in html
    assert 'alt="Фото 2 из 2: изделие при приёмке, в полном размере"' in html


def test_the_act_page_takes_a_fixed_number_of_queries(
    tech_client, technician, django_assert_max_num_queries
):
    order = received(technician, photos=3)
    # Expected: 1. session, 2. user, 3.-4. the user's and the groups' permissions,
    # 5. technician with center, 6. the order with claim, product, center, act and its
    # technician, 7. the act's photos, 8. the parcel it came in, 9.-11. the session's idle
    # timeout, renewed at most once a minute (savepoint, update, release).
    with django_assert_max_num_queries(11):
        assert tech_client.get(act_url(order)).status_code == 200


def test_an_order_not_yet_received_sends_the_act_link_to_the_intake_form(tech_client, technician):
    order = make_order(technician=technician)

    response = tech_client.get(act_url(order), follow=True)

    assert response.redirect_chain == [(act_url(order, "receive/"), 302)]
    assert "У этого заказа ещё нет акта приёма" in response.content.decode()


def test_an_order_cancelled_before_intake_has_no_act(tech_client, technician):
    order = make_order(status=OrderStatus.CANCELLED, technician=technician)

    assert tech_client.get(act_url(order)).status_code == 404
    assert tech_client.get(act_url(order, "act.pdf")).status_code == 404


# --- The PDF -----------------------------------------------------------------------------


def test_the_pdf_downloads_as_one_a4_page(tech_client, technician, needs_pdf):
    order = received(technician)

    response = tech_client.get(act_url(order, "act.pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="act-{order.display_number}-ru.pdf"'
    )
    [page] = pdf_pages(response.content)
    width_mm, height_mm = (float(side) / 72 * 25.4 for side in page.mediabox[2:])
    assert (round(width_mm), round(height_mm)) == (210, 297)
    text = page.extract_text()
    assert order.display_number in text
    assert order.intake_date.strftime("%d.%m.%Y") in text


def test_the_pdf_in_kazakh(tech_client, technician, needs_pdf):
    order = received(technician)

    response = tech_client.get(act_url(order, "act.pdf"), {"lang": "kk"})

    assert response["Content-Disposition"].endswith(f'act-{order.display_number}-kk.pdf"')
    assert "Тегін кепілдік жөндеу" in pdf_pages(response.content)[0].extract_text()


def test_the_stubs_codes_in_the_pdf_decode_to_the_status_link_and_the_order_number(
    tech_client, technician, needs_pdf
):
    order = received(technician)

    pdf = tech_client.get(act_url(order, "act.pdf")).content

    found = {code.format: code.text for code in zxingcpp.read_barcodes(page_1(pdf))}
    assert found[zxingcpp.BarcodeFormat.QRCode] == codes.status_link(
        site_url=settings.SITE_URL,
        order_number=order.order_number,
        intake_date=order.intake_date,
    )
    assert found[zxingcpp.BarcodeFormat.Code128] == order.order_number


def test_an_act_with_every_text_at_its_longest_still_fits_one_page(
    tech_client, technician, needs_pdf
):
    order = received(
        technician,
        completeness=LONG * 30,
        condition=LONG * 28,
        condition_marks=[mark.value for mark in IntakeAct.ConditionMark],
        fault_found=LONG * 28,
        verdict_reason=LONG * 14,
        serial_number="W" * 64,
        final_verdict="paid_repair",
        is_user_fault=True,
    )
    claim = order.claim
    claim.fault_description = LONG * 70
    claim.address = "улица " * 40
    claim.save()

    pdf = tech_client.get(act_url(order, "act.pdf")).content

    assert len(pdf_pages(pdf)) == 1
    # The stub still holds its codes: the cut-off texts did not push it away.
    formats = {code.format for code in zxingcpp.read_barcodes(page_1(pdf))}
    assert {zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.Code128} <= formats


def test_without_weasyprint_the_pdf_says_what_is_missing_and_the_act_still_prints(
    tech_client, technician, monkeypatch
):
    order = received(technician)
    reason = "WeasyPrint cannot load (no libpango); install libpango-1.0-0"
    monkeypatch.setattr(documents, "pdf_unavailable_reason", lambda: reason)

    response = tech_client.get(act_url(order, "act.pdf"))

    html = response.content.decode()
    assert response.status_code == 503
    assert "PDF нельзя сделать на этом сервере" in html
    assert reason in html
    assert "Акт ниже печатается из браузера как обычно" in html
    assert tech_client.get(act_url(order)).status_code == 200


# --- Photos ------------------------------------------------------------------------------


def test_a_photo_is_streamed_to_its_centers_technician(tech_client, technician):
    order = received(technician, photos=1)
    photo = IntakePhoto.objects.get()

    response = tech_client.get(f"/service/photos/{photo.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Security-Policy"] == "sandbox"
    assert f"{order.order_number}-photo-{photo.pk}.jpg" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


def test_a_photo_whose_file_is_gone_is_a_404(tech_client, technician, private_media):
    received(technician, photos=1)
    photo = IntakePhoto.objects.get()
    (private_media / photo.file.name).unlink()

    assert tech_client.get(f"/service/photos/{photo.pk}/").status_code == 404


def test_an_unknown_photo_is_a_404(tech_client):
    assert tech_client.get("/service/photos/999999/").status_code == 404


# --- Scoping -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", "receive/"),
        ("post", "receive/"),
        ("get", "act/"),
        ("get", "act.pdf"),
        ("get", "photo"),
    ],
)
def test_another_centers_technician_gets_404_on_every_intake_url(
    other_client, technician, method, suffix
):
    waiting = make_order(technician=technician)
    done = received(technician, photos=1)
    if suffix == "photo":
        path = f"/service/photos/{IntakePhoto.objects.get().pk}/"
    else:
        path = act_url(waiting if suffix == "receive/" else done, suffix)
    data = {"serial_number": "X", "final_verdict": "free_repair"} if method == "post" else {}

    response = getattr(other_client, method)(path, data)

    assert response.status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == OrderStatus.AWAITING_SHIPMENT
    assert IntakeAct.objects.count() == 1
