"""Technician A never reaches technician B's order: every workbench URL of it, read or
written, answers 404 exactly like an order that does not exist (no existence leak)."""

import pytest

from claims.models import ClaimAttachment, StatusEvent, WarrantyPolicy
from repairs.models import IntakePhoto, OrderStatus, RepairOrder
from repairs.tests.factories import make_order
from tests.pages import jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kz_policy(db):
    # transactional tests flush what the data migration seeded: put the policy back.
    WarrantyPolicy.objects.get_or_create(country="KZ")


@pytest.fixture
def b_order(other_technician, other_client):
    """Technician B's order with everything a URL can point at: a receipt, a claim
    attachment, an intake act with a photo, an outbound shipment (the return slip)."""
    order = make_order(
        status=OrderStatus.SHIPPED, technician=other_technician, receipt=jpeg("receipt.jpg")
    )
    attachment = ClaimAttachment.objects.create(claim=order.claim, file=jpeg("later.jpg"))
    photo = IntakePhoto.objects.create(intake_act=order.intake_act, file=jpeg("photo.jpg"))
    urls = {
        "order": f"/service/orders/{order.pk}/",
        "act": f"/service/orders/{order.pk}/act/",
        "act_pdf": f"/service/orders/{order.pk}/act.pdf",
        "receive": f"/service/orders/{order.pk}/receive/",
        "return_slip": f"/service/orders/{order.pk}/return-slip/",
        "receipt": f"/service/orders/{order.pk}/receipt/",
        "label": f"/service/orders/{order.pk}/label/",
        "attachment": f"/service/attachments/{attachment.pk}/",
        "photo": f"/service/photos/{photo.pk}/",
    }
    # B reaches each of them: the objects exist, so A's 404 below is the scoping's doing.
    for name, url in urls.items():
        if name not in ("receive", "act_pdf"):  # B's order is past intake; PDFs may be absent
            assert other_client.get(url).status_code == 200, name
    return order, urls


URL_NAMES = [
    "order",
    "act",
    "act_pdf",
    "receive",
    "return_slip",
    "receipt",
    "label",
    "attachment",
    "photo",
]


def crafted_post(order) -> dict:
    """What A would send to move B's order (a valid step from its state)."""
    return {
        "transition": "confirm_delivery",
        "from_status": order.status,
        "confirm_delivery-note": "чужой заказ",
    }


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", URL_NAMES)
def test_another_centers_order_answers_404_on_every_workbench_url(
    name, method, b_order, tech_client
):
    order, urls = b_order
    events = StatusEvent.objects.filter(claim_id=order.claim_id).count()

    response = getattr(tech_client, method)(urls[name], crafted_post(order))

    assert response.status_code == 404
    assert order.display_number not in response.content.decode()
    assert RepairOrder.objects.get(pk=order.pk).status == OrderStatus.SHIPPED
    assert StatusEvent.objects.filter(claim_id=order.claim_id).count() == events


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", URL_NAMES)
def test_another_centers_order_looks_exactly_like_a_missing_one(name, method, b_order, tech_client):
    _order, urls = b_order
    missing = {
        "order": "/service/orders/999999/",
        "act": "/service/orders/999999/act/",
        "act_pdf": "/service/orders/999999/act.pdf",
        "receive": "/service/orders/999999/receive/",
        "return_slip": "/service/orders/999999/return-slip/",
        "receipt": "/service/orders/999999/receipt/",
        "label": "/service/orders/999999/label/",
        "attachment": "/service/attachments/999999/",
        "photo": "/service/photos/999999/",
    }
    send = getattr(tech_client, method)
    assert send(urls[name]).status_code == send(missing[name]).status_code


@pytest.mark.parametrize(
    "typed", ["number", "display_number", "claim_number", "serial_number", "phone"]
)
def test_another_centers_order_cannot_be_found_by_search(typed, b_order, tech_client):
    order, _urls = b_order
    query = {
        "number": order.order_number,
        "display_number": order.display_number,
        "claim_number": order.claim.number,
        "serial_number": order.claim.serial_number,
        "phone": str(order.claim.phone),
    }[typed]

    response = tech_client.get("/service/search/", {"q": query}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == []  # no "exact hit" jump to B's order
    # The page shows back what was typed (search box, message, language form's return
    # address); apart from that echo, nothing of B's order.
    html = response.content.decode()
    for echo in (f'value="{query}"', f"«{query}»", f"?q={query}"):
        html = html.replace(echo, "")
    assert f"/service/orders/{order.pk}/" not in html
    assert order.display_number not in html
    assert order.order_number not in html
    assert order.claim.full_name not in html
    assert "ничего не найдено" in html
