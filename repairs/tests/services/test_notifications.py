"""Customer-facing order events write their outbox row in the transition's transaction."""

import pytest

from notifications.models import Notification
from repairs.models import OrderStatus, RepairOrder
from repairs.tests.factories import (
    INTAKE_ACT_DATA,
    TechnicianFactory,
    fit_verdict,
    make_order,
    run_step,
    step,
)
from tests.commits import email_callbacks

S = OrderStatus
pytestmark = pytest.mark.django_db


CUSTOMER_EMAILS = [
    (S.AWAITING_SHIPMENT, "receive", "product_received"),
    (S.IN_TRANSIT, "receive", "product_received"),
    (S.DIAGNOSTICS, "send_quote", "quote_sent"),
    (S.IN_REPAIR, "complete", "repair_finished"),
    (S.DIAGNOSTICS, "resolve_replacement", "repair_finished"),
    (S.DIAGNOSTICS, "resolve_refund", "order_refunded"),
    (S.READY_FOR_RETURN, "ship_back", "shipped_back"),
    (S.SHIPPED, "confirm_delivery", "delivered"),
    (S.DIAGNOSTICS, "cancel", "order_cancelled"),
]


@pytest.mark.parametrize(("status", "step", "template"), CUSTOMER_EMAILS)
def test_a_customer_facing_event_queues_one_email_after_commit(
    status, step, template, django_capture_on_commit_callbacks
):
    technician = TechnicianFactory()
    order = make_order(status=status, technician=technician, email="aida@example.kz", language="kk")
    order = fit_verdict(order, [step])
    before = set(Notification.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks() as callbacks:
        run_step(step, order, technician.user)

    notification = Notification.objects.exclude(pk__in=before).get()
    event = order.status_events.latest("pk")
    assert notification.template == template
    assert notification.recipient == "aida@example.kz"
    assert notification.language == "kk"
    assert notification.status == Notification.Status.PENDING
    assert notification.event_key == f"order:{order.order_number}:{template}:{event.pk}"
    assert notification.context["order_number"] == order.display_number
    # handed to Celery only once the transaction commits, one task per row
    assert len(email_callbacks(callbacks)) == 1


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (S.AWAITING_SHIPMENT, "register_shipment"),
        (S.RECEIVED, "start_diagnostics"),
        (S.IN_REPAIR, "wait_for_parts"),
    ],
)
def test_internal_steps_send_no_email(status, step, django_capture_on_commit_callbacks):
    technician = TechnicianFactory()
    order = make_order(status=status, technician=technician)
    count = Notification.objects.count()

    with django_capture_on_commit_callbacks() as callbacks:
        run_step(step, order, technician.user)

    assert Notification.objects.count() == count
    assert email_callbacks(callbacks) == []


def test_the_received_email_carries_the_stub_values():
    technician = TechnicianFactory()
    order = make_order(technician=technician)

    order = run_step("receive", order, technician.user)

    context = Notification.objects.get(template="product_received").context
    assert context["intake_date"] == order.intake_date.isoformat()
    assert context["order_number"] == order.display_number
    assert context["status_url"].endswith(
        f"/partners/repair-status/?order_number={order.order_number}"
        f"&intake_date={order.intake_date.isoformat()}"
    )


def test_the_shipped_back_email_carries_the_tracking_number():
    technician = TechnicianFactory()
    order = make_order(status=S.READY_FOR_RETURN, technician=technician)

    run_step("ship_back", order, technician.user)

    notification = Notification.objects.get(template="shipped_back")
    assert notification.context["order_status"] == S.SHIPPED


def test_a_failure_later_in_the_transaction_leaves_no_email_and_no_move(
    django_capture_on_commit_callbacks,
):
    technician = TechnicianFactory()
    order = make_order(technician=technician)
    count = Notification.objects.count()

    # the act is written after the move and its e-mail: a bad act must undo both
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(TypeError):
        step(order, "receive", by=technician.user, act_data={**INTAKE_ACT_DATA, "no_such_field": 1})

    assert RepairOrder.objects.get(pk=order.pk).status == S.AWAITING_SHIPMENT
    assert Notification.objects.count() == count
    assert not order.status_events.filter(transition="receive").exists()
    assert email_callbacks(callbacks) == []
