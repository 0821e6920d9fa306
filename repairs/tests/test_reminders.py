import datetime

import pytest
from django.utils import timezone

from claims.models import StatusEvent
from claims.reminders import queue_due_claim_reminders
from claims.tests.factories import ClaimFactory, claim_step
from notifications.models import Notification
from notifications.services import full_context
from repairs import services as order_services
from repairs.reminders import queue_due_order_reminders
from repairs.tests.factories import (
    ServiceCenterFactory,
    SupportUserFactory,
    TechnicianFactory,
    quote_lines,
    step,
)


def queue_due_reminders() -> dict:
    """Both apps' reminders, as the beat schedule runs them."""
    return {**queue_due_claim_reminders(), **queue_due_order_reminders()}


pytestmark = pytest.mark.django_db


def age(event: StatusEvent, *, days: int) -> None:
    StatusEvent.objects.filter(pk=event.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )


def reminders(template):
    return Notification.objects.filter(template=template)


def test_a_claim_waiting_for_information_for_a_week_gets_one_reminder():
    claim = claim_step(
        ClaimFactory(), "request_info", by=SupportUserFactory(), message="Пришлите фото чека"
    )
    entry = claim.status_events.get(to_status="needs_info")

    age(entry, days=6)
    assert queue_due_reminders()["claim_info_reminder"] == 0
    age(entry, days=8)
    assert queue_due_reminders()["claim_info_reminder"] == 1
    assert queue_due_reminders()["claim_info_reminder"] == 0

    [reminder] = reminders("claim_info_reminder")
    assert reminder.recipient == claim.email
    assert reminder.event_key == f"claim:{claim.number}:claim_info_reminder:{entry.pk}"
    assert reminder.context["public_note"] == "Пришлите фото чека"
    assert full_context(reminder.context)["supplement_url"].startswith("http")


def test_an_order_not_shipped_for_two_weeks_and_a_quote_unanswered_for_a_week_are_reminded_once():
    technician = TechnicianFactory()
    claim = ClaimFactory()
    order = order_services.approve_claim_and_open_order(
        claim=claim, service_center=technician.service_center, by=SupportUserFactory()
    )
    age(order.status_events.get(to_status="awaiting_shipment"), days=15)

    assert queue_due_reminders()["shipment_reminder"] == 1
    assert reminders("shipment_reminder").get().context["service_center"]["postal_address"]

    quoted = ClaimFactory()
    quoted_order = order_services.approve_claim_and_open_order(
        claim=quoted, service_center=technician.service_center, by=SupportUserFactory()
    )
    act = {
        "serial_number": "SN1",
        "completeness": "полная",
        "condition": "царапины",
        "final_verdict": "paid_repair",
    }
    user = technician.user
    quoted_order = step(quoted_order, "receive", by=user, act_data=act)
    quoted_order = step(quoted_order, "start_diagnostics", by=user)
    quoted_order = step(quoted_order, "send_quote", by=user, lines=quote_lines(45000))
    age(quoted_order.status_events.get(to_status="awaiting_approval"), days=8)

    counts = queue_due_reminders()
    assert counts == {"claim_info_reminder": 0, "shipment_reminder": 0, "quote_reminder": 1}
    assert reminders("quote_reminder").get().context["quote_amount"] == "45000"
    assert queue_due_reminders()["quote_reminder"] == 0


def test_an_order_that_moved_on_gets_no_reminder():
    center = ServiceCenterFactory()
    order = order_services.approve_claim_and_open_order(
        claim=ClaimFactory(), service_center=center, by=SupportUserFactory()
    )
    age(order.status_events.get(to_status="awaiting_shipment"), days=30)
    step(order, "cancel", by=SupportUserFactory(), reason="Клиент передумал")

    assert queue_due_reminders()["shipment_reminder"] == 0
