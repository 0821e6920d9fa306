"""Reads of the workbench's queue and search: a fixed number of queries whatever the rows.

Every read takes the technician's center and filters on it first, so another center's
order can never appear in a list, a count or a search result.
"""

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from claims.models import Claim
from repairs import order_numbers
from repairs.models import RECEIVABLE_STATES, IntakeAct, OrderStatus, RepairOrder
from repairs.search import Query
from repairs.states import QUEUE_STATES, USUAL_DAYS

S = OrderStatus

# The parcel is expected: the technician writes the intake act from the row.

# The «Мои» tab: the open orders (every queue state) the technician has.
MINE = "mine"
PAGE_SIZE = 25
SEARCH_LIMIT = 50  # a phone or a serial names a handful of orders; more means a vague query


@dataclass(frozen=True)
class QueueRow:
    pk: int
    order_number: str
    display_number: str
    status: str
    product: str
    city: str
    entered_date: datetime.date  # local (Asia/Almaty)
    days_in_state: int
    is_overdue: bool
    can_receive: bool


def queue_counts(*, service_center_id: int, technician_id: int | None = None) -> dict[str, int]:
    """Open orders per queue state, every state present, and with `technician_id` the
    «Мои» tab's count (MINE: his open orders): one GROUP BY for all the tabs."""
    rows = (
        RepairOrder.objects.filter(service_center_id=service_center_id, status__in=QUEUE_STATES)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"), mine=Count("pk", filter=Q(technician_id=technician_id)))
    )
    counts = dict.fromkeys(QUEUE_STATES, 0)
    mine = 0
    for status, count, mine_count in rows:
        counts[status] = count
        mine += mine_count
    if technician_id is not None:
        counts[MINE] = mine
    return counts


def default_state(counts: dict[str, int]) -> str:
    """The first state with work in it, so the queue opens on something to do."""
    return next((state for state in QUEUE_STATES if counts.get(state)), QUEUE_STATES[0])


class _CountedPaginator(Paginator):
    # The tab's count is already known from queue_counts: no second COUNT(*).
    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def queue_page(
    *,
    service_center_id: int,
    status: str,
    count: int,
    page_number,
    technician_id: int | None = None,
):
    """One page of the tab `status` (MINE: `technician_id`'s open orders), newest activity
    first; rows as QueueRow.

    `count` is the tab's count from queue_counts. One query for the page's rows.
    """
    newest_first = ("-updated_at", "-pk")
    orders = RepairOrder.objects.filter(service_center_id=service_center_id)
    if status == MINE:
        # None would match the orders nobody has: the tab is only ever someone's.
        mine = Q(technician_id=technician_id) if technician_id is not None else Q(pk__in=[])
        orders = orders.filter(mine, status__in=QUEUE_STATES)
    else:
        orders = orders.filter(status=status)
    paginator = _CountedPaginator(orders.order_by(*newest_first), PAGE_SIZE, count=count)
    page = paginator.get_page(page_number)
    # The page's 25 ids are picked on the order table alone, then only those rows are
    # joined to their claims and history: sorting a joined tab cost 3x as much.
    assert isinstance(page.object_list, QuerySet)  # the page's slice of `orders`
    rows = _rows_queryset().filter(pk__in=page.object_list.values("pk"))
    page.object_list = _queue_rows(rows.order_by(*newest_first))
    return page


@dataclass(frozen=True)
class SearchResult:
    rows: list[QueueRow]
    has_more: bool
    exact_order: QueueRow | None  # the one hit, which the search opens


def search_orders(*, service_center_id: int, query: Query) -> SearchResult:
    """The center's orders any reading of `query` names; one query, none for empty input."""
    if query.text is None:
        return SearchResult(rows=[], has_more=False, exact_order=None)
    # Each reading is its own lookup, so each can use its table's index; their union of
    # order ids is then narrowed to the center. The serial number is always tried, as typed
    # by the customer and as found at intake; the other readings when the input can be one.
    claims = Q(serial_number__iexact=query.text)
    if query.claim_number:
        claims |= Q(number=query.claim_number)
    if query.phone:
        claims |= Q(phone=query.phone)
    by_claim = RepairOrder.objects.filter(claim__in=Claim.objects.filter(claims).values("pk"))
    by_act = IntakeAct.objects.filter(serial_number__iexact=query.text)
    ids = by_claim.values("pk").union(by_act.values("repair_order_id"))
    if query.order_number:
        ids = ids.union(RepairOrder.objects.filter(order_number=query.order_number).values("pk"))
    orders = (
        _rows_queryset()
        .filter(pk__in=ids, service_center_id=service_center_id)
        .order_by("-updated_at", "-pk")
    )
    rows = _queue_rows(orders[: SEARCH_LIMIT + 1])
    # Every reading is matched exactly (number, phone, serial number): one hit is the
    # order meant, and the box's hint promises that Enter opens it.
    exact = rows[0] if len(rows) == 1 else None
    return SearchResult(
        rows=rows[:SEARCH_LIMIT], has_more=len(rows) > SEARCH_LIMIT, exact_order=exact
    )


def _rows_queryset():
    # claim__status too: the FSM mixin reads every state field when a row is loaded, and a
    # deferred one would cost a query per row.
    return RepairOrder.objects.select_related("claim").only(
        "order_number",
        "status",
        "state_entered_at",
        "claim__status",
        "claim__product_model",
        "claim__city",
    )


def _queue_rows(orders) -> list[QueueRow]:
    today = timezone.localdate()
    rows = []
    for order in orders:
        entered_date = timezone.localdate(order.state_entered_at)
        days = max((today - entered_date).days, 0)
        usual = USUAL_DAYS.get(order.status)
        rows.append(
            QueueRow(
                pk=order.pk,
                order_number=order.order_number,
                display_number=order_numbers.display(order.order_number),
                status=order.status,
                product=order.claim.product_model,
                city=order.claim.city,
                entered_date=entered_date,
                days_in_state=days,
                is_overdue=usual is not None and days > usual,
                can_receive=order.status in RECEIVABLE_STATES,
            )
        )
    return rows
