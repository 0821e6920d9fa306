"""The figures of support's day on the admin index: six or seven queries, whatever the data.

1. the claims new today (a range on the indexed submitted_at);
2. the open claims: waiting for the customer, replies overdue and due within 3 days (one
   conditional aggregate read off the partial index claim_open_due alone);
3. the service centers, each with its customers' average rating and how many rated;
4. open orders per center and state, and of them how many are longer than usual in their
   state (one GROUP BY, read off order_state_center alone);
5. the ten orders longest past their state's usual period (each state's first ten off
   order_state_since, united);
6. per center, the median days from the claim to the product's return, last 90 days:
   the state of the returned orders (one index-only query), and the median itself only
   when that state is not in the cache yet.

At a million claims (150,000 open, 160,000 open orders) each reads index entries, not rows:
issue 23 asks the page under 100 ms there (docs/benchmarks.md).
"""

import datetime
import operator
import statistics
from collections import defaultdict
from dataclasses import dataclass
from functools import reduce

from django.core.cache import cache
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
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from claims import phone_replies
from claims.admin import OPEN_STATES, AwaitingAnswerFilter, ReplyClockFilter, reply_clock_filter
from claims.models import ENDED_STATES, Claim, ClaimStatus
from notifications.models import InboundEmail, Notification, PhoneMessage
from repairs import order_numbers
from repairs.models import OrderStatus, RepairOrder, ServiceCenter, ServiceRating, Shipment
from repairs.states import QUEUE_STATES, USUAL_DAYS, tab_label

MEDIAN_WINDOW_DAYS = 90
# Orders whose product has gone back to the customer (or is on its way).
RETURN_STATES = [OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CANCELLED]
# A cached median is found again only while its orders are unchanged; a day bounds the
# memory a key that is never asked again holds.
MEDIAN_CACHE_SECONDS = 24 * 60 * 60
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
    # Per center, off rating_center_score: no GROUP BY of every rating joined to the centers.
    ratings = (
        ServiceRating.objects.filter(service_center=OuterRef("pk"))
        .order_by()
        .values("service_center")
    )
    centers = list(
        ServiceCenter.objects.annotate(
            rating_average=Subquery(ratings.annotate(average=Avg("score")).values("average")),
            rating_count=Coalesce(
                Subquery(ratings.annotate(count=Count("score")).values("count")), 0
            ),
        ).order_by("city", "name", "pk")
    )
    counts, stale = _open_order_counts(today=today)
    stalest = _stalest_orders(today=today, centers={center.pk: center for center in centers})
    medians = _median_return_days(since=median_window_start(today))

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
    new_today = Claim.objects.filter(submitted_at__gte=_local_midnight(today)).count()
    # Only the open claims, and of them only the two columns the partial index claim_open_due
    # holds (a count of the status, never null, not of the id): an index-only scan; the
    # closed history, most of the table, is never read.
    # The reply clock is the claim list's own rule, so a card's figure is what its link lists.
    figures = Claim.objects.filter(status__in=OPEN_STATES).aggregate(
        needs_info=Count("status", filter=Q(status=ClaimStatus.NEEDS_INFO)),
        overdue=Count("status", filter=reply_clock_filter("overdue", today=today)),
        due_soon=Count("status", filter=reply_clock_filter("soon", today=today)),
    )
    going_on = Claim.objects.exclude(status__in=ENDED_STATES)
    unanswered = phone_replies.unanswered_replies(going_on).count()
    drafts = InboundEmail.objects.filter(state=InboundEmail.State.DRAFT).count()
    return ClaimFigures(new_today=new_today, **figures, unanswered=unanswered, email_drafts=drafts)


def _open_order_counts(*, today: datetime.date) -> tuple[dict, dict]:
    """({(center, state): open orders}, {(center, state): of them longer than usual}).

    One GROUP BY read off order_state_center alone (state, since when, center, id): the
    160,000 open orders of a million claims are counted as index entries, not rows."""
    rows = (
        RepairOrder.objects.filter(status__in=QUEUE_STATES)
        .order_by()
        .values_list("service_center_id", "status")
        .annotate(
            count=Count("pk"),
            late=Count("pk", filter=Q(state_entered_at__lt=_limit_at(today=today))),
        )
    )
    counts, stale = {}, {}
    for center_id, status, count, late in rows:
        counts[(center_id, status)] = count
        if late:
            stale[(center_id, status)] = late
    return counts, stale


def _limit_at(*, today: datetime.date) -> Case:
    """The instant an order of each state USUAL_DAYS names becomes late (NULL for the
    others): entered on a local date more than the usual number of days before today, as
    the queue counts days."""
    return Case(
        *[
            When(status=state, then=Value(_local_midnight(today - datetime.timedelta(days=days))))
            for state, days in USUAL_DAYS.items()
        ],
        output_field=DateTimeField(),
    )


