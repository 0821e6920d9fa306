"""The return slip carries the parcel's address label: the center sends, the customer receives."""

import re

import pytest

from dreame_service.kit.formats import format_phone
from repairs.models import OrderStatus
from repairs.tests.factories import make_order
from repairs.tests.workbench.pages import post_step, reloaded
from tests.pages import visible_text

pytestmark = pytest.mark.django_db
S = OrderStatus


def _slip(tech_client, technician, **claim_fields) -> str:
    order = make_order(status=S.READY_FOR_RETURN, technician=technician, **claim_fields)
    post_step(tech_client, reloaded(order), "ship_back", carrier="CDEK", tracking_number="1")
    return tech_client.get(f"/service/orders/{order.pk}/return-slip/").content.decode()


def _label(html: str) -> str:
    found = re.search(r'<section class="slip-label".*?</section>', html, re.S)
    assert found
    return visible_text(found.group())


def test_the_label_addresses_the_customer_from_the_center(tech_client, technician):
    center = technician.service_center
    label = _label(
        _slip(
            tech_client,
            technician,
            full_name="Айгерим Нурлановна Сатпаева",
            address="ул. Абая, д. 10, кв. 5",
            city="Талгар",
            region="Алматинская область",
            postal_code="041600",
            phone="+77012345678",
        )
    )
    assert label == (
        f"Адресный ярлык От кого {center.name} Адрес {center.postal_address} "
        f"Телефон {format_phone(center.phone)} "
        "Кому Айгерим Нурлановна Сатпаева Адрес ул. Абая, д. 10, кв. 5 Талгар "
        "Алматинская область Почтовый индекс 041600 Телефон +7 701 234 56 78"
    )


def test_a_city_that_is_its_own_region_is_not_repeated(tech_client, technician):
    label = _label(_slip(tech_client, technician, city="Алматы", region="Алматы"))
    assert label.count("Алматы") == 1 + technician.service_center.postal_address.count("Алматы")


def test_the_label_reads_in_the_technicians_language(tech_client, technician):
    tech_client.cookies["django_language"] = "kk"
    label = _label(_slip(tech_client, technician))
    assert "Кімнен" in label and "Кімге" in label
