"""The customer's signature on the intake act: what the server accepts from the pad, where
the act shows it, and a posted product that needs none."""

import base64
import io

import pypdf
import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from claims.models import ProductModel
from repairs import documents
from repairs.models import IntakeAct, OrderStatus
from repairs.tests.factories import make_order
from repairs.tests.workbench.signature_png import data_url, signature_png
from repairs.tests.workbench.test_intake import CLAIM_SERIAL, ROBOT, intake
from repairs.workbench.signatures import MAX_PNG_BYTES, decode_signature
from tests.pages import jpeg_bytes, visible_text

pytestmark = pytest.mark.django_db


def png(size, *, drawn=True, mode="RGBA") -> bytes:
    image = Image.new(mode, size, (0, 0, 0, 0) if mode == "RGBA" else 255)
    if drawn:
        image.putpixel((size[0] // 2, size[1] // 2), (0, 0, 0, 255) if mode == "RGBA" else 0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# --- Decoding -----------------------------------------------------------------------------


def test_a_drawn_signature_is_kept_as_a_fresh_png():
    kept = decode_signature(data_url())

    image = Image.open(io.BytesIO(kept))
    assert image.format == "PNG" and image.size == (600, 180)
    assert image.getchannel("A").getbbox() is not None


@pytest.mark.parametrize(
    ("posted", "code"),
    [
        ("data:image/jpeg;base64," + base64.b64encode(jpeg_bytes()).decode(), "not_a_data_url"),
        ("https://example.com/signature.png", "not_a_data_url"),
        ("data:image/png;base64,@@@not base64@@@", "bad_base64"),
        (data_url(jpeg_bytes(size=(300, 100))), "not_png"),
        (data_url(signature_png()[:200]), "bad_png"),  # cut off mid-file
        (data_url(png((3000, 200))), "too_large"),  # wider than any pad
        (data_url(png((20, 10))), "too_small"),
        (data_url(png((600, 180), drawn=False)), "blank"),
        ("data:image/png;base64," + "A" * (MAX_PNG_BYTES * 2), "too_large"),
    ],
)
def test_what_is_not_a_small_real_drawn_png_is_refused(posted, code):
    with pytest.raises(ValidationError) as refused:
        decode_signature(posted)

    assert refused.value.code == code


# --- The intake step ---------------------------------------------------------------------


@pytest.fixture
def order(technician):
    return make_order(
        technician=technician,
        product=ProductModel.objects.get(name=ROBOT),
        product_model=ROBOT,
        serial_number=CLAIM_SERIAL,
        full_name="Айгерим Сатпаева",
        verdict="free_repair",
    )


def receive(order) -> str:
    return f"/service/orders/{order.pk}/receive/"


def test_the_intake_form_offers_the_pad_and_the_posted_box(tech_client, order):
    page = tech_client.get(receive(order)).content.decode()

    assert "data-signature-pad" in page and 'name="signature"' in page
    assert "Получено почтой или курьером (клиента нет, подписать некому)" in visible_text(page)
    assert "/static/js/signature-pad.js" in page
    assert "onclick" not in page and "<script>" not in page  # the CSP allows no inline script


def test_a_signed_act_shows_the_signature_on_its_page_and_in_its_pdf(tech_client, order):
    response = tech_client.post(receive(order), intake(signature=data_url()))

    assert response.status_code == 302
    act = IntakeAct.objects.get()
    assert act.signature and act.received_by_post is False
    page = tech_client.get(response.url).content.decode()
    assert 'class="act-signature" src="data:image/png;base64,' in page
    assert "Сдал клиент: Айгерим Сатпаева" in visible_text(page)
    if reason := documents.pdf_unavailable_reason():
        pytest.skip(reason)
    pdf = documents.act_pdf(order=act.repair_order, language="ru")
    images = [image for page in pypdf.PdfReader(io.BytesIO(pdf)).pages for image in page.images]
    assert any(image.image.size == (600, 180) for image in images)


def test_a_refused_signature_is_explained_in_russian_and_nothing_typed_is_lost(tech_client, order):
    response = tech_client.post(
        receive(order),
        intake(signature="data:image/png;base64,AAAA", condition="Скол <b>на</b> крышке"),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Подпись не удалось прочитать. Нажмите «Очистить»" in visible_text(page)
    assert "Скол &lt;b&gt;на&lt;/b&gt; крышке" in page
    assert order.__class__.objects.get(pk=order.pk).status == OrderStatus.AWAITING_SHIPMENT


def test_a_product_ticked_as_posted_needs_no_signature_and_keeps_none(tech_client, order):
    response = tech_client.post(receive(order), intake(received_by_post="on", signature=data_url()))

    act = IntakeAct.objects.get()
    assert act.received_by_post is True and not act.signature
    text = visible_text(tech_client.get(response.url).content.decode())
    assert "Получено почтой или курьерской службой" in text
    assert "Сдал клиент" not in text


def test_a_product_with_a_registered_parcel_gets_no_pad_and_its_act_names_the_parcel(
    tech_client, technician
):
    order = make_order(technician=technician, status=OrderStatus.IN_TRANSIT)
    page = tech_client.get(receive(order)).content.decode()
    assert "data-signature-pad" not in page
    assert "Изделие пришло почтой или курьером" in visible_text(page)

    tech_client.post(
        receive(order),
        intake(serial_number=order.claim.serial_number, accessories=None, signature=data_url()),
    )

    act = IntakeAct.objects.get()
    assert act.received_by_post is True and not act.signature


def test_the_signature_file_is_served_only_to_its_center(tech_client, other_client, order):
    tech_client.post(receive(order), intake(signature=data_url()))
    url = f"/service/orders/{order.pk}/signature/"

    own = tech_client.get(url)
    assert own.status_code == 200
    assert b"".join(own.streaming_content).startswith(b"\x89PNG")
    assert other_client.get(url).status_code == 404
    assert tech_client.post(url).status_code == 405


def test_the_signature_file_takes_a_fixed_number_of_queries(
    tech_client, order, django_assert_max_num_queries
):
    tech_client.post(receive(order), intake(signature=data_url()))
    # Expected: 1. session, 2. user, 3.-4. the user's and the groups' permissions,
    # 5. technician with center, 6. the order with claim, product, center and act,
    # 7.-9. the session's idle timeout, renewed at most once a minute (savepoint, update,
    # release).
    with django_assert_max_num_queries(9):
        assert tech_client.get(f"/service/orders/{order.pk}/signature/").status_code == 200
