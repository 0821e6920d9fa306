"""How the product arrived, as the intake act and the technician read it: a posted product's
act records its parcel (no customer signs for it) and its stub goes back in the return
parcel; a product with no parcel registered keeps the customer's hand-over line."""

import pytest

from claims.models import ProductModel
from repairs.models import OrderStatus
from repairs.tests.factories import make_order
from tests.pages import visible_text

pytestmark = pytest.mark.django_db
S = OrderStatus
ROBOT = "DREAME L20 Ultra"

POSTED = {
    "ru": "Получено почтой или курьерской службой: Kazpost, трек-номер RR123456785KZ",
    "kk": "Поштамен немесе курьерлік қызметпен алынды: Kazpost, трек-нөмір RR123456785KZ",
    "en": "Received by post or courier: Kazpost, tracking number RR123456785KZ",
}
HANDED_OVER = {"ru": "Сдал клиент", "kk": "Тапсырған клиент", "en": "Handed over by the customer"}


def act_text(client, order, lang: str) -> str:
    response = client.get(f"/service/orders/{order.pk}/act/", {"lang": lang})
    assert response.status_code == 200
    html = response.content.decode()
    return visible_text(html[html.index('class="act-sheet"') :])


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_a_posted_products_act_records_its_parcel_not_a_customers_signature(
    tech_client, technician, lang
):
    order = make_order(status=S.RECEIVED, via=(S.IN_TRANSIT,), technician=technician)

    text = act_text(tech_client, order, lang)

    assert POSTED[lang] in text
    assert HANDED_OVER[lang] not in text


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_a_product_with_no_parcel_keeps_the_hand_over_line(tech_client, technician, lang):
    order = make_order(status=S.RECEIVED, technician=technician, full_name="Айгерим Сатпаева")

    text = act_text(tech_client, order, lang)

    assert f"{HANDED_OVER[lang]}: Айгерим Сатпаева" in text
    assert POSTED[lang].split(":")[0] not in text


INTAKE = {
    "has_receipt": "on",
    "has_warranty_card": "on",
    "is_warranty_card_stamped": "on",
    "accessories": ["Робот-пылесос", "Базовая станция"],
    "serial_number": "R2216-0042-KZ",
    "final_verdict": "free_repair",
}


def receive(client, order) -> str:
    response = client.post(f"/service/orders/{order.pk}/receive/", INTAKE, follow=True)
    assert response.status_code == 200
    return visible_text(response.content.decode())


def robot_order(technician, **kwargs):
    return make_order(
        technician=technician,
        product=ProductModel.objects.get(name=ROBOT),
        product_model=ROBOT,
        serial_number="R2216-0042-KZ",
        verdict="free_repair",
        **kwargs,
    )


def test_after_receiving_a_parcel_the_technician_is_told_to_send_the_stub_back_with_it(
    tech_client, technician
):
    order = robot_order(technician, status=S.IN_TRANSIT)

    text = receive(tech_client, order)

    assert (
        f"Заказ {order.display_number} принят, клиенту отправлен по e-mail акт с отрывным "
        "талоном. Распечатайте акт для архива, а распечатанный талон положите в посылку, "
        "которой изделие вернётся клиенту." in text
    )
    assert "отдайте талон клиенту" not in text.lower()


def test_after_receiving_a_product_with_no_parcel_the_stub_is_handed_over(tech_client, technician):
    order = robot_order(technician)

    text = receive(tech_client, order)

    assert f"Заказ {order.display_number} принят" in text
    assert "Распечатайте акт для архива и отдайте талон клиенту." in text
