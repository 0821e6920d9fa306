"""Reminders for customers who keep a claim or an order waiting on them.

Each reminder belongs to one stay in a state: its event key names the StatusEvent that
entered the state, so the hourly beat run queues it once, and a claim that enters
`needs_info` again later gets a new reminder for the new request.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from claims import emails as claim_emails
from claims.models import Claim, ClaimStatus
from notifications.models import Notification
from repairs import emails as order_emails
from repairs.models import OrderStatus, RepairOrder, StatusEvent

# (event, state, days setting)
CLAIM_REMINDERS = [("claim_info_reminder", ClaimStatus.NEEDS_INFO, "REMINDER_NEEDS_INFO_DAYS")]
ORDER_REMINDERS = [
    ("shipment_reminder", OrderStatus.AWAITING_SHIPMENT, "REMINDER_AWAITING_SHIPMENT_DAYS"),
    ("quote_reminder", OrderStatus.AWAITING_APPROVAL, "REMINDER_AWAITING_APPROVAL_DAYS"),
]


def _due(queryset, *, entries, key_prefix: str, number_field: str, event: str, before):
    """Rows whose latest entry into their state is older than `before`, not yet reminded."""
    entry = entries.order_by("-created_at", "-pk")
    key = Concat(
        Value(key_prefix),
        number_field,
        Value(f":{event}:"),
        Cast("entry_event_id", output_field=CharField()),
        output_field=CharField(),
    )
    return (
        queryset.annotate(
            entry_event_id=Subquery(entry.values("pk")[:1]),
            entered_at=Subquery(entry.values("created_at")[:1]),
        )
        .filter(entered_at__lte=before)
        .annotate(reminder_key=key)
        .exclude(Exists(Notification.objects.filter(event_key=OuterRef("reminder_key"))))
    )


def queue_due_reminders(*, now: datetime.datetime | None = None) -> dict:
    """Queue every reminder that is due; returns how many of each were queued."""
    now = now or timezone.now()
    counts = {}
    for event, state, days_setting in CLAIM_REMINDERS:
        before = now - datetime.timedelta(days=getattr(settings, days_setting))
        claims = _due(
            Claim.objects.filter(status=state),
            entries=StatusEvent.objects.filter(
                claim=OuterRef("pk"), repair_order__isnull=True, to_status=state
            ),
            key_prefix="claim:",
            number_field="number",
            event=event,
            before=before,
        )
        counts[event] = _queue_each(
            rows=list(claims),
            queue=lambda claim, entry, event=event: claim_emails.queue_claim_email(
                claim=claim, event=event, status_event=entry
            ),
        )
    for event, state, days_setting in ORDER_REMINDERS:
        before = now - datetime.timedelta(days=getattr(settings, days_setting))
        orders = _due(
            RepairOrder.objects.filter(status=state).select_related("claim", "service_center"),
            entries=StatusEvent.objects.filter(repair_order=OuterRef("pk"), to_status=state),
            key_prefix="order:",
            number_field="order_number",
            event=event,
            before=before,
        )
        counts[event] = _queue_each(
            rows=list(orders),
            queue=lambda order, entry, event=event: order_emails.queue_order_email(
                order=order, event=event, status_event=entry
            ),
        )
    return counts


def _queue_each(*, rows, queue) -> int:
    entries = StatusEvent.objects.in_bulk([row.entry_event_id for row in rows])
    for row in rows:
        with transaction.atomic():
            queue(row, entries[row.entry_event_id])
    return len(rows)
