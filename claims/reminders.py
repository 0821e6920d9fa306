"""Reminders to customers who keep a claim waiting on them, and the helper both apps use.

Each reminder belongs to one stay in a state: its event key names the StatusEvent that
entered the state, so the hourly beat run queues it once, and a claim that enters
`needs_info` again later gets a new reminder for the new request.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from claims import emails
from claims.models import Claim, ClaimStatus, StatusEvent
from notifications.services import existing_event_keys

# (event, state, days setting)
CLAIM_REMINDERS = [("claim_info_reminder", ClaimStatus.NEEDS_INFO, "REMINDER_NEEDS_INFO_DAYS")]


def queue_reminders(*, rows, entries, before: datetime.datetime, key_of, queue) -> int:
    """Queue `queue(row, entry)` once per row whose latest entry into its state is older
    than `before`; returns how many were queued.

    `entries` are the StatusEvents entering the state, filtered on OuterRef("pk"); `key_of`
    gives the event key the reminder will carry, so a row already reminded is skipped.
    """
    latest = entries.order_by("-created_at", "-pk")
    due = list(
        rows.annotate(
            entry_event_id=Subquery(latest.values("pk")[:1]),
            entered_at=Subquery(latest.values("created_at")[:1]),
        ).filter(entered_at__lte=before)
    )
    keys = {row.pk: key_of(row, row.entry_event_id) for row in due}
    done = existing_event_keys(keys=keys.values())
    todo = [row for row in due if keys[row.pk] not in done]
    entry_events = StatusEvent.objects.in_bulk([row.entry_event_id for row in todo])
    for row in todo:
        with transaction.atomic():
            queue(row, entry_events[row.entry_event_id])
    return len(todo)


def queue_due_claim_reminders(*, now: datetime.datetime | None = None) -> dict:
    """Queue every claim reminder that is due; returns how many of each were queued."""
    now = now or timezone.now()
    counts = {}
    for event, state, days_setting in CLAIM_REMINDERS:
        counts[event] = queue_reminders(
            rows=Claim.objects.filter(status=state),
            entries=StatusEvent.objects.filter(
                claim=OuterRef("pk"), subject=StatusEvent.Subject.CLAIM, to_status=state
            ),
            before=now - datetime.timedelta(days=getattr(settings, days_setting)),
            key_of=lambda claim, entry_id, event=event: emails.claim_event_key(
                claim=claim, event=event, status_event_id=entry_id
            ),
            queue=lambda claim, entry, event=event: emails.queue_claim_email(
                claim=claim, event=event, status_event=entry
            ),
        )
    return counts
