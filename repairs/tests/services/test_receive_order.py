"""Intake: the act is written, the stub's date is the local date in Asia/Almaty."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from repairs.models import IntakeAct, OrderStatus, RepairOrder
from repairs.tests.factories import INTAKE_ACT_DATA, TechnicianFactory, make_order, step

pytestmark = pytest.mark.django_db

# 22:30 UTC on March 10 is already March 11 in Almaty (UTC+5).
LATE_EVENING_UTC = datetime.datetime(2026, 3, 10, 22, 30, tzinfo=datetime.UTC)


def test_the_intake_date_is_todays_date_in_almaty_while_utc_is_still_yesterday():
    technician = TechnicianFactory()
    order = make_order(technician=technician)

    with mock.patch("django.utils.timezone.now", return_value=LATE_EVENING_UTC):
        step(order, "receive", by=technician.user, act_data=dict(INTAKE_ACT_DATA))

    assert RepairOrder.objects.get(pk=order.pk).intake_date == datetime.date(2026, 3, 11)


def test_the_intake_date_ignores_a_timezone_activated_for_the_request():
    technician = TechnicianFactory()
    order = make_order(technician=technician)

    with (
        mock.patch("django.utils.timezone.now", return_value=LATE_EVENING_UTC),
        timezone.override(ZoneInfo("UTC")),
    ):
        step(order, "receive", by=technician.user, act_data=dict(INTAKE_ACT_DATA))

    assert RepairOrder.objects.get(pk=order.pk).intake_date == datetime.date(2026, 3, 11)


def test_receiving_writes_the_intake_act_by_the_technician():
    technician = TechnicianFactory()
    order = make_order(technician=technician)

    step(
        order,
        "receive",
        by=technician.user,
        act_data={**INTAKE_ACT_DATA, "final_verdict": "paid_repair", "is_user_fault": True},
    )

    act = IntakeAct.objects.get(repair_order=order)
    assert act.received_by == technician.user
    assert act.final_verdict == "paid_repair"
    assert act.is_user_fault
    assert act.serial_number == INTAKE_ACT_DATA["serial_number"]
    assert RepairOrder.objects.get(pk=order.pk).status == OrderStatus.RECEIVED


def test_an_order_is_received_straight_from_in_transit():
    technician = TechnicianFactory()
    order = make_order(status=OrderStatus.IN_TRANSIT, technician=technician)

    step(order, "receive", by=technician.user, act_data=dict(INTAKE_ACT_DATA))

    assert RepairOrder.objects.get(pk=order.pk).intake_date == timezone.localdate()
