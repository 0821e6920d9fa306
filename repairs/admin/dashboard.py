"""The figures of support's day on the admin index: five queries, whatever the data.

1. the claims: new today, waiting for the customer, replies overdue and due within 3 days
   (one conditional aggregate over today's and the open claims only);
2. the service centers, each with its customers' average rating and how many rated;
3. open orders per center and state (one GROUP BY, served by the queue's index);
4. the orders longer than usual in their state: counted per center and state, and the ten
   longest past their period, in one query;
5. per center, the median days from the claim to the product's return, last 90 days.
"""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from claims import phone_replies
from claims.admin import OPEN_STATES, AwaitingAnswerFilter, ReplyClockFilter, reply_clock_filter
from claims.models import ENDED_STATES, Claim, ClaimStatus
from notifications.models import InboundEmail, Notification, PhoneMessage
from repairs import order_numbers
from repairs.models import OrderStatus, RepairOrder, ServiceCenter, Shipment
from repairs.selectors import in_reader_language, translated
from repairs.states import QUEUE_STATES, USUAL_DAYS, tab_label

MEDIAN_WINDOW_DAYS = 90
STALEST_LIMIT = 10


@dataclass(frozen=True)
class ClaimFigures:
    new_today: int
    needs_info: int
    overdue: int
    due_soon: int
    unanswered: int = 0  # claims whose customer wrote (e-mail, WhatsApp), not yet answered
    email_drafts: int = 0  # e-mails to support that match no claim yet (claims.mail_replies)
    # The claim list's reply-clock filter (its query parameter): the cards link to it.
    clock_parameter: str = ReplyClockFilter.parameter_name
    unanswered_parameter: str = AwaitingAnswerFilter.parameter_name


@dataclass(frozen=True)
class CenterRow:
    center_id: int
    name: str
    city: str
    is_active: bool
    cells: list  # (state, open orders, of them longer than usual), in QUEUE_STATES order
    total: int
    stale: int
    median_days: float | None  # claim to return, last MEDIAN_WINDOW_DAYS days
    returns: int  # how many returns the median is taken over
    rating_average: float | None = None  # the customers' 1–5 ratings after delivery
    rating_count: int = 0


@dataclass(frozen=True)
class StaleOrder:
    pk: int
    display_number: str
    status: str
    status_label: str
    center: str
    days_in_state: int
    usual_days: int


@dataclass(frozen=True)
class FailedMessages:
    """Messages to customers that failed for good on one channel, linked to their list."""

    channel: str
    count: int
    url: str


@dataclass(frozen=True)
class Dashboard:
    today: datetime.date
    claims: ClaimFigures
    states: list  # (state, short label), the table's columns
    centers: list[CenterRow]
    state_totals: list  # (state, open orders, of them longer than usual)
    open_total: int
    stale_total: int
    stalest: list[StaleOrder]
    failed_messages: list["FailedMessages"]