def _stalest_orders(*, today: datetime.date, centers: dict) -> list[StaleOrder]:
    """The STALEST_LIMIT orders longest past their state's usual period, one query.

    Within a state, the longest past its limit is the one that entered it first: so each
    state's first ten off order_state_since (ten index entries, not the 30,000 late orders
    of a million claims ranked), united, and the ten of the sixty ranked here."""
    columns = ("pk", "order_number", "status", "state_entered_at", "service_center_id")
    limits = {
        state: _local_midnight(today - datetime.timedelta(days=days))
        for state, days in USUAL_DAYS.items()
    }
    late = [Q(status=state, state_entered_at__lt=limit_at) for state, limit_at in limits.items()]
    if connection.vendor == "postgresql":
        firsts = [
            RepairOrder.objects.filter(condition)
            .order_by("state_entered_at", "pk")
            .values(*columns)[:STALEST_LIMIT]
            for condition in late
        ]
        rows = list(firsts[0].union(*firsts[1:], all=True).order_by())  # ranked below
    else:  # SQLite takes no LIMIT inside a UNION: all late orders, few on a small site
        rows = list(RepairOrder.objects.filter(reduce(operator.or_, late)).values(*columns))
    rows.sort(key=lambda row: (row["state_entered_at"] - limits[row["status"]], row["pk"]))
    return [
        StaleOrder(
            pk=row["pk"],
            display_number=order_numbers.display(row["order_number"]),
            status=row["status"],
            status_label=tab_label(row["status"]),
            center=_center_name(centers, row["service_center_id"]),
            days_in_state=(today - timezone.localdate(row["state_entered_at"])).days,
            usual_days=USUAL_DAYS[row["status"]],
        )
        for row in rows[:STALEST_LIMIT]
    ]


def _center_name(centers: dict, center_id: int) -> str:
    """«Name (City)» in the reader's language, of the centers the page already read (a
    center the list lacks, say one added since, is read on its own)."""
    center = centers.get(center_id) or ServiceCenter.objects.get(pk=center_id)
    return f"{center.name} ({center.city})"


class Median(Aggregate):
    """PostgreSQL's ordered-set aggregate: the median of an interval is an interval."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _median_return_days(*, since: datetime.datetime) -> dict:
    """{center id: (median days from the claim to the return, number of returns)}.

    The return is the delivery back to the customer, else the parcel sent back (the
    product left the center). Counted for returns since `since` (a local midnight).

    At a million claims the last 90 days hold 25,000 returns, and the median joins each to
    its claim: 70–80 ms. So the answer is kept in the cache under the state of the orders
    it reads: how many, the latest saved, the highest id (one index-only query). A return,
    or any save of a returned order, changes that state, and the next page computes anew.
    """
    key = median_cache_key(since=since)
    medians = cache.get(key)
    if medians is None:
        medians = _computed_median_return_days(_recent_returns(since=since), since=since)
        cache.set(key, medians, MEDIAN_CACHE_SECONDS)
    return medians


def median_window_start(today: datetime.date) -> datetime.datetime:
    # A local midnight, so the window, and the cached answer, hold for the whole day.
    return _local_midnight(today - datetime.timedelta(days=MEDIAN_WINDOW_DAYS))


def median_cache_key(*, since: datetime.datetime) -> str:
    """The cache key of the medians since `since`: the state of the returned orders (one
    index-only query, on order_returned)."""
    state = (
        _recent_returns(since=since)
        .order_by()
        .aggregate(orders=Count("pk"), last=Max("updated_at"), top=Max("pk"))
    )
    last = state["last"].isoformat() if state["last"] else "-"  # no spaces: any cache takes it
    return f"dashboard:median-return:{since.isoformat()}:{state['orders']}:{last}:{state['top']}"


def _recent_returns(*, since: datetime.datetime):
    return RepairOrder.objects.filter(status__in=RETURN_STATES, updated_at__gte=since)


def _computed_median_return_days(recent, *, since: datetime.datetime) -> dict:
    returns = (
        # A return since `since` saved the order then: updated_at narrows the rows whose
        # parcel is looked up to the recent ones.
        recent
        # An order has at most one parcel each way (one_shipment_per_direction): a LEFT
        # JOIN to it, not a subquery per order evaluated twice (filter and median).
        .annotate(
            sent_back=FilteredRelation(
                "shipments", condition=Q(shipments__direction=Shipment.Direction.OUTBOUND)
            )
        )
        .annotate(returned=Coalesce(F("returned_at"), F("sent_back__created_at")))
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
