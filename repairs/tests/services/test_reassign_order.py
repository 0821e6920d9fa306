"""Moving an order to another center: support only, with a reason, a history row and an e-mail."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from claims.models import StatusEvent
from notifications.models import Notification
from repairs.models import OrderStatus, RepairOrder
from repairs.services import reassign_order
from repairs.tests.factories import (
    ServiceCenterFactory,
    SupportUserFactory,
    TechnicianFactory,
    make_order,
)

pytestmark = pytest.mark.django_db


def test_support_moves_an_order_and_the_history_and_the_customer_know():
    support = SupportUserFactory()
    order = make_order()
    old_center = order.service_center
    new_center = ServiceCenterFactory(postal_address="010000, г. Астана, ул. Кенесары, 40")

    reassign_order(order=order, service_center=new_center, reason="Центр закрылся", by=support)

    order = RepairOrder.objects.get(pk=order.pk)
    assert order.service_center == new_center
    assert order.status == OrderStatus.AWAITING_SHIPMENT
    event = order.status_events.get(transition="reassign")
    assert event.by == support
    assert (event.note_code, event.note_params["reason"]) == ("order_reassigned", "Центр закрылся")
    assert event.note_params["from_center"]["ru"] == str(old_center)
    assert event.note_params["to_center"]["ru"] == str(new_center)
    assert event.public_note == ""
    notification = Notification.objects.get(template="order_reassigned")
    assert notification.recipient == order.claim.email
    assert notification.context["service_center"]["postal_address"] == new_center.postal_address
    assert "Центр закрылся" not in str(notification.context)


def test_a_technician_cannot_move_an_order_to_another_center():
    technician = TechnicianFactory()
    order = make_order(technician=technician)

    with pytest.raises(PermissionDenied):
        reassign_order(
            order=order, service_center=ServiceCenterFactory(), reason="-", by=technician.user
        )

    assert RepairOrder.objects.get(pk=order.pk).service_center == technician.service_center
    assert not order.status_events.filter(transition="reassign").exists()


@pytest.mark.parametrize("case", ["final", "same_center", "inactive_center"])
def test_a_move_that_makes_no_sense_is_refused_and_changes_nothing(case):
    order = make_order(status=OrderStatus.CANCELLED if case == "final" else "awaiting_shipment")
    center = {
        "final": ServiceCenterFactory(),
        "same_center": order.service_center,
        "inactive_center": ServiceCenterFactory(is_active=False),
    }[case]
    events = StatusEvent.objects.count()

    with pytest.raises(ValidationError):
        reassign_order(order=order, service_center=center, reason="-", by=SupportUserFactory())

    assert StatusEvent.objects.count() == events
    assert not Notification.objects.filter(template="order_reassigned").exists()


def test_the_admin_shows_the_center_read_only_and_moves_it_only_by_the_action():
    client = Client()
    client.force_login(SupportUserFactory())
    order = make_order()
    new_center = ServiceCenterFactory()
    url = f"/admin/repairs/repairorder/{order.pk}/change/"

    html = client.get(url).content.decode()
    assert 'name="service_center"' not in html

    refused = client.post(
        "/admin/repairs/repairorder/",
        {"action": "reassign", "_selected_action": [order.pk], "service_center": new_center.pk},
        follow=True,
    ).content.decode()
    assert "Выберите новый сервисный центр и напишите причину." in refused
    assert RepairOrder.objects.get(pk=order.pk).service_center != new_center

    client.post(
        "/admin/repairs/repairorder/",
        {
            "action": "reassign",
            "_selected_action": [order.pk],
            "service_center": new_center.pk,
            "reason": "Перегружен",
        },
    )
    assert RepairOrder.objects.get(pk=order.pk).service_center == new_center