def support_dashboard(*, now: datetime.datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    today = timezone.localdate(now)
    claims = _claim_figures(today=today)
    centers = list(
        ServiceCenter.objects.annotate(
            rating_average=Avg("ratings__score"), rating_count=Count("ratings")
        ).order_by("city", "name", "pk")
    )
    counts = _open_order_counts()
    stale, stalest = _stale_figures(today=today)
    medians = _median_return_days(since=now - datetime.timedelta(days=MEDIAN_WINDOW_DAYS))

    rows = []
    for center in centers:
        cells = [
            (state, counts.get((center.pk, state), 0), stale.get((center.pk, state), 0))
            for state in QUEUE_STATES
        ]
        total = sum(count for _state, count, _stale in cells)
        # A closed center stays on the board while it still holds orders.
        if not center.is_active and not total:
            continue
        median, returns = medians.get(center.pk, (None, 0))
        rows.append(
            CenterRow(
                center_id=center.pk,
                name=center.name,
                city=center.city,
                is_active=center.is_active,
                cells=cells,
                total=total,
                stale=sum(late for _state, _count, late in cells),
                median_days=median,
                returns=returns,
                rating_average=center.rating_average,
                rating_count=center.rating_count,
            )
        )
    state_totals = [
        (
            state,
            sum(count for (_c, s), count in counts.items() if s == state),
            sum(count for (_c, s), count in stale.items() if s == state),
        )
        for state in QUEUE_STATES
    ]
    return Dashboard(
        today=today,
        claims=claims,
        states=[(state, tab_label(state)) for state in QUEUE_STATES],
        centers=rows,
        state_totals=state_totals,
        open_total=sum(counts.values()),
        stale_total=sum(stale.values()),
        stalest=stalest,
        failed_messages=_failed_messages(),
    )


def _failed_messages() -> list[FailedMessages]:
    """Failed e-mails, WhatsApp and SMS messages: two queries, zeros included (a zero says
    the channel works)."""
    failed = Notification.Status.FAILED
    emails = Notification.objects.filter(status=failed).count()
    phone = dict(
        PhoneMessage.objects.filter(status=PhoneMessage.Status.FAILED)
        .values_list("channel")
        .annotate(count=Count("pk"))
        .order_by()
    )
    emails_url = reverse("admin:notifications_notification_changelist")
    phone_url = reverse("admin:notifications_phonemessage_changelist")
    return [
        FailedMessages(
            str(pgettext_lazy("admin", "E-mail")), emails, f"{emails_url}?status__exact={failed}"
        ),
        *(
            FailedMessages(
                str(label),
                phone.get(channel, 0),
                f"{phone_url}?status__exact={failed}&channel__exact={channel}",
            )
            for channel, label in PhoneMessage.Channel.choices
        ),
    ]


def _claim_figures(*, today: datetime.date) -> ClaimFigures:
    day_start = _local_midnight(today)
    # Only today's and the open claims are read (status and submitted_at are indexed);
    # the closed history, which is most of the table, is never scanned. The reply clock
    # is the claim list's own rule, so a card's figure is what its link lists.
    figures = Claim.objects.filter(
        Q(submitted_at__gte=day_start) | Q(status__in=OPEN_STATES)
    ).aggregate(
        new_today=Count("pk", filter=Q(submitted_at__gte=day_start)),
        needs_info=Count("pk", filter=Q(status=ClaimStatus.NEEDS_INFO)),
        overdue=Count("pk", filter=reply_clock_filter("overdue", today=today)),
        due_soon=Count("pk", filter=reply_clock_filter("soon", today=today)),
    )
    going_on = Claim.objects.exclude(status__in=ENDED_STATES)
    unanswered = phone_replies.unanswered_replies(going_on).count()
    drafts = InboundEmail.objects.filter(state=InboundEmail.State.DRAFT).count()
    return ClaimFigures(**figures, unanswered=unanswered, email_drafts=drafts)


def _open_order_counts() -> dict:
    rows = (
        RepairOrder.objects.filter(status__in=QUEUE_STATES)
        .order_by()
        .values_list("service_center_id", "status")
        .annotate(count=Count("pk"))
    )
    return {(center_id, status): count for center_id, status, count in rows}


def _stale_orders(*, today: datetime.date):
    """Open orders longer in their state than USUAL_DAYS says, as the queue counts days:
    entered on a local date more than the usual number of days before today."""
    limit_at = Case(
        *[
            When(status=state, then=Value(_local_midnight(today - datetime.timedelta(days=days))))
            for state, days in USUAL_DAYS.items()
        ],
        output_field=DateTimeField(),
    )
    return (
        RepairOrder.objects.filter(status__in=list(USUAL_DAYS))
        # state_entered_at is written with every move (the queue's days in state read it too).
        .annotate(entered_at=F("state_entered_at"), limit_at=limit_at)
        .filter(entered_at__lt=F("limit_at"))
    )


def _stale_figures(*, today: datetime.date) -> tuple[dict, list]:
    """({(center, state): orders late in it}, the STALEST_LIMIT latest of all), one query.

    The late orders are numbered within their (center, state) and across all by how long
    past their limit they are; only each group's first row and the overall first ten are
    read back, so the rows returned stay few however many orders are late."""
    group = [F("service_center_id"), F("status")]
    rows = (
        _stale_orders(today=today)
        .annotate(
            late_by=ExpressionWrapper(F("limit_at") - F("entered_at"), DurationField()),
            group_count=Window(Count("pk"), partition_by=group),
            group_row=Window(RowNumber(), partition_by=group, order_by=F("pk").asc()),
            rank=Window(RowNumber(), order_by=[F("late_by").desc(), F("pk").asc()]),
        )
        .filter(Q(group_row=1) | Q(rank__lte=STALEST_LIMIT))
        .order_by()  # the rows are sorted here, by rank: no sort by the model's ordering
        .values(
            "pk",
            "order_number",
            "status",
            "entered_at",
            "service_center_id",
            *translated("service_center__name"),
            *translated("service_center__city"),
            "group_row",
            "group_count",
            "rank",
        )
    )
    counts, stalest = {}, []
    for row in rows:
        if row["group_row"] == 1:
            counts[(row["service_center_id"], row["status"])] = row["group_count"]
        if row["rank"] <= STALEST_LIMIT:
            stalest.append(row)
    stalest.sort(key=lambda row: row["rank"])
    return counts, [
        StaleOrder(
            pk=row["pk"],
            display_number=order_numbers.display(row["order_number"]),
            status=row["status"],
            status_label=tab_label(row["status"]),
            center=(
                f"{in_reader_language(row, 'service_center__name')} "
                f"({in_reader_language(row, 'service_center__city')})"
            ),
            days_in_state=(today - timezone.localdate(row["entered_at"])).days,
            usual_days=USUAL_DAYS[row["status"]],
        )
        for row in stalest
    ]


class Median(Aggregate):
    """PostgreSQL's ordered-set aggregate: the median of an interval is an interval."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _median_return_days(*, since: datetime.datetime) -> dict:
    """{center id: (median days from the claim to the return, number of returns)}.

    The return is the delivery back to the customer, else the parcel sent back (the
    product left the center). Counted for returns since `since`.
    """
    sent_back = Shipment.objects.filter(
        repair_order=OuterRef("pk"), direction=Shipment.Direction.OUTBOUND
    ).values("created_at")[:1]
    returns = (
        # A return since `since` saved the order then: updated_at narrows the rows whose
        # parcel is looked up to the recent ones.
        RepairOrder.objects.filter(
            status__in=[OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CANCELLED],
            updated_at__gte=since,
        )
        .annotate(returned=Coalesce(F("returned_at"), Subquery(sent_back)))
        .filter(returned__gte=since)
        .annotate(
            took=ExpressionWrapper(
                F("returned") - F("claim__submitted_at"), output_field=DurationField()
            )
        )
        .order_by()
    )
    if connection.vendor == "postgresql":
        rows = returns.values_list("service_center_id").annotate(
            median=Median("took"), count=Count("pk")
        )
        return {center_id: (_days(median), count) for center_id, median, count in rows}
    # The embedded SQLite has no percentile: one query for the durations, median in Python.
    durations = defaultdict(list)
    for center_id, took in returns.values_list("service_center_id", "took"):
        durations[center_id].append(took)
    return {
        center_id: (_days(statistics.median(values)), len(values))
        for center_id, values in durations.items()
    }


def _days(duration: datetime.timedelta) -> float:
    return round(duration.total_seconds() / 86400, 1)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
