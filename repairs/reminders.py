"""Reminders to customers who keep a repair order waiting on them (see claims.reminders)."""

import datetime

from django.conf import settings
from django.db.models import OuterRef
from django.utils import timezone

from claims.models import StatusEvent
from claims.reminders import queue_reminders
from repairs import emails
from repairs.models import OrderStatus, RepairOrder

# (event, state, days setting)
ORDER_REMINDERS = [
    ("shipment_reminder", OrderStatus.AWAITING_SHIPMENT, "REMINDER_AWAITING_SHIPMENT_DAYS"),
    ("quote_reminder", OrderStatus.AWAITING_APPROVAL, "REMINDER_AWAITING_APPROVAL_DAYS"),
]


def queue_due_order_reminders(*, now: datetime.datetime | None = None) -> dict:
    """Queue every order reminder that is due; returns how many of each were queued."""
    now = now or timezone.now()
    counts = {}
    for event, state, days_setting in ORDER_REMINDERS:
        counts[event] = queue_reminders(
            rows=RepairOrder.objects.filter(status=state).select_related("claim", "service_center"),
            entries=StatusEvent.objects.filter(
                claim=OuterRef("claim_id"), subject=StatusEvent.Subject.ORDER, to_status=state
            ),
            before=now - datetime.timedelta(days=getattr(settings, days_setting)),
            key_of=lambda order, entry_id, event=event: emails.order_event_key(
                order=order, event=event, status_event_id=entry_id
            ),
            queue=lambda order, entry, event=event: emails.queue_order_email(
                order=order, event=event, status_event=entry
            ),
        )
    return counts
