"""Scoping: only the order's own center moves it; nobody else, by any service call."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from claims.models import StatusEvent
from dreame_service.kit.fsm import Stale
from repairs.models import IntakeAct, OrderStatus, RepairOrder
from repairs.services import can_work_on
from repairs.tests.factories import (
    SupportUserFactory,
    TechnicianFactory,
    UserFactory,
    make_order,
    run_step,
)

S = OrderStatus
pytestmark = pytest.mark.django_db


def assert_unchanged(order, status):
    assert RepairOrder.objects.get(pk=order.pk).status == status
    assert not order.status_events.exclude(transition="create").exists()


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (S.AWAITING_SHIPMENT, "receive"),
        (S.AWAITING_SHIPMENT, "register_shipment"),
        (S.RECEIVED, "start_diagnostics"),
        (S.AWAITING_SHIPMENT, "cancel"),
        # an illegal move from another center is refused as a permission matter: it learns nothing
        (S.AWAITING_SHIPMENT, "ship_back"),
    ],
)
def test_a_technician_of_another_center_is_refused(status, step):
    own = TechnicianFactory()
    order = make_order(status=status, technician=own)
    events = StatusEvent.objects.count()
    stranger = TechnicianFactory()

    with pytest.raises(PermissionDenied):
        run_step(step, order, stranger.user)

    assert RepairOrder.objects.get(pk=order.pk).status == status
    assert StatusEvent.objects.count() == events


def test_a_support_user_without_work_on_order_cannot_move_orders():
    order = make_order()
    support = SupportUserFactory()
    assert not support.has_perm("repairs.work_on_order")

    with pytest.raises(PermissionDenied):
        run_step("receive", order, support)

    assert_unchanged(order, S.AWAITING_SHIPMENT)
    assert not IntakeAct.objects.exists()


def test_a_technician_outside_the_technicians_group_cannot_move_orders():
    technician = TechnicianFactory()
    order = make_order(technician=technician)
    technician.user.groups.remove(Group.objects.get(name="technicians"))

    with pytest.raises(PermissionDenied):
        run_step("receive", order, technician.user)

    assert_unchanged(order, S.AWAITING_SHIPMENT)


def test_a_deactivated_technician_cannot_move_orders():
    technician = TechnicianFactory()
    order = make_order(technician=technician)
    technician.user.is_active = False
    technician.user.save()

    with pytest.raises(PermissionDenied):
        run_step("receive", order, technician.user)

    assert_unchanged(order, S.AWAITING_SHIPMENT)


def test_a_plain_user_cannot_move_orders():
    order = make_order()

    with pytest.raises(PermissionDenied):
        run_step("register_shipment", order, UserFactory())

    assert_unchanged(order, S.AWAITING_SHIPMENT)


def test_a_superuser_may_move_any_order():
    order = make_order()
    admin = UserFactory(is_superuser=True, is_staff=True)

    run_step("receive", order, admin)

    assert RepairOrder.objects.get(pk=order.pk).status == S.RECEIVED
    assert order.status_events.get(transition="receive").by == admin


def test_an_illegal_move_by_the_own_technician_is_not_a_permission_problem():
    technician = TechnicianFactory()
    order = make_order(status=S.RECEIVED, technician=technician)

    with pytest.raises(Stale):
        run_step("receive", order, technician.user)


def test_can_work_on_answers_for_each_kind_of_user():
    technician = TechnicianFactory()
    order = make_order(technician=technician)

    assert can_work_on(user=technician.user, order=order)
    assert not can_work_on(user=TechnicianFactory().user, order=order)
    assert not can_work_on(user=SupportUserFactory(), order=order)
    assert not can_work_on(user=UserFactory(), order=order)
    assert not can_work_on(user=None, order=order)
    assert can_work_on(user=UserFactory(is_superuser=True), order=order)
