"""Support registers the customer's parcel and cancels, on any center's order, through the
same services and move path as technicians; nothing else, and nobody without the right."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied

from claims.models import ClaimStatus, StatusEvent
from dreame_service.kit.fsm import Stale
from notifications.models import Notification
from repairs import services, steps
from repairs.models import OrderStatus, RepairOrder, Shipment
from repairs.tests.factories import (
    ServiceCenterFactory,
    SupportUserFactory,
    TechnicianFactory,
    UserFactory,
    make_order,
    run_step,
    step,
)

S = OrderStatus
pytestmark = pytest.mark.django_db


def assert_unchanged(order, status):
    assert RepairOrder.objects.get(pk=order.pk).status == status
    assert not order.status_events.exclude(transition="create").exists()
    assert not Shipment.objects.filter(repair_order=order).exists()


def test_the_support_group_has_the_permission():
    assert Group.objects.get(name="support").permissions.filter(codename="support_order").exists()
    assert SupportUserFactory().has_perm(services.SUPPORT_PERMISSION)


def test_support_registers_the_customers_parcel_on_any_centers_order():
    support = SupportUserFactory()
    order = make_order()

    order = step(
        order, "register_shipment", by=support, carrier="Kazpost", tracking_number="RR123456785KZ"
    )

    assert RepairOrder.objects.get(pk=order.pk).status == S.IN_TRANSIT
    event = order.status_events.get(transition="register_shipment")
    assert (event.by, event.from_status, event.to_status) == (
        support,
        S.AWAITING_SHIPMENT,
        S.IN_TRANSIT,
    )
    shipment = Shipment.objects.get(repair_order=order)
    assert (shipment.direction, shipment.tracking_number) == ("inbound", "RR123456785KZ")


def test_support_cancels_with_a_reason_the_claim_closes_and_the_customer_is_emailed():
    support = SupportUserFactory()
    order = make_order(status=S.DIAGNOSTICS)

    order = step(order, "cancel", by=support, reason="Клиент передумал")

    order = RepairOrder.objects.select_related("claim").get(pk=order.pk)
    assert order.status == S.CANCELLED
    assert order.cancel_reason == "Клиент передумал"
    assert order.claim.status == ClaimStatus.CLOSED
    assert order.status_events.get(transition="cancel").by == support
    assert order.claim.status_events.get(transition="close").by == support
    notification = Notification.objects.get(template="order_cancelled")
    assert notification.recipient == order.claim.email


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (S.AWAITING_SHIPMENT, "receive"),
        (S.RECEIVED, "start_diagnostics"),
        (S.DIAGNOSTICS, "send_quote"),
        (S.READY_FOR_RETURN, "ship_back"),
    ],
)
def test_support_still_cannot_make_the_technicians_steps(status, step):
    order = make_order(status=status)
    events = StatusEvent.objects.count()

    with pytest.raises(PermissionDenied):
        run_step(step, order, SupportUserFactory())

    assert RepairOrder.objects.get(pk=order.pk).status == status
    assert StatusEvent.objects.count() == events


def test_an_illegal_move_by_support_is_not_a_permission_problem():
    order = make_order(status=S.CANCELLED)

    with pytest.raises(Stale):
        step(order, "cancel", by=SupportUserFactory(), reason="-")
    with pytest.raises(Stale):
        run_step("register_shipment", make_order(status=S.IN_TRANSIT), SupportUserFactory())


def test_a_staff_user_without_the_permission_may_not():
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_repairorder"))
    order = make_order()

    for name in ["register_shipment", "cancel"]:
        with pytest.raises(PermissionDenied):
            run_step(name, order, viewer)

    assert_unchanged(order, S.AWAITING_SHIPMENT)


def test_support_without_the_permission_or_inactive_may_not():
    order = make_order()
    inactive = SupportUserFactory(is_active=False)
    group = Group.objects.get(name="support")
    group.permissions.remove(Permission.objects.get(codename="support_order"))

    for user in (UserFactory(), SupportUserFactory(), inactive):
        with pytest.raises(PermissionDenied):
            run_step("cancel", order, user)

    assert_unchanged(order, S.AWAITING_SHIPMENT)


@pytest.mark.parametrize("step", ["register_shipment", "cancel"])
def test_technicians_keep_their_scoping(step):
    own = TechnicianFactory()
    order = make_order(technician=own)

    with pytest.raises(PermissionDenied):
        run_step(step, order, TechnicianFactory().user)
    assert_unchanged(order, S.AWAITING_SHIPMENT)

    run_step(step, order, own.user)
    assert order.status_events.get(transition=step).by == own.user


def test_can_move_answers_for_each_kind_of_user():
    technician = TechnicianFactory()
    order = make_order(technician=technician)
    support = SupportUserFactory()

    def can_move(*, user, order, transition):
        actor = steps.actor_of(user, order)
        return steps.may_run(steps.ORDER_STEPS[transition], actor=actor, user=user, order=order)

    assert can_move(user=support, order=order, transition="register_shipment")
    assert can_move(user=support, order=order, transition="cancel")
    assert not can_move(user=support, order=order, transition="receive")
    assert can_move(user=technician.user, order=order, transition="receive")
    assert not can_move(user=TechnicianFactory().user, order=order, transition="cancel")
    assert not can_move(user=UserFactory(), order=order, transition="cancel")
    assert not can_move(user=None, order=order, transition="cancel")


def test_a_reassignment_from_a_stale_page_changes_nothing():
    order = make_order()
    shown_center = order.service_center_id
    first = ServiceCenterFactory()
    services.reassign_order(order=order, service_center=first, reason="-", by=SupportUserFactory())
    events = StatusEvent.objects.count()

    with pytest.raises(Stale):
        services.reassign_order(
            order=order,
            service_center=ServiceCenterFactory(),
            reason="Перегружен",
            by=SupportUserFactory(),
            expected_status=S.AWAITING_SHIPMENT,
            expected_center_id=shown_center,
        )

    assert RepairOrder.objects.get(pk=order.pk).service_center == first
    assert StatusEvent.objects.count() == events
