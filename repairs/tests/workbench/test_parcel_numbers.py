"""The workbench's parcel steps take tracking numbers through the same normaliser as the
customer's page, and link them on the order page."""

import re

import pytest

from repairs.models import OrderStatus
from repairs.tests.factories import make_order
from repairs.tests.workbench.pages import page, post_step, reloaded
from tests.pages import visible_text

pytestmark = pytest.mark.django_db
S = OrderStatus


def test_a_parcel_the_technician_registers_is_kept_in_the_carriers_spelling(
    tech_client, technician
):
    order = make_order(status=S.AWAITING_SHIPMENT, technician=technician)

    post_step(
        tech_client,
        order,
        "register_shipment",
        carrier="казпочта",
        tracking_number="rr 123-456-785 kz",
    )

    assert reloaded(order).status == S.IN_TRANSIT
    parcel = order.shipments.get()
    assert (parcel.carrier, parcel.tracking_number) == ("казпочта", "RR123456785KZ")
    html = page(tech_client, order)
    link = re.search(
        r'<a href="https://post.kz/mail/search/track/RR123456785KZ/detail"[^>]*>', html
    )
    assert link and 'target="_blank"' in link.group() and 'rel="noopener"' in link.group()


def test_a_typo_in_a_kazpost_number_is_shown_on_the_form_and_nothing_moves(tech_client, technician):
    order = make_order(status=S.READY_FOR_RETURN, technician=technician)

    response = post_step(
        tech_client, order, "ship_back", carrier="Казпочта", tracking_number="RR123456789KZ"
    )

    assert response.status_code == 400
    assert "В трек-номере опечатка: не сходится контрольная цифра." in visible_text(
        response.content.decode()
    )
    assert reloaded(order).status == S.READY_FOR_RETURN
    assert not order.shipments.filter(direction="outbound").exists()
